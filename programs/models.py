from __future__ import annotations

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from clinic.models import Clinic
from patients.models import Patient
from patients.vocabulary import MovementDirection


class Category(models.TextChoices):
    MOBILITY = "mobility"
    STRETCHING = "stretching"
    STRENGTHENING = "strengthening"
    MOTOR_CONTROL = "motor_control", "Motor control"
    AEROBIC = "aerobic"
    SELF_CARE = "self_care", "Self-care"


class Difficulty(models.TextChoices):
    EASY = "easy"
    MODERATE = "moderate"
    HARD = "hard"


class Pathway(models.TextChoices):
    """The STarT Back matched-treatment pathways (reference §3), as the triage app codes them."""

    ADVICE_SELF_MANAGEMENT = "advice_self_management", "Advice and self-management"
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    PSYCHOLOGICALLY_INFORMED = (
        "psychologically_informed_physiotherapy",
        "Psychologically informed physiotherapy",
    )


# The values of the patients' vocabulary (the direction warning compares them), labelled for an
# exercise: a choice set of its own also keeps the OpenAPI enums apart.
EXERCISE_DIRECTIONS = [(value, value.capitalize()) for value in MovementDirection.values]

# NICE NG59 advises against these (reference §2.8, §7): never in an exercise library.
NOT_RECOMMENDED = re.compile(
    r"\b(traction|tens|pens|interferential|corsets?|back ?braces?|lumbar (?:braces?|belts?|"
    r"supports?)|back belts?|support belts?|acupuncture|orthotics?|rocker[- ]soles?)\b",
    re.IGNORECASE,
)


def _positive(maximum: int) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(maximum)]


class Dosage(models.Model):
    """How much of an exercise: empty fields do not apply (a walk has minutes, not reps)."""

    sets = models.PositiveSmallIntegerField(null=True, blank=True, validators=_positive(20))
    reps = models.PositiveSmallIntegerField(null=True, blank=True, validators=_positive(200))
    hold_seconds = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_positive(600)
    )
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_positive(240)
    )
    times_per_day = models.PositiveSmallIntegerField(default=1, validators=_positive(12))
    days_per_week = models.PositiveSmallIntegerField(default=7, validators=_positive(7))

    class Meta:
        abstract = True


DOSAGE_FIELDS = (
    "sets",
    "reps",
    "hold_seconds",
    "duration_minutes",
    "times_per_day",
    "days_per_week",
)


def dosage_constraints(prefix: str) -> list[models.CheckConstraint]:
    # The adherence arithmetic divides by these: never zero, never more than a week.
    return [
        models.CheckConstraint(
            condition=Q(times_per_day__gte=1, days_per_week__gte=1, days_per_week__lte=7),
            name=f"{prefix}_dosage_frequency_valid",
        ),
    ]


class Exercise(Dosage):
    """One exercise or self-care item. clinic=NULL: shipped with the product, read-only to clinics.

    The dosage fields are the default a program starts from.
    """

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="exercises"
    )
    # Shipped rows only: the programs.library key the data migrations match on.
    key = models.SlugField(max_length=60, blank=True, editable=False)
    name = models.CharField(max_length=120)
    purpose = models.TextField()
    steps = models.JSONField(default=list, help_text="Step-by-step instructions, in order")
    category = models.CharField(max_length=20, choices=Category.choices)
    direction = models.CharField(max_length=20, choices=EXERCISE_DIRECTIONS)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    cautions = models.TextField(blank=True)
    media_url = models.URLField(blank=True, help_text="An image or video showing the exercise")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Archived rather than deleted: programs already prescribed keep pointing at it.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(clinic__isnull=True) & ~Q(key=""),
                name="exercise_shipped_key_unique",
            ),
            *dosage_constraints("exercise"),
        ]
        indexes: ClassVar = [models.Index(fields=["clinic", "name"], name="exercise_clinic_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.clinic_id is None

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("name", "purpose"):
            match = NOT_RECOMMENDED.search(getattr(self, name) or "")
            if match:
                errors[name] = [
                    f"NICE NG59 advises against {match.group(0)}: it cannot be part of a home "
                    "exercise program."
                ]
        steps = self.steps
        if (
            not isinstance(steps, list)
            or not steps
            or not all(isinstance(s, str) and s.strip() for s in steps)
        ):
            errors["steps"] = ["A list of one or more instruction steps."]
        if errors:
            raise ValidationError(errors)


class ProgramTemplate(models.Model):
    """A ready-made program. clinic=NULL: shipped, read-only to clinics (copy to change)."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="program_templates"
    )
    key = models.SlugField(max_length=60, blank=True, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # The STarT Back pathway this template suits: the latest assessment's pathway suggests it.
    pathway = models.CharField(max_length=50, choices=Pathway.choices, blank=True)
    # Among a pathway's templates the lowest position is suggested first.
    position = models.PositiveSmallIntegerField(default=100)
    duration_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_positive(52)
    )
    progression_notes = models.TextField(blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["position", "name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(clinic__isnull=True) & ~Q(key=""),
                name="template_shipped_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.clinic_id is None


class TemplateItem(Dosage):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["order", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["template", "exercise"], name="template_item_exercise_unique"
            ),
            *dosage_constraints("template_item"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.template}"


class Program(models.Model):
    """A patient's home exercise program. Its content lives in numbered revisions."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="programs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The latest revision: the one the patient sees. Set by the services with each revision.
    current_revision = models.ForeignKey(
        "ProgramRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="active"),
                name="program_one_active_per_patient",
                violation_error_message="This patient already has an active program.",
            ),
        ]

    def __str__(self) -> str:
        return f"Program #{self.pk} ({self.status})"


class ProgramRevision(models.Model):
    """One version of a program. Never edited: a change is the next revision."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    template = models.ForeignKey(
        ProgramTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The patient's aggravating direction at the time, and the items the clinician prescribed
    # anyway after the warning: [{"exercise": id, "name": ..., "direction": ...}].
    aggravating_direction = models.CharField(max_length=20, blank=True)
    confirmed_direction_conflicts = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["program", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["program", "number"], name="program_revision_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="program_revision_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Program #{self.program_id} revision {self.number}"


class ProgramItem(Dosage):
    """One prescribed exercise with its dosage, in one revision."""

    revision = models.ForeignKey(ProgramRevision, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["order", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["revision", "exercise"], name="program_item_exercise_unique"
            ),
            *dosage_constraints("program_item"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.revision})"


class ExerciseSession(models.Model):
    """A sitting in which the patient did some of their program, as logged in the app."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="exercise_sessions")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sessions")
    revision = models.ForeignKey(ProgramRevision, on_delete=models.PROTECT, related_name="+")
    # Made by the app when the session is logged: retries and re-syncs carry the same one.
    client_id = models.UUIDField()
    performed_at = models.DateTimeField()
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    # How hard the session felt, on the scale the library grades exercises with.
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["-performed_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "client_id"], name="exercise_session_client_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(pain_before__lte=10) & Q(pain_after__lte=10),
                name="exercise_session_pain_0_10",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["program", "performed_at"], name="exercise_session_program_at"),
            models.Index(fields=["patient", "performed_at"], name="exercise_session_patient_at"),
        ]

    def __str__(self) -> str:
        return f"Exercise session #{self.pk}"


class SessionItem(models.Model):
    """One exercise done in a session. `exercise` repeats the item's for grouping by exercise."""

    session = models.ForeignKey(ExerciseSession, on_delete=models.CASCADE, related_name="items")
    program_item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "exercise"], name="session_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in session #{self.session_id}"
