"""Dashboard forms of the triage capability: an intake recorded by a clinician, reviews and
resolutions. The intake form is built from triage.questionnaire so it never drifts from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from . import instruments
from .questionnaire import (
    CLINICIAN_QUESTIONS,
    FIELDS,
    GROUPS,
    REQUIRED,
    REQUIRED_FIELDS,
    FieldSpec,
    validate_values,
)

GROUP_TITLES = {
    "about_you": "About the patient",
    "this_episode": "This episode",
    "bladder_bowel_sensation": "Cauda equina: bladder, bowel and sensation",
    "legs": "Legs and neurology",
    "general_health": "General health: cancer, infection, fracture",
    "heart_and_breathing": "Heart, circulation and breathing",
    "inflammatory_features": "Inflammatory features",
}
# Sections with no required question start folded: the page fits a tablet.
OPTIONAL_GROUPS = {"inflammatory_features"}
YES_NO = [("yes", "Yes"), ("no", "No")]
UNANSWERED = "Not answered: ask, then tick yes or no."
UNANSWERED_WHY = "A red-flag question left blank is never read as no."


def _field(spec: FieldSpec) -> forms.Field:
    required = spec.name in REQUIRED_FIELDS
    messages = {"required": UNANSWERED if spec.type == "bool" else REQUIRED}
    field: forms.Field
    if spec.type == "bool":
        field = forms.ChoiceField(
            choices=YES_NO, widget=forms.RadioSelect, required=required, error_messages=messages
        )
    elif spec.type == "int":
        field = forms.IntegerField(
            min_value=spec.minimum,
            max_value=spec.maximum,
            required=required,
            error_messages=messages,
        )
    else:
        field = forms.ChoiceField(
            choices=[("", "—"), *((c, c.capitalize()) for c in spec.choices)],
            required=required,
            error_messages=messages,
        )
    field.label = CLINICIAN_QUESTIONS.get(spec.name, spec.question)
    field.group = spec.group  # type: ignore[union-attr]
    return field


@dataclass(frozen=True)
class Section:
    """A fieldset of the intake form; optional ones start folded unless something is in them."""

    key: str
    title: str
    fields: list[forms.BoundField]
    optional: bool = False

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.fields)

    @property
    def touched(self) -> bool:
        return any(f.value() not in (None, "") for f in self.fields)


START_BACK_BINARY = [("0", instruments.START_BACK_RESPONSE_LABELS[0]),
                     ("1", instruments.START_BACK_RESPONSE_LABELS[1])]  # fmt: skip
ODI_SCORES = [("", "—"), *((str(n), str(n)) for n in range(6))]


class IntakeForm(forms.Form):
    """The questionnaire's fields, STarT Back (all nine or none) and Oswestry (optional).

    Given the patient's age (from the date of birth on their record), the form does not ask it.
    """

    description = forms.CharField(
        label="What happened, in the patient's words",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, age: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.age = age
        for spec in FIELDS:
            if spec.name == "age" and age is not None:
                continue
            self.fields[spec.name] = _field(spec)
        for number, item in enumerate(instruments.START_BACK_ITEMS, start=1):
            choices = (
                [("", "—"), *((label, label) for label in instruments.START_BACK_ITEM9_LABELS)]
                if number == 9
                else [("", "—"), *START_BACK_BINARY]
            )
            self.fields[f"sb{number}"] = forms.ChoiceField(
                label=f"{number}. {item}", choices=choices, required=False
            )
        for name in instruments.ODI_SECTIONS:
            self.fields[f"odi_{name}"] = forms.TypedChoiceField(
                label=instruments.ODI_SECTION_LABELS[name],
                choices=ODI_SCORES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def groups(self) -> list[Section]:
        by_group: dict[str, list[forms.BoundField]] = {g: [] for g in GROUPS}
        for spec in FIELDS:
            if spec.name in self.fields:
                by_group[spec.group].append(self[spec.name])
        return [
            Section(key=g, title=GROUP_TITLES[g], fields=fields, optional=g in OPTIONAL_GROUPS)
            for g, fields in by_group.items()
            if fields or g == "about_you"
        ]

    def error_anchors(self) -> dict[str, str]:
        """Where the error summary links to: the first radio button of a yes/no question."""
        return {
            name: f"{self[name].auto_id}_0"
            for name, field in self.fields.items()
            if isinstance(field.widget, forms.RadioSelect)
        }

    def start_back(self) -> Section:
        fields = [self[f"sb{n}"] for n in range(1, 10)]
        return Section("start-back", "STarT Back (all nine or none)", fields, optional=True)

    def oswestry(self) -> Section:
        fields = [self[f"odi_{name}"] for name in instruments.ODI_SECTIONS]
        return Section("oswestry", "Oswestry section scores (0-5)", fields, optional=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answers: dict[str, Any] = {} if self.age is None else {"age": self.age}
        for spec in FIELDS:
            if spec.name not in self.fields:
                continue
            value = data.get(spec.name)
            if value in (None, ""):
                continue
            answers[spec.name] = value == "yes" if spec.type == "bool" else value
        # What the fields alone cannot see (an onset age above the age, and the like).
        for name, reason in validate_values(answers).items():
            if name not in self.errors and name in self.fields:
                if name == "back_pain_onset_age" and self.age is not None:
                    reason = f"Cannot be more than the patient's age ({self.age})."
                self.add_error(name, reason)
        data["answers"] = answers

        sb = [data.get(f"sb{n}") or "" for n in range(1, 10)]
        data["start_back"] = None
        if any(sb):
            if not all(sb):
                first_blank = next(n for n, v in enumerate(sb, start=1) if not v)
                self.add_error(
                    f"sb{first_blank}", "STarT Back: answer all nine questions, or none."
                )
            else:
                data["start_back"] = [int(v) for v in sb[:8]] + [sb[8]]
        odi = {name: data.get(f"odi_{name}") for name in instruments.ODI_SECTIONS}
        answered = {k: v for k, v in odi.items() if v is not None}
        data["oswestry"] = None
        if answered:
            result = instruments.oswestry(answered)
            if result.score is None:
                blank = next(f"odi_{k}" for k, v in odi.items() if v is None)
                self.add_error(
                    blank,
                    f"Oswestry: answer at least {instruments.ODI_MIN_ANSWERED} sections, or none.",
                )
            else:
                data["oswestry"] = answered
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(label="Review note", required=False, max_length=2000)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=2000,
        error_messages={"required": "Say how it was resolved."},
    )
    mark_reviewed = forms.BooleanField(label="Also mark the screening reviewed", required=False)


class OutcomesForm(forms.Form):
    """The outcomes page's period and scope (GET)."""

    start = forms.DateField(
        label="12-week checks due from", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(
        label="Clinics",
        choices=[("clinic", "This clinic"), ("all", "All my clinics")],
        initial="clinic",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("start", "The period starts after it ends.")
        if start and end and (end - start).days >= 3 * 366:
            self.add_error("end", "A period is at most three years.")
        return data
