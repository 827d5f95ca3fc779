"""Escalation alerts to clinicians. Email is not a secure channel: no names, no clinical detail."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from clinic import outbox
from clinic.models import Notification
from clinic.transports import Message

from .models import Escalation


def render_escalation_alert(notification: Notification) -> Message:
    escalation = Escalation.objects.select_related("patient__clinic").get(
        pk=notification.context["escalation_id"]
    )
    if escalation.status != Escalation.Status.OPEN:
        raise outbox.NotificationCancelled(f"escalation already {escalation.status}")
    clinic = escalation.patient.clinic
    context = {
        "escalation": escalation,
        "clinic": clinic,
        "reminder": notification.context.get("round", 0) > 0,
        "link": f"{settings.SITE_URL}{reverse('triage:queue')}#escalation-{escalation.pk}",
    }
    level = escalation.get_level_display().upper()
    prefix = "REMINDER: " if context["reminder"] else ""
    return Message(
        subject=f"{prefix}{level} triage alert needs acknowledging - {clinic.name}",
        text=render_to_string("triage/email/escalation_alert.txt", context),
        html=render_to_string("triage/email/escalation_alert.html", context),
        headers={"X-Priority": "1", "Importance": "high"},
    )


def register() -> None:
    outbox.register("escalation_alert", render_escalation_alert)
