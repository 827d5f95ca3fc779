"""Follow-up scheduling rules, quiet hours, opt-outs and the links inside the emails."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clinic import outbox
from clinic.models import Notification
from patients.episodes import episode_record
from patients.followups import followup_schedule, outside_quiet_hours
from patients.models import FollowUpReply
from tests.conftest import bearer
from tests.triage.helpers import answers
from triage.models import Reassessment
from triage.services import intake_submit, reassessment_record

T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)  # 10:00 in London


def scheduled(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("due_at"))


def submit(world, when=T0, **flags):
    with time_machine.travel(when, tick=False):
        return intake_submit(
            patient=world.patient, submitted_by=world.patient_user, answers=answers(**flags)
        )


def spasm(patient, started_at, intensity=8):
    with time_machine.travel(started_at + dt.timedelta(minutes=30), tick=False):
        return episode_record(
            patient=patient, client_id=uuid.uuid4(), started_at=started_at,
            duration_minutes=20, peak_intensity=intensity,
        ).episode  # fmt: skip


# --- scheduling rules ----------------------------------------------------------------------


def test_an_intake_check_in_is_due_48_hours_later(world):
    intake = submit(world)
    [checkin] = scheduled("intake_checkin")
    assert checkin.due_at == T0 + dt.timedelta(hours=48)
    assert checkin.recipient == "pat@a.example"
    assert checkin.context == {"patient_id": world.patient.pk, "intake_id": intake.pk}


def test_reassessments_are_due_at_2_6_and_12_weeks_after_the_first_intake_only(world):
    submit(world)
    submit(world, when=T0 + dt.timedelta(days=3))
    due = [n.due_at for n in scheduled("reassessment_due")]
    assert due == [T0 + dt.timedelta(weeks=w) for w in (2, 6, 12)]
    assert len(scheduled("intake_checkin")) == 2  # one per intake


def test_a_bad_spasm_gets_a_check_at_nine_the_next_local_morning(world):
    world.patient.timezone = "America/New_York"
    world.patient.save()
    # 23:30 on the 19th in New York is 04:30 UTC on the 20th: "next morning" is the 20th, local.
    spasm(world.patient, dt.datetime(2026, 11, 20, 4, 30, tzinfo=dt.UTC))
    [check] = scheduled("episode_check")
    assert check.due_at == dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # 09:00 EST


def test_a_milder_spasm_gets_no_check(world):
    spasm(world.patient, T0, intensity=6)
    assert scheduled("episode_check") == []


def test_an_episode_synced_long_after_gets_no_check(world):
    old = T0 - dt.timedelta(days=5)
    with time_machine.travel(T0, tick=False):
        episode_record(
            patient=world.patient, client_id=uuid.uuid4(), started_at=old,
            duration_minutes=20, peak_intensity=9,
        )  # fmt: skip
    assert scheduled("episode_check") == []


def test_one_event_never_schedules_twice(world, patient_client):
    from tests.patients.test_episodes import EPISODES, episode

    payload = episode(peak_intensity=8)
    for _ in range(3):
        patient_client.post(EPISODES, payload, format="json")
    first = patient_client.get(EPISODES).json()["results"][0]
    patient_client.patch(f"{EPISODES}{first['id']}/", {"peak_intensity": 9}, format="json")
    assert len(scheduled("episode_check")) == 1
    assert len({n.dedupe_key for n in Notification.objects.all()}) == Notification.objects.count()


# --- quiet hours, opt-outs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected_local"),
    [
        ("2026-11-20 22:30", "2026-11-21 08:00"),  # evening: to the next morning
        ("2026-11-21 03:00", "2026-11-21 08:00"),  # small hours: to the same morning
        ("2026-11-21 08:00", "2026-11-21 08:00"),  # quiet hours end at 08:00
        ("2026-11-20 20:59", "2026-11-20 20:59"),  # before they start
    ],
)
def test_quiet_hours_move_a_message_to_their_end(world, local, expected_local):
    tz = dt.timezone(dt.timedelta(hours=-5))
    world.patient.timezone = "America/New_York"
    when = dt.datetime.fromisoformat(local).replace(tzinfo=tz)
    expected = dt.datetime.fromisoformat(expected_local).replace(tzinfo=tz)
    assert outside_quiet_hours(world.patient, when) == expected


def test_quiet_hours_within_one_day_and_none(world):
    world.patient.quiet_hours_start, world.patient.quiet_hours_end = dt.time(13), dt.time(14)
    lunch = dt.datetime(2026, 11, 20, 13, 30, tzinfo=dt.UTC)
    assert outside_quiet_hours(world.patient, lunch) == lunch.replace(hour=14, minute=0)
    world.patient.quiet_hours_start = world.patient.quiet_hours_end = dt.time(0)
    assert outside_quiet_hours(world.patient, lunch) == lunch


def test_a_check_in_due_in_quiet_hours_is_scheduled_for_their_end(world):
    submit(world, when=dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC))  # 22:00 London
    [checkin] = scheduled("intake_checkin")
    assert checkin.due_at == dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def test_nothing_is_scheduled_for_opted_out_muted_or_inactive_patients(world):
    world.patient.email_opt_in = False
    world.patient.save()
    submit(world)
    world.patient.email_opt_in, world.patient.muted_kinds = True, ["intake_checkin"]
    world.patient.save()
    submit(world, when=T0 + dt.timedelta(days=1))
    assert scheduled("intake_checkin") == []
    world.patient.muted_kinds, world.patient.is_active = [], False
    world.patient.save()
    assert (
        followup_schedule(patient=world.patient, kind="intake_checkin", due_at=T0, dedupe_key="x")
        is None
    )


def test_a_follow_up_is_cancelled_at_send_time_if_the_patient_opted_out_since(world):
    submit(world)
    world.patient.muted_kinds = ["intake_checkin"]
    world.patient.save()
    [checkin] = scheduled("intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "cancelled"
    assert mail.outbox == []


def test_a_follow_up_due_in_new_quiet_hours_waits_without_using_an_attempt(world):
    submit(world)
    [checkin] = scheduled("intake_checkin")  # due 10:00 London
    world.patient.quiet_hours_start, world.patient.quiet_hours_end = dt.time(9), dt.time(11)
    world.patient.save()
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "deferred"
    checkin.refresh_from_db()
    assert (checkin.status, checkin.attempts) == ("pending", 0)
    assert checkin.due_at == T0 + dt.timedelta(hours=49)  # 11:00 London
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"


def test_reassessment_reminders_stop_once_done(world, patient_client):
    submit(world, pain_nrs=8)
    with time_machine.travel(T0 + dt.timedelta(weeks=2, days=1), tick=False):
        reassessment_record(patient=world.patient, pain_nrs=5, oswestry=None)
    reminders = {n.context["weeks"]: n.status for n in scheduled("reassessment_due")}
    assert reminders == {2: "cancelled", 6: "pending", 12: "pending"}
    done = Reassessment.objects.get()
    assert done.milestone_weeks == 2
    assert done.comparison["nrs"]["improvement"] == 3.0
    assert done.comparison["nrs"]["clinically_important"] is True


# --- the email -----------------------------------------------------------------------------


def deliver_checkin(world):
    submit(world)
    [checkin] = scheduled("intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    return checkin, mail.outbox[-1]


def test_the_check_in_email_has_both_parts_the_headers_and_no_clinical_detail(world):
    _, message = deliver_checkin(world)
    assert message.subject == "How are you getting on? - Clinic A"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.reply_to == [world.clinic.email]
    for answer in ("better", "same", "worse"):
        assert f"/{answer}/" in message.body
    assert "Clinic A" in message.body


def links(message) -> dict[str, str]:
    """The reply and unsubscribe paths in a follow-up's text part, by "reply-<answer>"."""
    found = {}
    for path in re.findall(r"http://[^/\s]+(/followups/\S+/)", message.body):
        parts = path.strip("/").split("/")  # followups, reply|unsubscribe, token[, answer]
        found["-".join([parts[1], *parts[3:]])] = path
    return found


