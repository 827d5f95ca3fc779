"""Dashboard forms of the clinic package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django_stubs_ext import StrOrPromise

from .countries import country_choices
from .models import Clinic, Membership


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.email} ({obj.get_role_display()})"


class ClinicSettingsForm(forms.Form):
    country = forms.ChoiceField(
        choices=country_choices(),
        help_text="Decides the emergency number and the urgent-care route every safety "
        "message gives your patients.",
    )
    emergency_number_override = forms.CharField(
        label="Emergency number",
        required=False,
        max_length=20,
        help_text="Leave blank to use the country's.",
    )
    urgent_service_override = forms.CharField(
        label="Urgent, not emergency, service (with its number)",
        required=False,
        max_length=120,
        help_text="Leave blank to use the country's.",
    )
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label="Patients' language",
        help_text="Emails and pages to patients who have not chosen a language.",
    )
    emergency_realert_minutes = forms.IntegerField(
        label="Alert again about an unacknowledged emergency after (minutes)",
        min_value=1,
        max_value=120,
    )
    urgent_realert_minutes = forms.IntegerField(
        label="Alert again about an unacknowledged urgent case after (minutes)",
        min_value=5,
        max_value=24 * 60,
    )
    escalation_contacts = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Physiotherapists who also receive escalation alerts",
    )
    require_two_factor = forms.BooleanField(
        required=False,
        label="Every member signs in with an authenticator app",
        help_text="Clinic admins always do. When ticked, physiotherapists without an "
        "authenticator app are asked to set one up at their next page, and the API refuses "
        "them until they log in with its code.",
    )
    followup_kinds = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Follow-up emails this clinic sends",
    )

    def __init__(
        self, *args: Any, clinic: Clinic, followup_kinds: Mapping[str, StrOrPromise], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(
            Membership.objects.filter(clinic=clinic)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        )
        contacts = self.fields["escalation_contacts"]
        contacts.queryset = Membership.objects.filter(  # type: ignore[attr-defined]
            clinic=clinic
        ).exclude(role=Membership.Role.ADMIN)
        contacts.choices = [  # type: ignore[attr-defined]
            (m.pk, contacts.label_from_instance(m))  # type: ignore[attr-defined]
            for m in self.members
            if m.role != Membership.Role.ADMIN
        ]
        self.fields["followup_kinds"].choices = list(followup_kinds.items())  # type: ignore[attr-defined]
        self.initial.update(
            country=clinic.country,
            emergency_number_override=clinic.emergency_number_override,
            urgent_service_override=clinic.urgent_service_override,
            language=clinic.language,
            emergency_realert_minutes=clinic.emergency_realert_minutes,
            urgent_realert_minutes=clinic.urgent_realert_minutes,
            require_two_factor=clinic.require_two_factor,
            escalation_contacts=[m.pk for m in self.members if m.escalation_contact],
            followup_kinds=[k for k in followup_kinds if k not in clinic.disabled_followup_kinds],
        )


def error_summary(
    form: forms.BaseForm, anchors: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(link target, sentence) for each error of a bound form, in the form's order: the list at
    the top of the page that takes the focus and links to each field.

    `anchors` names the element to jump to when it is not the field's input (a fieldset of
    radio buttons, say); form-wide errors link to the form itself.
    """
    anchors = anchors or {}
    found: list[tuple[str, str]] = []
    for message in form.non_field_errors():
        found.append((f"#{anchors.get('__all__', 'form-errors')}", str(message)))
    for name, field in form.fields.items():
        bound = form[name]
        for message in bound.errors:
            target = anchors.get(name) or bound.auto_id or ""
            label = str(field.label or name).rstrip("?:.")
            found.append((f"#{target}", f"{label}: {message}"))
    return found
