"""A refresh token is used once: twenty refreshes of it at the same moment give one new pair."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from clinic.api.tokens import issue

pytestmark = pytest.mark.services

N = 20
REFRESH = "/api/v1/auth/token/refresh/"


def refresh_concurrently(token: str) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(N)

    def one(_: int) -> tuple[int, dict[str, Any]]:
        client = APIClient()
        barrier.wait()
        try:
            response = client.post(REFRESH, {"refresh": token}, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(N) as pool:
        return list(pool.map(one, range(N)))


def test_twenty_concurrent_refreshes_of_one_token_give_exactly_one_new_pair(
    transactional_db, world
):
    token = str(issue(world.patient_user, None))
    results = refresh_concurrently(token)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [401] * (N - 1), statuses
    assert {body["error"]["code"] for status, body in results if status == 401} == {
        "token_not_valid"
    }
    # One chain lives on: the old token revoked once, one new refresh token outstanding.
    assert BlacklistedToken.objects.count() == 1
    assert OutstandingToken.objects.count() == 2
    (winner,) = [body for status, body in results if status == 200]
    again = APIClient().post(REFRESH, {"refresh": winner["refresh"]}, format="json")
    assert again.status_code == 200
