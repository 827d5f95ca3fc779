"""Property-based API testing from the OpenAPI schema, in-process, as each role.

Budget: MAX_EXAMPLES cases per operation and role, derandomized (a fixed seed), positive and
negative data. Findings checked: no 5xx, status codes / content types / bodies as the schema
documents them, and no operation that answers without authentication.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import access_token, bearer
from tests.patients.test_episodes import episode
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit

MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


# Loaded once at collection: generating the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def data(world):
    """Some real records for the generated requests to find."""
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    bearer(world.patient_user).post("/api/v1/episodes/", episode(), format="json")
    # The real WSGI handler closes the connection after each request, which would end the
    # test's transaction; Django's test client switches that off the same way (and switches
    # it back on after each of its own requests, hence after the setup above).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token_for(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(user)}"}


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@SETTINGS
def test_the_api_keeps_its_schema_and_its_locks_for_a_patient(case, data):
    case.call_and_validate(headers=token_for(data.patient_user), checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_the_api_keeps_its_schema_and_its_locks_for_a_physiotherapist(case, data):
    case.call_and_validate(headers=token_for(data.physio), checks=CHECKS)
