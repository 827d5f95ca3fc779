from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from patients.models import Patient


class Urgency(models.TextChoices):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"


class Intake(models.Model):
    """A screening questionnaire as the patient (or a clinician for them) answered it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    questionnaire_version = models.CharField(max_length=20)
    answers = models.JSONField(help_text="The red-flag and history answers, as given")
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    start_back = models.JSONField(null=True, blank=True, help_text="The 9 STarT Back answers")
    oswestry = models.JSONField(null=True, blank=True, help_text="Section scores 0-5")
    description = models.TextField(blank=True)
    medicines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Intake #{self.pk}"


class Assessment(models.Model):
    """What the rules engine and the instruments made of an intake. Never edited afterwards."""

    class Source(models.TextChoices):
        INTAKE = "intake"
        EPISODE = "episode"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INTAKE)
    intake = models.OneToOneField(
        Intake, null=True, blank=True, on_delete=models.PROTECT, related_name="assessment"
    )
    # Set when a red flag reported in a spasm episode re-ran the rules.
    episode = models.ForeignKey(
        "patients.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    # routine 0 ... emergency 3 (triage.rules.urgency_rank), for "most urgent first" ordering.
    urgency_rank = models.PositiveSmallIntegerField(editable=False)
    flags = models.JSONField(default=list)
    fired_rules = models.JSONField(default=list, help_text="id, urgency, flags, reason, source")
    ruleset_version = models.CharField(max_length=20)
    patient_message = models.TextField()
    clinician_summary = models.TextField()
    start_back_total = models.PositiveSmallIntegerField(null=True, blank=True)
    start_back_psychosocial = models.PositiveSmallIntegerField(null=True, blank=True)
    start_back_risk = models.CharField(max_length=10, blank=True)
    pathway = models.CharField(max_length=50, blank=True)
    oswestry_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    oswestry_band = models.CharField(max_length=40, blank=True)
    medication_notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["patient", "-created_at"], name="assessment_patient_recent"),
        ]

    def __str__(self) -> str:
        return f"Assessment #{self.pk} ({self.urgency})"

    @property
    def rule_ids(self) -> list[str]:
        return [rule["id"] for rule in self.fired_rules]


class AssessmentReview(models.Model):
    """A clinician's sign-off of an assessment; the assessment itself stays as it was."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    def __str__(self) -> str:
        return f"Review of assessment #{self.assessment_id}"


class Escalation(models.Model):
    """An emergency or urgent assessment that a clinician must acknowledge."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACKNOWLEDGED = "acknowledged"
        RESOLVED = "resolved"

    class Level(models.TextChoices):
        EMERGENCY = "emergency"
        URGENT = "urgent"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="escalations")
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="escalation"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=now, editable=False)
    alerts_sent = models.PositiveIntegerField(default=1)
    next_alert_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["next_alert_at"],
                condition=Q(status="open"),
                name="escalation_open_next_alert",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation #{self.pk} ({self.level}, {self.status})"


class Reassessment(models.Model):
    """Pain and Oswestry again at 2, 6 or 12 weeks, compared with the first assessment."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reassessments")
    baseline = models.ForeignKey(
        Intake, on_delete=models.PROTECT, related_name="reassessments", help_text="First intake"
    )
    milestone_weeks = models.PositiveSmallIntegerField()
    pain_nrs = models.PositiveSmallIntegerField()
    oswestry = models.JSONField(null=True, blank=True)
    oswestry_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    # triage.instruments.important_change against the baseline, per measure.
    comparison = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "milestone_weeks"], name="reassessment_once_per_milestone"
            ),
        ]

    def __str__(self) -> str:
        return f"Reassessment at {self.milestone_weeks} weeks (patient #{self.patient_id})"
