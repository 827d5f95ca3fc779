from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from clinic.models import User


class SetPasswordForm(forms.Form):
    """The patient's own form (invitation page): its messages are translated."""

    password1 = forms.CharField(widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", gettext("The two passwords differ."))
        return data


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name, email, phone or date of birth", required=False, max_length=100
    )
    mine = forms.BooleanField(label="Only my patients", required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write something first."},
    )


DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 1980-03-21 (what a date picker sends)
    "%d/%m/%Y",  # 21/03/1980
    "%d.%m.%Y",  # 21.03.1980
    "%d-%m-%Y",  # 21-03-1980
    "%d %m %Y",
    "%d %b %Y",  # 21 Mar 1980
    "%d %B %Y",  # 21 March 1980
    "%d/%m/%y",
]


def parse_date(text: str) -> dt.date | None:
    """A date typed the way clinics write them (day first), or None."""
    text = " ".join(text.strip().split())
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


class PhysiotherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class PatientForm(forms.Form):
    """A patient's details as a clinician registers or corrects them on the dashboard."""

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth",
        input_formats=DATE_INPUT_FORMATS,
        # The browser's date picker; typed dates are read day first (21/03/1980) too.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(
        label="Email", required=False, help_text="Needed to invite the patient to the app."
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    timezone = forms.TypedChoiceField(label="Time zone", choices=(), coerce=str)
    language = forms.ChoiceField(
        label="Language",
        required=False,
        help_text="Of the emails, pages and app the patient gets.",
    )
    physiotherapist = PhysiotherapistChoiceField(
        label="Physiotherapist",
        queryset=User.objects.none(),
        required=False,
        empty_label="— not assigned yet —",
    )
    confirm_duplicate = forms.BooleanField(
        label="This is a different person: register them anyway", required=False
    )

    def __init__(
        self, *args: Any, physiotherapists: QuerySet[User], clinic_language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["physiotherapist"].queryset = physiotherapists  # type: ignore[attr-defined]
        # Blank follows the clinic's language, and keeps following it if the clinic changes.
        names = dict(settings.LANGUAGES)
        clinic_default = f"The clinic's language ({names.get(clinic_language, clinic_language)})"
        self.fields["language"].choices = [("", clinic_default), *settings.LANGUAGES]  # type: ignore[attr-defined]
        zones = sorted(available_timezones() - {"localtime"})
        self.fields["timezone"].choices = [(z, z.replace("_", " ")) for z in zones]  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth is in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Check the year of birth.")
        return born

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PATIENT_FORM_FIELDS}


PATIENT_FORM_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "timezone",
    "language",
    "physiotherapist",
)
