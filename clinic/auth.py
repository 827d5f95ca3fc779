"""Login lockout (django-axes) wiring: who is being locked out, and what they are told."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .api.errors import error_body


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account being tried: "email" on the API token endpoint, "username" on the login page."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or request.POST.get("username")
    return str(value).strip().lower() if value else None


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None, **_: Any
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"Too many failed logins. Try again in {minutes} minutes or ask your clinic."
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("locked_out", message), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
