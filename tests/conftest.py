"""Role fixtures: staff and patients of clinic A, and staff of clinic B who must see nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinic import second_factor
from clinic.api.tokens import issue
from clinic.models import Clinic, Membership, User
from patients.models import Patient

from .factories import ClinicFactory, MembershipFactory, PatientFactory, UserFactory
from .smtp_sink import SmtpSink

REQUIRE_SERVICES = os.environ.get("CLINIC_REQUIRE_SERVICES", "") == "1"


def service_unavailable(reason: str) -> None:
    """Skip on a bare machine; fail in CI, where the service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


@dataclass
class World:
    clinic: Clinic
    other_clinic: Clinic
    physio: User
    admin: User
    other_physio: User
    patient: Patient
    patient_user: User
    other_patient: Patient
    foreign_patient: Patient


def access_token(user: User) -> str:
    """An access token as a completed login gives it: for a user who must use a second factor,
    one verified with their authenticator app (the checks themselves are tested in
    tests/clinic/test_two_factor_api.py)."""
    device = None
    if second_factor.must_use_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return str(issue(user, device).access_token)


def bearer(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token(user)}")
    return client


@pytest.fixture
def world(db) -> World:
    clinic = ClinicFactory(name="Clinic A")
    other_clinic = ClinicFactory(name="Clinic B")
    physio = MembershipFactory(clinic=clinic, user=UserFactory(email="physio@a.example")).user
    admin = MembershipFactory(
        clinic=clinic, role=Membership.Role.ADMIN, user=UserFactory(email="admin@a.example")
    ).user
    other_physio = MembershipFactory(
        clinic=other_clinic, user=UserFactory(email="physio@b.example")
    ).user
    patient_user = UserFactory(email="pat@a.example")
    patient = PatientFactory(
        clinic=clinic, physiotherapist=physio, user=patient_user, email="pat@a.example"
    )
    other_patient = PatientFactory(clinic=clinic, physiotherapist=physio, user=UserFactory())
    # A name no page or library text contains, so "never shown" checks search for it safely
    # (a random surname such as "Short" also stands in "Short walks").
    foreign_patient = PatientFactory(
        clinic=other_clinic, physiotherapist=other_physio, first_name="Quillon", last_name="Vexmoor"
    )
    return World(
        clinic,
        other_clinic,
        physio,
        admin,
        other_physio,
        patient,
        patient_user,
        other_patient,
        foreign_patient,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts must not leak from one test into the next."""
    cache.clear()


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def physio_client(world: World) -> APIClient:
    return bearer(world.physio)


@pytest.fixture
def patient_client(world: World) -> APIClient:
    return bearer(world.patient_user)


@pytest.fixture
def other_clinic_client(world: World) -> APIClient:
    return bearer(world.other_physio)


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_backend(settings, smtp_sink):
    """Send this process's mail over real SMTP to the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """`make test` compiles the catalogues; this covers a bare `pytest` on a fresh clone."""
    from pathlib import Path

    from django.core.management import call_command

    root = Path(__file__).resolve().parents[1]
    stale = [
        po
        for po in root.glob("*/locale/*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compilemessages", ignore=[".venv/*", "var/*"], verbosity=0)
