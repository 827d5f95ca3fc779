"""Dashboard forms of the clinic package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from .models import Clinic, Membership


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.email} ({obj.get_role_display()})"


class ClinicSettingsForm(forms.Form):
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
        self, *args: Any, clinic: Clinic, followup_kinds: Mapping[str, str], **kwargs: Any
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
            emergency_realert_minutes=clinic.emergency_realert_minutes,
            urgent_realert_minutes=clinic.urgent_realert_minutes,
            require_two_factor=clinic.require_two_factor,
            escalation_contacts=[m.pk for m in self.members if m.escalation_contact],
            followup_kinds=[k for k in followup_kinds if k not in clinic.disabled_followup_kinds],
        )
