from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from clinic import audit, dashboard
from clinic.dashboard import clinician_required, safe_next, scope_of
from clinic.errors import DomainError
from clinic.forms import error_summary

from . import followups, services
from .forms import PATIENT_FORM_FIELDS, NoteForm, PatientForm, PatientSearchForm, SetPasswordForm
from .models import FollowUpReply, Patient
from .selectors import (
    clinic_physiotherapists,
    likely_duplicates,
    patients_for_clinician,
    patients_matching,
)


@clinician_required
def patient_list(request: HttpRequest) -> HttpResponse:
    """The current clinic's patients, searchable, with each app's status chips."""
    scope = scope_of(request)
    form = PatientSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    mine = form.is_valid() and form.cleaned_data["mine"]
    patients = (
        patients_for_clinician(scope.user)
        .filter(clinic=scope.clinic)
        .select_related("clinic", "physiotherapist")
    )
    patients = patients_matching(patients, q)
    if mine:
        patients = patients.filter(physiotherapist=scope.user)
    page = Paginator(patients, 50).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit.record(
        request,
        action=audit.Action.LIST,
        patients=shown,
        object_type="patient",
        object_ids=[p.pk for p in shown],
    )
    columns, chips = dashboard.chips_for(request, shown)
    rows = [(p, chips[p.pk]) for p in shown]
    query = urlencode({k: v for k, v in (("q", q), ("mine", "on" if mine else "")) if v})
    return render(
        request,
        "patients/list.html",
        {
            "rows": rows,
            "columns": columns,
            "page": page,
            "form": form,
            "query": query,
            "nav": "patients",
        },
    )


