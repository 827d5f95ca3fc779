from typing import Any

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .serializers import StrictInputMixin, TokenPairSerializer


class TokenObtainSerializer(StrictInputMixin, jwt_serializers.TokenObtainPairSerializer):
    pass


class TokenRefreshSerializer(StrictInputMixin, jwt_serializers.TokenRefreshSerializer):
    pass


class TokenBlacklistSerializer(StrictInputMixin, jwt_serializers.TokenBlacklistSerializer):
    pass


@extend_schema(
    tags=["auth"],
    responses=TokenPairSerializer,
    summary="Exchange email and password for an access and a refresh token",
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    serializer_class = TokenObtainSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        # django-axes marks a lockout on the request it is given; hand it Django's own request
        # so its middleware (outside DRF) sees the mark and answers 429.
        context["request"] = self.request._request
        return context

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        # A token login is a login: last_login is updated and the lockout count is reset.
        user = serializer.user  # type: ignore[attr-defined]
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(serializer.validated_data)


@extend_schema(
    tags=["auth"], summary="Exchange a refresh token for a new pair (the old one is revoked)"
)
class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = TokenRefreshSerializer


@extend_schema(tags=["auth"], summary="Log out: revoke the refresh token")
class LogoutView(jwt_views.TokenBlacklistView):
    serializer_class = TokenBlacklistSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # simplejwt answers "{}"; the schema promises no body, so there is none.
        response = super().post(request, *args, **kwargs)
        response.data = None
        return response
