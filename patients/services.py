"""Writes on patients: create, update, invite, accept an invitation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.errors import DomainError
from clinic.models import Clinic, IdempotencyRecord, Membership, Notification, User
from clinic.services import notification_schedule

from .models import Episode, Patient, PatientInvitation, PatientNote

PATIENT_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "timezone",
    "language",
    "email_opt_in",
    "quiet_hours_start",
    "quiet_hours_end",
    "is_active",
    "physiotherapist",
    "aggravating_direction",
    "muted_kinds",
)


def _check_physiotherapist(clinic: Clinic, physiotherapist: User | None) -> None:
    if (
        physiotherapist is not None
        and not Membership.objects.filter(clinic=clinic, user=physiotherapist).exists()
    ):
        raise DomainError(
            "The physiotherapist must work at the patient's clinic.",
            fields={"physiotherapist": ["Not a member of this clinic."]},
        )


@transaction.atomic
def patient_create(*, clinic: Clinic, **fields: Any) -> Patient:
    unknown = set(fields) - set(PATIENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    _check_physiotherapist(clinic, fields.get("physiotherapist"))
    patient = Patient(clinic=clinic, **fields)
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, **fields: Any) -> Patient:
    unknown = set(fields) - set(PATIENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    if "physiotherapist" in fields:
        _check_physiotherapist(patient.clinic, fields["physiotherapist"])
    old_email = patient.email
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    if patient.email.lower() != old_email.lower():
        # A link sent to the old (perhaps mistyped) address must not open this record.
        now = timezone.now()
        patient.invitations.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    if "is_active" in fields and not patient.is_active and patient.user_id:
        # A deactivated patient can no longer log in; the record is kept.
        User.objects.filter(pk=patient.user_id).update(is_active=False)
    return patient


@transaction.atomic
def note_create(*, patient: Patient, author: User, text: str) -> PatientNote:
    note = PatientNote(patient=patient, author=author, text=text.strip())
    note.full_clean()
    note.save()
    return note


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, patient: Patient, sent_by: User) -> PatientInvitation:
    """Invite a patient to the app. Older unused invitations stop working."""
    if not patient.email:
        raise DomainError(
            "The patient has no email address.", fields={"email": ["Needed to send an invitation."]}
        )
    if not patient.is_active:
        raise DomainError("The patient is inactive.")
    now = timezone.now()
    patient.invitations.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    invitation = PatientInvitation.objects.create(
        patient=patient, created_by=sent_by, expires_at=now + settings.INVITATION_TTL
    )
    notification_schedule(
        kind="patient_invitation",
        recipient=patient.email,
        clinic=patient.clinic,
        context={"invitation_id": invitation.pk, "patient_id": patient.pk},
        dedupe_key=f"patient_invitation:{invitation.pk}",
    )
    return invitation


def invitation_mint_token(invitation: PatientInvitation) -> str:
    """A fresh raw token for the email being rendered; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    PatientInvitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    return token


def invitation_for_token(token: str, *, now: datetime | None = None) -> PatientInvitation | None:
    invitation = (
        PatientInvitation.objects.select_related("patient", "patient__clinic")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(now or timezone.now()):
        return None
    if not invitation.patient.is_active:
        return None
    return invitation


class InvitationInvalid(DomainError):
    code = "invitation_invalid"


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise InvitationInvalid(_("This invitation link is invalid, already used or expired."))
    # Lock the row so two submissions of the same link cannot both succeed.
    invitation = PatientInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationInvalid(_("This invitation link is invalid, already used or expired."))
    patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
    user = patient.user
    if user is None:
        if User.objects.filter(email__iexact=patient.email).exists():
            raise InvitationInvalid(
                _("An account with this email already exists. Please contact your clinic.")
            )
        user = User(
            email=patient.email.lower(), first_name=patient.first_name, last_name=patient.last_name
        )
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save()
    if patient.user_id != user.pk:
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


@transaction.atomic
def patient_erase(*, patient: Patient) -> Patient:
    """Erasure on request: personal data removed or pseudonymised; clinical records, their
    change history stripped of the same data, and the access log are kept.

    The birth date keeps its year only, so age-based safety rules still read sensibly.
    """
    pseudonym = {
        "first_name": "Erased",
        "last_name": f"patient {patient.pk}",
        "email": "",
        "phone": "",
        "date_of_birth": patient.date_of_birth.replace(month=1, day=1),
    }
    for name, value in pseudonym.items():
        setattr(patient, name, value)
    patient.is_active = False
    patient.email_opt_in = False
    user = patient.user
    patient.user = None
    patient.save()
    patient.history.all().update(**pseudonym)
    if user is not None:
        user.email = f"erased-{user.pk}@invalid.example"
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    free_text = {"notes": "", "trigger_notes": "", "activity": "", "medicines": []}
    Episode.objects.filter(patient=patient).update(**free_text)
    Episode.history.filter(patient_id=patient.pk).update(**free_text)
    patient.invitations.all().delete()
    if user is not None:  # replayable responses would still hold their health data
        IdempotencyRecord.objects.filter(user=user).delete()
    Notification.objects.filter(
        context__patient_id=patient.pk,
        status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
    ).update(status=Notification.Status.CANCELLED)
    Notification.objects.filter(context__patient_id=patient.pk).update(
        recipient="erased@invalid.example"
    )
    return patient
