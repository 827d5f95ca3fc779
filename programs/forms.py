"""Dashboard forms of the programs capability. The services validate again and own the rules
(open escalations, aggravating directions, one active program); these forms catch typing
mistakes early and say what is wrong next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from .catalogue import EXERCISE_EDITABLE_FIELDS, TEMPLATE_EDITABLE_FIELDS
from .models import (
    DOSAGE_FIELDS,
    EXERCISE_DIRECTIONS,
    Category,
    Difficulty,
    Exercise,
    ProgramItem,
    ProgramTemplate,
)
from .selectors import dosage_words

DOSAGE_LABELS = {
    "sets": "Sets",
    "reps": "Reps",
    "hold_seconds": "Hold (s)",
    "duration_minutes": "Minutes",
    "times_per_day": "Times a day",
    "days_per_week": "Days a week",
}
DOSAGE_LIMITS = {
    "sets": 20,
    "reps": 200,
    "hold_seconds": 600,
    "duration_minutes": 240,
    "times_per_day": 12,
    "days_per_week": 7,
}


class ExerciseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_direction_display().lower()})"


class ExerciseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_direction_display().lower()})"


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        pathway = f" (suits {obj.get_pathway_display().lower()})" if obj.pathway else ""
        return f"{obj.name}{pathway}"


class PickRow:
    """One exercise of the picker: its tick box state and its dosage fields."""

    def __init__(self, form: AssignForm, exercise: Exercise) -> None:
        self.exercise = exercise
        self.picked = exercise.pk in form.picked_ids
        self.doses = [form[f"dose-{exercise.pk}-{name}"] for name in DOSAGE_FIELDS]
        self.usual = dosage_words(exercise)
        self.has_errors = any(field.errors for field in self.doses)


class AssignForm(forms.Form):
    """Assign in one step: a template, or exercises ticked in the picker, each with its dosage.

    The picker's filters work without JavaScript (the "Filter" button sends the form back with
    the ticks and dosages kept); picker.js filters as one types.
    """

    template = TemplateChoiceField(
        queryset=ProgramTemplate.objects.none(),
        required=False,
        label="Start from a template",
        empty_label="— choose exercises below instead —",
        help_text="Ticked exercises below replace the template's.",
    )
    exercises = forms.ModelMultipleChoiceField(
        queryset=Exercise.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    q = forms.CharField(label="Find an exercise", required=False, max_length=100)
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Any"), *Category.choices]
    )
    direction = forms.ChoiceField(
        label="Direction", required=False, choices=[("", "Any"), *EXERCISE_DIRECTIONS]
    )
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any"), *Difficulty.choices]
    )
    start_date = _date("Start date (today if empty)")
    end_date = _date("End date")
    notes = forms.CharField(
        label="Notes for the patient",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_direction_conflicts = forms.BooleanField(
        required=False,
        label="I have checked the exercises that move in this patient's aggravating direction "
        "and want to prescribe them anyway",
    )

    def __init__(
        self,
        *args: Any,
        templates: QuerySet[ProgramTemplate],
        exercises: QuerySet[Exercise],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["exercises"].queryset = exercises  # type: ignore[attr-defined]
        self.all_exercises = list(exercises)
        if self.is_bound:
            picked = self.data.getlist("exercises") if hasattr(self.data, "getlist") else []
        else:
            picked = self.initial.get("exercises") or []
        self.picked_ids = {int(v) for v in picked if str(v).isdigit()}
        for exercise in self.all_exercises:
            for name in DOSAGE_FIELDS:
                required = name in ("times_per_day", "days_per_week")
                self.fields[f"dose-{exercise.pk}-{name}"] = forms.IntegerField(
                    label=DOSAGE_LABELS[name],
                    required=False,
                    min_value=1,
                    max_value=DOSAGE_LIMITS[name],
                    initial=getattr(exercise, name),
                    widget=forms.NumberInput(attrs={"class": "dose", "inputmode": "numeric"}),
                    error_messages={"required": "Needed."} if required else {},
                )

    def _filter_value(self, name: str) -> str:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(value or "").strip()

    def rows(self) -> list[PickRow]:
        """The exercises the filters let through, plus every ticked one."""
        q = self._filter_value("q").lower()
        wanted = {k: self._filter_value(k) for k in ("category", "direction", "difficulty")}
        shown = []
        for exercise in self.all_exercises:
            matches = (
                not q or q in exercise.name.lower() or q in exercise.purpose.lower()
            ) and all(not value or getattr(exercise, key) == value for key, value in wanted.items())
            if matches or exercise.pk in self.picked_ids:
                shown.append(PickRow(self, exercise))
        return shown

    def filtered(self) -> bool:
        return any(self._filter_value(k) for k in ("q", "category", "direction", "difficulty"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("exercises") or [])
        chosen_ids = {e.pk for e in chosen}
        # Dosages of exercises not ticked are ignored, whatever was typed there.
        for exercise in self.all_exercises:
            if exercise.pk in chosen_ids:
                continue
            for name in DOSAGE_FIELDS:
                self.errors.pop(f"dose-{exercise.pk}-{name}", None)
        for exercise in chosen:
            for name in ("times_per_day", "days_per_week"):
                key = f"dose-{exercise.pk}-{name}"
                if key in self.data and data.get(key) is None and key not in self.errors:
                    self.add_error(key, f"{exercise.name}: say how often ({DOSAGE_LABELS[name]}).")
        if not data.get("template") and not chosen:
            self.add_error("template", "Choose a template or at least one exercise.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return data

    def dosage(self, exercise: Exercise) -> dict[str, int | None]:
        """The dosage typed for a ticked exercise; fields not sent keep the usual dose."""
        found: dict[str, int | None] = {}
        for name in DOSAGE_FIELDS:
            key = f"dose-{exercise.pk}-{name}"
            if key in self.data:
                found[name] = self.cleaned_data.get(key)
        return found


class ReviseForm(forms.Form):
    """A new revision: each current item's dosage (or removed), maybe one more exercise."""

    add_exercise = ExerciseChoiceField(
        queryset=Exercise.objects.none(), required=False, label="Add an exercise"
    )
    end_date = _date("End date")
    notes = forms.CharField(
        label="Notes for the patient",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_direction_conflicts = forms.BooleanField(
        required=False,
        label="I have checked the exercises that move in this patient's aggravating direction "
        "and want to prescribe them anyway",
    )

    def __init__(
        self, *args: Any, items: list[ProgramItem], exercises: QuerySet[Exercise], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["add_exercise"].queryset = exercises.exclude(  # type: ignore[attr-defined]
            pk__in=[i.exercise_id for i in items]
        )
        for n, item in enumerate(items):
            self.fields[f"item-{n}-keep"] = forms.BooleanField(
                required=False, initial=True, label=f"Keep {item.exercise.name}"
            )
            for name in DOSAGE_FIELDS:
                required = name in ("times_per_day", "days_per_week")
                self.fields[f"item-{n}-{name}"] = forms.IntegerField(
                    label=DOSAGE_LABELS[name],
                    required=required,
                    min_value=1,
                    max_value=DOSAGE_LIMITS[name],
                    initial=getattr(item, name),
                    widget=forms.NumberInput(attrs={"class": "dose"}),
                )

    def item_rows(self) -> list[tuple[ProgramItem, forms.BoundField, list[forms.BoundField]]]:
        return [
            (
                item,
                self[f"item-{n}-keep"],
                [self[f"item-{n}-{name}"] for name in DOSAGE_FIELDS],
            )
            for n, item in enumerate(self.items)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kept = [n for n in range(len(self.items)) if data.get(f"item-{n}-keep")]
        if not kept and not data.get("add_exercise"):
            raise forms.ValidationError("A program needs at least one exercise.")
        data["kept"] = kept
        return data

    def dosage(self, n: int) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(f"item-{n}-{name}") for name in DOSAGE_FIELDS}


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Why end it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the program's history, for example “Discharged, goals met”.",
        error_messages={"required": "Say why the program ends."},
    )


class StepsField(forms.CharField):
    """Instruction steps, one per line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ExerciseForm(forms.ModelForm):
    steps = StepsField(label="Steps, one per line")
    media_url = forms.URLField(
        label="Picture or video address", required=False, assume_scheme="https"
    )

    class Meta:
        model = Exercise
        fields = EXERCISE_EDITABLE_FIELDS


class TemplateForm(forms.ModelForm):
    exercises = ExerciseMultipleChoiceField(
        queryset=Exercise.objects.none(),
        label="Exercises (their usual dosage)",
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"required": "Choose at least one exercise."},
    )

    class Meta:
        model = ProgramTemplate
        fields = TEMPLATE_EDITABLE_FIELDS

    def __init__(self, *args: Any, exercises: QuerySet[Exercise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercises"].queryset = exercises  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            self.initial.setdefault("exercises", [i.exercise_id for i in self.instance.items.all()])
