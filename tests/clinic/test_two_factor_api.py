"""The second factor holds on every door: API tokens, token refresh, API sessions, the dashboard.

Who must pass it: clinic admins, staff of a clinic that requires it, anyone who enrolled an
authenticator app. Patients and unenrolled physiotherapists of other clinics are unaffected.
"""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from clinic.api.tokens import issue
from tests.dashboard.helpers import code, device_for, verified_login
from tests.dashboard.test_clinic_settings import form as settings_form
from tests.factories import PASSWORD
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation
from triage.services import intake_submit

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
PATIENTS = "/api/v1/clinic/patients/"
ESCALATIONS = "/api/v1/clinic/escalations/"


def login(email: str, otp: str | None = None, ip: str = "10.0.0.1"):
    body = {"email": email, "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, body, format="json")


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def as_bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def wrong(device) -> str:
    return f"{(int(code(device)) + 1) % 10**device.digits:0{device.digits}d}"


@pytest.fixture
def enrolled_admin(world):
    return device_for(world.admin)


@pytest.fixture
def escalation(world):
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    return Escalation.objects.get()


# --- the token endpoint -----------------------------------------------------------------------


def test_an_enrolled_admin_gets_no_token_with_the_password_alone(world, enrolled_admin):
    response = login("admin@a.example")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "otp_required"
    assert "otp" in error["fields"]
    assert "access" not in response.json()


def test_an_enrolled_admin_with_the_current_code_gets_working_verified_tokens(
    world, enrolled_admin
):
    response = login("admin@a.example", code(enrolled_admin))
    assert response.status_code == 200, response.json()
    tokens = response.json()
    assert claims(tokens["access"])["otp_verified"] is True
    assert claims(tokens["refresh"])["otp_verified"] is True
    client = as_bearer(tokens["access"])
    listed = client.get(PATIENTS).json()["results"]
    assert world.patient.pk in {p["id"] for p in listed}
    # Tenancy still holds for a verified admin: another clinic's patient does not exist.
    assert world.foreign_patient.pk not in {p["id"] for p in listed}
    assert client.get(f"{PATIENTS}{world.foreign_patient.pk}/").status_code == 404


def test_a_wrong_code_is_refused(world, enrolled_admin):
    response = login("admin@a.example", wrong(enrolled_admin))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_invalid"


def test_a_code_is_not_a_number_or_a_word(world, enrolled_admin):
    for bad in ("12ab56", "1234", "123456789", ""):
        response = login("admin@a.example", bad)
        assert response.status_code == 400, bad
        assert "otp" in response.json()["error"]["fields"]


def test_a_code_works_once(world, enrolled_admin):
    current = code(enrolled_admin)
    assert login("admin@a.example", current).status_code == 200
    replay = login("admin@a.example", current)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "otp_invalid"


def test_after_a_wrong_code_the_device_waits_before_trying_another(world, enrolled_admin):
    assert login("admin@a.example", wrong(enrolled_admin)).status_code == 401
    throttled = login("admin@a.example", code(enrolled_admin))
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "otp_throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 2


def test_wrong_codes_count_towards_the_login_lockout(world, enrolled_admin):
    start = dt.datetime.now(dt.UTC)
    statuses = []
    for attempt in range(5):
        # Past django-otp's back-off (1, 2, 4, 8 s) so that every code is really tried.
        with time_machine.travel(start + dt.timedelta(seconds=20 * attempt), tick=False):
            statuses.append(login("admin@a.example", wrong(enrolled_admin)).status_code)
    assert statuses == [401, 401, 401, 401, 429]
    with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
        locked = login("admin@a.example", code(enrolled_admin))
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"


def test_an_admin_without_an_authenticator_is_sent_to_set_one_up(world):
    response = login("admin@a.example")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_setup_required"


def test_patients_and_unenrolled_physiotherapists_need_no_code(world, enrolled_admin):
    patient = login("pat@a.example")
    assert patient.status_code == 200
    assert claims(patient.json()["access"])["otp_verified"] is False
    assert as_bearer(patient.json()["access"]).get("/api/v1/me/").status_code == 200
    physio = login("physio@a.example")
    assert physio.status_code == 200
    assert as_bearer(physio.json()["access"]).get(PATIENTS).status_code == 200


def test_an_enrolled_physiotherapist_needs_the_code_too(world):
    device = device_for(world.physio)
    assert login("physio@a.example").json()["error"]["code"] == "otp_required"
    assert login("physio@a.example", code(device)).status_code == 200


# --- clinician endpoints and the claim --------------------------------------------------------


def test_a_token_without_the_second_factor_is_refused_on_every_clinician_endpoint(
    world, enrolled_admin, escalation
):
    # What the token endpoint used to hand out for the password alone: no claim at all.
    client = as_bearer(str(RefreshToken.for_user(world.admin).access_token))
    for response in (
        client.get(PATIENTS),
        client.get(f"{PATIENTS}{world.patient.pk}/"),
        client.post(f"{ESCALATIONS}{escalation.pk}/acknowledge/"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "two_factor_required"
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.OPEN
    # A token that says the second factor was not passed is refused the same way.
    unverified = as_bearer(str(issue(world.admin, None).access_token))
    assert unverified.get(PATIENTS).status_code == 403


def test_enrolling_makes_an_earlier_password_only_token_useless(world):
    access = login("physio@a.example").json()["access"]
    assert as_bearer(access).get(PATIENTS).status_code == 200
    device_for(world.physio)
    assert as_bearer(access).get(PATIENTS).status_code == 403


def test_a_clinic_can_require_two_factor_of_all_its_staff(world):
    """Clinic A requires it: its physiotherapist is refused until enrolled; clinic B's
    physiotherapist is not affected and still sees nothing of clinic A."""
    old_access = login("physio@a.example").json()["access"]
    world.clinic.require_two_factor = True
    world.clinic.save()

    assert as_bearer(old_access).get(PATIENTS).status_code == 403
    assert login("physio@a.example").json()["error"]["code"] == "two_factor_setup_required"
    device = device_for(world.physio)
    tokens = login("physio@a.example", code(device)).json()
    assert as_bearer(tokens["access"]).get(PATIENTS).status_code == 200

    other = login("physio@b.example")
    assert other.status_code == 200
    other_client = as_bearer(other.json()["access"])
    assert other_client.get(PATIENTS).json()["count"] == 1  # clinic B's own patient only
    assert other_client.get(f"{PATIENTS}{world.patient.pk}/").status_code == 404
    # Patients of the clinic are unaffected.
    assert login("pat@a.example").status_code == 200


# --- refresh ----------------------------------------------------------------------------------


def test_refresh_keeps_the_verified_claim(world, enrolled_admin):
    first = login("admin@a.example", code(enrolled_admin)).json()
    rotated = APIClient().post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    body = rotated.json()
    assert claims(body["access"])["otp_verified"] is True
    assert claims(body["refresh"])["otp_verified"] is True
    assert as_bearer(body["access"]).get(PATIENTS).status_code == 200


def test_refresh_never_upgrades_a_token_without_the_second_factor(world, enrolled_admin):
    refresh = str(RefreshToken.for_user(world.admin))  # issued for the password alone
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"
    assert "access" not in response.json()


def test_refresh_of_a_physiotherapist_who_enrolled_since_asks_for_a_new_login(world):
    refresh = login("physio@a.example").json()["refresh"]
    device_for(world.physio)
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"


def test_removing_the_authenticator_ends_the_token_chain(world, enrolled_admin):
    refresh = login("admin@a.example", code(enrolled_admin)).json()["refresh"]
    enrolled_admin.delete()
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_refresh_for_patients_is_unchanged(world):
    refresh = login("pat@a.example").json()["refresh"]
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 200
    assert as_bearer(response.json()["access"]).get("/api/v1/me/").status_code == 200


# --- API sessions -----------------------------------------------------------------------------


def test_a_session_without_the_second_factor_is_refused_by_the_api(world, escalation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)  # the password, not the code
    listed = client.get(PATIENTS)
    assert listed.status_code == 403
    assert listed.json()["error"]["code"] == "two_factor_required"
    token = "x" * 32  # a CSRF cookie and header that match, as a browser page would send
    client.cookies["csrftoken"] = token
    response = client.post(f"{ESCALATIONS}{escalation.pk}/acknowledge/", {},
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.OPEN


def test_a_verified_session_may_use_the_api(world, escalation):
    client = verified_login(Client(), world.admin)
    assert client.get(PATIENTS).status_code == 200
    assert client.get(f"{PATIENTS}{world.foreign_patient.pk}/").status_code == 404
    acknowledged = client.post(
        f"{ESCALATIONS}{escalation.pk}/acknowledge/", {}, content_type="application/json"
    )
    assert acknowledged.status_code == 200


def test_a_session_of_a_removed_device_is_no_longer_verified(world):
    client = verified_login(Client(), world.admin)
    session = client.session
    device_for(world.admin).delete()
    assert DEVICE_ID_SESSION_KEY in session
    assert client.get(PATIENTS).status_code == 403


def test_sessions_of_staff_who_need_no_second_factor_still_work(world):
    client = Client()
    client.force_login(world.physio)
    assert client.get(PATIENTS).status_code == 200
    world.clinic.require_two_factor = True
    world.clinic.save()
    assert client.get(PATIENTS).status_code == 403
    other = Client()
    other.force_login(world.other_physio)  # clinic B does not require it
    assert other.get(PATIENTS).status_code == 200
    assert other.get(f"{PATIENTS}{world.patient.pk}/").status_code == 404


# --- the dashboard and the setting ------------------------------------------------------------


def test_a_clinic_that_requires_two_factor_sends_its_staff_to_enrol(world):
    world.clinic.require_two_factor = True
    world.clinic.save()
    client = Client()
    client.force_login(world.physio)
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get(response["Location"])["Location"].startswith("/accounts/two-factor/setup/")
    other = Client()
    other.force_login(world.other_physio)
    assert other.get("/today/").status_code == 200


def test_a_clinic_admin_switches_the_requirement_on_in_the_clinic_settings(world):
    admin_page = verified_login(Client(), world.admin)
    page = admin_page.get("/clinic/settings/").content.decode()
    assert 'name="require_two_factor"' in page
    response = admin_page.post("/clinic/settings/", settings_form(world, require_two_factor="on"))
    assert response.status_code == 302
    world.clinic.refresh_from_db()
    world.other_clinic.refresh_from_db()
    assert world.clinic.require_two_factor is True
    assert world.other_clinic.require_two_factor is False


def test_the_admin_shows_the_requirement_on_the_clinic(world):
    world.admin.is_staff = True
    world.admin.save()
    admin = verified_login(Client(), world.admin)
    page = admin.get(f"/admin/clinic/clinic/{world.clinic.pk}/change/")
    assert page.status_code == 200
    assert 'name="require_two_factor"' in page.content.decode()
    assert admin.get(f"/admin/clinic/clinic/{world.other_clinic.pk}/change/").status_code in (
        302,
        404,
    )
