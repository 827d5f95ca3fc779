from clinic.api.filters import IdFilter, StrictFilterSet

from ..models import Patient


class PatientFilter(StrictFilterSet):
    # The list is already the caller's patients: an id from another clinic finds nothing,
    # exactly like one that does not exist, so the filters confirm nothing about other clinics.
    clinic = IdFilter(field_name="clinic_id")
    physiotherapist = IdFilter(field_name="physiotherapist_id")

    class Meta:
        model = Patient
        fields = ("physiotherapist", "is_active", "clinic")
