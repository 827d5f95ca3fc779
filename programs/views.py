"""Dashboard pages of the programs capability: the exercise library and templates (the clinic's
own rows editable, shipped ones copied first), and assigning, editing and ending a patient's
program. Every action is a plain form POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic import audit, dashboard
from clinic.dashboard import clinician_required, scope_of
from clinic.errors import DomainError
from clinic.forms import error_summary
from patients.models import Patient

from . import catalogue, selectors, services
from .forms import AssignForm, EndForm, ExerciseForm, ReviseForm, TemplateForm
from .models import DOSAGE_FIELDS, Exercise, Program, ProgramTemplate
from .services import ItemSpec

# --- library and templates ------------------------------------------------------------------


def _exercises(request: HttpRequest) -> QuerySet[Exercise]:
    """The shipped library and the current clinic's own exercises."""
    return Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic=scope_of(request).clinic))


def _templates(request: HttpRequest) -> QuerySet[ProgramTemplate]:
    scope = scope_of(request)
    return selectors.templates_for_clinician(scope.user).filter(
        Q(clinic__isnull=True) | Q(clinic=scope.clinic)
    )


@clinician_required
def library(request: HttpRequest) -> HttpResponse:
    """The exercise library and program templates the clinic can prescribe from."""
    templates = _templates(request).filter(is_active=True)
    exercises = (
        _exercises(request)
        .filter(is_active=True)
        .select_related("clinic")
        .order_by("category", "name")
    )
    return render(
        request,
        "programs/library.html",
        {"templates": templates, "exercises": exercises, "nav": "library"},
    )


def _library_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("programs:library")


@clinician_required
def exercise_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    clinic = scope_of(request).clinic
    exercise = (
        get_object_or_404(Exercise, pk=pk, clinic=clinic)
        if pk is not None
        else Exercise(clinic=clinic)
    )
    form = ExerciseForm(request.POST if request.method == "POST" else None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in catalogue.EXERCISE_EDITABLE_FIELDS}
        try:
            if pk is None:
                saved = catalogue.exercise_create(clinic=clinic, **values)
            else:
                saved = catalogue.exercise_update(exercise=exercise, **values)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Exercise “{saved.name}” saved.")
            return redirect(reverse("programs:library") + f"#exercise-{saved.pk}")
    return render(
        request,
        "programs/exercise_form.html",
        {"form": form, "exercise": exercise, "nav": "library"},
        status=400 if form.is_bound and form.errors else 200,
    )


