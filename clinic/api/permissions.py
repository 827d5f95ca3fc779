from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsClinician(BasePermission):
    """Staff of at least one clinic. Querysets narrow further to the caller's clinics."""

    message = _("This endpoint is for clinic staff.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.memberships.exists())


class IsPatient(BasePermission):
    """A patient with an active record; every queryset is their own data only."""

    message = _("This endpoint is for patients.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        patient = getattr(user, "patient", None) if user and user.is_authenticated else None
        return bool(patient is not None and patient.is_active)
