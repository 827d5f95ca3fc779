"""Renderer for the adherence nudge sent through the clinic outbox."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from clinic import outbox
from clinic.models import Notification
from clinic.transports import Message
from patients import followups

from .models import Program


def render_adherence_nudge(notification: Notification) -> Message:
    program = Program.objects.get(pk=notification.context["program_id"])
    if program.status != Program.Status.ACTIVE:
        raise outbox.NotificationCancelled("the program has ended")
    return followups.patient_message(
        notification,
        subject=gettext_lazy("Your home exercises - %(clinic)s"),
        template="programs/email/adherence_nudge",
    )


def register() -> None:
    outbox.register("adherence_nudge", render_adherence_nudge)
