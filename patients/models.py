from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from timezone_field import TimeZoneField

from clinic.models import Clinic

from .vocabulary import (
    Function,
    MovementDirection,
    Region,
    ReliefEffect,
    ReliefMethod,
    Side,
    Trigger,
)


class Patient(models.Model):
    """A person treated at one clinic. The same person at two clinics is two records."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    physiotherapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_patients",
    )
    # The login for the mobile app, set when the patient accepts an invitation.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    timezone = TimeZoneField(default="Europe/London")
    # Emails, pages and API answers to the patient; blank follows the clinic's language.
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="Blank: the clinic's language.",
    )
    # Contact preferences: no emails at all when off; quiet hours in the patient's timezone.
    email_opt_in = models.BooleanField(default=True)
    # Follow-up kinds the patient unsubscribed from (see patients.followups.KINDS).
    muted_kinds = models.JSONField(default=list, blank=True)
    quiet_hours_start = models.TimeField(default=dt.time(21, 0))
    quiet_hours_end = models.TimeField(default=dt.time(8, 0))
    # The movement direction that aggravates the pain, as the physiotherapist assessed it;
    # exercises in that direction need the clinician's confirmation.
    aggravating_direction = models.CharField(
        max_length=20, choices=MovementDirection.choices, blank=True
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar = ["last_name", "first_name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "clinic",
                Lower("email"),
                condition=~Q(email=""),
                name="patient_email_unique_per_clinic",
                violation_error_message="This clinic already has a patient with this email.",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["clinic", "last_name", "first_name"], name="patient_clinic_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def language_code(self) -> str:
        """The language to speak to this patient in: their choice, else their clinic's."""
        return self.language or self.clinic.language

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        """Whole years today, in the patient's own timezone."""
        return self.age_on(timezone.localdate(timezone=self.timezone))


class PatientInvitation(models.Model):
    """A single-use, expiring link for a patient to set a password; only its hash is kept."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Filled when the email is rendered: the raw token exists only inside that email.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} for patient #{self.patient_id}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class Episode(models.Model):
    """One spasm episode as the patient recorded it (often offline, synced later)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    # Made by the app when the episode is recorded: retries and re-syncs carry the same one.
    client_id = models.UUIDField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Always set (from ended_at when the app sent an end time) so the database can aggregate it.
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    peak_intensity = models.PositiveSmallIntegerField()
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    trigger_notes = models.TextField(blank=True)
    activity = models.CharField(max_length=200, blank=True)
    medicines = models.JSONField(default=list, blank=True)
    function = models.CharField(max_length=30, choices=Function.choices, blank=True)
    notes = models.TextField(blank=True)
    red_flags = models.JSONField(default=dict, blank=True)
    # Medication-safety notes (clinical reference §8) for the medicines above, set by triage.
    medication_notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "client_id"], name="episode_client_id_unique_per_patient"
            ),
            models.CheckConstraint(
                condition=Q(peak_intensity__lte=10), name="episode_peak_intensity_0_10"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient", "started_at"], name="episode_patient_started"),
        ]

    def __str__(self) -> str:
        return f"Episode #{self.pk}"

    @property
    def has_red_flag(self) -> bool:
        return any(self.red_flags.values())


class EpisodeTrigger(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="triggers")
    code = models.CharField(max_length=30, choices=Trigger.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["episode", "code"], name="episode_trigger_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class EpisodeRelief(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="relief")
    method = models.CharField(max_length=30, choices=ReliefMethod.choices)
    effect = models.CharField(max_length=10, choices=ReliefEffect.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["episode", "method"], name="episode_relief_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.method}: {self.effect}"


class FollowUpReply(models.Model):
    """A patient's one-click answer to a follow-up email: better, same or worse."""

    class Answer(models.TextChoices):
        BETTER = "better", _("Better")
        SAME = "same", _("About the same")
        WORSE = "worse", _("Worse")

    notification = models.OneToOneField(
        "clinic.Notification", on_delete=models.CASCADE, related_name="reply"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="replies")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    # Every answer given on the link, oldest first: [{"answer": ..., "at": ISO time}].
    history = models.JSONField(default=list, blank=True)
    # The last time the patient said "worse", and who saw it on the dashboard since; a later
    # "better" on the same link does not clear it.
    worse_at = models.DateTimeField(null=True, blank=True)
    worse_seen_at = models.DateTimeField(null=True, blank=True)
    worse_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-updated_at"]
        indexes: ClassVar = [
            models.Index(
                fields=["worse_at"],
                condition=models.Q(worse_at__isnull=False, worse_seen_at__isnull=True),
                name="reply_worse_unseen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} (patient #{self.patient_id})"

    @property
    def worse_unseen(self) -> bool:
        return self.worse_at is not None and (
            self.worse_seen_at is None or self.worse_seen_at < self.worse_at
        )


class PatientNote(models.Model):
    """A clinician's note on a patient, written on the dashboard. Notes are never edited."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["patient", "-created_at"], name="note_patient_recent"),
        ]

    def __str__(self) -> str:
        return f"Note #{self.pk} (patient #{self.patient_id})"
