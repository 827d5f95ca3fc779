"""Property-based API testing from the OpenAPI schema, in-process, as every role.

Roles: anonymous, patient, physiotherapist and clinic admin (ROLES; each signs in through the
real token endpoint, in `credentials`). Two phases per role:
- every operation, MAX_EXAMPLES cases each (positive and negative data);
- the stateful phase: schemathesis' state machine chains operations along the links it infers
  from the schema (a created episode is then read, edited, deleted...), STATEFUL_EXAMPLES
  scenarios of up to STATEFUL_STEPS calls.
Derandomized (a fixed seed), so a CI failure reproduces locally. All of schemathesis' checks
are on (no `checks=` list): no 5xx, statuses, content types, headers and bodies as the schema
documents them, negative data refused, positive data accepted, no operation that answers
without authentication, and the stateful checks (use after free, resource availability).
The budget and its measured time are in docs/PERFORMANCE.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient

from tests.conftest import World
from tests.dashboard.helpers import code, device_for
from tests.factories import PASSWORD
from tests.patients.test_episodes import episode
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit

MAX_EXAMPLES = 10
STATEFUL_EXAMPLES = 15
STATEFUL_STEPS = 8
ROLES = ("anonymous", "patient", "physiotherapist", "clinic_admin")

# Loaded once at collection: generating the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# Schema-valid data may still break a rule JSON Schema cannot state: an end before its start,
# a time in the future, an id that names nothing (or another clinic's object), a 24:30 time
# of day, a resend of a deleted episode (410). Those answers are the documented 400 and 410,
# so positive_data_acceptance accepts them on top of its defaults; every other check runs with
# schemathesis' own settings.
_positive = schema.config.checks.positive_data_acceptance
_positive.expected_statuses = [*_positive.expected_statuses, "400", "410"]
# The signed-in role's header, set by the role_headers fixture for the running test.
CURRENT: dict[str, str] = {}


@schema.auth(refresh_interval=None, retry_on=[])
class RoleAuth:
    """The role's token as schemathesis' own auth, so its checks know the credentials are
    real: ignored_auth then strips them and expects a 401."""

    def get(self, case, ctx):
        return CURRENT.get("Authorization", "")

    def set(self, case, data, ctx):
        if data:
            case.headers = {**(case.headers or {}), "Authorization": data}


def sign_in(email: str, **extra: str) -> dict[str, str]:
    """A bearer header obtained the way an app obtains it: through the token endpoint."""
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['access']}"}


def credentials(world: World) -> dict[str, Callable[[], dict[str, str]]]:
    """How each role signs in: the one place to change when signing in changes."""
    return {
        "anonymous": dict,
        "patient": lambda: sign_in(world.patient_user.email),
        "physiotherapist": lambda: sign_in(world.physio.email),
        # Clinic admins must pass the second factor: the code of their authenticator app.
        "clinic_admin": lambda: sign_in(world.admin.email, otp=code(device_for(world.admin))),
    }


@pytest.fixture
def data(world):
    """Some real records for the generated requests to find."""
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip
    patient = APIClient()
    patient.credentials(HTTP_AUTHORIZATION=sign_in(world.patient_user.email)["Authorization"])
    patient.post("/api/v1/episodes/", episode(), format="json")
    return world


@pytest.fixture
def role_headers(data, request) -> Iterator[Callable[[str], dict[str, str]]]:
    """Headers for a role; after this the real WSGI handler serves the generated requests.

    That handler closes the connection after each request, which would end the test's
    transaction; Django's test client switches that off the same way (and back on after each
    of its own requests, hence sign-in first)."""
    ways = credentials(data)
    cache: dict[str, dict[str, str]] = {}

    def headers(role: str) -> dict[str, str]:
        if role not in cache:
            cache[role] = ways[role]()
            request_started.disconnect(close_old_connections)
            request_finished.disconnect(close_old_connections)
        CURRENT.clear()
        CURRENT.update(cache[role])
        return cache[role]

    yield headers
    CURRENT.clear()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported
)


def _check(case, headers: dict[str, str]) -> None:
    # The headers reach the request through RoleAuth (set from them by role_headers).
    case.call_and_validate()


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_schema_for_anonymous_callers(case, role_headers):
    _check(case, role_headers("anonymous"))


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_schema_and_its_locks_for_a_patient(case, role_headers):
    _check(case, role_headers("patient"))


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_schema_and_its_locks_for_a_physiotherapist(case, role_headers):
    _check(case, role_headers("physiotherapist"))


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_schema_and_its_locks_for_a_clinic_admin(case, role_headers):
    _check(case, role_headers("clinic_admin"))


@pytest.mark.parametrize("role", ROLES)
def test_stateful_sequences_keep_the_schema(role, role_headers):
    role_headers(role)
    Workflow = schema.as_state_machine()
    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
    )