def _patient_form(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """Register a patient (patient=None) or correct their details; a likely duplicate (same
    name and date of birth at this clinic) is shown and needs a tick to go ahead."""
    clinic = scope_of(request).clinic
    initial: dict[str, Any]
    if patient is None:
        initial = {"timezone": str(clinic.timezone)}
    else:
        initial = {name: getattr(patient, name) for name in PATIENT_FORM_FIELDS}
        initial["timezone"] = str(patient.timezone)
    form = PatientForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        physiotherapists=clinic_physiotherapists(clinic),
        clinic_language=clinic.language,
    )
    duplicates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        values = form.values()
        duplicates = likely_duplicates(
            clinic,
            first_name=values["first_name"],
            last_name=values["last_name"],
            date_of_birth=values["date_of_birth"],
            exclude=patient.pk if patient else None,
        )
        if duplicates and not form.cleaned_data["confirm_duplicate"]:
            form.add_error(
                None,
                "This clinic already has a patient with the same name and date of birth. "
                "Open their record below, or tick the box if this is a different person.",
            )
        else:
            try:
                if patient is None:
                    saved = services.patient_create(clinic=clinic, **values)
                    action, done = audit.Action.CREATE, "registered"
                else:
                    saved = services.patient_update(patient=patient, **values)
                    action, done = audit.Action.UPDATE, "updated"
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except DomainError as exc:
                form.add_error(None, exc.message)
                for field, errors in exc.fields.items():
                    if field in form.fields:
                        form.add_error(field, errors)
            else:
                audit.record(request, action=action, patients=[saved], object_type="patient",
                             object_ids=[saved.pk])  # fmt: skip
                messages.success(request, f"{saved.full_name} {done}.")
                target = reverse("dashboard:patient", args=[saved.pk])
                return redirect(target + ("?new=1#next" if patient is None else "#profile"))
    elif patient is not None:
        audit.record(request, action=audit.Action.VIEW, patients=[patient], object_type="patient",
                     object_ids=[patient.pk])  # fmt: skip
    return render(
        request,
        "patients/patient_form.html",
        {
            "form": form,
            "errors": error_summary(form, {"__all__": "duplicates"} if duplicates else None)
            if form.is_bound
            else [],
            "patient": patient,
            "duplicates": duplicates,
            "nav": "patients",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@clinician_required
def patient_new(request: HttpRequest) -> HttpResponse:
    return _patient_form(request, None)


@clinician_required
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _patient_form(request, dashboard.load_patient(request, pk))


@clinician_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    patient = dashboard.load_patient(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        note = services.note_create(
            patient=patient,
            author=request.user,  # type: ignore[arg-type]
            text=form.cleaned_data["text"],
        )
        audit.record(request, action=audit.Action.CREATE, patients=[patient],
                     object_type="note", object_ids=[note.pk])  # fmt: skip
        messages.success(request, "Note added.")
    else:
        messages.error(
            request, "Note not added: " + " ".join(str(e) for e in form.errors.get("text", []))
        )
    return redirect(reverse("dashboard:patient", args=[patient.pk]) + "#notes")


@clinician_required
@require_POST
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    patient = dashboard.load_patient(request, pk)
    try:
        with audit.recorded(request, action=audit.Action.CREATE, patients=[patient],
                            object_type="invitation"):  # fmt: skip
            services.invitation_send(patient=patient, sent_by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, f"Invitation not sent: {exc.message}")
    else:
        messages.success(request, f"Invitation to the app sent to {patient.email}.")
    return redirect(reverse("dashboard:patient", args=[patient.pk]) + "#profile")


@clinician_required
@require_POST
def reply_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinician has seen a "worse" follow-up reply: it leaves Today."""
    scope = scope_of(request)
    reply = (
        FollowUpReply.objects.filter(patient__clinic=scope.clinic, pk=pk)
        .select_related("patient")
        .first()
    )
    if reply is None:
        raise Http404("No such reply.")
    with audit.recorded(request, action=audit.Action.UPDATE, patients=[reply.patient],
                        object_type="followup_reply", object_ids=[reply.pk]):  # fmt: skip
        followups.reply_mark_seen(reply=reply, user=request.user)
    messages.success(request, f"The “worse” reply from {reply.patient.full_name} is marked seen.")
    return redirect(safe_next(request, reverse("dashboard:patient", args=[reply.patient_id])))


def _message(
    request: HttpRequest,
    heading: str,
    text: str,
    status: int = 200,
    patient: Patient | None = None,
    app_link: bool = False,
) -> HttpResponse:
    return render(
        request,
        "patients/invitation_message.html",
        {
            "heading": heading,
            "text": text,
            "clinic": patient.clinic if patient else None,
            "app_link": reverse("app:shell") if app_link else "",
        },
        status=status,
    )


# The pages behind an emailed link speak the language of the patient the link is for (the
# browser's, from LanguageMiddleware, while no valid link says who that is).


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _message(
            request,
            _("This link no longer works"),
            _(
                "The invitation is invalid, has already been used or has expired. "
                "Please ask your clinic to send a new one."
            ),
            status=410,
        )
    patient = invitation.patient
    # Dates on the page are on the patient's clock, in the patient's words.
    with translation.override(patient.language_code), timezone.override(patient.timezone):
        form = SetPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invitation_accept(token=token, password=form.cleaned_data["password1"])
            except ValidationError as exc:
                form.add_error("password1", exc)
            except services.InvitationInvalid as exc:
                return _message(request, _("This link no longer works"), exc.message, 410, patient)
            else:
                return _message(
                    request,
                    _("Your password is set"),
                    _("You can now log in to the app with your email address and this password."),
                    patient=patient,
                    app_link=True,
                )
        return render(
            request,
            "patients/invitation_accept.html",
            {
                "form": form,
                "patient": patient,
                "clinic": patient.clinic,
                "expires_at": invitation.expires_at,
            },
        )


def _link_problem(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        _("This link does not work"),
        _(
            "The link is invalid or has expired. If you need to tell your clinic something, "
            "please contact them directly."
        ),
        status=400,
    )


@never_cache
def followup_reply(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """A follow-up email's "better / same / worse" link. GET asks; POST records.

    Recording on GET would let mail scanners that open every link answer for the patient.
    """
    target = followups.read_reply_token(token)
    if target is None or answer not in FollowUpReply.Answer.values:
        return _link_problem(request)
    patient = target.patient
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "answer": answer,
        "answers": FollowUpReply.Answer,
        "sent_at": target.notification.sent_at or target.notification.due_at,
    }
    if request.method == "POST":
        chosen = request.POST.get("answer", answer)
        if chosen not in FollowUpReply.Answer.values:
            return _link_problem(request)
        reply = followups.reply_record(target=target, answer=chosen)
        context["answer"], context["recorded"] = chosen, True
        context["recorded_at"] = reply.updated_at
    with translation.override(patient.language_code), timezone.override(patient.timezone):
        return render(request, "patients/followups/reply.html", context)


@csrf_exempt  # mail clients send RFC 8058 one-click unsubscribes as a bare POST
@never_cache
def followup_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = followups.read_unsubscribe_token(token)
    if found is None:
        return _link_problem(request)
    patient, kind = found
    done = request.method == "POST"
    if done:
        followups.unsubscribe(patient=patient, kind=kind)
    with translation.override(patient.language_code):
        return render(
            request,
            "patients/followups/unsubscribe.html",
            {
                "patient": patient,
                "clinic": patient.clinic,
                "kind_label": followups.KINDS[kind],
                "done": done,
            },
        )
