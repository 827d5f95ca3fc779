"""What the data exports answer: the JSON document (each app's part described by the record
serializer it registered with patients.export) and the FHIR Bundle's envelope."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api.serializers import OptionalEmailField

from .. import export
from ..followups import KINDS
from ..vocabulary import Function, Region, Side, Trigger
from .episode_serializers import (
    EpisodeMedicineOutSerializer,
    RedFlagsSerializer,
    ReliefSerializer,
)


class ExportProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clinic = serializers.CharField(help_text="The clinic's name")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    email = OptionalEmailField()
    phone = serializers.CharField(allow_blank=True)
    timezone = serializers.CharField()
    email_opt_in = serializers.BooleanField()
    muted_kinds = serializers.ListField(child=serializers.ChoiceField(choices=sorted(KINDS)))


class EpisodeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_minutes = serializers.IntegerField(allow_null=True)
    peak_intensity = serializers.IntegerField()
    side = serializers.ChoiceField(choices=Side.choices, allow_blank=True)
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True)
    triggers = serializers.ListField(child=serializers.ChoiceField(choices=Trigger.choices))
    trigger_notes = serializers.CharField(allow_blank=True)
    activity = serializers.CharField(allow_blank=True)
    relief = ReliefSerializer(many=True)
    medicines = EpisodeMedicineOutSerializer(many=True)
    function = serializers.ChoiceField(choices=Function.choices, allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    red_flags = RedFlagsSerializer(help_text="The mini red-flag check as recorded (may be empty)")


class PatientExportSerializer(serializers.Serializer):
    """All of one patient's data; each app adds its part (episodes, intakes, programs...)."""

    exported_at = serializers.DateTimeField()
    format = serializers.ChoiceField(choices=["clinic-export/1"])
    patient = ExportProfileSerializer()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for part in export.contributions():
            fields[part.key] = part.records(many=True)
        return fields


@extend_schema_field(
    {
        "type": "object",
        "description": "A FHIR R4 resource (Patient, Observation, QuestionnaireResponse, Flag, "
        "CarePlan): see https://hl7.org/fhir/R4/resourcelist.html",
        "required": ["resourceType", "id"],
        "properties": {"resourceType": {"type": "string"}, "id": {"type": "string"}},
        "additionalProperties": True,
    }
)
class FhirResourceField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return value


class FhirEntrySerializer(serializers.Serializer):
    fullUrl = serializers.CharField()
    resource = FhirResourceField()


class FhirBundleSerializer(serializers.Serializer):
    """A FHIR R4 Bundle of type "collection": https://hl7.org/fhir/R4/bundle.html"""

    resourceType = serializers.ChoiceField(choices=["Bundle"])
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["collection"])
    timestamp = serializers.DateTimeField()
    entry = FhirEntrySerializer(many=True)
