"""Serializers of the patient's side: the program as the app shows it, the session log and
the adherence report (which clinicians see too)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from clinic.api.serializers import RejectUnknownFieldsMixin
from clinic.models import Clinic

from .. import adherence
from ..models import Difficulty, Exercise, ExerciseSession, ProgramItem, SessionItem
from ..selectors import ProgramAdherence
from .serializers import DosageSerializer, ExerciseBriefSerializer, PatientExerciseSerializer

# --- the patient's program -----------------------------------------------------------------


class PatientItemSerializer(serializers.ModelSerializer):
    exercise = PatientExerciseSerializer()
    dosage = DosageSerializer(source="*")

    class Meta:
        model = ProgramItem
        fields = ("id", "exercise", "dosage", "notes")
        read_only_fields = fields


# Translations must be reviewed by a clinician fluent in the language before a clinic uses it.
_SAFETY_NOTE = gettext_lazy(
    "Some soreness while you get going is normal. Stop an exercise that makes pain spread down "
    "your leg and tell your physiotherapist. If you have numbness around your genitals or back "
    "passage, new problems passing urine or controlling your bowels, or weakness in both legs, "
    "call %(emergency_number)s or go to the emergency department now."
)


def safety_note(clinic: Clinic) -> str:
    """The red-flag advice beside the exercises, with the clinic's emergency number."""
    return _SAFETY_NOTE % {"emergency_number": clinic.safety.emergency_number}


# --- sessions ------------------------------------------------------------------------------


class DoneInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    exercise = serializers.IntegerField(min_value=1)
    sets = serializers.IntegerField(min_value=0, max_value=50, required=False, allow_null=True)
    reps = serializers.IntegerField(min_value=0, max_value=500, required=False, allow_null=True)


class SessionInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    client_id = serializers.UUIDField()
    performed_at = serializers.DateTimeField(required=False)
    exercises = DoneInputSerializer(many=True, allow_empty=False)
    pain_before = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    pain_after = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, required=False, allow_blank=True, default=""
    )
    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class SessionItemSerializer(serializers.ModelSerializer):
    exercise = ExerciseBriefSerializer()
    sets = serializers.IntegerField(source="sets_done", allow_null=True)
    reps = serializers.IntegerField(source="reps_done", allow_null=True)

    class Meta:
        model = SessionItem
        fields = ("exercise", "sets", "reps")
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    exercises = SessionItemSerializer(source="items", many=True)
    revision = serializers.IntegerField(source="revision.number")
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ExerciseSession
        fields = (
            "id",
            "client_id",
            "program",
            "revision",
            "performed_at",
            "exercises",
            "pain_before",
            "pain_after",
            "difficulty",
            "comment",
            "created_at",
        )
        read_only_fields = fields


# --- adherence -----------------------------------------------------------------------------


class AdherenceQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=52, required=False, default=4)
    program = serializers.IntegerField(min_value=1, required=False)


def _tally(tally: adherence.ExerciseTally, exercises: dict[int, Exercise]) -> dict[str, Any]:
    exercise = exercises.get(tally.exercise_id)
    return {
        "exercise": {"id": tally.exercise_id, "name": exercise.name if exercise else ""},
        "prescribed": float(adherence.round_half_up(tally.prescribed, 1)),
        "done": tally.done,
        "adherence_percent": tally.adherence_percent,
    }


def _one_place(value: Fraction | None) -> float | None:
    return None if value is None else float(adherence.round_half_up(value, 1))


def adherence_data(report: ProgramAdherence) -> dict[str, Any]:
    """The adherence report as JSON: prescribed numbers to one decimal place."""
    summary, names = report.summary, report.exercises

    def order(tally: adherence.ExerciseTally) -> tuple[str, int]:
        exercise = names.get(tally.exercise_id)
        return (exercise.name if exercise else "", tally.exercise_id)

    return {
        "program": report.program.pk,
        "status": report.program.status,
        "today": report.today,
        "weeks_requested": report.weeks,
        "first_day": summary.first_day,
        "last_day": summary.last_day,
        "prescribed": float(adherence.round_half_up(summary.prescribed, 1)),
        "done": summary.done,
        "adherence_percent": summary.adherence_percent,
        "mean_pain_change": _one_place(summary.mean_pain_change),
        "current_streak_days": summary.current_streak_days,
        "longest_streak_days": summary.longest_streak_days,
        "weeks": [
            {
                "start": week.start,
                "end": week.end,
                "days": week.days,
                "sessions": week.sessions,
                "prescribed": float(adherence.round_half_up(week.prescribed, 1)),
                "done": week.done,
                "adherence_percent": week.adherence_percent,
                "mean_pain_change": _one_place(week.mean_pain_change),
                "exercises": [_tally(t, names) for t in sorted(week.exercises.values(), key=order)],
            }
            for week in summary.weeks
        ],
        "exercises": [_tally(t, names) for t in sorted(summary.exercises.values(), key=order)],
        "flagged_for_review": [
            {
                "exercise": {
                    "id": stat.exercise_id,
                    "name": names[stat.exercise_id].name if stat.exercise_id in names else "",
                },
                "done": stat.done,
                "pain_increased": stat.pain_increased,
                "spasm_episode_within_2h": stat.episode_after,
                "reasons": stat.reasons,
            }
            for stat in sorted(summary.flagged, key=lambda s: s.exercise_id)
        ],
    }


class ExerciseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AdherenceWeekExerciseSerializer(serializers.Serializer):
    """Documents the adherence response for the OpenAPI schema."""

    exercise = ExerciseRefSerializer()
    prescribed = serializers.FloatField()
    done = serializers.IntegerField()
    adherence_percent = serializers.IntegerField(allow_null=True)


class AdherenceWeekSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    sessions = serializers.IntegerField()
    prescribed = serializers.FloatField()
    done = serializers.IntegerField()
    adherence_percent = serializers.IntegerField(allow_null=True)
    mean_pain_change = serializers.FloatField(
        allow_null=True, help_text="Pain after minus before, on average: below 0 it eased"
    )
    exercises = AdherenceWeekExerciseSerializer(many=True)


class FlagSerializer(serializers.Serializer):
    exercise = ExerciseRefSerializer()
    done = serializers.IntegerField()
    pain_increased = serializers.IntegerField()
    spasm_episode_within_2h = serializers.IntegerField()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=["pain_increase", "spasm_episode"])
    )


class AdherenceSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    status = serializers.CharField(help_text="active or ended")
    today = serializers.DateField()
    weeks_requested = serializers.IntegerField()
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    prescribed = serializers.FloatField()
    done = serializers.IntegerField()
    adherence_percent = serializers.IntegerField(allow_null=True)
    mean_pain_change = serializers.FloatField(allow_null=True)
    current_streak_days = serializers.IntegerField()
    longest_streak_days = serializers.IntegerField()
    weeks = AdherenceWeekSerializer(many=True)
    exercises = AdherenceWeekExerciseSerializer(many=True)
    flagged_for_review = FlagSerializer(many=True)


class DueSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    exercise = ExerciseBriefSerializer()
    times_per_day = serializers.IntegerField()
    done_today = serializers.IntegerField()
    remaining_today = serializers.IntegerField()


class PatientProgramSerializer(serializers.Serializer):
    """Documents GET /program/ for the OpenAPI schema."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    physiotherapist = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()
    items = PatientItemSerializer(many=True)
    today = serializers.DateField()
    due_today = DueSerializer(many=True)
    safety_note = serializers.CharField()
