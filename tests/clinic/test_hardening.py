"""Hardening: a Content-Security-Policy on every page, nothing with patient data cached, and
no session row for a token login."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from tests.dashboard.helpers import code, device_for, verified_login
from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_strict(response) -> None:
    csp = policy(response)
    scripts = csp.get("script-src", csp["default-src"])
    assert scripts == ["'self'"], scripts
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def no_inline_code(html: str) -> None:
    """What the policy would block: inline scripts, event handlers and style attributes."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"
    assert not re.search(r"<style\b", html), "an inline <style>"
    assert not re.search(r"\sstyle\s*=", html), "a style attribute"


@pytest.fixture
def admin_site(world) -> Client:
    world.admin.is_staff = True  # the clinic admin also uses the admin site
    world.admin.save()
    return verified_login(Client(), world.admin)


@pytest.fixture
def physio_session(world) -> Client:
    client = Client()
    client.force_login(world.physio)
    return client


# --- Content-Security-Policy ------------------------------------------------------------------


def test_every_kind_of_page_has_a_strict_content_security_policy(world, physio_session, admin_site):
    admin = admin_site
    responses = {
        "login page": Client().get("/accounts/login/"),
        "today": physio_session.get("/today/"),
        "patient page": physio_session.get(f"/patients/{world.patient.pk}/"),
        "triage": physio_session.get("/triage/"),
        "admin": admin.get("/admin/"),
        "admin change form": admin.get(f"/admin/patients/patient/{world.patient.pk}/change/"),
        "api docs": Client().get("/api/docs/"),
        "api": APIClient().get("/api/v1/me/"),
        "not found": Client().get("/no-such-page/"),
        "health": Client().get("/healthz"),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 401, 404), name
        assert "Content-Security-Policy" in response, name
        assert_strict(response)


def test_dashboard_pages_carry_no_inline_code_the_policy_would_block(world, physio_session):
    for url in ("/today/", "/", f"/patients/{world.patient.pk}/", "/triage/", "/programs/"):
        response = physio_session.get(url)
        assert response.status_code == 200, url
        no_inline_code(response.content.decode())
    setup = Client()
    setup.force_login(world.admin)
    enrol = setup.get("/accounts/two-factor/setup/")  # the QR code is inline SVG
    assert enrol.status_code == 200
    no_inline_code(enrol.content.decode())


def test_the_api_docs_load_their_scripts_and_styles_from_files(db):
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    no_inline_code(html)
    script = re.findall(r'<script src="([^"]+\?[^"]*script=[^"]*)"', html)
    assert script, "the Swagger UI set-up script is served as a file"
    init = Client().get(script[0].replace("&amp;", "&"))
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


# --- Cache-Control ----------------------------------------------------------------------------


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_api_answers_with_patient_data_are_never_stored(world, physio_client, patient_client):
    for response in (
        patient_client.get("/api/v1/me/"),
        patient_client.get("/api/v1/me/export/"),
        patient_client.get("/api/v1/me/export/fhir/"),
        physio_client.get("/api/v1/clinic/patients/"),
        physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/"),
        physio_client.get(f"/api/v1/clinic/patients/{world.patient.pk}/export/"),
        APIClient().post(TOKEN, {"email": "pat@a.example", "password": PASSWORD}, format="json"),
    ):
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert no_store(response), response.request["PATH_INFO"]
    # Errors too: a 404 says which ids exist no more than a 200 does, and is not cached.
    assert no_store(physio_client.get(f"/api/v1/clinic/patients/{world.foreign_patient.pk}/"))


def test_signed_in_pages_and_the_admin_are_never_stored(world, physio_session, admin_site):
    admin = admin_site
    for response in (
        physio_session.get("/today/"),
        physio_session.get("/"),
        physio_session.get(f"/patients/{world.patient.pk}/"),
        physio_session.get("/triage/"),
        admin.get(f"/admin/patients/patient/{world.patient.pk}/change/"),
    ):
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert no_store(response), response.request["PATH_INFO"]


# --- no session for token logins --------------------------------------------------------------


def test_a_token_login_creates_no_session(world):
    client = APIClient()
    response = client.post(TOKEN, {"email": "pat@a.example", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


def test_a_two_factor_token_login_and_failed_logins_create_no_session(world):
    device = device_for(world.admin)
    client = APIClient()
    for body, status in (
        ({"email": "admin@a.example", "password": "wrong"}, 401),
        ({"email": "admin@a.example", "password": PASSWORD}, 401),
        ({"email": "admin@a.example", "password": PASSWORD, "otp": code(device)}, 200),
    ):
        assert client.post(TOKEN, body, format="json").status_code == status
    assert Session.objects.count() == 0


def test_the_token_login_is_still_a_login(world):
    """last_login is set and django-axes' failure count is reset, as before."""
    client = APIClient()
    client.post(TOKEN, {"email": "pat@a.example", "password": "wrong"}, format="json")
    client.post(TOKEN, {"email": "pat@a.example", "password": PASSWORD}, format="json")
    world.patient_user.refresh_from_db()
    assert world.patient_user.last_login is not None
    assert not AccessAttempt.objects.exists()
    assert AccessLog.objects.filter(username="pat@a.example").count() == 1
