from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api.serializers import RejectUnknownFieldsMixin
from patients.api.episode_serializers import (
    MedicationNoteSerializer,
    PatientMedicationNoteSerializer,
)

from .. import instruments
from ..models import Assessment, Escalation, Intake, Reassessment
from ..questionnaire import (
    FIELDS,
    FIELDS_BY_NAME,
    REQUIRED_FIELDS,
    Reason,
    validate_answers,
)


def translated(reason: str) -> str:
    """A questionnaire reason in the active language."""
    if isinstance(reason, Reason):
        return _(reason.template) % reason.values if reason.values else _(reason.template)
    return _(reason)


def start_back_error() -> str:
    return _("Nine answers, each 0 or 1 (or false or true).")


def oswestry_error() -> str:
    return _("Scores from 0 to 5 (a list of two for two ticks) by section name: %(sections)s.") % {
        "sections": ", ".join(instruments.ODI_SECTIONS)
    }


class MedicineSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    dose = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    since = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_since(self, value: Any) -> Any:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(_("Cannot be in the future."))
        return value


def _schema_field(spec: Any) -> serializers.Field:
    """A DRF field per questionnaire item: documents the API; validation is the questionnaire's."""
    common = {"required": spec.name in REQUIRED_FIELDS, "help_text": spec.question}
    if spec.type == "bool":
        return serializers.BooleanField(**common)
    if spec.type == "choice":
        return serializers.ChoiceField(choices=list(spec.choices), **common)
    return serializers.IntegerField(min_value=spec.minimum, max_value=spec.maximum, **common)


class IntakeInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """The intake questionnaire: every §0.1 field as a top-level key, plus the instruments.

    Booleans must be JSON true/false: a red-flag answer is never guessed from "yes" or 1.
    """

    start_back = serializers.ListField(
        required=False,
        allow_null=True,
        help_text="The 9 STarT Back answers: items 1-8 as 0/1 or booleans, item 9 one of "
        + ", ".join(instruments.START_BACK_ITEM9_LABELS),
    )
    oswestry = serializers.DictField(
        required=False,
        allow_null=True,
        help_text="Oswestry section scores 0-5 (a list for two ticks) by section: "
        + ", ".join(instruments.ODI_SECTIONS),
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    medicines = MedicineSerializer(many=True, required=False, max_length=30)  # type: ignore[call-arg]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {spec.name: _schema_field(spec) for spec in FIELDS}
        fields.update(super().get_fields())
        return fields

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        errors: dict[str, Any] = {}
        for name in sorted(set(data) - set(self.fields)):
            errors[name] = [_("This field is not accepted here.")]
        answers = {k: data[k] for k in FIELDS_BY_NAME if k in data}
        errors.update({k: [translated(r)] for k, r in validate_answers(answers).items()})

        start_back = data.get("start_back")
        if start_back is not None:
            try:
                instruments.start_back(start_back)
            except (ValueError, TypeError):
                errors["start_back"] = [start_back_error()]
        oswestry = data.get("oswestry")
        if oswestry is not None:
            try:
                if not isinstance(oswestry, Mapping):
                    raise ValueError("not an object")
                instruments.oswestry(oswestry)
            except (ValueError, TypeError):
                errors["oswestry"] = [oswestry_error()]

        rest: dict[str, Any] = {}
        if "description" in data and not isinstance(data["description"], str):
            errors["description"] = [_("Must be text.")]
        for name in ("description", "medicines"):
            if name in data and name not in errors:
                try:
                    rest[name] = self.fields[name].run_validation(data[name])
                except serializers.ValidationError as exc:
                    errors[name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "answers": {k: v for k, v in answers.items() if v is not None},
            "start_back": start_back,
            "oswestry": oswestry,
            "description": rest.get("description", ""),
            "medicines": rest.get("medicines", []),
        }


# --- shapes stored as JSON (answers as given, instrument results, notes) ----------------------


@extend_schema_field(
    {"oneOf": [{"type": "integer", "enum": [0, 1]}, {"type": "boolean"}, {"type": "string"}]}
)
class StartBackAnswerField(serializers.Field):
    """Items 1-8: 0/1 or a boolean; item 9: its label. Shown as the patient gave them."""

    def to_representation(self, value: Any) -> Any:
        return value


ODI_SCORE = {"type": "integer", "minimum": 0, "maximum": 5}


@extend_schema_field(
    {"oneOf": [ODI_SCORE, {"type": "array", "items": ODI_SCORE}], "nullable": True}
)
class OswestryAnswerField(serializers.Field):
    """One section's score 0-5, or the scores of two ticked boxes; null when unanswered."""

    def get_attribute(self, instance: Any) -> Any:
        try:
            return instance[self.field_name]
        except KeyError:
            raise serializers.SkipField() from None  # left out: not answered

    def to_representation(self, value: Any) -> Any:
        return value


def start_back_answers(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=StartBackAnswerField(), min_length=9, max_length=9, **kwargs)


class OswestryAnswersSerializer(serializers.Serializer):
    """Section scores as given: a section left out was not answered."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: OswestryAnswerField(required=False, allow_null=True)
            for name in instruments.ODI_SECTIONS
        }


class IntakeAnswersSerializer(serializers.Serializer):
    """The questionnaire's answers as given (a question left out was not answered)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {spec.name: _schema_field(spec) for spec in FIELDS}
        for field in fields.values():
            field.required = False
        return fields


class IntakeMedicineOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    dose = serializers.CharField(allow_blank=True)
    since = serializers.DateField(allow_null=True)


class StartBackResultSerializer(serializers.Serializer):
    total = serializers.IntegerField(min_value=0, max_value=9)
    psychosocial = serializers.IntegerField(min_value=0, max_value=5)
    risk = serializers.ChoiceField(choices=["low", "medium", "high"])


class OswestryResultSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True, help_text="0-100")
    band = serializers.ChoiceField(
        choices=[band for _, band in instruments.ODI_BANDS] + ["bed_bound_or_exaggerating"],
        allow_null=True,
    )


class EscalationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Escalation.Level.choices)
    status = serializers.ChoiceField(choices=Escalation.Status.choices)


class ReviewRefSerializer(serializers.Serializer):
    reviewed_by = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class BaselineChangeSerializer(serializers.Serializer):
    """A follow-up against the baseline, judged by Ostelo 2008's minimal important change."""

    baseline = serializers.FloatField()
    followup = serializers.FloatField()
    improvement = serializers.FloatField()
    meets_absolute_mic = serializers.BooleanField()
    meets_30pct = serializers.BooleanField()
    clinically_important = serializers.BooleanField()


class ComparisonSerializer(serializers.Serializer):
    nrs = BaselineChangeSerializer(required=False, help_text="When the baseline has a pain score")
    odi = BaselineChangeSerializer(required=False, help_text="When both have an Oswestry score")


class FiredRuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    urgency = serializers.CharField()
    flags = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]


class PathwaySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    """What a patient sees: the grade, why, and what to do now."""

    flags = serializers.ListField(child=serializers.CharField())
    rules = FiredRuleSerializer(source="fired_rules", many=True)
    safety_message = serializers.CharField(source="patient_message")
    pathway = serializers.SerializerMethodField()
    start_back = serializers.SerializerMethodField()
    oswestry = serializers.SerializerMethodField()
    medication_notes = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields: tuple[str, ...] = (
            "id", "urgency", "flags", "rules", "ruleset_version", "pathway", "safety_message",
            "start_back", "oswestry", "medication_notes", "created_at",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PathwaySerializer(allow_null=True))
    def get_pathway(self, obj: Assessment) -> dict[str, str] | None:
        if not obj.pathway:
            return None
        return PathwaySerializer(instruments.pathway_for_risk(obj.start_back_risk)).data

    @extend_schema_field(StartBackResultSerializer(allow_null=True))
    def get_start_back(self, obj: Assessment) -> dict[str, Any] | None:
        if obj.start_back_total is None:
            return None
        return {
            "total": obj.start_back_total,
            "psychosocial": obj.start_back_psychosocial,
            "risk": obj.start_back_risk,
        }

    @extend_schema_field(OswestryResultSerializer(allow_null=True))
    def get_oswestry(self, obj: Assessment) -> dict[str, Any] | None:
        if obj.oswestry_score is None and not obj.oswestry_band:
            return None
        score = float(obj.oswestry_score) if obj.oswestry_score is not None else None
        return {"score": score, "band": obj.oswestry_band or None}

    @extend_schema_field(PatientMedicationNoteSerializer(many=True))
    def get_medication_notes(self, obj: Assessment) -> list[dict[str, Any]]:
        # Patients get the plain-language notes only (MED1, MED2); the rest are for clinicians.
        return [
            {"id": n["id"], "medicines": n["medicines"], "message": n["patient_message"]}
            for n in obj.medication_notes
            if n.get("patient_message")
        ]


