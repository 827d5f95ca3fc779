from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext

from clinic.api.errors import error_body
from clinic.api.parsers import too_large


class RequestBodyLimitMiddleware:
    """Refuse bodies over REQUEST_BODY_MAX_BYTES before anything reads them (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return JsonResponse(
                error_body("invalid_content_length", gettext("Content-Length is not a number.")),
                status=400,
            )
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            return JsonResponse(
                error_body("request_too_large", too_large(limit)),
                status=413,
            )
        return self.get_response(request)


# Paths patients reach: the API and the pages their emails link to. Everything else is the
# clinicians' dashboard and admin, kept in the house language (settings.LANGUAGE_CODE).
PATIENT_FACING_PREFIXES = ("/api/", "/invitations/", "/followups/", "/app/")


class LanguageMiddleware:
    """Pick the language of each answer, and reset it afterwards (threads are reused).

    Patient-facing paths start in the browser's language (Accept-Language, falling back to the
    house language); an authenticated patient's API request then switches to the patient's
    own language (clinic.api.authentication), and the pages behind a signed link to the
    language of the patient the link is for (patients.views). The dashboard stays as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        patient_facing = request.path.startswith(PATIENT_FACING_PREFIXES)
        if patient_facing:
            translation.activate(translation.get_language_from_request(request))
        else:
            translation.activate(settings.LANGUAGE_CODE)
        try:
            response = self.get_response(request)
            if patient_facing:
                patch_vary_headers(response, ("Accept-Language",))
                response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            translation.deactivate()
        return response


class NoStoreMiddleware:
    """Pages and answers hold patient data: no browser or proxy may keep a copy.

    Every API answer (exports included), every admin page and every page for a signed-in user
    is `no-store`, whatever the view said. Other pages (the login page, the links in patients'
    emails) are `no-store` too unless their view chose a cache policy itself. Static files are
    served before this runs (WhiteNoise) and keep their long cache.
    """

    ALWAYS = ("/api/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if (
            signed_in
            or request.path.startswith(self.ALWAYS)
            or not response.has_header("Cache-Control")
        ):
            add_never_cache_headers(response)
        return response
