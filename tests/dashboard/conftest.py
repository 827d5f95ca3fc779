"""Dashboard clients: a physiotherapist (no second factor needed), a clinic admin who passed
it, and data helpers shared by the page tests."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from patients.episodes import episode_record
from tests.triage.helpers import answers
from triage.services import intake_submit

from .helpers import verified_login


@pytest.fixture
def physio_page(client: Client, world) -> Client:
    client.force_login(world.physio)
    return client


@pytest.fixture
def admin_page(client: Client, world) -> Client:
    return verified_login(client, world.admin)


def record_intake(patient, by, **flags):
    return intake_submit(patient=patient, submitted_by=by, answers=answers(**flags))


def record_episode(patient, *, days_ago: float, peak: int, triggers=(), relief=()):
    return episode_record(
        patient=patient,
        client_id=uuid.uuid4(),
        started_at=timezone.now() - dt.timedelta(days=days_ago),
        duration_minutes=30,
        peak_intensity=peak,
        triggers=list(triggers),
        relief=[{"method": m, "effect": e} for m, e in relief],
    ).episode


def slipping(patient, by, *, days_ago=range(8, 14)):
    """A program done every day of the week before last and not since: adherence falling."""
    from tests.programs.helpers import assign, log, spec

    program = assign(patient, by, spec("glute-bridge"),
                     start_date=timezone.localdate() - dt.timedelta(days=20))  # fmt: skip
    for days in days_ago:
        log(patient, timezone.now() - dt.timedelta(days=days), "glute-bridge")
    return program
