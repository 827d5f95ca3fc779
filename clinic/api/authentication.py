"""API authentication: simplejwt's bearer tokens, answering a patient in their language."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import translation
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.request import Request
from rest_framework_simplejwt import authentication

from clinic.models import User


def patient_language(user: AbstractBaseUser) -> str | None:
    """The language of the user's (active) patient record, or None for a clinician.

    One query through the reverse relation, so clinic does not import the patients app.
    """
    row = (
        User.objects.filter(pk=user.pk, patient__is_active=True)
        .values_list("patient__language", "patient__clinic__language")
        .first()
    )
    if row is None:
        return None
    own, clinics = row
    return own or clinics


class JWTAuthentication(authentication.JWTAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            language = patient_language(result[0])
            if language:
                # API messages and errors from here on; LanguageMiddleware resets it.
                translation.activate(language)
        return result


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of the subclass: simplejwt's bearer token, unchanged."""

    target_class = "clinic.api.authentication.JWTAuthentication"
