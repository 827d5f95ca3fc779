"""Triage's records in a patient's JSON export (registered with patients.export)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Urgency
from .serializers import (
    ComparisonSerializer,
    IntakeAnswersSerializer,
    IntakeMedicineOutSerializer,
    OswestryAnswersSerializer,
    start_back_answers,
)


class ExportAssessmentSerializer(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    flags = serializers.ListField(child=serializers.CharField())
    rules = serializers.ListField(child=serializers.CharField(), help_text="The rules that fired")
    ruleset_version = serializers.CharField()
    pathway = serializers.CharField(allow_blank=True)
    start_back_risk = serializers.CharField(allow_blank=True)
    oswestry_score = serializers.FloatField(allow_null=True)
    medication_notes = serializers.ListField(
        child=serializers.CharField(), help_text="The medication rules that fired"
    )


class IntakeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    questionnaire_version = serializers.CharField()
    answers = IntakeAnswersSerializer()
    pain_nrs = serializers.IntegerField(allow_null=True)
    start_back = start_back_answers(allow_null=True)
    oswestry = OswestryAnswersSerializer(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    medicines = IntakeMedicineOutSerializer(many=True)
    assessment = ExportAssessmentSerializer(allow_null=True)


class ReassessmentRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    weeks = serializers.IntegerField()
    pain_nrs = serializers.IntegerField()
    oswestry = OswestryAnswersSerializer(allow_null=True)
    oswestry_score = serializers.FloatField(allow_null=True)
    comparison = ComparisonSerializer()