def test_a_worse_reply_is_recorded_and_alerts_the_physiotherapist(world):
    checkin, message = deliver_checkin(world)
    url = links(message)["reply-worse"]
    browser = Client()
    page = browser.get(url)
    assert page.status_code == 200 and not FollowUpReply.objects.exists()  # a GET records nothing
    done = browser.post(url, {"answer": "worse"})
    assert "red-flag check" in done.content.decode()
    reply = FollowUpReply.objects.get()
    assert (reply.notification_id, reply.patient, reply.answer) == (
        checkin.pk,
        world.patient,
        "worse",
    )
    [alert] = Notification.objects.filter(kind="worse_reply_alert")
    assert alert.recipient == "physio@a.example"


def test_changing_the_reply_keeps_one_record(world):
    _, message = deliver_checkin(world)
    url = links(message)["reply-better"]
    Client().post(url, {"answer": "better"})
    Client().post(url, {"answer": "same"})
    assert list(FollowUpReply.objects.values_list("answer", flat=True)) == ["same"]
    assert not Notification.objects.filter(kind="worse_reply_alert").exists()


def test_one_click_unsubscribe_mutes_that_kind_for_that_patient_only(world):
    _, message = deliver_checkin(world)
    url = links(message)["unsubscribe"]
    assert Client().get(url).status_code == 200
    world.patient.refresh_from_db()
    assert world.patient.muted_kinds == []  # the page asks first
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    world.patient.refresh_from_db()
    world.other_patient.refresh_from_db()
    assert world.patient.muted_kinds == ["intake_checkin"]
    assert world.other_patient.muted_kinds == []


