"""The adherence nudge: 3 quiet days on an active program, at most once a week."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core import mail

from clinic import outbox
from clinic.models import Notification
from programs import services, sessions
from programs.followups import adherence_nudges_schedule
from programs.models import ProgramTemplate

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in London


@pytest.fixture
def program(world):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    with time_machine.travel(T0, tick=False):
        return services.program_assign(
            patient=world.patient, by=world.physio, template=template, start_date=T0.date()
        )


def nudges() -> list[Notification]:
    return list(Notification.objects.filter(kind="adherence_nudge").order_by("created_at"))


def run(when: dt.datetime) -> int:
    with time_machine.travel(when, tick=False):
        return adherence_nudges_schedule()


def log_session(world, program, when: dt.datetime) -> None:
    exercise = program.current_revision.items.first().exercise_id
    with time_machine.travel(when, tick=False):
        sessions.session_log(
            patient=world.patient, client_id=uuid.uuid4(), performed_at=when, now=when,
            exercises=[sessions.DoneSpec(exercise_id=exercise)],
        )  # fmt: skip


def test_three_quiet_days_bring_a_nudge_and_not_before(world, program):
    assert run(T0 + dt.timedelta(days=2, hours=23)) == 0
    assert run(T0 + dt.timedelta(days=3, hours=1)) == 1
    [nudge] = nudges()
    assert (nudge.recipient, nudge.context["program_id"]) == ("pat@a.example", program.pk)


def test_a_recent_session_means_no_nudge(world, program):
    log_session(world, program, T0 + dt.timedelta(days=2))
    assert run(T0 + dt.timedelta(days=4)) == 0
    assert run(T0 + dt.timedelta(days=5, hours=1)) == 1  # 3 days after that session


def test_at_most_one_nudge_a_week(world, program):
    assert run(T0 + dt.timedelta(days=4)) == 1
    for hours in (1, 24, 24 * 6):
        assert run(T0 + dt.timedelta(days=4, hours=hours)) == 0
    assert run(T0 + dt.timedelta(days=11, hours=1)) == 1
    assert len(nudges()) == 2


def test_no_nudge_for_ended_programs_muted_or_inactive_patients(world, program):
    world.patient.muted_kinds = ["adherence_nudge"]
    world.patient.save()
    assert run(T0 + dt.timedelta(days=4)) == 0
    world.patient.muted_kinds = []
    world.patient.save()
    services.program_end(program=program, by=world.physio)
    assert run(T0 + dt.timedelta(days=5)) == 0


def test_a_program_that_starts_later_is_not_neglected(world):
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    with time_machine.travel(T0, tick=False):
        services.program_assign(patient=world.patient, by=world.physio, template=template,
                                start_date=(T0 + dt.timedelta(days=7)).date())  # fmt: skip
    assert run(T0 + dt.timedelta(days=8)) == 0
    assert run(T0 + dt.timedelta(days=10, hours=1)) == 1


def test_the_nudge_email_goes_out_and_stops_if_the_program_ended(world, program):
    run(T0 + dt.timedelta(days=4))
    [nudge] = nudges()
    with time_machine.travel(nudge.due_at, tick=False):
        assert outbox.deliver(nudge.pk) == "sent"
    assert mail.outbox[-1].subject == "Your home exercises - Clinic A"
    assert "List-Unsubscribe" in mail.outbox[-1].extra_headers
    run(T0 + dt.timedelta(days=12))
    services.program_end(program=program, by=world.physio)
    later = nudges()[-1]
    with time_machine.travel(later.due_at, tick=False):
        assert outbox.deliver(later.pk) == "cancelled"
