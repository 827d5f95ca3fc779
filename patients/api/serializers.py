from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
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
    "language",
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


class EraseConfirmSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    confirm = serializers.BooleanField(help_text="Must be true: erasure cannot be undone.")

    def validate_confirm(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(
                _('Erasure cannot be undone: send {"confirm": true}.')
            )
        return value


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
                    {"clinic": [_("Required: you work at more than one clinic.")]}
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
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        allow_blank=True,
        read_only=True,
        help_text="Blank: the clinic's language.",
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


class PatientClinicSerializer(serializers.Serializer):
    """The patient's clinic as the app shows it, with the numbers its safety texts give, so
    the app can offer a tap-to-call link offline. Numbers from clinic/countries.py or the
    clinic's override; `urgent_route` is worded in the patient's language."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField(help_text="The clinic's own number; may be empty.")
    address = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2")
    emergency_number = serializers.CharField(source="safety.emergency_number")
    urgent_route = serializers.CharField(
        source="safety.urgent_route",
        help_text='Same-day advice when it is not an emergency: "call" and the country\'s '
        'service, or "contact your doctor today".',
    )


class OwnProfileSerializer(serializers.ModelSerializer):
    """What a patient sees of their own record."""

    timezone = TimeZoneSerializerField(use_pytz=False)
    email = OptionalEmailField(read_only=True)
    quiet_hours_start = TimeOfDayField()
    quiet_hours_end = TimeOfDayField()
    language = serializers.ChoiceField(
        source="language_code",
        choices=settings.LANGUAGES,
        help_text="The language the patient is spoken to in (their choice, else the clinic's).",
    )
    clinic = PatientClinicSerializer()
    physiotherapist = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = ("id", "clinic", *PROFILE_FIELDS, "physiotherapist")
        read_only_fields = fields

    def get_physiotherapist(self, obj: Patient) -> str | None:
        return obj.physiotherapist.get_full_name() if obj.physiotherapist else None


class MembershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="clinic.id")
    name = serializers.CharField(source="clinic.name")

    class Meta:
        model = Membership
        fields = ("id", "name", "role")
        read_only_fields = fields
