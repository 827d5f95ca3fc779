"""Thirty clinicians acknowledge one alert at once: one succeeds, and the log says just that."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from clinic.models import PatientAccessEvent
from tests.conftest import bearer
from tests.triage.helpers import EMERGENCY, answers
from triage.models import Escalation
from triage.services import intake_submit

pytestmark = pytest.mark.services

N = 30


def test_concurrent_acknowledgements_leave_one_done_event(transactional_db, world):
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    escalation = Escalation.objects.get()
    url = f"/api/v1/clinic/escalations/{escalation.pk}/acknowledge/"
    clients = [bearer(world.physio if i % 2 else world.admin) for i in range(N)]
    barrier = threading.Barrier(N)

    def one(i: int) -> int:
        barrier.wait()
        try:
            return clients[i].post(url).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(N) as pool:
        statuses = sorted(pool.map(one, range(N)))

    assert statuses == [200] + [409] * (N - 1), statuses
    escalation.refresh_from_db()
    logged = PatientAccessEvent.objects.filter(action="acknowledge", object_id=str(escalation.pk))
    assert [e.actor_id for e in logged] == [escalation.acknowledged_by_id]
