"""Repeated failed logins lock the account for that address, on the API and the login page."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"


def api_login(password: str, ip: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=ip).post(
        TOKEN, {"email": "pat@a.example", "password": password}, format="json"
    )


def page_login(password: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/login/", {"username": "physio@a.example", "password": password}
    )


def test_the_token_endpoint_locks_after_five_failures_even_for_the_right_password(world):
    assert [api_login("wrong").status_code for _ in range(4)] == [401] * 4
    locked = api_login("wrong")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert int(locked["Retry-After"]) == 15 * 60
    assert api_login(PASSWORD).status_code == 429
    assert api_login(PASSWORD, ip="10.0.0.2").status_code == 200  # another address is not locked


def test_the_lock_lifts_after_the_cool_off(world):
    for _ in range(5):
        api_login("wrong")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        assert api_login(PASSWORD).status_code == 200


def test_a_success_resets_the_count(world):
    for _ in range(4):
        api_login("wrong")
    assert api_login(PASSWORD).status_code == 200
    assert api_login("wrong").status_code == 401


def test_the_login_page_locks_too(world):
    statuses = [page_login("wrong").status_code for _ in range(4)]
    assert statuses == [200] * 4  # the form again, with its error
    locked = page_login("wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert page_login(PASSWORD).status_code == 429
