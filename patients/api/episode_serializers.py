from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from clinic.api.serializers import LocalDateTimeField, RejectUnknownFieldsMixin

from ..models import Episode
from ..vocabulary import (
    EPISODE_RED_FLAGS,
    Function,
    Region,
    ReliefEffect,
    ReliefMethod,
    Side,
    Trigger,
)

MAX_SYNC_ITEMS = 200
# Phones' clocks drift: a start a few minutes "in the future" is a clock, not a time machine.
CLOCK_SKEW = timedelta(minutes=5)
MAX_DURATION_MINUTES = 7 * 24 * 60


def _not_in_future(value: Any) -> Any:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise serializers.ValidationError(_("Cannot be in the future."))
    return value


class StrictIntegerField(serializers.IntegerField):
    """An integer, and only an integer: "7" or 7.5 or true are refused, not coerced."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """A timestamp with its UTC offset: a phone's local time without one is ambiguous."""

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        given = parse_datetime(value) if isinstance(value, str) else None
        if given is not None and given.tzinfo is None:
            raise serializers.ValidationError(
                _("Include the UTC offset, e.g. 2026-11-20T08:15:00+01:00.")
            )
        return parsed


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class ReliefSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    method = serializers.ChoiceField(choices=ReliefMethod.choices)
    effect = serializers.ChoiceField(choices=ReliefEffect.choices)


class EpisodeMedicineSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    dose = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    taken_at = AwareDateTimeField(required=False, allow_null=True, default=None)

    def validate_taken_at(self, value: Any) -> Any:
        return _not_in_future(value)


class RedFlagsSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """The mini red-flag re-check; an absent answer means "no"."""

    bladder = StrictBooleanField(required=False, help_text="New trouble passing or holding urine")
    bowel = StrictBooleanField(required=False, help_text="New loss of bowel control or feeling")
    saddle_numbness = StrictBooleanField(
        required=False, help_text="Numbness between the legs, genitals or back passage"
    )
    both_legs = StrictBooleanField(required=False, help_text="Symptoms in both legs")
    new_weakness = StrictBooleanField(required=False, help_text="New weakness in a leg")
    fever = StrictBooleanField(required=False, help_text="Fever, sweats or shivering")
    fainting = StrictBooleanField(required=False, help_text="Fainted or blacked out")
    chest_pain_or_breathlessness = StrictBooleanField(
        required=False, help_text="Chest pain or shortness of breath"
    )


class EpisodeInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    client_id = serializers.UUIDField(help_text="Made by the app; a resend with it is a no-op")
    started_at = AwareDateTimeField()
    ended_at = AwareDateTimeField(required=False, allow_null=True)
    duration_minutes = StrictIntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_DURATION_MINUTES
    )
    peak_intensity = StrictIntegerField(min_value=0, max_value=10)
    side = serializers.ChoiceField(choices=Side.choices, required=False, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    triggers = serializers.ListField(
        child=serializers.ChoiceField(choices=Trigger.choices),
        required=False,
        max_length=len(Trigger.choices),
    )
    trigger_notes = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    activity = serializers.CharField(required=False, allow_blank=True, max_length=200)
    relief = ReliefSerializer(many=True, required=False, max_length=len(ReliefMethod.choices))  # type: ignore[call-arg]
    medicines = EpisodeMedicineSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    function = serializers.ChoiceField(choices=Function.choices, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    red_flags = RedFlagsSerializer(required=False)

    def validate_started_at(self, value: Any) -> Any:
        return _not_in_future(value)

    def validate_ended_at(self, value: Any) -> Any:
        return _not_in_future(value)

    def validate_relief(self, value: list[Mapping[str, str]]) -> list[Mapping[str, str]]:
        methods = [r.get("method") for r in value]
        if len(methods) != len(set(methods)):
            raise serializers.ValidationError(_("Each relief method may appear once."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        started = attrs.get("started_at", getattr(self.instance, "started_at", None))
        if "ended_at" in attrs or "duration_minutes" in attrs:
            ended = attrs.get("ended_at")
        else:  # an edit of the start alone is checked against the stored end
            ended = getattr(self.instance, "ended_at", None)
        if ended is not None and attrs.get("duration_minutes") is not None:
            raise serializers.ValidationError(
                {"duration_minutes": [_("Give ended_at or duration_minutes, not both.")]}
            )
        if ended is None or started is None:
            return attrs
        if ended < started:
            raise serializers.ValidationError({"ended_at": [_("Cannot be before started_at.")]})
        if (ended - started).total_seconds() > MAX_DURATION_MINUTES * 60:
            raise serializers.ValidationError({"ended_at": [_("An episode lasts at most 7 days.")]})
        return attrs


class EpisodeUpdateSerializer(EpisodeInputSerializer):
    """PATCH: any field but the client_id."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        del fields["client_id"]
        return fields


class EpisodeSyncSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    # Items are checked one by one in the view, so one bad item never blocks the others.
    episodes = serializers.ListField(
        child=serializers.JSONField(), allow_empty=False, max_length=MAX_SYNC_ITEMS
    )


class EpisodeMedicineOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    dose = serializers.CharField(allow_blank=True)
    taken_at = serializers.DateTimeField(allow_null=True)


class PatientMedicationNoteSerializer(serializers.Serializer):
    """A medication-safety note (clinical reference §8) in the patient's words."""

    id = serializers.CharField(help_text="The rule: MED1, MED2...")
    medicines = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class MedicationNoteSerializer(serializers.Serializer):
    """A medication-safety note as triage stored it, for clinicians."""

    id = serializers.CharField(help_text="The rule: MED1 ... MED11")
    medicines = serializers.ListField(child=serializers.CharField())
    clinician_message = serializers.CharField()
    patient_message = serializers.CharField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]


class EpisodeTriageSerializer(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=["emergency", "urgent", "soon", "routine"])
    flags = serializers.ListField(child=serializers.CharField())
    safety_message = serializers.CharField(help_text="Show this to the patient, as it is")
    escalated = serializers.BooleanField(help_text="The clinic has been alerted")


def episode_triage(episode: Episode) -> dict[str, Any] | None:
    """The episode's gravest re-triage result (written by the triage app: a reverse relation,
    no import), or None when no red flag was ever reported with it."""
    assessments = sorted(episode.assessments.all(), key=lambda a: (a.urgency_rank, a.pk))
    if not assessments:
        return None
    latest = assessments[-1]
    return {
        "urgency": latest.urgency,
        "flags": latest.flags,
        "safety_message": latest.patient_message,
        "escalated": latest.urgency in ("emergency", "urgent"),
    }


class DeletedEpisodeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    deleted_at = serializers.DateTimeField()


class EpisodeDeletedSerializer(serializers.Serializer):
    """410 to a resend of a deleted episode: the error shape, the deleted episode, and the
    re-triage result, so a red flag in the resend still reaches the patient."""

    error = inline_serializer(
        "EpisodeDeletedError",
        {
            "code": serializers.ChoiceField(choices=["episode_deleted"]),
            "message": serializers.CharField(),
            "fields": serializers.DictField(),
        },
    )
    episode = DeletedEpisodeRefSerializer()
    triage = EpisodeTriageSerializer(allow_null=True)


def episode_deleted_body(episode: Episode) -> dict[str, Any]:
    deleted_at = episode.deleted_at
    assert deleted_at is not None  # noqa: S101 - only a deleted episode gets this answer
    triage = episode_triage(episode)
    message = _(
        "You deleted this episode earlier, so it stays deleted; "
        "send a new episode (a new client_id) if you meant to record it again."
    )
    if triage is not None:
        # A red flag outranks the bookkeeping: a client that shows only the message shows this.
        message = f"{triage['safety_message']}\n\n{message}"
    return {
        "error": {"code": "episode_deleted", "message": message, "fields": {}},
        "episode": {
            "id": episode.pk,
            "client_id": str(episode.client_id),
            "deleted_at": serializers.DateTimeField().to_representation(deleted_at),
        },
        "triage": triage,
    }


class RedFlagAnswersSerializer(serializers.Serializer):
    """The mini red-flag check as the diary shows it: every question, false unless ticked."""

    def get_fields(self) -> dict[str, serializers.Field]:
        asked = RedFlagsSerializer().fields
        return {
            name: serializers.BooleanField(help_text=asked[name].help_text)
            for name in EPISODE_RED_FLAGS
        }


class EpisodeSerializer(serializers.ModelSerializer):
    side = serializers.ChoiceField(choices=Side.choices, allow_blank=True, read_only=True)
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True, read_only=True)
    function = serializers.ChoiceField(choices=Function.choices, allow_blank=True, read_only=True)
    triggers = serializers.SerializerMethodField()
    relief = serializers.SerializerMethodField()
    red_flags = serializers.SerializerMethodField()
    triage = serializers.SerializerMethodField()
    medicines = EpisodeMedicineOutSerializer(many=True, read_only=True)
    medication_notes = serializers.SerializerMethodField()

    class Meta:
        model = Episode
        fields = (
            "id", "client_id", "started_at", "ended_at", "duration_minutes", "peak_intensity",
            "side", "region", "triggers", "trigger_notes", "activity", "relief", "medicines",
            "function", "notes", "red_flags", "triage", "medication_notes", "created_at",
            "updated_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_triggers(self, obj: Episode) -> list[str]:
        return sorted(t.code for t in obj.triggers.all())

    @extend_schema_field(ReliefSerializer(many=True))
    def get_relief(self, obj: Episode) -> list[dict[str, str]]:
        return [{"method": r.method, "effect": r.effect} for r in obj.relief.all()]

    @extend_schema_field(RedFlagAnswersSerializer)
    def get_red_flags(self, obj: Episode) -> dict[str, bool]:
        return {name: bool(obj.red_flags.get(name)) for name in EPISODE_RED_FLAGS}

    @extend_schema_field(EpisodeTriageSerializer(allow_null=True))
    def get_triage(self, obj: Episode) -> dict[str, Any] | None:
        return episode_triage(obj)

    @extend_schema_field(PatientMedicationNoteSerializer(many=True))
    def get_medication_notes(self, obj: Episode) -> list[dict[str, Any]]:
        # Patients get the plain-language notes only (MED1, MED2); clinicians get them all.
        return [
            {"id": n["id"], "medicines": n["medicines"], "message": n["patient_message"]}
            for n in obj.medication_notes
            if n.get("patient_message")
        ]


class ClinicianEpisodeSerializer(EpisodeSerializer):
    @extend_schema_field(MedicationNoteSerializer(many=True))
    def get_medication_notes(self, obj: Episode) -> list[dict[str, Any]]:
        return list(obj.medication_notes)


# --- statistics (analytics.PatientSummary, analytics.ClinicSummary) -------------------------


class _WindowSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="Window length in days")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so the window's bounds cannot be class attributes.
        fields = super().get_fields()
        bounds = {
            "from": LocalDateTimeField(help_text="The first local midnight of the window"),
            "to": LocalDateTimeField(help_text="Now: the end of the window"),
        }
        return {"days": fields.pop("days"), **bounds, **fields}


class TriggerCountSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Trigger.choices)
    count = serializers.IntegerField()


class ReliefStatsSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ReliefMethod.choices)
    uses = serializers.IntegerField()
    mean_effect = serializers.FloatField(help_text="none 0, some 1, good 2; mean of the uses")
    good = serializers.IntegerField(help_text="Uses that gave good relief")


