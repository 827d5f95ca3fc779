"""Renderers for the patient messages sent through the clinic outbox."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from clinic import outbox
from clinic.models import Notification
from clinic.transports import Message

from . import followups
from .models import FollowUpReply, PatientInvitation
from .services import invitation_mint_token


def render_invitation(notification: Notification) -> Message:
    invitation = PatientInvitation.objects.select_related("patient", "patient__clinic").get(
        pk=notification.context["invitation_id"]
    )
    if invitation.used_at is not None:
        raise outbox.NotificationCancelled("invitation already used")
    token = invitation_mint_token(invitation)
    patient = invitation.patient
    clinic = patient.clinic
    context = {
        "patient": patient,
        "clinic": clinic,
        # The app reads the token from the fragment, which browsers never send to a server,
        # and signs the patient in once the password is set. /invitations/<token>/ still
        # works for links sent before the app existed.
        "link": f"{settings.SITE_URL}{reverse('app:shell')}#invitation={token}",
        "expires_at": invitation.expires_at,
    }
    # In the patient's language, the expiry in their timezone.
    with translation.override(patient.language_code), timezone.override(patient.timezone):
        return Message(
            subject=gettext("Your %(clinic)s app account") % {"clinic": clinic.name},
            text=render_to_string("patients/email/invitation.txt", context),
            html=render_to_string("patients/email/invitation.html", context),
            reply_to=(clinic.email,),
        )


def render_episode_check(notification: Notification) -> Message:
    return followups.patient_message(
        notification,
        subject=gettext_lazy("How is your back this morning? - %(clinic)s"),
        template="patients/email/episode_check",
        with_reply=True,
    )


def render_worse_reply_alert(notification: Notification) -> Message:
    reply = FollowUpReply.objects.select_related("patient__clinic").get(
        pk=notification.context["reply_id"]
    )
    clinic = reply.patient.clinic
    context = {
        "reply": reply,
        "clinic": clinic,
        "link": settings.SITE_URL + reverse("dashboard:patient", args=[reply.patient_id]),
    }
    with timezone.override(clinic.timezone):  # the clinicians' clock
        return Message(
            subject=f"A patient replied 'worse' - {clinic.name}",
            text=render_to_string("patients/email/worse_reply_alert.txt", context),
            html=render_to_string("patients/email/worse_reply_alert.html", context),
        )


def register() -> None:
    outbox.register("patient_invitation", render_invitation)
    outbox.register("episode_check", render_episode_check)
    outbox.register("worse_reply_alert", render_worse_reply_alert)
