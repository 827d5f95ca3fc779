"""Two-factor sign-in (django-otp TOTP): required for clinic admins and staff before any
dashboard page, optional for physiotherapists; the admin site refuses unverified staff."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

from .helpers import code, device_for, verified_login

TODAY = "/today/"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def log_in(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def test_a_clinic_admin_must_enrol_before_any_dashboard_page(client, world):
    log_in(client, world.admin)
    for url in (TODAY, "/", f"/patients/{world.patient.pk}/", "/triage/", "/programs/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    assert client.get(VERIFY)["Location"].startswith(SETUP)  # no device yet: enrol one


def test_enrolment_shows_a_qr_code_and_the_secret_and_a_good_code_turns_it_on(client, world):
    log_in(client, world.admin)
    page = client.get(SETUP + "?next=/today/").content.decode()
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    assert re.search(r'<svg role="img" aria-label="QR code[^"]*"', page)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes, base32

    wrong = client.post(SETUP, {"code": "000000", "next": TODAY})
    assert "That code is not right" in wrong.content.decode()
    throttled = client.post(SETUP, {"code": code(device), "next": TODAY})
    assert "Too many wrong codes" in throttled.content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), tick=False):
        response = client.post(SETUP, {"code": code(device), "next": TODAY})
    # Turned on: the recovery codes are shown once, then the page goes on to `next`.
    assert response.status_code == 200 and 'id="recovery-codes"' in response.content.decode()
    assert f'href="{TODAY}"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(TODAY).status_code == 200


def test_an_enrolled_admin_gives_a_code_and_a_wrong_one_is_refused_then_throttled(client, world):
    device = device_for(world.admin)
    log_in(client, world.admin)
    assert client.get(TODAY)["Location"] == VERIFY + "?next=/today/"
    wrong = client.post(VERIFY, {"code": "12345!", "next": TODAY})
    assert "Enter the code from your app, or a recovery code." in wrong.content.decode()
    wrong = client.post(VERIFY, {"code": "000000", "next": TODAY})
    assert "That code is not right" in wrong.content.decode()
    # Straight after a wrong code even the right one waits (django-otp doubles the wait).
    throttled = client.post(VERIFY, {"code": code(device), "next": TODAY})
    assert "Too many wrong codes" in throttled.content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), tick=False):
        response = client.post(VERIFY, {"code": code(device), "next": TODAY})
    assert response["Location"] == TODAY
    assert client.get(TODAY).status_code == 200


def test_a_code_cannot_be_used_twice(client, world):
    device = device_for(world.admin)
    used = code(device)
    log_in(client, world.admin)
    client.post(VERIFY, {"code": used, "next": TODAY})
    assert client.get(TODAY).status_code == 200
    client.post("/accounts/logout/")
    log_in(client, world.admin)
    again = client.post(VERIFY, {"code": used, "next": TODAY})
    assert "That code is not right" in again.content.decode()


def test_a_password_alone_cannot_enrol_a_second_device(client, world):
    device_for(world.admin)
    log_in(client, world.admin)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=world.admin).count() == 1


def test_physiotherapists_need_no_second_factor_until_they_enrol(client, world):
    log_in(client, world.physio)
    page = client.get(TODAY)
    assert page.status_code == 200 and "Set up two-factor" in page.content.decode()
    device_for(world.physio)  # enrolled (on another device, say): now it is asked for
    assert client.get(TODAY)["Location"].startswith(VERIFY)


def test_staff_physiotherapists_need_a_second_factor(client, world):
    world.physio.is_staff = True
    world.physio.save()
    log_in(client, world.physio)
    assert client.get(TODAY)["Location"].startswith(VERIFY)


def test_an_unsafe_next_address_is_ignored_after_the_code(client, world):
    device = device_for(world.admin)
    log_in(client, world.admin)
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == TODAY


def test_patients_cannot_use_the_two_factor_pages(client, world):
    client.force_login(world.patient_user)
    assert client.get(VERIFY).status_code == 403
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_the_admin_refuses_staff_without_a_verified_second_factor(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)  # password only
    for url in ("/admin/", "/admin/patients/patient/", f"/admin/clinic/clinic/{world.clinic.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert world.patient.last_name not in response.content.decode()
    # The admin's login page sends a logged-in but unverified member of staff to the code page.
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302 and login["Location"].startswith(VERIFY)

    verified = verified_login(client, world.admin)
    assert verified.get("/admin/patients/patient/").status_code == 200


def test_the_admin_login_form_wants_a_code_too(client, world):
    world.admin.is_staff = True
    world.admin.save()
    device = device_for(world.admin)
    form = {"username": world.admin.email, "password": PASSWORD, "next": "/admin/"}
    refused = client.post("/admin/login/", form)
    assert refused.status_code == 200 and client.get("/admin/").status_code == 302
    accepted = client.post("/admin/login/", {**form, "otp_device": device.persistent_id,
                                               "otp_token": code(device)})  # fmt: skip
    assert accepted.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_clinic_staff_cannot_read_anyones_two_factor_keys_in_the_admin(client, world):
    world.admin.is_staff = True
    world.admin.save()
    device_for(world.physio)
    verified_login(client, world.admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
