"""JWT login and refresh: the second factor on the API door, and a refresh token used once.

A user who must pass a second factor (clinic.second_factor) gets tokens only with a good code in
`otp`; the tokens then carry `otp_verified: true` and the device that verified it, and clinician
endpoints refuse a token without it (clinic.api.permissions). Wrong codes count as failed logins
for django-axes (lockout) on top of django-otp's per-device back-off.

Refresh keeps the claims it was issued with (an unverified chain never becomes verified),
ends the chain when the device was removed or the account closed (a deleted account is a 401,
not a 500), and rotates atomically: the old token's blacklist row is inserted first, in the
same transaction as the new token, and its unique index decides which of several concurrent
refreshes wins, so one refresh token yields exactly one new pair.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django_otp.models import Device
from rest_framework import exceptions, serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from clinic import second_factor
from clinic.errors import DomainError
from clinic.models import User

from .serializers import StrictInputMixin

OTP_HELP = (
    "The current 6-digit code from the authenticator app. Required for clinic admins, staff of "
    "a clinic that requires two-factor sign-in, and anyone who enrolled an authenticator; "
    "patients and other physiotherapists leave it out."
)


class SecondFactorNeeded(DomainError):
    status_code = 401
    code = "otp_required"


class SecondFactorWrong(DomainError):
    status_code = 401
    code = "otp_invalid"


class SecondFactorNotSetUp(DomainError):
    status_code = 403
    code = "two_factor_setup_required"


def issue(user: User, device: Device | None) -> RefreshToken:
    """A refresh token (with its access token) saying whether `device` verified this login."""
    refresh = RefreshToken.for_user(user)
    refresh[second_factor.VERIFIED_CLAIM] = device is not None
    if device is not None:
        refresh[second_factor.DEVICE_CLAIM] = device.persistent_id
    # for_user stored the token before the claims were added; keep the stored copy exact.
    OutstandingToken.objects.filter(jti=refresh[api_settings.JTI_CLAIM]).update(token=str(refresh))
    return refresh


def _second_factor(request: HttpRequest, user: User, code: str | None) -> Device | None:
    """The device that verified `code`, None for a user who needs no second factor, or an error."""
    if not second_factor.must_use_for(user):
        return None
    if not second_factor.has_confirmed_device(user):
        raise SecondFactorNotSetUp(
            "This account must sign in with an authenticator app: set one up on the dashboard "
            "(Set up two-factor), then log in here with its code."
        )
    if not code:
        raise SecondFactorNeeded(
            "Enter the code from your authenticator app.",
            fields={"otp": ["This account needs the code from its authenticator app."]},
        )
    result, device, wait = second_factor.check_code(user, code)
    if result is second_factor.Check.THROTTLED:
        raise exceptions.Throttled(  # Retry-After: the seconds left
            wait=wait,
            detail="Too many wrong codes: wait a little (longer after each wrong code).",
            code="otp_throttled",
        )
    if device is None:
        # A wrong code is a failed login: django-axes counts it towards the lockout.
        user_login_failed.send(sender=__name__, credentials={"email": user.email}, request=request)
        raise SecondFactorWrong(
            "That code is not right, or it has expired. Try the next one.",
            fields={"otp": ["Not the current code."]},
        )
    return device


class TokenObtainSerializer(StrictInputMixin, jwt_serializers.TokenObtainPairSerializer):
    """Email and password, and the authenticator app's code where the account needs one."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp"] = serializers.RegexField(
            r"^[0-9]{6,8}$",
            min_length=6,
            max_length=8,
            required=False,
            write_only=True,
            help_text=OTP_HELP,
            error_messages={"invalid": "The code is 6 to 8 digits, sent as a string."},
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        jwt_serializers.TokenObtainSerializer.validate(self, attrs)  # password; axes lockout
        user: User = self.user  # type: ignore[assignment]
        device = _second_factor(self.context["request"], user, attrs.get("otp"))
        refresh = issue(user, device)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class TokenRefreshSerializer(StrictInputMixin, jwt_serializers.TokenRefreshSerializer):
    """A refresh token, used once: the answer is a new access and refresh token."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        old = self.token_class(attrs["refresh"])  # signature, expiry, blacklist: TokenError
        user_id = old.payload.get(api_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id).first() if user_id is not None else None
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            )
        if old.get(second_factor.VERIFIED_CLAIM) is True:
            if not second_factor.device_still_confirmed(user, old.get(second_factor.DEVICE_CLAIM)):
                raise SecondFactorNeeded(
                    "The authenticator app this login was verified with is no longer set up: "
                    "log in again."
                )
        elif second_factor.must_use_for(user):
            raise SecondFactorNeeded(
                "This account now signs in with an authenticator app: log in again with its code."
            )
        with transaction.atomic():
            _revoke_once(old)
            access = old.access_token
            new = old  # the same claims, a new identity and lifetime
            new.set_jti()
            new.set_exp()
            new.set_iat()
            new.outstand()
        return {"access": str(access), "refresh": str(new)}


def _revoke_once(token: RefreshToken) -> None:
    """Blacklist `token`; if another request already did (or is doing it right now), refuse."""
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token[api_settings.JTI_CLAIM],
        defaults={
            "user_id": token.payload.get(api_settings.USER_ID_CLAIM),
            "created_at": token.current_time,
            "token": str(token),
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    try:
        with transaction.atomic():
            # On PostgreSQL a concurrent insert of the same row waits here for the first one's
            # transaction, then fails on the unique index.
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        raise TokenError("Token is blacklisted") from None


def send_logged_in(request: HttpRequest, user: User) -> None:
    """A token login is a login (last_login, django-axes' reset and access log), but it must
    not create a session: django-axes hashes the session key for its access log, creating a
    session row to have one. Without a session on the request it records an empty hash."""
    session = request.__dict__.pop("session", None)
    try:
        user_logged_in.send(sender=type(user), request=request, user=user)
    finally:
        if session is not None:
            request.session = session
