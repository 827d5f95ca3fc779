"""Recovery codes at enrolment (single use), help text that sends nobody to a page that refuses
them, and a clinic admin resetting a colleague's second factor: logged, and the colleague
emailed (issue 13, 10; acceptance 4)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import outbox
from clinic.models import Membership, Notification
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .helpers import code, device_for, verified_login

TODAY = "/today/"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"
STAFF = "/clinic/staff/"


def log_in(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def enrol(client: Client, user) -> list[str]:
    """Enrol an authenticator app; the page that confirms it shows the recovery codes."""
    log_in(client, user)
    client.get(SETUP + "?next=/today/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code(device), "next": TODAY})
    assert response.status_code == 200
    page = response.content.decode()
    block = page[page.index('id="recovery-codes"') :]
    return re.findall(r"<code>([a-z2-7]{8})</code>", block[: block.index("</ol>")])


def sign_in_with(user, recovery_code: str) -> Client:
    client = Client()
    log_in(client, user)
    response = client.post(VERIFY, {"code": recovery_code, "next": TODAY})
    client.last_response = response  # type: ignore[attr-defined]
    return client


def test_enrolment_gives_ten_recovery_codes_and_each_works_once(client, world):
    codes = enrol(client, world.admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(TODAY).status_code == 200  # enrolment also signed this session in

    first = sign_in_with(world.admin, codes[0].upper())  # case and spacing do not matter
    assert first.last_response.status_code == 302
    assert first.last_response["Location"] == TODAY
    assert first.get(TODAY).status_code == 200

    again = sign_in_with(world.admin, codes[0])
    assert again.last_response.status_code == 200
    assert "That code is not right" in again.last_response.content.decode()
    assert again.get(TODAY).status_code == 302  # still not past the second factor

    # A wrong code makes every device wait a moment (django-otp's throttling).
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
    with time_machine.travel(later, tick=False):
        second = sign_in_with(world.admin, codes[1])
        assert second.get(TODAY).status_code == 200
    assert StaticToken.objects.filter(device__user=world.admin).count() == 8


def test_new_recovery_codes_replace_the_old_ones(client, world):
    old = enrol(client, world.admin)
    page = client.post("/accounts/two-factor/recovery-codes/").content.decode()
    new = re.findall(r"<code>([a-z2-7]{8})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in_with(world.admin, old[2]).last_response.status_code == 200  # refused
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10), tick=False):
        assert sign_in_with(world.admin, new[2]).last_response.status_code == 302


def test_the_lost_phone_help_points_to_a_page_a_clinic_admin_can_use(client, world):
    device_for(world.admin)
    log_in(client, world.admin)
    help_text = client.get(VERIFY).content.decode()
    assert "Admin \u203a" not in help_text and "TOTP devices" not in help_text
    assert "recovery codes" in help_text and "clinic admin" in help_text
    assert "Staff sign-in" in help_text
    admin = verified_login(Client(), world.admin)
    page = admin.get(TODAY).content.decode()
    assert f'href="{STAFF}"' in page and ">Staff sign-in<" in page
    assert admin.get(STAFF).status_code == 200


def test_a_clinic_admin_resets_a_colleagues_device_logged_and_emailed(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    colleague = Client()
    codes = enrol(colleague, world.physio)
    admin = verified_login(Client(), world.admin)
    row = admin.get(STAFF).content.decode()
    assert "Authenticator app" in row and "10 recovery codes left" in row

    response = admin.post(f"/clinic/staff/{world.physio.pk}/reset-two-factor/", follow=True)
    assert "Two-factor sign-in reset for" in response.content.decode()

    assert not TOTPDevice.objects.filter(user=world.physio).exists()
    assert not StaticToken.objects.filter(device__user=world.physio).exists()
    entry = LogEntry.objects.get(object_id=str(world.physio.pk))
    assert entry.user == world.admin and "Two-factor sign-in reset" in entry.change_message
    assert world.clinic.name in entry.change_message

    notification = Notification.objects.get(kind="two_factor_reset")
    assert notification.recipient == world.physio.email
    outbox.deliver(notification.pk)
    (email,) = mail.outbox
    assert email.to == [world.physio.email] and "two-factor sign-in was reset" in email.subject
    assert world.admin.email in email.body and world.clinic.name in email.body

    # The old codes no longer work; the colleague is asked to enrol again.
    fresh = sign_in_with(world.physio, codes[0])
    assert fresh.last_response["Location"].startswith(SETUP)


def test_only_a_clinic_admin_of_the_same_clinic_resets_and_never_their_own(world):
    enrol(Client(), world.physio)
    url = f"/clinic/staff/{world.physio.pk}/reset-two-factor/"
    physio_peer = MembershipFactory(clinic=world.clinic, user=UserFactory()).user
    assert verified_login(Client(), physio_peer).post(url).status_code == 403
    other_admin = MembershipFactory(
        clinic=world.other_clinic, role=Membership.Role.ADMIN, user=UserFactory()
    ).user
    assert verified_login(Client(), other_admin).post(url).status_code == 404
    own = verified_login(Client(), world.admin)
    own.post(f"/clinic/staff/{world.admin.pk}/reset-two-factor/")
    assert TOTPDevice.objects.filter(user=world.admin).exists()
    assert TOTPDevice.objects.filter(user=world.physio, confirmed=True).exists()
    assert (
        not LogEntry.objects.exists()
        and not Notification.objects.filter(kind="two_factor_reset").exists()
    )


def test_a_site_administrators_device_is_not_reset_by_a_clinic_admin(world):
    staff_user = MembershipFactory(clinic=world.clinic, user=UserFactory(is_staff=True)).user
    device_for(staff_user)
    admin = verified_login(Client(), world.admin)
    admin.post(f"/clinic/staff/{staff_user.pk}/reset-two-factor/")
    assert TOTPDevice.objects.filter(user=staff_user).exists()


def test_the_recovery_codes_page_leads_back_to_the_dashboard(world):
    """It has no dashboard menu (it is outside any clinic), so it needs its own way back."""
    page = verified_login(Client(), world.physio).get("/accounts/two-factor/recovery-codes/")
    assert page.status_code == 200
    assert f'href="{TODAY}"' in page.content.decode()