@clinician_required
@require_POST
def exercise_copy(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(_exercises(request), pk=pk)
    copy = catalogue.exercise_copy(exercise=exercise, clinic=scope_of(request).clinic)
    messages.success(request, f"“{exercise.name}” copied to your clinic: edit the copy.")
    return redirect("programs:exercise-edit", pk=copy.pk)


@clinician_required
@require_POST
def exercise_archive(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(_exercises(request), pk=pk)
    try:
        catalogue.exercise_archive(exercise=exercise)
    except DomainError as exc:
        return _library_error(request, exc)
    messages.success(request, f"“{exercise.name}” archived: programs that use it keep it.")
    return redirect("programs:library")


@clinician_required
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    clinic = scope_of(request).clinic
    template = (
        get_object_or_404(ProgramTemplate, pk=pk, clinic=clinic)
        if pk is not None
        else ProgramTemplate(clinic=clinic)
    )
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        instance=template,
        exercises=_exercises(request).filter(is_active=True).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in catalogue.TEMPLATE_EDITABLE_FIELDS}
        items = [ItemSpec(exercise=e) for e in form.cleaned_data["exercises"]]
        try:
            if pk is None:
                saved = catalogue.template_create(clinic=clinic, items=items, **values)
            else:
                saved = catalogue.template_update(template=template, items=items, **values)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Template “{saved.name}” saved.")
            return redirect(reverse("programs:library") + f"#template-{saved.pk}")
    return render(
        request,
        "programs/template_form.html",
        {"form": form, "template": template, "nav": "library"},
        status=400 if form.is_bound and form.errors else 200,
    )


@clinician_required
@require_POST
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(_templates(request), pk=pk)
    copy = catalogue.template_copy(template=template, clinic=scope_of(request).clinic)
    messages.success(request, f"“{template.name}” copied to your clinic: edit the copy.")
    return redirect("programs:template-edit", pk=copy.pk)


@clinician_required
@require_POST
def template_archive(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(_templates(request), pk=pk)
    try:
        catalogue.template_archive(template=template)
    except DomainError as exc:
        return _library_error(request, exc)
    messages.success(request, f"“{template.name}” archived.")
    return redirect("programs:library")


# --- a patient's program --------------------------------------------------------------------


def _problems(exc: DomainError, names: list[str]) -> list[str]:
    """A service error as sentences, naming the exercise each item error is about."""
    if isinstance(exc, services.DirectionConflict):
        found = ["Some exercises move into this patient's aggravating direction. Tick the box "
                 "below to prescribe them anyway, or choose others."]  # fmt: skip
    else:
        found = [exc.message]
    items = exc.fields.get("items") or []
    for name, errors in zip(names, items, strict=False):
        if isinstance(errors, str):
            found.append(errors)
            continue
        for reasons in errors.values():
            if isinstance(reasons, dict):  # dosage problems: {field: [reasons]}
                found.extend(
                    f"{name}, {field.replace('_', ' ')}: {' '.join(map(str, why))}"
                    for field, why in reasons.items()
                )
            else:
                found.extend(f"{name}: {reason}" for reason in reasons)
    return found


def _patient_page(patient: Patient) -> str:
    return reverse("dashboard:patient", args=[patient.pk]) + "#program"


@clinician_required
def assign(request: HttpRequest, patient_pk: int) -> HttpResponse:
    """Assign in one step: a template or exercises picked (filterable) with their dosage."""
    patient = dashboard.load_patient(request, patient_pk)
    suggestion = selectors.suggestion_for_patient(patient)
    initial: dict[str, Any] = {}
    if suggestion.template is not None:
        initial["template"] = suggestion.template.pk
    posted = request.method == "POST"
    filtering = posted and "filter" in request.POST
    if filtering or not posted:
        # Filtering is not submitting: the form comes back unbound with what was entered.
        entered = request.POST if posted else request.GET
        initial.update({key: entered.get(key) for key in entered if key != "csrfmiddlewaretoken"})
        initial["exercises"] = [v for v in entered.getlist("exercises") if v.isdigit()]
    form = AssignForm(
        request.POST if posted and not filtering else None,
        initial=initial,
        templates=_templates(request).filter(is_active=True),
        exercises=_exercises(request).filter(is_active=True).order_by("category", "name"),
    )
    needs_confirmation = False
    if posted and not filtering and form.is_valid():
        data = form.cleaned_data
        chosen = list(data["exercises"])
        items = [ItemSpec(exercise=e, dosage=form.dosage(e)) for e in chosen] if chosen else None
        try:
            program = services.program_assign(
                patient=patient,
                by=request.user,  # type: ignore[arg-type]
                template=data["template"],
                items=items,
                start_date=data["start_date"],
                end_date=data["end_date"],
                notes=data["notes"],
                confirm_direction_conflicts=data["confirm_direction_conflicts"],
            )
        except DomainError as exc:
            names = [e.name for e in chosen] or [
                i.exercise.name for i in data["template"].items.all()
            ]
            for problem in _problems(exc, names):
                form.add_error(None, problem)
            needs_confirmation = isinstance(exc, services.DirectionConflict)
        else:
            audit.record(request, action=audit.Action.CREATE, patients=[patient],
                         object_type="program", object_ids=[program.pk])  # fmt: skip
            messages.success(request, f"Program assigned to {patient.full_name}.")
            return redirect(_patient_page(patient))
    show_errors = posted and not filtering
    return render(
        request,
        "programs/assign.html",
        {
            "form": form,
            "rows": form.rows(),
            "errors": error_summary(form, {"exercises": "picker"}) if show_errors else [],
            "show_errors": show_errors,
            "patient": patient,
            "suggestion": suggestion,
            "needs_confirmation": needs_confirmation,
            "nav": "patients",
        },
        status=400 if show_errors and form.errors else 200,
    )


def _program(request: HttpRequest, pk: int) -> Program:
    program = (
        Program.objects.filter(pk=pk, patient__clinic=scope_of(request).clinic)
        .select_related("patient", "current_revision")
        .first()
    )
    if program is None:
        raise Http404("No such program.")
    return program


@clinician_required
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    patient = program.patient
    revision = program.current_revision
    assert revision is not None  # noqa: S101 - every program has revision 1
    items = list(revision.items.select_related("exercise").order_by("order", "id"))
    form = ReviseForm(
        request.POST if request.method == "POST" else None,
        initial={"end_date": revision.end_date, "notes": revision.notes},
        items=items,
        exercises=_exercises(request).filter(is_active=True).order_by("name"),
    )
    needs_confirmation = False
    if program.status != Program.Status.ACTIVE:
        messages.error(request, "This program has ended; assign a new one instead.")
        return redirect(_patient_page(patient))
    if request.method == "POST" and form.is_valid():
        specs = [
            ItemSpec(exercise=items[n].exercise, dosage=form.dosage(n), notes=items[n].notes)
            for n in form.cleaned_data["kept"]
        ]
        added = form.cleaned_data.get("add_exercise")
        if added is not None:
            specs.append(ItemSpec(exercise=added))
        try:
            services.program_revise(
                program=program,
                by=request.user,  # type: ignore[arg-type]
                items=specs,
                end_date=form.cleaned_data["end_date"],
                notes=form.cleaned_data["notes"],
                confirm_direction_conflicts=form.cleaned_data["confirm_direction_conflicts"],
            )
        except DomainError as exc:
            for problem in _problems(exc, [s.exercise.name for s in specs]):
                form.add_error(None, problem)
            needs_confirmation = isinstance(exc, services.DirectionConflict)
        else:
            audit.record(request, action=audit.Action.UPDATE, patients=[patient],
                         object_type="program", object_ids=[program.pk])  # fmt: skip
            messages.success(request, f"Program updated (revision {revision.number + 1}).")
            return redirect(_patient_page(patient))
    return render(
        request,
        "programs/revise.html",
        {
            "form": form,
            "program": program,
            "patient": patient,
            "revision": revision,
            "dosage_fields": DOSAGE_FIELDS,
            "needs_confirmation": needs_confirmation,
            "nav": "patients",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@clinician_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending a program asks first: a page that says what ends, with a reason to give."""
    program = _program(request, pk)
    patient = program.patient
    if program.status != Program.Status.ACTIVE:
        messages.error(request, "This program has already ended.")
        return redirect(_patient_page(patient))
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with audit.recorded(request, action=audit.Action.UPDATE, patients=[patient],
                                object_type="program", object_ids=[program.pk]):  # fmt: skip
                services.program_end(
                    program=program,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Program of {patient.full_name} ended.")
        return redirect(_patient_page(patient))
    revision = program.current_revision
    return render(
        request,
        "programs/end.html",
        {
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            "program": program,
            "patient": patient,
            "items": list(revision.items.select_related("exercise")) if revision else [],
            "nav": "patients",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
