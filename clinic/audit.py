"""Recording access to patient data (clinic.models.PatientAccessEvent).

API views mix in `AuditedViewSetMixin`; dashboard views and single endpoints call `record`
for reads and wrap writes in `recorded`.

The log says what happened: a change is recorded in the same transaction as the change, once
the service has accepted it, so a refused or failed action (a second acknowledgement answered
409, an erasure without confirmation) is not in the log, and a change whose event cannot be
written does not happen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from .models import PatientAccessEvent

Action = PatientAccessEvent.Action

# DRF action name -> what the caller did to the data.
VIEWSET_ACTIONS = {
    "retrieve": Action.VIEW,
    "list": Action.LIST,
    "create": Action.CREATE,
    "update": Action.UPDATE,
    "partial_update": Action.UPDATE,
    "destroy": Action.DELETE,
}


def _role(user: Any) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    memberships = getattr(user, "_audit_roles", None)
    if memberships is None:
        memberships = sorted(set(user.memberships.values_list("role", flat=True)))
        user._audit_roles = memberships
    if memberships:
        return "admin" if "admin" in memberships else "physiotherapist"
    return "patient" if getattr(user, "patient", None) is not None else "user"


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest,
    *,
    action: str,
    patients: Iterable[Any],
    object_type: str,
    object_ids: Iterable[Any] | None = None,
) -> None:
    """One event per patient (with its object id, if given), in one INSERT."""
    user = request.user if request.user.is_authenticated else None
    role = _role(request.user)
    patients = list(patients)
    ids = list(object_ids) if object_ids is not None else [""] * len(patients)
    PatientAccessEvent.objects.bulk_create(
        PatientAccessEvent(
            actor=user,
            actor_role=role,
            clinic_id=patient.clinic_id,
            patient_id=patient.pk,
            object_type=object_type,
            object_id=str(object_id),
            action=action,
            request_id=getattr(request, "request_id", ""),
            ip=_ip(request),
        )
        for patient, object_id in zip(patients, ids, strict=True)
    )


@contextmanager
def recorded(
    request: HttpRequest,
    *,
    action: str,
    patients: Iterable[Any],
    object_type: str,
    object_ids: Iterable[Any] | None = None,
) -> Iterator[None]:
    """Run a write and record it in one transaction; nothing is recorded if the block raises
    (the service refused or failed)."""
    with transaction.atomic():
        yield
        record(request, action=action, patients=patients, object_type=object_type,
               object_ids=object_ids)  # fmt: skip


def patient_of(obj: Model) -> Any:
    """The Patient an object belongs to (the object itself, or its `patient`)."""
    return obj if obj._meta.model_name == "patient" else obj.patient  # type: ignore[attr-defined]


READS = (Action.VIEW, Action.LIST)


class AuditedViewSetMixin:
    """Records every object a viewset hands out or changes, and every patient on a list page.

    `audit_object_type` names the data; `audit_actions` maps extra @action names to actions.
    Querysets should select_related the patient (or be patients), so recording adds no query
    per row.

    A write action runs in one transaction with its record: the object it fetched with
    get_object() is recorded only when the action answered with a success (2xx), so a refused
    action (403, 404, 409, 400) leaves no "done" event behind.
    """

    audit_object_type: str = ""
    audit_actions: dict[str, str] = {}

    def _audit_action(self) -> str | None:
        name = getattr(self, "action", None) or ""
        return self.audit_actions.get(name) or VIEWSET_ACTIONS.get(name)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The action is known before DRF's dispatch sets self.action: the router's map.
        name = getattr(self, "action_map", {}).get((request.method or "").lower(), "")
        action = self.audit_actions.get(name) or VIEWSET_ACTIONS.get(name)
        self._audit_pending: list[tuple[str, Any]] = []
        if action is None or action in READS:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if 200 <= response.status_code < 300:
                for done, obj in self._audit_pending:
                    self.audit(done, [obj])
            return response

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        action = self._audit_action()
        if action == Action.VIEW:
            self.audit(action, [obj])
        elif action is not None and action != Action.LIST:
            self._audit_pending.append((action, obj))  # recorded once the action succeeded
        return obj

    def audit_scope_patient(self) -> Any:
        """The one patient a nested list belongs to; an empty list of theirs is still a read."""
        return None

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        rows = page if page is not None else list(queryset)
        if self._audit_action() != Action.LIST:
            return page
        if rows:
            self.audit(Action.LIST, rows)
        elif (scope := self.audit_scope_patient()) is not None:
            self.audit(Action.LIST, [scope], object_ids=[""])
        return page

    def audit(self, action: str, objects: list[Any], object_ids: list[Any] | None = None) -> None:
        record(
            self.request,  # type: ignore[attr-defined]
            action=action,
            patients=[patient_of(o) for o in objects],
            object_type=self.audit_object_type,
            object_ids=object_ids if object_ids is not None else [o.pk for o in objects],
        )


class RequestIdMiddleware:
    """Give every request an id (kept from X-Request-ID when sane) for logs and the audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        valid = 8 <= len(given) <= 64 and given.replace("-", "").isalnum()
        request.request_id = given if valid else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response
