"""Error pages for requests no view answered: the API's error shape under /api/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from .api.errors import error_body


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse | None:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return None


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 404, "not_found", "Not found.") or page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 is always a bug (it is logged); the app still gets JSON it can parse."""
    return _api_error(
        request, 500, "server_error", "Something went wrong on our side."
    ) or default_server_error(request)
