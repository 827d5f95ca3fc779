from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api.serializers import RejectUnknownFieldsMixin
from clinic.models import Clinic
from clinic.selectors import clinics_for

from ..models import (
    DOSAGE_FIELDS,
    EXERCISE_DIRECTIONS,
    Category,
    Difficulty,
    Exercise,
    Pathway,
    Program,
    ProgramRevision,
    ProgramTemplate,
)
from ..selectors import Suggestion

# --- dosage --------------------------------------------------------------------------------


class DosageSerializer(serializers.Serializer):
    """Output: how much, how often. Empty fields do not apply to the exercise."""

    sets = serializers.IntegerField(allow_null=True)
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    duration_minutes = serializers.IntegerField(allow_null=True)
    times_per_day = serializers.IntegerField()
    days_per_week = serializers.IntegerField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {name: getattr(instance, name) for name in DOSAGE_FIELDS}


class DosageInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    sets = serializers.IntegerField(min_value=1, max_value=20, allow_null=True, required=False)
    reps = serializers.IntegerField(min_value=1, max_value=200, allow_null=True, required=False)
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=600, allow_null=True, required=False
    )
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=240, allow_null=True, required=False
    )
    times_per_day = serializers.IntegerField(min_value=1, max_value=12, required=False)
    days_per_week = serializers.IntegerField(min_value=1, max_value=7, required=False)


class DosageFieldsMixin:
    """Nested `dosage` on input, flat model fields for the services."""

    @staticmethod
    def flatten(data: dict[str, Any], key: str) -> dict[str, Any]:
        data = dict(data)
        data.update(data.pop(key, {}) or {})
        return data


# --- exercises -----------------------------------------------------------------------------


class ExerciseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exercise
        fields = ("id", "name", "category", "direction", "difficulty")
        read_only_fields = fields


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalUrlField(serializers.Field):
    """A URL or null; a blank one is sent as null (an empty string is no URI)."""

    def to_representation(self, value: str) -> str | None:
        return value or None


def steps_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Instructions, in order"
    )


class ExerciseSerializer(serializers.ModelSerializer):
    steps = steps_field()
    default_dosage = DosageSerializer(source="*")
    shipped = serializers.BooleanField(source="is_shipped")
    media_url = OptionalUrlField(read_only=True)

    class Meta:
        model = Exercise
        fields = (
            "id",
            "name",
            "purpose",
            "steps",
            "category",
            "direction",
            "difficulty",
            "default_dosage",
            "cautions",
            "media_url",
            "shipped",
            "clinic",
            "copied_from",
            "is_active",
            "updated_at",
        )
        read_only_fields = fields


class PatientExerciseSerializer(serializers.ModelSerializer):
    """What the app shows of an exercise."""

    steps = steps_field()
    media_url = OptionalUrlField(read_only=True)

    class Meta:
        model = Exercise
        fields = (
            "id",
            "name",
            "purpose",
            "steps",
            "category",
            "direction",
            "difficulty",
            "cautions",
            "media_url",
        )
        read_only_fields = fields


class ExerciseUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120)
    purpose = serializers.CharField()
    steps = serializers.ListField(
        child=serializers.CharField(max_length=500), min_length=1, max_length=20
    )
    category = serializers.ChoiceField(choices=Category.choices)
    direction = serializers.ChoiceField(choices=EXERCISE_DIRECTIONS)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    default_dosage = DosageInputSerializer(required=False)
    cautions = serializers.CharField(allow_blank=True, required=False)
    media_url = serializers.URLField(allow_blank=True, required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        return DosageFieldsMixin.flatten(super().to_internal_value(data), "default_dosage")


class ClinicChoiceMixin(serializers.Serializer):
    """A `clinic` field limited to the caller's clinics; optional when they work at one."""

    clinic = serializers.PrimaryKeyRelatedField(queryset=Clinic.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # absent only while the OpenAPI schema is generated
            self.fields["clinic"].queryset = clinics_for(request.user)  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "clinic" not in attrs:
            clinics = list(self.fields["clinic"].queryset[:2])  # type: ignore[attr-defined]
            if len(clinics) != 1:
                raise serializers.ValidationError(
                    {"clinic": ["Required: you work at more than one clinic."]}
                )
            attrs["clinic"] = clinics[0]
        return attrs


class ExerciseCreateSerializer(ClinicChoiceMixin, ExerciseUpdateSerializer):
    pass


class CopyInputSerializer(RejectUnknownFieldsMixin, ClinicChoiceMixin):
    pass


# --- items ---------------------------------------------------------------------------------


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up in the queryset the view puts in the serializer's context.

    Nested fields are built once, at import, so the scope cannot be set in __init__.
    """

    def __init__(self, context_key: str, **kwargs: Any) -> None:
        self.context_key = context_key
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.context.get(self.context_key, self.queryset.none())  # type: ignore[union-attr]


class ItemInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """One exercise with its dosage; dosage fields left out come from the exercise."""

    exercise = ScopedPrimaryKeyField("exercises", queryset=Exercise.objects.none())
    dosage = DosageInputSerializer(required=False)
    notes = serializers.CharField(allow_blank=True, required=False, default="")


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exercise = ExerciseBriefSerializer()
    dosage = DosageSerializer(source="*")
    notes = serializers.CharField()


class TemplateItemSerializer(ItemSerializer):
    pass


# --- templates -----------------------------------------------------------------------------


def blank_or_choice(choices: Any) -> serializers.ChoiceField:
    """An answer field whose stored value may be blank: the schema's enum allows "" too."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class TemplateSerializer(serializers.ModelSerializer):
    shipped = serializers.BooleanField(source="is_shipped")
    pathway = blank_or_choice(Pathway.choices)
    items = TemplateItemSerializer(many=True)

    class Meta:
        model = ProgramTemplate
        fields = (
            "id",
            "name",
            "description",
            "pathway",
            "position",
            "duration_weeks",
            "progression_notes",
            "shipped",
            "clinic",
            "copied_from",
            "is_active",
            "items",
            "updated_at",
        )
        read_only_fields = fields


class TemplateBriefSerializer(serializers.ModelSerializer):
    pathway = blank_or_choice(Pathway.choices)

    class Meta:
        model = ProgramTemplate
        fields = ("id", "name", "pathway")
        read_only_fields = fields


class TemplateUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False)
    pathway = serializers.ChoiceField(choices=Pathway.choices, allow_blank=True, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    duration_weeks = serializers.IntegerField(
        min_value=1, max_value=52, allow_null=True, required=False
    )
    progression_notes = serializers.CharField(allow_blank=True, required=False)
    items = ItemInputSerializer(many=True, allow_empty=False)


class TemplateCreateSerializer(ClinicChoiceMixin, TemplateUpdateSerializer):
    pass


# --- programs ------------------------------------------------------------------------------


class ProgramStaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class ConflictSerializer(serializers.Serializer):
    exercise = serializers.IntegerField()
    name = serializers.CharField()
    direction = serializers.CharField()


class RevisionSerializer(serializers.ModelSerializer):
    template = TemplateBriefSerializer(allow_null=True)
    created_by = ProgramStaffSerializer(allow_null=True)
    confirmed_direction_conflicts = ConflictSerializer(many=True)
    items = ItemSerializer(many=True)

    class Meta:
        model = ProgramRevision
        fields = (
            "number",
            "start_date",
            "end_date",
            "notes",
            "template",
            "aggravating_direction",
            "confirmed_direction_conflicts",
            "items",
            "created_by",
            "created_at",
        )
        read_only_fields = fields


class ProgramSerializer(serializers.ModelSerializer):
    """A program as the clinician sees it: the current revision in full."""

    status = serializers.CharField(help_text="active or ended")
    current_revision = RevisionSerializer()
    created_by = ProgramStaffSerializer(allow_null=True)
    ended_by = ProgramStaffSerializer(allow_null=True)

    class Meta:
        model = Program
        fields = (
            "id",
            "patient",
            "status",
            "current_revision",
            "created_by",
            "created_at",
            "ended_at",
            "ended_by",
            "end_reason",
        )
        read_only_fields = fields


class RevisionInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A new revision: what is left out is carried over from the current one."""

    items = ItemInputSerializer(many=True, allow_empty=False, required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(allow_blank=True, required=False)
    confirm_direction_conflicts = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["Before the start date."]})
        return attrs


class AssignInputSerializer(RevisionInputSerializer):
    template = ScopedPrimaryKeyField(
        "templates", queryset=ProgramTemplate.objects.none(), required=False, allow_null=True
    )
    notes = serializers.CharField(allow_blank=True, required=False, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if not attrs.get("template") and "items" not in attrs:
            raise serializers.ValidationError(
                {"template": ["Give a template, or the exercises as items."]}
            )
        return attrs


class EndInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class PathwayRefSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Pathway.choices)
    label = serializers.CharField()  # type: ignore[assignment]


class AssessmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class DirectionConflictSerializer(serializers.Serializer):
    exercise = serializers.IntegerField()
    name = serializers.CharField()
    direction = serializers.ChoiceField(choices=EXERCISE_DIRECTIONS)


class SuggestionSerializer(serializers.Serializer):
    pathway = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    suggested_template = serializers.SerializerMethodField()
    direction_conflicts = serializers.SerializerMethodField()
    open_escalation = serializers.BooleanField()
    active_program = serializers.IntegerField(source="active_program_id", allow_null=True)

    @extend_schema_field(PathwayRefSerializer(allow_null=True))
    def get_pathway(self, obj: Suggestion) -> dict[str, str] | None:
        if obj.pathway not in Pathway.values:
            return None
        return {"code": obj.pathway, "label": Pathway(obj.pathway).label}

    @extend_schema_field(AssessmentRefSerializer(allow_null=True))
    def get_assessment(self, obj: Suggestion) -> dict[str, Any] | None:
        if obj.assessment_id is None:
            return None
        return {"id": obj.assessment_id, "created_at": obj.assessed_at}

    @extend_schema_field(TemplateSerializer(allow_null=True))
    def get_suggested_template(self, obj: Suggestion) -> dict[str, Any] | None:
        return TemplateSerializer(obj.template).data if obj.template else None

    @extend_schema_field(DirectionConflictSerializer(many=True))
    def get_direction_conflicts(self, obj: Suggestion) -> list[dict[str, Any]]:
        return [
            {"exercise": e.pk, "name": e.name, "direction": e.direction}
            for e in obj.direction_conflicts
        ]
