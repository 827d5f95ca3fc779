"""Output (and query) serializers of the outcomes endpoints: each field typed for the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from rest_framework import serializers

from clinic.api.serializers import RejectUnknownFieldsMixin

from .. import outcomes
from ..instruments import ImportantChange
from ..selectors import Progress

MAX_PERIOD_DAYS = 3 * 366
DEFAULT_PERIOD_DAYS = 91  # about a quarter


class ChangeSerializer(serializers.Serializer):
    """Against the first screening (REFERENCE.md §5.2): improvement = baseline minus now."""

    improvement = serializers.FloatField()
    meets_absolute_mic = serializers.BooleanField()
    meets_30pct = serializers.BooleanField()
    clinically_important = serializers.BooleanField()


class ProgressPointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField(help_text='"First screening" or "N-week check"')  # type: ignore[assignment]
    weeks = serializers.IntegerField(allow_null=True, help_text="null: the first screening")
    nrs = serializers.IntegerField(allow_null=True, help_text="Pain 0-10")
    odi = serializers.FloatField(allow_null=True, help_text="Oswestry Disability Index 0-100")
    nrs_change = ChangeSerializer(allow_null=True)
    odi_change = ChangeSerializer(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    summary = serializers.CharField(help_text="Pain since the first screening, in one sentence")
    odi_summary = serializers.CharField()
    points = ProgressPointSerializer(many=True)
    next_check_weeks = serializers.IntegerField(allow_null=True)
    next_check_due = serializers.DateTimeField(allow_null=True)


def _change(change: ImportantChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "improvement": change.improvement,
        "meets_absolute_mic": change.meets_absolute_mic,
        "meets_30pct": change.meets_30pct,
        "clinically_important": change.clinically_important,
    }


def progress_data(progress: Progress) -> dict[str, Any]:
    return {
        "summary": progress.summary,
        "odi_summary": progress.odi_summary,
        "points": [
            {
                "at": p.when,
                "label": outcomes.point_label(p.weeks, translation.gettext),
                "weeks": p.weeks,
                "nrs": p.nrs,
                "odi": p.odi,
                "nrs_change": _change(p.nrs_change),
                "odi_change": _change(p.odi_change),
            }
            for p in progress.points
        ],
        "next_check_weeks": progress.next_check_weeks,
        "next_check_due": progress.next_check_due,
    }


# --- the clinic report ----------------------------------------------------------------------


class ReportQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="First day (UTC) a 12-week check falls due; default 91 days ago"
    )
    end = serializers.DateField(required=False, help_text="Last day, included; default today")
    clinic = serializers.IntegerField(
        min_value=1, required=False, help_text="One of the caller's clinics; default: all of them"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end = attrs.get("end") or timezone.now().date()
        start = attrs.get("start") or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if start > end:
            raise serializers.ValidationError({"start": ["The period starts after it ends."]})
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"end": ["A period is at most three years."]})
        return {**attrs, "start": start, "end": end}


class ShareSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="Patients with a 12-week score")
    patients = serializers.IntegerField(allow_null=True, help_text="null: too few to report")
    percent = serializers.FloatField(allow_null=True, help_text="null: too few to report")
    reportable = serializers.BooleanField()


class SpreadSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)
    q1 = serializers.FloatField(allow_null=True)
    q3 = serializers.FloatField(allow_null=True)
    reportable = serializers.BooleanField()


class ResponseRateSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="Patients with a progress check due")
    done = serializers.IntegerField(allow_null=True)
    due = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    reportable = serializers.BooleanField()


class ReportRowSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=outcomes.SECTIONS)
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    patients = serializers.IntegerField()
    response = ResponseRateSerializer()
    nrs_mic = ShareSerializer()
    odi_mic = ShareSerializer()
    nrs_change = SpreadSerializer()
    odi_change = SpreadSerializer()


class ReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    clinics = serializers.ListField(child=serializers.IntegerField())
    min_reportable = serializers.IntegerField()
    adherence_threshold = serializers.IntegerField()
    rows = ReportRowSerializer(many=True)


def _share(share: outcomes.Share) -> dict[str, Any]:
    return {
        "n": share.n,
        "patients": share.k if share.reportable else None,
        "percent": share.percent,
        "reportable": share.reportable,
    }


def _spread(spread: outcomes.Spread) -> dict[str, Any]:
    return {
        "n": spread.n,
        "median": spread.median,
        "q1": spread.q1,
        "q3": spread.q3,
        "reportable": spread.reportable,
    }


def report_data(report: outcomes.Report, clinics: list[int]) -> dict[str, Any]:
    return {
        "start": report.start,
        "end": report.end,
        "clinics": clinics,
        "min_reportable": outcomes.MIN_REPORTABLE,
        "adherence_threshold": outcomes.ADHERENCE_THRESHOLD,
        "rows": [
            {
                "section": r.section,
                "key": r.key,
                "label": r.label,
                "patients": r.patients,
                "response": {
                    "n": r.response.n,
                    "done": r.response.done if r.response.reportable else None,
                    "due": r.response.due if r.response.reportable else None,
                    "percent": r.response.percent,
                    "reportable": r.response.reportable,
                },
                "nrs_mic": _share(r.nrs_mic),
                "odi_mic": _share(r.odi_mic),
                "nrs_change": _spread(r.nrs_change),
                "odi_change": _spread(r.odi_change),
            }
            for r in report.rows
        ],
    }