@pytest.mark.parametrize("which", ["reply-worse", "unsubscribe"])
def test_tampered_and_expired_links_are_refused_with_a_clear_page(world, which):
    _, message = deliver_checkin(world)
    url = links(message)[which]
    token = url.split("/")[3]
    tampered = url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    for bad in (tampered, url):
        when = dt.datetime.now(dt.UTC) + (dt.timedelta(days=200) if bad == url else dt.timedelta())
        with time_machine.travel(when, tick=False):
            response = Client().post(bad, {"answer": "worse"})
        assert response.status_code == 400
        assert "invalid or has expired" in response.content.decode()
    assert not FollowUpReply.objects.exists()
    world.patient.refresh_from_db()
    assert world.patient.muted_kinds == []


def test_a_reply_link_cannot_be_pointed_at_another_notification(world):
    _, message = deliver_checkin(world)
    token = links(message)["reply-worse"].split("/")[3]
    forged = token.replace(token.split(":")[0], token.split(":")[0][::-1])
    assert Client().post(f"/followups/reply/{forged}/worse/").status_code == 400
    assert Client().post(f"/followups/reply/{token}/terrible/").status_code == 400
    assert not FollowUpReply.objects.exists()


# --- the sweep -----------------------------------------------------------------------------


def test_the_sweep_query_count_does_not_grow_with_due_rows(
    world, django_capture_on_commit_callbacks
):
    from clinic.services import notification_schedule

    def make(n: int, prefix: str) -> None:
        for i in range(n):
            notification_schedule(kind="intake_checkin", recipient="x@example.net",
                                  dedupe_key=f"{prefix}{i}", due_at=T0)  # fmt: skip

    def sweep_queries() -> int:
        with (
            time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False),
            CaptureQueriesContext(connection) as ctx,
        ):
            outbox.sweep()
        return len(ctx.captured_queries)

    make(3, "a")
    few = sweep_queries()
    make(60, "b")
    assert sweep_queries() == few
    assert Notification.objects.filter(enqueued_at__isnull=True).count() == 0


def test_a_patient_manages_their_follow_up_preferences(world, patient_client, physio_client):
    url = "/api/v1/me/preferences/"
    assert patient_client.get(url).json() == {
        "language": "", "email_opt_in": True, "muted_kinds": [], "quiet_hours_start": "21:00:00",
        "quiet_hours_end": "08:00:00",
    }  # fmt: skip
    changed = patient_client.patch(
        url, {"muted_kinds": ["adherence_nudge", "adherence_nudge"], "quiet_hours_end": "07:30"},
        format="json",
    )  # fmt: skip
    assert changed.status_code == 200
    world.patient.refresh_from_db()
    assert world.patient.muted_kinds == ["adherence_nudge"]
    assert world.patient.quiet_hours_end == dt.time(7, 30)
    for bad in ({"muted_kinds": ["escalation_alert"]}, {"quiet_hours_start": "25:00"},
                {"email": "x@example.net"}):  # fmt: skip
        response = patient_client.patch(url, bad, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == list(bad)
    assert physio_client.get(url).status_code == 403


def test_a_worse_reply_reaches_the_clinic_when_the_physio_has_left(world):
    from clinic.models import Membership

    Membership.objects.filter(user=world.physio, clinic=world.clinic).delete()
    _, message = deliver_checkin(world)
    Client().post(links(message)["reply-worse"], {"answer": "worse"})
    assert [n.recipient for n in Notification.objects.filter(kind="worse_reply_alert")] == [
        "admin@a.example"
    ]


def test_a_follow_up_goes_to_the_address_the_patient_has_when_it_is_sent(world):
    submit(world)
    world.patient.email = "corrected@example.net"
    world.patient.save()
    [checkin] = scheduled("intake_checkin")
    with time_machine.travel(checkin.due_at, tick=False):
        assert outbox.deliver(checkin.pk) == "sent"
    assert mail.outbox[-1].to == ["corrected@example.net"]
    checkin.refresh_from_db()
    assert checkin.recipient == "corrected@example.net"


def test_a_reassessment_before_its_milestone_is_refused(world, patient_client):
    submit(world)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        early = bearer(world.patient_user).post(
            "/api/v1/reassessments/", {"pain_nrs": 3}, format="json"
        )
    assert early.status_code == 409
    assert "opens on 27 November 2026" in early.json()["error"]["message"]
    assert {n.status for n in scheduled("reassessment_due")} == {"pending"}
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):  # a week early is fine
        on_time = bearer(world.patient_user).post(
            "/api/v1/reassessments/", {"pain_nrs": 3}, format="json"
        )
    assert on_time.json()["milestone_weeks"] == 2


def test_a_reply_form_with_an_unknown_answer_records_nothing(world):
    _, message = deliver_checkin(world)
    response = Client().post(links(message)["reply-better"], {"answer": "x" * 500})
    assert response.status_code == 400
    assert not FollowUpReply.objects.exists()
