"""Escalation alerts to clinicians. Email is not a secure channel: no names, no clinical detail."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from clinic import outbox
from clinic.models import Notification
from clinic.transports import Message
from patients import followups

from .models import Escalation, Reassessment


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
    with timezone.override(clinic.timezone):  # the clinicians' clock
        return Message(
            subject=f"{prefix}{level} triage alert needs acknowledging - {clinic.name}",
            text=render_to_string("triage/email/escalation_alert.txt", context),
            html=render_to_string("triage/email/escalation_alert.html", context),
            headers={"X-Priority": "1", "Importance": "high"},
        )


def render_intake_checkin(notification: Notification) -> Message:
    return followups.patient_message(
        notification,
        subject=gettext_lazy("How are you getting on? - %(clinic)s"),
        template="triage/email/intake_checkin",
        with_reply=True,
    )


def render_reassessment_due(notification: Notification) -> Message:
    weeks = notification.context["weeks"]
    if Reassessment.objects.filter(
        patient_id=notification.context["patient_id"], milestone_weeks=weeks
    ).exists():
        raise outbox.NotificationCancelled("reassessment already done")
    return followups.patient_message(
        notification,
        subject=gettext_lazy("Time to update your progress - %(clinic)s"),
        template="triage/email/reassessment_due",
        context={"weeks": weeks},
    )


def register() -> None:
    outbox.register("escalation_alert", render_escalation_alert)
    outbox.register("intake_checkin", render_intake_checkin)
    outbox.register("reassessment_due", render_reassessment_due)
