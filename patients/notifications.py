"""Renderers for the patient messages sent through the clinic outbox."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from clinic import outbox
from clinic.models import Notification
from clinic.transports import Message

from .models import PatientInvitation
from .services import invitation_mint_token


def render_invitation(notification: Notification) -> Message:
    invitation = PatientInvitation.objects.select_related("patient", "patient__clinic").get(
        pk=notification.context["invitation_id"]
    )
    if invitation.used_at is not None:
        raise outbox.NotificationCancelled("invitation already used")
    token = invitation_mint_token(invitation)
    clinic = invitation.patient.clinic
    context = {
        "patient": invitation.patient,
        "clinic": clinic,
        "link": settings.SITE_URL + reverse("invitation-accept", args=[token]),
        "expires_at": invitation.expires_at,
    }
    return Message(
        subject=f"Your {clinic.name} app account",
        text=render_to_string("patients/email/invitation.txt", context),
        html=render_to_string("patients/email/invitation.html", context),
        reply_to=(clinic.email,),
    )


def register() -> None:
    outbox.register("patient_invitation", render_invitation)