class HourCountSerializer(serializers.Serializer):
    hour = serializers.IntegerField(min_value=0, max_value=23)
    episodes = serializers.IntegerField()


class WeekdayCountSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    episodes = serializers.IntegerField()


class PreviousWindowSerializer(serializers.Serializer):
    episodes = serializers.IntegerField()
    mean_intensity = serializers.FloatField(allow_null=True)


class TrendSerializer(serializers.Serializer):
    episodes_change_pct = serializers.FloatField(
        allow_null=True, help_text="Null when the previous window had no episodes"
    )
    mean_intensity_change = serializers.FloatField(allow_null=True)


class PatientSummarySerializer(_WindowSerializer):
    """One patient's diary over a window of whole local days, and the window before it."""

    timezone = serializers.CharField()
    episodes = serializers.IntegerField()
    episodes_per_week = serializers.FloatField()
    mean_intensity = serializers.FloatField(allow_null=True)
    peak_intensity = serializers.IntegerField(allow_null=True)
    total_duration_minutes = serializers.IntegerField()
    median_duration_minutes = serializers.FloatField(allow_null=True)
    triggers = TriggerCountSerializer(many=True)
    relief = ReliefStatsSerializer(many=True)
    by_hour = HourCountSerializer(many=True, help_text="24 rows, local hours 0-23")
    by_weekday = WeekdayCountSerializer(many=True, help_text="7 rows, Monday first")
    previous = PreviousWindowSerializer()
    trend = TrendSerializer()


class RisingPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    episodes = serializers.IntegerField()
    previous_episodes = serializers.IntegerField()
    mean_intensity = serializers.FloatField(allow_null=True)
    previous_mean_intensity = serializers.FloatField(allow_null=True)


class ClinicSummarySerializer(_WindowSerializer):
    """Across the caller's clinics: the commonest triggers and the patients getting worse."""

    episodes = serializers.IntegerField()
    patients_reporting = serializers.IntegerField()
    top_triggers = TriggerCountSerializer(many=True, help_text="At most 10")
    rising_patients = RisingPatientSerializer(many=True, help_text="At most 50, worst first")
