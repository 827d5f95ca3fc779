from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from . import tokens
from .serializers import StrictInputMixin, TokenPairSerializer


class TokenBlacklistSerializer(StrictInputMixin, jwt_serializers.TokenBlacklistSerializer):
    pass


@extend_schema(
    tags=["auth"],
    summary="Exchange email and password (and a two-factor code) for an access and a refresh token",
    description="Clinic admins, staff of a clinic that requires two-factor sign-in and anyone "
    "who enrolled an authenticator app must also send `otp`, the app's current code: without "
    "it the answer is 401 `otp_required`, with a wrong one 401 `otp_invalid` (a failed login "
    "towards the lockout), while the app waits out its back-off after wrong codes 429 "
    "`otp_throttled`, and 403 `two_factor_setup_required` for an account that must use an "
    "authenticator app but has none yet (set it up on the dashboard). The tokens carry "
    "`otp_verified`; clinic endpoints refuse (403 `two_factor_required`) a token without it "
    "for a user who must use the second factor.",
    responses=TokenPairSerializer,
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    serializer_class = tokens.TokenObtainSerializer

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
        tokens.send_logged_in(request._request, user)
        return Response(serializer.validated_data)


@extend_schema(
    tags=["auth"],
    summary="Exchange a refresh token for a new pair (the old one is revoked)",
    description="The new pair keeps the claims of the login (`otp_verified`). 401 "
    "`otp_required` when the account must now use a second factor the login did not pass, or "
    "the authenticator app it passed was removed: log in again.",
)
class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = tokens.TokenRefreshSerializer


@extend_schema(tags=["auth"], summary="Log out: revoke the refresh token")
class LogoutView(jwt_views.TokenBlacklistView):
    serializer_class = TokenBlacklistSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # simplejwt answers "{}"; the schema promises no body, so there is none.
        response = super().post(request, *args, **kwargs)
        response.data = None
        return response
