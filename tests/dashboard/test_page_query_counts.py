"""The busiest dashboard pages cost the same number of queries for 2 patients as for 6: no
query per row (patients, alerts, screenings, replies, programs, staff)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import Membership
from programs import services as program_services
from programs.models import ProgramTemplate
from tests.factories import MembershipFactory, PatientFactory, UserFactory
from tests.triage.helpers import EMERGENCY

from .conftest import record_intake
from .helpers import device_for
from .test_today import worse_reply

PAGES = ["/", "/today/", "/triage/", "/triage/outcomes/", "/clinic/staff/", "/programs/"]


def add(world, n: int) -> None:
    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    for _ in range(n):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=world.physio)
        program_services.program_assign(patient=patient, by=world.physio, template=template)
        record_intake(patient, world.physio, **EMERGENCY)
        worse_reply(patient)
        colleague = MembershipFactory(clinic=world.clinic, user=UserFactory(),
                                      role=Membership.Role.PHYSIOTHERAPIST).user  # fmt: skip
        device_for(colleague)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_dashboard_page_does_not_query_per_row(admin_page, world, path):
    add(world, 2)
    small = count(admin_page, path)
    add(world, 4)
    assert count(admin_page, path) == small, path


def test_the_patient_page_does_not_query_per_screening(admin_page, world):
    worse_reply(world.patient)

    def more(n: int) -> None:
        for _ in range(n):
            record_intake(world.patient, world.physio, **EMERGENCY)

    path = f"/patients/{world.patient.pk}/"
    more(2)
    small = count(admin_page, path)
    more(3)
    assert count(admin_page, path) == small
