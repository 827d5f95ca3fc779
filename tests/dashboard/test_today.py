"""Today: open alerts with one-click acknowledge, the queue, "worse" replies, rising episodes and
falling adherence, for the current clinic only."""

from __future__ import annotations

from clinic.models import Notification, PatientAccessEvent
from patients.followups import ReplyTarget, reply_record
from tests.triage.helpers import EMERGENCY, URGENT
from triage.models import Escalation

from .conftest import record_episode, record_intake, slipping

URL = "/today/"


def worse_reply(patient):
    notification = Notification.objects.create(
        kind="episode_check",
        recipient=patient.email,
        clinic=patient.clinic,
        context={"patient_id": patient.pk},
        dedupe_key=f"test:{patient.pk}",
    )
    return reply_record(target=ReplyTarget(notification, patient), answer="worse")


def test_today_shows_an_open_emergency_and_acknowledges_it_in_one_click(physio_page, world):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    record_intake(world.foreign_patient, world.other_physio, **EMERGENCY)
    mine = Escalation.objects.get(patient=world.patient)
    page = physio_page.get(URL).content.decode()
    assert f'id="escalation-{mine.pk}"' in page and "EMERGENCY" in page
    assert "raised" in page and world.patient.full_name in page
    assert world.foreign_patient.full_name not in page

    response = physio_page.post(
        f"/triage/escalations/{mine.pk}/acknowledge/", {"next": URL}, follow=True
    )
    assert response.redirect_chain[-1][0] == URL
    assert "acknowledged" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.status, mine.acknowledged_by) == ("acknowledged", world.physio)


def test_today_lists_worse_replies_rising_episodes_and_the_queue(physio_page, world):
    worse_reply(world.patient)
    worse_reply(world.foreign_patient)
    for days in (1, 2, 3):
        record_episode(world.other_patient, days_ago=days, peak=7)
    record_episode(world.other_patient, days_ago=20, peak=3)
    for days in (1, 2, 3):
        record_episode(world.foreign_patient, days_ago=days, peak=8)
    record_intake(world.other_patient, world.physio)
    page = physio_page.get(URL).content.decode()
    assert "Replied “worse”" in page and world.patient.full_name in page
    assert "Episodes rising" in page and world.other_patient.last_name in page
    assert "Screening results to review" in page and "ROUTINE" in page
    assert world.foreign_patient.last_name not in page


def test_today_records_each_patient_it_shows(physio_page, world):
    record_intake(world.patient, world.patient_user, **URGENT)
    physio_page.get(URL)
    events = PatientAccessEvent.objects.filter(actor=world.physio, object_type="escalation")
    assert set(events.values_list("patient_id", flat=True)) == {world.patient.pk}


def test_an_unknown_next_address_is_not_followed(physio_page, world):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    escalation = Escalation.objects.get()
    response = physio_page.post(
        f"/triage/escalations/{escalation.pk}/acknowledge/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/triage/"


def test_anonymous_visitors_and_patients_cannot_use_today(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(world.patient_user)
    assert client.get(URL).status_code == 403


def test_a_login_lands_on_today(client, world):
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": world.physio.email, "password": PASSWORD}
    )
    assert response["Location"] == URL
    assert client.get(URL).status_code == 200


def test_today_lists_programs_whose_adherence_is_falling(physio_page, world):
    slipping(world.other_patient, world.physio)
    slipping(world.patient, world.physio, days_ago=range(0, 14))  # steady: not listed
    page = physio_page.get(URL).content.decode()
    panel = page[page.index('id="adherence"') :]
    assert world.other_patient.full_name in panel and world.patient.full_name not in panel
    assert "0%" in panel and "100%" in panel  # glute bridges: 5 days a week, done on 6
