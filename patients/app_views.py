"""The patient web app's shell: one HTML page, its service worker and its translations.

Everything the app shows comes from the public API (/api/v1/) through JavaScript; these views
hand out no patient data, so they need no login and may be cached by the service worker.
"""

from __future__ import annotations

import hashlib
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

APP_DIR = "patients/app/"
# Every file the app needs to open with no network; the service worker stores them on install.
ASSETS = (
    "app.css",
    "main.js",
    "api.js",
    "store.js",
    "sync.js",
    "ui.js",
    "screens.js",
    "diary.js",
    "exercises.js",
    "charts.js",
    "manifest.webmanifest",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


def with_app_headers(response: HttpResponseBase) -> HttpResponseBase:
    # The Content-Security-Policy is the project's (django-csp, CONTENT_SECURITY_POLICY in
    # clinic/settings/base.py: files from this site only, no inline script or style), which
    # the app keeps to: the shell loads files only and the API is same-origin.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def asset_url(name: str) -> str:
    # Unhashed names: the ES modules import each other by these, and the service worker
    # stores exactly these (its version below changes whenever a file does).
    return f"{settings.STATIC_URL}{APP_DIR}{name}"


@lru_cache(maxsize=1)
def _version_cached(stamp: str) -> str:
    digest = hashlib.sha256()
    for name in ASSETS:
        path = finders.find(APP_DIR + name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def assets_version() -> str:
    # In development the files change under a running server: re-read them then.
    return _version_cached(str(time.time()) if settings.DEBUG else "")


# The languages the app's own strings are translated into (patients/locale/*/djangojs.po).
APP_LANGUAGES = ("en", "es")


def _languages() -> list[str]:
    return list(APP_LANGUAGES)


@require_safe
def shell(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "patients/app/shell.html",
        {
            "css": asset_url("app.css"),
            "main": asset_url("main.js"),
            "manifest": asset_url("manifest.webmanifest"),
            "icon": asset_url("icons/icon.svg"),
            "icon_png": asset_url("icons/icon-192.png"),
            "version": assets_version(),
        },
    )
    response["Cache-Control"] = "no-cache"
    return with_app_headers(response)  # type: ignore[return-value]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /app/ so that its scope is the app (a static URL would limit it to /static/)."""
    response = render(
        request,
        "patients/app/sw.js",
        {
            "version": assets_version(),
            "assets": [asset_url(name) for name in ASSETS],
            "catalogues": [f"/app/jsi18n/{code}/" for code in _languages()],
            "static_prefix": settings.STATIC_URL + APP_DIR,
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return with_app_headers(response)  # type: ignore[return-value]


@never_cache
@require_safe
def catalogue(request: HttpRequest, language: str) -> HttpResponseBase:
    """The app's strings in one language (djangojs domain), as a plain script."""
    if language not in _languages():
        language = APP_LANGUAGES[0]
    with translation.override(language):
        response = JavaScriptCatalog.as_view(domain="djangojs", packages=["patients"])(request)
    response["Cache-Control"] = "no-cache"
    return with_app_headers(response)
