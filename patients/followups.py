"""Follow-up emails to patients: who may get one, when, and the links inside them.

Domain apps schedule their kinds through `followup_schedule`; renderers build the message with
`patient_message`, which checks again at send time (the patient may have opted out or been
deactivated since) and adds the signed reply and unsubscribe links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from clinic.models import Notification
from clinic.outbox import NotificationCancelled, NotificationDeferred
from clinic.selectors import clinic_contacts, works_at
from clinic.services import notification_schedule
from clinic.transports import Message

from .models import FollowUpReply, Patient

# The follow-up kinds a patient can switch off. Clinician alerts are not among them.
KINDS: dict[str, StrOrPromise] = {
    "intake_checkin": gettext_lazy("Check-ins after your screening questionnaire"),
    "episode_check": gettext_lazy("Check-ins after a bad spasm"),
    "adherence_nudge": gettext_lazy("Reminders about your home exercises"),
    "reassessment_due": gettext_lazy("Reminders to update your progress scores"),
}
REPLY_MAX_AGE = dt.timedelta(days=14)
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=180)
_REPLY_SALT = "patients.followups.reply"
_UNSUBSCRIBE_SALT = "patients.followups.unsubscribe"


def may_receive(patient: Patient, kind: str) -> bool:
    """The patient wants this kind of email and their clinic sends it."""
    return bool(
        patient.is_active and patient.email and patient.email_opt_in
        and kind not in patient.muted_kinds
        and kind not in patient.clinic.disabled_followup_kinds
    )  # fmt: skip


def _in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the quiet hours run past midnight


def outside_quiet_hours(patient: Patient, when: dt.datetime) -> dt.datetime:
    """`when`, or the end of the patient's quiet hours if it falls inside them."""
    tz = ZoneInfo(str(patient.timezone))
    local = when.astimezone(tz)
    start, end = patient.quiet_hours_start, patient.quiet_hours_end
    if not _in_quiet_hours(local.time(), start, end):
        return when
    day = local.date()
    if local.time() >= end:  # evening part of quiet hours that run past midnight
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=tz)


def next_local_time(patient: Patient, after: dt.datetime, at: dt.time) -> dt.datetime:
    """The first `at` o'clock in the patient's timezone on the day after `after` (local)."""
    tz = ZoneInfo(str(patient.timezone))
    day = after.astimezone(tz).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, at, tzinfo=tz)


