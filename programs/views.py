"""Dashboard pages of the programs capability."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The exercise library and program templates the clinic can prescribe from."""
    user = request.user
    if not user.memberships.exists():  # type: ignore[union-attr]
        raise PermissionDenied
    templates = selectors.templates_for_clinician(user).filter(is_active=True)  # type: ignore[arg-type]
    exercises = (
        selectors.exercises_for_clinician(user)  # type: ignore[arg-type]
        .filter(is_active=True)
        .select_related("clinic")
        .order_by("category", "name")
    )
    return render(
        request, "programs/library.html", {"templates": templates, "exercises": exercises}
    )
