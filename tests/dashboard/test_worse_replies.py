"""A "worse" follow-up reply stays on Today and in the follow-ups table until a clinician marks
it seen, whatever the patient answers afterwards on the same link (issue 13, 5)."""

from __future__ import annotations

from django.test import Client

from clinic.models import Notification
from patients.followups import reply_token
from patients.models import FollowUpReply


def followup(patient) -> Notification:
    return Notification.objects.create(
        kind="episode_check",
        recipient=patient.email,
        clinic=patient.clinic,
        context={"patient_id": patient.pk},
        dedupe_key=f"test:{patient.pk}",
    )


def answer(notification: Notification, said: str) -> None:
    """The patient clicks the link in the email and confirms."""
    url = f"/followups/reply/{reply_token(notification)}/{said}/"
    assert Client().post(url, {"answer": said}).status_code == 200


def today_worse_panel(client) -> str:
    page = client.get("/today/").content.decode()
    start = page.index('id="worse-replies"')
    return page[start : page.index("</section>", start)]


def followups_row(client, patient, notification) -> str:
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    start = page.index(f'id="followup-{notification.pk}"')
    return page[start : page.index("</tr>", start)]


def test_worse_then_better_stays_on_today_until_marked_seen(physio_page, world):
    notification = followup(world.patient)
    answer(notification, "worse")
    answer(notification, "better")
    panel = today_worse_panel(physio_page)
    assert world.patient.full_name in panel and "now says “better”" in panel
    row = followups_row(physio_page, world.patient, notification)
    assert "Better" in row and "said worse" in row and "Mark seen" in row
    reply = FollowUpReply.objects.get()
    assert [h["answer"] for h in reply.history] == ["worse", "better"]

    response = physio_page.post(f"/replies/{reply.pk}/seen/", {"next": "/today/"}, follow=True)
    assert response.status_code == 200
    assert world.patient.full_name not in today_worse_panel(physio_page)
    row = followups_row(physio_page, world.patient, notification)
    assert f"seen by {world.physio.get_full_name()}" in row and "Mark seen" not in row

    # A new "worse" after it was seen comes back.
    answer(notification, "worse")
    assert world.patient.full_name in today_worse_panel(physio_page)


def test_an_old_worse_is_not_lost_after_two_weeks(physio_page, world):
    notification = followup(world.patient)
    answer(notification, "worse")
    FollowUpReply.objects.update(worse_at="2020-01-01T00:00:00Z")
    assert world.patient.full_name in today_worse_panel(physio_page)


def test_another_clinic_cannot_mark_a_reply_seen(client, world):
    notification = followup(world.patient)
    answer(notification, "worse")
    reply = FollowUpReply.objects.get()
    client.force_login(world.other_physio)
    assert client.post(f"/replies/{reply.pk}/seen/").status_code == 404
    reply.refresh_from_db()
    assert reply.worse_seen_at is None


def test_marking_seen_needs_a_post(physio_page, world):
    notification = followup(world.patient)
    answer(notification, "worse")
    reply = FollowUpReply.objects.get()
    assert physio_page.get(f"/replies/{reply.pk}/seen/").status_code == 405