class ClinicianAssessmentSerializer(AssessmentSerializer):
    escalation = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = (
            *AssessmentSerializer.Meta.fields,
            "clinician_summary", "escalation", "review", "source",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(MedicationNoteSerializer(many=True))
    def get_medication_notes(self, obj: Assessment) -> list[dict[str, Any]]:
        return list(obj.medication_notes)

    @extend_schema_field(EscalationRefSerializer(allow_null=True))
    def get_escalation(self, obj: Assessment) -> dict[str, Any] | None:
        escalation = getattr(obj, "escalation", None)
        if escalation is None:
            return None
        return {"id": escalation.pk, "level": escalation.level, "status": escalation.status}

    @extend_schema_field(ReviewRefSerializer(allow_null=True))
    def get_review(self, obj: Assessment) -> dict[str, Any] | None:
        review = getattr(obj, "review", None)
        if review is None:
            return None
        return {
            "reviewed_by": review.reviewed_by.get_full_name(),
            "note": review.note,
            "created_at": review.created_at,
        }


class IntakeSerializer(serializers.ModelSerializer):
    answers = IntakeAnswersSerializer(read_only=True)
    start_back = start_back_answers(allow_null=True, read_only=True)
    oswestry = OswestryAnswersSerializer(allow_null=True, read_only=True)
    medicines = IntakeMedicineOutSerializer(many=True, read_only=True)
    assessment = AssessmentSerializer()

    class Meta:
        model = Intake
        fields = (
            "id", "patient", "questionnaire_version", "answers", "pain_nrs", "start_back",
            "oswestry", "description", "medicines", "assessment", "created_at",
        )  # fmt: skip
        read_only_fields = fields


class ClinicianIntakeSerializer(IntakeSerializer):
    assessment = ClinicianAssessmentSerializer()


class ReviewInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ResolveInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class PatientRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class EscalationSerializer(serializers.ModelSerializer):
    patient = PatientRefSerializer()
    urgency_flags = serializers.ListField(source="assessment.flags", child=serializers.CharField())
    acknowledged_by = PersonSerializer(allow_null=True)
    resolved_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Escalation
        fields = (
            "id", "patient", "assessment", "level", "status", "urgency_flags", "created_at",
            "alerts_sent", "next_alert_at", "acknowledged_by", "acknowledged_at",
            "resolved_by", "resolved_at", "resolution_note",
        )  # fmt: skip
        read_only_fields = fields


class QueueItemSerializer(serializers.ModelSerializer):
    patient = PatientRefSerializer()
    flags = serializers.ListField(child=serializers.CharField())
    rules = serializers.SerializerMethodField()
    intake = serializers.IntegerField(source="intake_id", allow_null=True)
    escalation = serializers.SerializerMethodField()
    reviewed = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = (
            "id", "patient", "urgency", "flags", "rules", "source", "intake", "escalation",
            "reviewed", "created_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_rules(self, obj: Assessment) -> list[str]:
        return obj.rule_ids

    @extend_schema_field(EscalationRefSerializer(allow_null=True))
    def get_escalation(self, obj: Assessment) -> dict[str, Any] | None:
        escalation = getattr(obj, "escalation", None)
        if escalation is None:
            return None
        return {"id": escalation.pk, "level": escalation.level, "status": escalation.status}

    def get_reviewed(self, obj: Assessment) -> bool:
        return hasattr(obj, "review")


class ReassessmentInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pain_nrs = serializers.IntegerField(min_value=0, max_value=10)
    oswestry = serializers.DictField(required=False, allow_null=True)

    def validate_pain_nrs(self, value: Any) -> int:
        if isinstance(self.initial_data.get("pain_nrs"), bool | float | str):
            raise serializers.ValidationError(_("A whole number from 0 to 10."))
        return int(value)

    def validate_oswestry(self, value: Any) -> Any:
        if value is not None:
            try:
                instruments.oswestry(value)
            except (ValueError, TypeError) as exc:
                raise serializers.ValidationError(oswestry_error()) from exc
        return value


class ReassessmentDueSerializer(serializers.Serializer):
    due_weeks = serializers.IntegerField(
        allow_null=True, help_text="The check a reassessment sent now answers; null if none"
    )
    next_weeks = serializers.IntegerField(allow_null=True, help_text="The next one not done")
    next_opens_on = serializers.DateField(allow_null=True)
    done_weeks = serializers.ListField(child=serializers.IntegerField())


class ReassessmentSerializer(serializers.ModelSerializer):
    oswestry = OswestryAnswersSerializer(allow_null=True, read_only=True)
    oswestry_score = serializers.FloatField(allow_null=True)
    comparison = ComparisonSerializer(read_only=True)

    class Meta:
        model = Reassessment
        fields = (
            "id", "milestone_weeks", "pain_nrs", "oswestry", "oswestry_score", "comparison",
            "baseline", "created_at",
        )  # fmt: skip
        read_only_fields = fields
