from drf_spectacular.utils import extend_schema
from rest_framework_simplejwt import views as jwt_views


@extend_schema(
    tags=["auth"], summary="Exchange email and password for an access and a refresh token"
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    pass


@extend_schema(
    tags=["auth"], summary="Exchange a refresh token for a new pair (the old one is revoked)"
)
class TokenRefreshView(jwt_views.TokenRefreshView):
    pass


@extend_schema(tags=["auth"], summary="Log out: revoke the refresh token")
class LogoutView(jwt_views.TokenBlacklistView):
    pass
