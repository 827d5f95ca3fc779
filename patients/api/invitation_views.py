"""The app's side of an invitation: read who it is for, then set a password and sign in.

The token travels in the request body, never in a URL, so it stays out of server logs; the
answer to an accepted invitation is a JWT pair, the same as a login.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from clinic.api.serializers import RejectUnknownFieldsMixin, TokenPairSerializer

from .. import services


class InvitationTokenSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token of the invitation link")


class InvitationAcceptInputSerializer(InvitationTokenSerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class InvitationSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    email = serializers.EmailField()
    clinic_name = serializers.CharField()


def _usable(token: str) -> object:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise services.InvitationInvalid(
            "This invitation link is invalid, already used or expired. "
            "Please ask your clinic to send a new one."
        )
    return invitation


class InvitationBaseView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # a stale token in the app must not get in the way
    throttle_scope = "invitation"


@extend_schema(
    tags=["auth"],
    request=InvitationTokenSerializer,
    responses={200: InvitationSerializer},
    summary="Whom an invitation is for (the app shows it before the password is chosen)",
)
class InvitationView(InvitationBaseView):
    def post(self, request: Request) -> Response:
        data = InvitationTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = _usable(data.validated_data["token"])
        patient = invitation.patient  # type: ignore[attr-defined]
        return Response(
            {
                "first_name": patient.first_name,
                "email": patient.email,
                "clinic_name": patient.clinic.name,
            }
        )


@extend_schema(
    tags=["auth"],
    request=InvitationAcceptInputSerializer,
    responses={200: TokenPairSerializer},
    summary="Accept an invitation: set the password and sign in (a JWT pair, as a login)",
)
class InvitationAcceptView(InvitationBaseView):
    def post(self, request: Request) -> Response:
        data = InvitationAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _usable(data.validated_data["token"])
        try:
            user = services.invitation_accept(
                token=data.validated_data["token"], password=data.validated_data["password"]
            )
        except ValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        refresh = RefreshToken.for_user(user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})
