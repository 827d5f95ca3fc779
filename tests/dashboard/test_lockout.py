"""Repeated failed logins lock the dashboard login (django-axes), and a wrong second-factor
code is throttled too (test_two_factor.py)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from tests.factories import PASSWORD


def attempt(client: Client, user, password: str):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, world):
    for _ in range(4):
        page = attempt(client, world.physio, "wrong")
        assert page.status_code == 200 and "Please enter a correct" in page.content.decode()
    locked = attempt(client, world.physio, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes" in locked.content.decode()
    assert attempt(client, world.physio, PASSWORD).status_code == 429
    assert client.get("/today/")["Location"].startswith("/accounts/login/")
    # The lock is on that account from that address: a colleague can still log in.
    assert attempt(client, world.admin, PASSWORD).status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, world):
    for _ in range(5):
        attempt(client, world.physio, "wrong")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    with time_machine.travel(later):
        assert attempt(client, world.physio, PASSWORD).status_code == 302
        assert client.get("/today/").status_code == 200
