"""Programs' records in a patient's JSON export (registered with patients.export)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Difficulty, Program


class ExportItemSerializer(serializers.Serializer):
    exercise = serializers.CharField(help_text="The exercise's name")
    dosage = serializers.CharField(help_text="e.g. 2 sets, 10 reps, 1x a day, 7 days a week")
    notes = serializers.CharField(allow_blank=True)


class ExportRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    items = ExportItemSerializer(many=True)


class ProgramRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Program.Status.choices)
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    revisions = ExportRevisionSerializer(many=True)


class SessionRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program = serializers.IntegerField()
    performed_at = serializers.DateTimeField()
    pain_before = serializers.IntegerField(allow_null=True)
    pain_after = serializers.IntegerField(allow_null=True)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
