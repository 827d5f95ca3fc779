from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework_simplejwt.tokens import Token

from clinic import second_factor


class SecondFactorRequired(PermissionDenied):
    default_detail = (
        "This account must pass two-factor sign-in: log in again with the code from your "
        "authenticator app (set one up on the dashboard first if you have none)."
    )
    default_code = "two_factor_required"


def second_factor_passed(request: Request) -> bool:
    """A token issued after a good code, or a dashboard session that passed one."""
    if isinstance(request.auth, Token):
        return request.auth.get(second_factor.VERIFIED_CLAIM) is True
    check = getattr(request.user, "is_verified", None)  # set by django-otp's middleware
    return bool(check and check())


class IsClinician(BasePermission):
    """Staff of at least one clinic, with the second factor passed where they must use it.
    Querysets narrow further to the caller's clinics."""

    message = _("This endpoint is for clinic staff.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if second_factor_passed(request):
            return bool(user.memberships.exists())
        memberships = list(user.memberships.select_related("clinic"))
        if not memberships:
            return False
        if second_factor.must_use(user, memberships):
            raise SecondFactorRequired
        return True


class IsPatient(BasePermission):
    """A patient with an active record; every queryset is their own data only."""

    message = _("This endpoint is for patients.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        patient = getattr(user, "patient", None) if user and user.is_authenticated else None
        return bool(patient is not None and patient.is_active)