def followup_schedule(
    *,
    patient: Patient,
    kind: str,
    due_at: dt.datetime,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Schedule a follow-up if the patient can receive it; once per dedupe_key."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    if not may_receive(patient, kind):
        return None
    return notification_schedule(
        kind=kind,
        recipient=patient.email,
        recipient_user=patient.user,
        clinic=patient.clinic,
        context={"patient_id": patient.pk, **(context or {})},
        dedupe_key=dedupe_key,
        due_at=outside_quiet_hours(patient, due_at),
    )


# --- signed links --------------------------------------------------------------------------


def reply_token(notification: Notification) -> str:
    return signing.dumps(
        {"n": notification.pk, "p": notification.context["patient_id"]}, salt=_REPLY_SALT
    )


def unsubscribe_token(patient: Patient, kind: str) -> str:
    return signing.dumps({"p": patient.pk, "k": kind}, salt=_UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class ReplyTarget:
    notification: Notification
    patient: Patient


def read_reply_token(token: str) -> ReplyTarget | None:
    try:
        data = signing.loads(token, salt=_REPLY_SALT, max_age=REPLY_MAX_AGE)
        notification = Notification.objects.get(pk=data["n"], context__patient_id=data["p"])
        patient = Patient.objects.select_related("clinic").get(pk=data["p"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, Notification.DoesNotExist,
            Patient.DoesNotExist):  # fmt: skip
        return None
    return ReplyTarget(notification, patient)


def read_unsubscribe_token(token: str) -> tuple[Patient, str] | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
        patient = Patient.objects.select_related("clinic").get(pk=data["p"])
    except (signing.BadSignature, KeyError, TypeError, Patient.DoesNotExist):
        return None
    return (patient, data["k"]) if data.get("k") in KINDS else None


def _absolute(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def patient_message(
    notification: Notification,
    *,
    subject: StrOrPromise,
    template: str,
    context: dict[str, Any] | None = None,
    with_reply: bool = False,
) -> Message:
    """Render a follow-up to a patient, or cancel/defer it if it must not go out now.

    In the patient's language and timezone; `subject` may name the clinic as %(clinic)s.
    """
    patient = Patient.objects.select_related("clinic", "physiotherapist").get(
        pk=notification.context["patient_id"]
    )
    if not may_receive(patient, notification.kind):
        raise NotificationCancelled("the patient no longer receives this kind of email")
    now = timezone.now()
    later = outside_quiet_hours(patient, now)
    if later > now:
        raise NotificationDeferred(later)
    unsubscribe = _absolute("followup-unsubscribe", unsubscribe_token(patient, notification.kind))
    values = {
        "patient": patient,
        "clinic": patient.clinic,
        "unsubscribe_url": unsubscribe,
        "kind_label": KINDS[notification.kind],
        **(context or {}),
    }
    if with_reply:
        token = reply_token(notification)
        values["reply_urls"] = {
            answer: _absolute("followup-reply", token, answer) for answer in FollowUpReply.Answer
        }
    with translation.override(patient.language_code), timezone.override(patient.timezone):
        subject_text = str(subject) % {"clinic": patient.clinic.name}
        text = render_to_string(f"{template}.txt", values)
        html = render_to_string(f"{template}.html", values)
    return Message(
        subject=subject_text,
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        reply_to=(patient.clinic.email,),
        to=patient.email,
    )


# --- what the links do ---------------------------------------------------------------------


def reply_record(*, target: ReplyTarget, answer: str) -> FollowUpReply:
    """Record (or change) the answer, keeping every answer given; a new "worse" alerts the
    physiotherapist and stays on Today until a clinician marks it seen."""
    with transaction.atomic():
        at = timezone.now()
        reply, created = FollowUpReply.objects.select_for_update().get_or_create(
            notification=target.notification,
            defaults={"patient": target.patient, "answer": answer},
        )
        changed = created or reply.answer != answer
        became_worse = answer == FollowUpReply.Answer.WORSE and changed
        if changed:
            reply.answer = answer
            reply.history = [*reply.history, {"answer": answer, "at": at.isoformat()}]
            if became_worse:
                reply.worse_at = at
            reply.save(update_fields=["answer", "history", "worse_at", "updated_at"])
        if became_worse:
            _alert_worse(reply)
    return reply


def reply_mark_seen(*, reply: FollowUpReply, user: Any) -> FollowUpReply:
    """A clinician has seen the "worse": it leaves Today (until the patient says it again)."""
    reply.worse_seen_at, reply.worse_seen_by = timezone.now(), user
    reply.save(update_fields=["worse_seen_at", "worse_seen_by"])
    return reply


def _alert_worse(reply: FollowUpReply) -> None:
    patient = reply.patient
    physio = patient.physiotherapist
    # Their physiotherapist while they still work there; otherwise the clinic's contacts.
    recipients = (
        [physio]
        if physio is not None and works_at(physio, patient.clinic_id)
        else clinic_contacts(patient.clinic_id)
    )
    for user in recipients:
        notification_schedule(
            kind="worse_reply_alert",
            recipient=user.email,
            recipient_user=user,
            clinic=patient.clinic,
            context={"reply_id": reply.pk, "patient_id": patient.pk},
            dedupe_key=f"worse_reply:{reply.pk}:{reply.updated_at.isoformat()}:user:{user.pk}",
        )


def unsubscribe(*, patient: Patient, kind: str) -> None:
    if kind not in patient.muted_kinds:
        patient.muted_kinds = [*patient.muted_kinds, kind]
        patient.save(update_fields=["muted_kinds", "updated_at"])
