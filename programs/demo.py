"""Demo program: Jamie starts the template their STarT Back result suggests, three weeks ago,
and has logged most days since; evening core work often leaves them sorer, so the adherence
report flags it for review."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from .models import Exercise
from .selectors import local_today, suggestion_for_patient
from .services import program_assign
from .sessions import DoneSpec, session_log

MORNING = ("abdominal-bracing", "glute-bridge", "bird-dog", "sit-to-stand", "hip-hinge")
EVENING = ("side-plank-modified", "dead-bug", "clamshell")
SKIPPED = {3, 9, 10, 16}  # days after the start with nothing logged


def load(demo: dict[str, Any]) -> None:
    jamie, physio = demo["patient"], demo["physio"]
    template = suggestion_for_patient(jamie).template
    if template is None:  # no STarT Back result: nothing to pre-select
        return
    today = local_today(jamie)
    start = today - dt.timedelta(days=20)
    program_assign(
        patient=jamie,
        by=physio,
        template=template,
        start_date=start,
        notes="Little and often. Stop and call us if pain spreads down your leg.",
    )
    ids = dict(Exercise.objects.filter(clinic__isnull=True).values_list("key", "pk"))
    now = timezone.now()
    for n in range(20):
        if n in SKIPPED:
            continue
        day = start + dt.timedelta(days=n)
        pain = max(6 - n // 5, 2)  # settling over the weeks
        _log(jamie, day, dt.time(7, 30), MORNING, ids, pain, pain - 1, now)
        if n % 2 == 0:
            _log(jamie, day, dt.time(19, 30), EVENING, ids, pain - 1, pain + 1, now)


def _log(
    patient: Any,
    day: dt.date,
    at: dt.time,
    keys: tuple[str, ...],
    ids: dict[str, int],
    before: int,
    after: int,
    now: dt.datetime,
) -> None:
    session_log(
        patient=patient,
        client_id=uuid.uuid4(),
        exercises=[DoneSpec(exercise_id=ids[key]) for key in keys],
        performed_at=dt.datetime.combine(day, at, tzinfo=patient.timezone),
        pain_before=before,
        pain_after=after,
        now=now,
    )
