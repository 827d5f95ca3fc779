from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext


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
    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
    mine = forms.BooleanField(label="Only my patients", required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write something first."},
    )
