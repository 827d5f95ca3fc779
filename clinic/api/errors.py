"""One error shape for every 4xx: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from clinic.errors import DomainError


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        domain = Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            domain["WWW-Authenticate"] = 'Bearer realm="api"'
        return domain
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a bug, let it be a 500 and reach the logs
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(
            "invalid", gettext("Some fields are missing or invalid."), fields
        )
    else:
        detail = exc.detail  # type: ignore[attr-defined]
        if isinstance(detail, dict):  # simplejwt: {"detail", "code", "messages"}
            response.data = error_body(
                str(detail.get("code", "error")), str(detail.get("detail", ""))
            )
        else:
            codes = exc.get_codes()  # type: ignore[attr-defined]
            response.data = error_body(codes if isinstance(codes, str) else "error", str(detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = response.get("WWW-Authenticate", 'Bearer realm="api"')
    return response
