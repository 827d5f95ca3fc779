"""Every dashboard page runs the same number of queries whatever the number of patients,
episodes, alerts, programs and sessions (no query per row)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import Notification
from clinic.twofactor import recovery_codes_issue
from patients.followups import ReplyTarget, reply_record
from patients.models import FollowUpReply
from patients.services import note_create
from programs.models import ProgramTemplate
from tests.factories import MembershipFactory, PatientFactory, UserFactory
from tests.programs.helpers import assign, log, spec
from tests.triage.helpers import EMERGENCY, URGENT
from triage.models import Escalation

from .conftest import record_episode, record_intake, slipping
from .helpers import device_for, verified_login

SERIAL = itertools.count()


def grow(world, patient, n: int) -> None:
    """A patient's record with `n` of everything: intakes, episodes, sessions, replies, notes."""
    record_intake(patient, world.physio, **(EMERGENCY if n % 2 else URGENT))
    Escalation.objects.filter(patient=patient).update(status="resolved")
    for i in range(n):
        record_intake(patient, world.physio)
        record_episode(patient, days_ago=i + 1, peak=4 + i % 5, triggers=["lifting", "stress"],
                       relief=[("heat", "good"), ("walking", "some")])  # fmt: skip
        note_create(patient=patient, author=world.physio, text=f"note {i}")
        notification = Notification.objects.create(
            kind="episode_check", recipient="x@example.net", clinic=world.clinic,
            context={"patient_id": patient.pk}, dedupe_key=f"grow:{next(SERIAL)}",
        )  # fmt: skip
        reply_record(target=ReplyTarget(notification, patient), answer="worse")
    if not patient.programs.exists():
        assign(patient, world.physio, spec("glute-bridge"), spec("bird-dog", times_per_day=2),
               start_date=timezone.localdate() - dt.timedelta(days=20))  # fmt: skip
    for i in range(n):
        at = timezone.now() - dt.timedelta(days=i * 3 + 1)
        log(patient, at, "glute-bridge", pain_before=3, pain_after=5)
    Escalation.objects.filter(patient=patient).update(status="open")
    # Alert history: the oldest alert resolved by one colleague, acknowledged by another; and a
    # "worse" reply seen (the panels name who, each from a joined row, not a query per row).
    record_intake(patient, world.physio, **URGENT)  # so one alert stays open
    oldest = Escalation.objects.filter(patient=patient).order_by("created_at", "id").first()
    Escalation.objects.filter(pk=oldest.pk).update(
        status="resolved", acknowledged_by=world.physio, acknowledged_at=timezone.now(),
        resolved_by=world.admin, resolved_at=timezone.now(), resolution_note="Seen.",
    )  # fmt: skip
    first_reply = FollowUpReply.objects.filter(patient=patient).order_by("id").first()
    if first_reply is not None:
        FollowUpReply.objects.filter(pk=first_reply.pk).update(
            worse_seen_at=timezone.now(), worse_seen_by=world.admin
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


PAGES = {
    "today": lambda w: "/today/",
    "patients": lambda w: "/patients/",
    "patient": lambda w: f"/patients/{w.patient.pk}/",
    "triage queue": lambda w: "/triage/",
    "library": lambda w: "/programs/",
    "intake form": lambda w: f"/triage/patients/{w.patient.pk}/intake/",
    "assign form": lambda w: f"/programs/patients/{w.other_patient.pk}/assign/",
    "settings": lambda w: "/clinic/settings/",
    "staff": lambda w: "/clinic/staff/",
    "new patient": lambda w: "/patients/new/",
    "edit patient": lambda w: f"/patients/{w.patient.pk}/edit/",
    "end program": lambda w: f"/programs/{w.patient.programs.get(status='active').pk}/end/",
    "patient search": lambda w: "/patients/?q=example",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_is_constant(client, world, page, capsys):
    verified_login(client, world.admin)
    grow(world, world.patient, 3)
    slipping(world.other_patient, world.physio)
    target = PAGES[page](world)
    few = count(client, target)
    grow(world, world.patient, 6)
    for _ in range(8):
        colleague = MembershipFactory(clinic=world.clinic, user=UserFactory()).user
        device_for(colleague)
        recovery_codes_issue(colleague)
        grow(world, PatientFactory(clinic=world.clinic, physiotherapist=world.physio), 3)
    ProgramTemplate.objects.create(clinic=world.clinic, name="Ours")
    many = count(client, target)
    with capsys.disabled():
        print(f"\n  queries: {page}: {few} (2 patients) / {many} (11 patients, many more rows)")
    assert many == few
