"""Mobile apps resend: twenty identical POSTs at once must leave exactly one row."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from patients.models import Episode
from tests.conftest import bearer
from tests.patients.test_episodes import EPISODES, episode

pytestmark = pytest.mark.services

N = 20


def post_concurrently(user: Any, payload: dict[str, Any], headers: dict[str, str]) -> list[Any]:
    barrier = threading.Barrier(N)

    def one(_: int) -> tuple[int, dict[str, Any]]:
        client = bearer(user)
        barrier.wait()
        try:
            response = client.post(EPISODES, payload, format="json", **headers)
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(N) as pool:
        return list(pool.map(one, range(N)))


@pytest.mark.parametrize("with_key", [True, False], ids=["idempotency-key", "client-id-only"])
def test_twenty_concurrent_identical_posts_leave_exactly_one_episode(
    transactional_db, world, with_key
):
    payload = episode()
    headers = {"HTTP_IDEMPOTENCY_KEY": "burst-1"} if with_key else {}
    results = post_concurrently(world.patient_user, payload, headers)

    assert Episode.objects.count() == 1
    stored = Episode.objects.get()
    statuses = [status for status, _ in results]
    answered = [body for status, body in results if status in (200, 201)]
    assert {body["id"] for body in answered} == {stored.pk}
    if with_key:
        # Replays carry the first response's status and body; a request still in flight may
        # instead be told to retry (409).
        assert set(statuses) <= {201, 409}
        assert all(body == answered[0] for body in answered)
    else:
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {200, 201}
