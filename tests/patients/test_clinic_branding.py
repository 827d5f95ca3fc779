"""Issue 13, finding 12: the pages and emails a patient gets are their clinic's, not the
product's: each carries the clinic's name, phone and address, and the "worse" confirmation
gives the clinic's phone number."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from tests.patients.test_followups import deliver_checkin, links
from tests.patients.test_invitations import invite
from tests.patients.test_invitations import newcomer as newcomer  # the fixture

PHONE = "0161 496 0123"
ADDRESS = "12 Mill Lane, Manchester"


def brand(world):
    world.clinic.phone = PHONE
    world.clinic.address = ADDRESS
    world.clinic.save()


def assert_clinics(page: str, world) -> None:
    assert world.clinic.name in page and PHONE in page and ADDRESS in page
    assert "Back-pain clinic" not in page  # the product's name, which the patient never chose


def test_the_worse_confirmation_gives_the_clinics_phone_and_every_page_is_the_clinics(world):
    brand(world)
    _, email = deliver_checkin(world)
    for part in (email.body, email.alternatives[0][0]):
        assert world.clinic.name in part and PHONE in part and ADDRESS in part
    browser = Client()
    asked = browser.get(links(email)["reply-worse"]).content.decode()
    assert_clinics(asked, world)
    done = browser.post(links(email)["reply-worse"], {"answer": "worse"}).content.decode()
    assert_clinics(done, world)
    assert f"If you need to speak to {world.clinic.name} sooner, call {PHONE}." in done
    assert f'href="tel:{PHONE.replace(" ", "")}"' in done
    unsubscribe = browser.get(links(email)["unsubscribe"]).content.decode()
    assert_clinics(unsubscribe, world)


def test_the_invitation_email_and_page_are_the_clinics(
    client,
    physio_client,
    newcomer,
    world,
    django_capture_on_commit_callbacks,
):
    brand(world)
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    for part in (message.body, message.alternatives[0][0]):
        assert world.clinic.name in part and PHONE in part and ADDRESS in part
    assert_clinics(client.get(f"/invitations/{token}/").content.decode(), world)
