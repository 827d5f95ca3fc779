"""Writes owned by the clinic package: notifications scheduled on behalf of domain apps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import devices_for_user

from . import outbox
from .errors import DomainError
from .models import Clinic, Membership, Notification, User


def notification_schedule(
    *,
    kind: str,
    recipient: str,
    dedupe_key: str,
    clinic: Clinic | None = None,
    recipient_user: User | None = None,
    context: dict[str, Any] | None = None,
    due_at: datetime | None = None,
    queue: str = "default",
) -> Notification:
    """Create (once per dedupe_key) an outbox row; it is enqueued after the caller's commit."""
    with transaction.atomic():
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        notification = Notification(
            kind=kind,
            recipient=recipient,
            recipient_user=recipient_user,
            clinic=clinic,
            context=context or {},
            dedupe_key=dedupe_key,
            due_at=due_at or timezone.now(),
            queue=queue,
        )
        notification.full_clean(exclude=["dedupe_key"])
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # a concurrent caller scheduled the same event first
            return Notification.objects.get(dedupe_key=dedupe_key)
    outbox.enqueue_on_commit(notification)
    return notification


def notification_cancel(*, dedupe_key: str) -> bool:
    """Cancel a scheduled message that has not gone out yet; True if there was one."""
    return bool(
        Notification.objects.filter(
            dedupe_key=dedupe_key,
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
        ).update(status=Notification.Status.CANCELLED)
    )


@transaction.atomic
def clinic_settings_update(
    *,
    clinic: Clinic,
    emergency_realert_minutes: int,
    urgent_realert_minutes: int,
    disabled_followup_kinds: list[str],
    escalation_contacts: list[Membership],
    country: str | None = None,
    language: str | None = None,
    emergency_number_override: str | None = None,
    urgent_service_override: str | None = None,
    require_two_factor: bool | None = None,
) -> Clinic:
    """The clinic's alerting, follow-up and sign-in settings; `escalation_contacts` are the
    non-admin members who also get escalation alerts (admins always do). Country, language,
    the overrides of the safety numbers and the two-factor requirement change only when
    given."""
    place = {
        "country": country,
        "language": language,
        "emergency_number_override": emergency_number_override,
        "urgent_service_override": urgent_service_override,
    }
    given = {name: value for name, value in place.items() if value is not None}
    for name, value in given.items():
        setattr(clinic, name, value.strip())
    clinic.emergency_realert_minutes = emergency_realert_minutes
    clinic.urgent_realert_minutes = urgent_realert_minutes
    clinic.disabled_followup_kinds = sorted(disabled_followup_kinds)
    if require_two_factor is not None:
        clinic.require_two_factor = require_two_factor
    clinic.full_clean()
    clinic.save(
        update_fields=[
            "emergency_realert_minutes",
            "urgent_realert_minutes",
            "disabled_followup_kinds",
            *given,
            *(["require_two_factor"] if require_two_factor is not None else []),
        ]
    )
    chosen = {m.pk for m in escalation_contacts if m.clinic_id == clinic.pk}
    members = Membership.objects.filter(clinic=clinic).exclude(role=Membership.Role.ADMIN)
    members.filter(pk__in=chosen).update(escalation_contact=True)
    members.exclude(pk__in=chosen).update(escalation_contact=False)
    return clinic


def second_factor_reset(*, clinic: Clinic, user: User, by: User) -> None:
    """A clinic admin removes a colleague's second factor (app and recovery codes) after a lost
    phone: the colleague enrols again at their next sign-in. Logged in the admin log, and the
    colleague is told by email (a reset they did not ask for must not go unnoticed)."""
    if not Membership.objects.filter(clinic=clinic, user=by, role=Membership.Role.ADMIN).exists():
        raise DomainError("Only a clinic admin can reset a colleague's two-factor sign-in.")
    if not Membership.objects.filter(clinic=clinic, user=user).exists():
        raise DomainError("This person does not work at this clinic.")
    if user.pk == by.pk:
        raise DomainError("You cannot reset your own two-factor sign-in: ask another clinic admin.")
    if user.is_staff or user.is_superuser:
        raise DomainError("A site administrator's two-factor sign-in is reset by another one.")
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        LogEntry.objects.create(
            user=by,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(user.pk),
            object_repr=str(user)[:200],
            action_flag=CHANGE,
            change_message=(
                f"Two-factor sign-in reset by clinic admin {by.email} at {clinic.name} "
                f"(clinic #{clinic.pk}): {len(devices)} device(s) removed."
            ),
        )
        now = timezone.now()
        notification_schedule(
            kind="two_factor_reset",
            recipient=user.email,
            recipient_user=user,
            clinic=clinic,
            context={"user_id": user.pk, "by_id": by.pk, "at": now.isoformat()},
            dedupe_key=f"two_factor_reset:{user.pk}:{now.isoformat()}",
        )
