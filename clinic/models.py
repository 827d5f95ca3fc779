from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now
from timezone_field import TimeZoneField

from .countries import SafetyContacts, country_choices, safety_contacts


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are compared case-insensitively: people type them however they like.
        return self.get(email__iexact=username)

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Someone who logs in: a clinician (via memberships) or a patient (via Patient.user)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    email = models.EmailField(help_text="Contact address shown in patient emails")
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    timezone = TimeZoneField(default="Europe/London")
    # Decides the emergency number and the urgent route every safety text gives (countries.py).
    country = models.CharField(
        max_length=2,
        choices=country_choices(),
        help_text="Sets the emergency number and urgent-care route patients are given.",
    )
    # The language patients get unless they chose one (settings.LANGUAGES).
    language = models.CharField(
        max_length=10, choices=settings.LANGUAGES, default="en",
        help_text="Language of patient emails and pages unless the patient chose another.",
    )  # fmt: skip
    emergency_number_override = models.CharField(
        "emergency number",
        max_length=20,
        blank=True,
        help_text="Leave blank to use the country's emergency number.",
    )
    urgent_service_override = models.CharField(
        "urgent, not emergency, service",
        max_length=120,
        blank=True,
        help_text="Who patients call for same-day advice, with the number, for example "
        '"our out-of-hours line (0161 496 0000)". Leave blank to use the country\'s.',
    )
    # How long an open escalation may wait for acknowledgement before admins are alerted again.
    emergency_realert_minutes = models.PositiveIntegerField(default=15)
    urgent_realert_minutes = models.PositiveIntegerField(default=120)
    # Follow-up kinds (patients.followups.KINDS) this clinic does not send at all.
    disabled_followup_kinds = models.JSONField(default=list, blank=True)
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Every staff member of this clinic must sign in with an authenticator app "
        "code, on the dashboard and the API (clinic admins always must).",
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def safety(self) -> SafetyContacts:
        """The emergency number and urgent route this clinic's patients are given."""
        return safety_contacts(
            self.country,
            emergency_override=self.emergency_number_override,
            urgent_override=self.urgent_service_override,
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Clinic admin"
        PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Clinic admins always get escalation alerts; other members get them when this is set.
    escalation_contact = models.BooleanField(
        default=False, help_text="Also receives emergency and urgent escalation alerts."
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "clinic"], name="membership_user_clinic_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.clinic}"


class Notification(models.Model):
    """One outgoing message (the outbox). Rendered and sent by clinic.outbox from ids only."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        DEAD = "dead"
        CANCELLED = "cancelled"

    class Channel(models.TextChoices):
        EMAIL = "email"

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=50)
    recipient = models.EmailField()
    recipient_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ids of the domain objects the message is about; the renderer for `kind` loads them.
    context = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=30, default="default")
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(default=now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"], name="notification_status_due"),
            # "Was one of these sent lately?" (the adherence nudge's once-a-week rule).
            models.Index(fields=["kind", "created_at"], name="notification_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for retries of it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique"),
        ]

    def __str__(self) -> str:
        return f"Idempotency record #{self.pk}"


class AppendOnlyQuerySet(models.QuerySet["PatientAccessEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class PatientAccessEvent(models.Model):
    """Who read or changed which patient's data, when and from where. Append-only.

    The patient is kept as an id, not a foreign key, so the trail outlives any erasure.
    """

    class Action(models.TextChoices):
        VIEW = "view"
        LIST = "list"
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        EXPORT = "export"
        ESCALATE = "escalate"
        ACKNOWLEDGE = "acknowledge"
        RESOLVE = "resolve"
        REVIEW = "review"

    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient_id = models.BigIntegerField(db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(default=now, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["patient_id", "-at"], name="access_patient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_role} {self.action} {self.object_type} (patient #{self.patient_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")
