"""The dashboard shell: who may use it, which clinic a page is about, and the panel registry.

Pages that combine several apps (Today, the patient page, the patient list's status chips) are
assembled here from parts the apps register in their AppConfig.ready(), so clinic never imports
a domain app. Every panel computes its context with a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, html_safe
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django_stubs_ext import StrOrPromise

from . import second_factor
from .models import Clinic, Membership, User
from .second_factor import has_confirmed_device as has_confirmed_device  # twofactor.py

CLINIC_SESSION_KEY = "dashboard_clinic_id"

View = Callable[..., HttpResponse]


# --- who may use it --------------------------------------------------------------------------


@dataclass
class Scope:
    """The caller's memberships and the clinic the current page is about."""

    user: User
    membership: Membership
    memberships: list[Membership]

    @property
    def clinic(self) -> Clinic:
        return self.membership.clinic

    @property
    def is_admin(self) -> bool:
        return self.membership.role == Membership.Role.ADMIN


def second_factor_required(user: User, memberships: Iterable[Membership]) -> bool:
    """Clinic admins, staff and every member of a clinic that requires it must verify a TOTP
    code; other physiotherapists may enrol, and once they have a device it is asked for too.
    The same rule guards the API (clinic.second_factor)."""
    return second_factor.must_use(user, memberships)


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def _memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("clinic")
        .order_by("clinic__name", "clinic_id")
    )


def _pick(request: HttpRequest, memberships: list[Membership]) -> Membership:
    wanted = request.session.get(CLINIC_SESSION_KEY)
    for membership in memberships:
        if membership.clinic_id == wanted:
            return membership
    return memberships[0]


def clinician_required(view: View | None = None, *, admin: bool = False) -> Any:
    """Dashboard views: clinic staff only, second factor verified where required, scoped to
    the current clinic (request.scope). Anonymous visitors go to the login page; patients and
    other users without a membership get 403; `admin=True` pages need the clinic admin role."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            memberships = _memberships(user)
            if not memberships or not user.is_active:
                raise PermissionDenied
            if not is_verified(request) and second_factor_required(user, memberships):
                target = reverse("two-factor")
                return redirect(f"{target}?next={quote(request.get_full_path(), safe='/')}")
            # The audit reads the caller's roles; they are known already.
            user._audit_roles = sorted({m.role for m in memberships})  # type: ignore[attr-defined]
            membership = _pick(request, memberships)
            request.scope = Scope(user, membership, memberships)  # type: ignore[attr-defined]
            if admin and membership.role != Membership.Role.ADMIN:
                raise PermissionDenied
            # The dashboard shows times on the current clinic's clock.
            with timezone.override(membership.clinic.timezone):
                return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def scope_of(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined]


def switch_clinic(request: HttpRequest, clinic_id: int) -> Clinic:
    """Make `clinic_id` the current clinic; a clinic the caller does not work at is a 404."""
    for membership in scope_of(request).memberships:
        if membership.clinic_id == clinic_id:
            request.session[CLINIC_SESSION_KEY] = clinic_id
            return membership.clinic
    raise Http404("No such clinic.")


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` form field or query parameter when it is a local address, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- the panel registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A part of a combined page: `context(request, subject)` returns the template's context,
    or None to leave the panel out. The subject is the clinic (Today) or the patient."""

    name: str
    template: str
    context: Callable[[HttpRequest, Any], Mapping[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class Column:
    """A status chip on the patient list: `values(request, patients)` returns a chip (or None)
    per patient id for the patients on the page."""

    name: str
    label: str
    values: Callable[[HttpRequest, list[Any]], Mapping[int, Chip | None]]
    order: int = 100


@html_safe
@dataclass(frozen=True)
class Chip:
    text: str
    tone: str = "neutral"  # neutral, good, warn, danger
    title: str = ""

    def __str__(self) -> str:
        return format_html(
            '<span class="chip chip-{}" title="{}">{}</span>', self.tone, self.title, self.text
        )


@dataclass
class Registry:
    today: list[Panel] = field(default_factory=list)
    patient: list[Panel] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    patient_loader: Callable[[HttpRequest, int], Any] | None = None
    followup_kinds: dict[str, StrOrPromise] = field(default_factory=dict)


registry = Registry()


def _add(panels: list[Panel], panel: Panel) -> None:
    panels[:] = [p for p in panels if p.name != panel.name]  # re-registering replaces
    panels.append(panel)
    panels.sort(key=lambda p: (p.order, p.name))


def register_today_panel(panel: Panel) -> None:
    _add(registry.today, panel)


def register_patient_panel(panel: Panel) -> None:
    _add(registry.patient, panel)


def register_column(column: Column) -> None:
    registry.columns[:] = [c for c in registry.columns if c.name != column.name]
    registry.columns.append(column)
    registry.columns.sort(key=lambda c: (c.order, c.name))


def register_patient_loader(loader: Callable[[HttpRequest, int], Any]) -> None:
    """How the patient page finds its patient: (request, pk) -> patient, or Http404."""
    registry.patient_loader = loader


def register_followup_kinds(kinds: Mapping[str, StrOrPromise]) -> None:
    """The follow-up kinds a clinic can switch off on its settings page."""
    registry.followup_kinds.update(kinds)


def load_patient(request: HttpRequest, pk: int) -> Any:
    if registry.patient_loader is None:
        raise Http404("No patient pages.")
    return registry.patient_loader(request, pk)


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    html: SafeString


def render_panels(request: HttpRequest, panels: list[Panel], subject: Any) -> list[RenderedPanel]:
    rendered = []
    for panel in panels:
        context = panel.context(request, subject)
        if context is None:
            continue
        html = render_to_string(panel.template, {**context, "panel": panel.name}, request)
        rendered.append(RenderedPanel(panel.name, SafeString(html)))
    return rendered


def chips_for(
    request: HttpRequest, patients: list[Any]
) -> tuple[list[Column], dict[int, list[Any]]]:
    """The registered columns and, per patient id, one chip (or None) per column."""
    columns = list(registry.columns)
    values = [column.values(request, patients) for column in columns]
    return columns, {p.pk: [v.get(p.pk) for v in values] for p in patients}
