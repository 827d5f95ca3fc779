from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from clinic.api.serializers import OptionalEmailField, RejectUnknownFieldsMixin, TimeOfDayField
from clinic.models import Clinic, Membership
from clinic.selectors import clinics_for
from patients.vocabulary import MovementDirection

from ..models import Patient
from ..selectors import colleagues_of

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "timezone",
    "email_opt_in",
    "quiet_hours_start",
    "quiet_hours_end",
)


class PatientUpdateSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    timezone = TimeZoneSerializerField(use_pytz=False, required=False)
    email = OptionalEmailField(required=False, max_length=254)
    quiet_hours_start = TimeOfDayField(required=False)
    quiet_hours_end = TimeOfDayField(required=False)

    class Meta:
        model = Patient
        fields: tuple[str, ...] = (
            *PROFILE_FIELDS, "physiotherapist", "is_active", "aggravating_direction",
        )  # fmt: skip
        # Uniqueness and cross-field rules are checked by the service's full_clean().
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # absent only while the OpenAPI schema is generated
            self.fields["physiotherapist"].queryset = colleagues_of(request.user)  # type: ignore[attr-defined]


class PatientCreateSerializer(PatientUpdateSerializer):
    clinic = serializers.PrimaryKeyRelatedField(queryset=Clinic.objects.none(), required=False)

    class Meta(PatientUpdateSerializer.Meta):
        fields = ("clinic", *PatientUpdateSerializer.Meta.fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
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


class PhysiotherapistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class PatientSerializer(serializers.ModelSerializer):
    timezone = TimeZoneSerializerField(use_pytz=False)
    email = OptionalEmailField(read_only=True)
    aggravating_direction = serializers.ChoiceField(
        choices=MovementDirection.choices, allow_blank=True, read_only=True
    )
    quiet_hours_start = TimeOfDayField()
    quiet_hours_end = TimeOfDayField()
    physiotherapist = PhysiotherapistSerializer(allow_null=True)
    has_app_account = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = (
            "id",
            "clinic",
            *PROFILE_FIELDS,
            "physiotherapist",
            "is_active",
            "aggravating_direction",
            "has_app_account",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_has_app_account(self, obj: Patient) -> bool:
        return obj.user_id is not None


class ClinicContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = OptionalEmailField()
    phone = serializers.CharField(allow_blank=True)


class OwnProfileSerializer(serializers.ModelSerializer):
    """What a patient sees of their own record."""

    timezone = TimeZoneSerializerField(use_pytz=False)
    email = OptionalEmailField(read_only=True)
    quiet_hours_start = TimeOfDayField()
    quiet_hours_end = TimeOfDayField()
    clinic = serializers.SerializerMethodField()
    physiotherapist = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = ("id", "clinic", *PROFILE_FIELDS, "physiotherapist")
        read_only_fields = fields

    @extend_schema_field(ClinicContactSerializer)
    def get_clinic(self, obj: Patient) -> dict[str, Any]:
        c = obj.clinic
        return {"id": c.pk, "name": c.name, "email": c.email, "phone": c.phone}

    def get_physiotherapist(self, obj: Patient) -> str | None:
        return obj.physiotherapist.get_full_name() if obj.physiotherapist else None


class MembershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="clinic.id")
    name = serializers.CharField(source="clinic.name")

    class Meta:
        model = Membership
        fields = ("id", "name", "role")
        read_only_fields = fields
