from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.core import mail

from clinic import outbox
from clinic.models import Notification, User
from patients.models import PatientInvitation
from tests.factories import PatientFactory

LINK = re.compile(r"http://\S+/app/#invitation=(?P<token>[\w-]+)")


@pytest.fixture
def newcomer(world):
    return PatientFactory(clinic=world.clinic, email="newcomer@example.net", first_name="Noor")


def invite(client, patient, capture):
    with capture() as callbacks:
        response = client.post(f"/api/v1/clinic/patients/{patient.pk}/invitation/")
    assert response.status_code == 202, response.content
    assert len(callbacks) == 1  # the delivery is enqueued after commit, not before
    notification = Notification.objects.filter(
        kind="patient_invitation", recipient=patient.email
    ).latest("id")
    assert outbox.deliver(notification.pk) == "sent"  # what the worker does with the task
    return LINK.search(mail.outbox[-1].body).group("token")


def test_the_invitation_email_carries_a_link_whose_token_is_stored_only_as_a_hash(
    physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["newcomer@example.net"]
    assert "Clinic A" in message.subject
    assert message.alternatives and token in message.alternatives[0][0]
    invitation = PatientInvitation.objects.get(patient=newcomer)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not PatientInvitation.objects.filter(token_hash=token).exists()
    assert token not in str(Notification.objects.get(kind="patient_invitation").context)


def test_accepting_sets_a_password_the_app_can_log_in_with(
    client, anon_client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200 and "Noor" in page.content.decode()
    done = client.post(
        f"/invitations/{token}/",
        {"password1": "A-long-pass-phrase", "password2": "A-long-pass-phrase"},
    )
    assert done.status_code == 200
    assert "Your password is set" in done.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.email == "newcomer@example.net"
    login = anon_client.post(
        "/api/v1/auth/token/",
        {"email": "newcomer@example.net", "password": "A-long-pass-phrase"},
        format="json",
    )
    assert login.status_code == 200
    me = anon_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert me.json()["patient"]["id"] == newcomer.pk


def test_an_invitation_works_only_once(
    client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    form = {"password1": "A-long-pass-phrase", "password2": "A-long-pass-phrase"}
    assert client.post(f"/invitations/{token}/", form).status_code == 200
    again = client.post(f"/invitations/{token}/", {**form, "password1": "Another-pass-phrase"})
    assert again.status_code == 410
    assert "no longer works" in again.content.decode()
    assert User.objects.get(email="newcomer@example.net").check_password("A-long-pass-phrase")


def test_an_invitation_expires(client, physio_client, newcomer, django_capture_on_commit_callbacks):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=72, minutes=1)
    with time_machine.travel(later):
        response = client.post(
            f"/invitations/{token}/",
            {"password1": "A-long-pass-phrase", "password2": "A-long-pass-phrase"},
        )
    assert response.status_code == 410
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_a_tampered_token_is_refused(
    client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/invitations/{tampered}/").status_code == 410


def test_a_new_invitation_retires_the_previous_link(
    client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    first = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    second = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    assert client.get(f"/invitations/{first}/").status_code == 410
    assert client.get(f"/invitations/{second}/").status_code == 200


def test_weak_and_mismatched_passwords_are_explained(
    client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    weak = client.post(f"/invitations/{token}/", {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    mismatch = client.post(
        f"/invitations/{token}/",
        {"password1": "A-long-pass-phrase", "password2": "Other-pass-phrase"},
    )
    assert "differ" in mismatch.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user is None  # the link still works for a proper attempt
    assert client.get(f"/invitations/{token}/").status_code == 200


def test_a_patient_without_email_cannot_be_invited(physio_client, world):
    nobody = PatientFactory(clinic=world.clinic, email="")
    response = physio_client.post(f"/api/v1/clinic/patients/{nobody.pk}/invitation/")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]


def test_correcting_the_email_retires_links_sent_to_the_old_one(
    client, physio_client, newcomer, django_capture_on_commit_callbacks
):
    token = invite(physio_client, newcomer, django_capture_on_commit_callbacks)  # a typo
    physio_client.patch(
        f"/api/v1/clinic/patients/{newcomer.pk}/", {"email": "noor@example.net"}, format="json"
    )
    assert client.get(f"/invitations/{token}/").status_code == 410
    newcomer.refresh_from_db()
    fresh = invite(physio_client, newcomer, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["noor@example.net"]
    assert client.get(f"/invitations/{fresh}/").status_code == 200
