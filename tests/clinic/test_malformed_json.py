"""Malformed JSON is a 4xx in the error shape, before any view code: never a 500."""

from __future__ import annotations

import json
import logging

import pytest

from patients.models import Episode
from tests.conftest import bearer
from tests.patients.test_episodes import EPISODES, episode

DEEP_LIST = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


def raw_post(client, url: str, body: bytes, method: str = "post"):
    return getattr(client, method)(url, data=body, content_type="application/json")


def assert_error_shape(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    body = json.loads(response.content.decode("utf-8"))
    assert set(body["error"]) == {"code", "message", "fields"}
    return body


# --- finding 3: depth --------------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
@pytest.mark.parametrize(
    "url", ["/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"]
)
def test_json_nested_10000_deep_is_a_400_on_the_unauthenticated_endpoints(
    anon_client, world, caplog, url, body
):
    with caplog.at_level(logging.WARNING):
        response = raw_post(anon_client, url, body)
    assert assert_error_shape(response)["error"]["code"] == "parse_error"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
def test_json_nested_10000_deep_is_a_400_for_patients_and_staff(world, caplog, body):
    with caplog.at_level(logging.WARNING):
        for client, url, method in (
            (bearer(world.patient_user), EPISODES, "post"),
            (bearer(world.patient_user), "/api/v1/me/preferences/", "patch"),
            (bearer(world.physio), "/api/v1/clinic/patients/", "post"),
        ):
            response = raw_post(client, url, body, method)
            assert assert_error_shape(response)["error"]["code"] == "parse_error", url
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not Episode.objects.exists()


def test_the_depth_limit_is_a_fixed_number_of_levels_not_the_interpreters(patient_client, world):
    nested = {"episodes": [episode()]}
    for _ in range(25):  # deep enough to pass the limit, far too shallow to hit recursion
        nested = {"episodes": [nested]}
    response = patient_client.post(f"{EPISODES}sync/", nested, format="json")
    assert "deeper than" in assert_error_shape(response)["error"]["message"]


def test_a_body_over_the_size_limit_is_still_a_413(patient_client, world, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = patient_client.post(EPISODES, episode(notes="x" * 2000), format="json")
    assert_error_shape(response, 413)
    assert not Episode.objects.exists()


# --- finding 4: other 500s from input -------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "method"),
    [
        ("anon", "/api/v1/auth/token/", "post"),
        ("patient", EPISODES, "post"),
        ("patient", "/api/v1/me/preferences/", "patch"),
        ("physio", "/api/v1/clinic/patients/", "post"),
    ],
)
def test_a_lone_surrogate_key_is_a_400_that_can_be_encoded(world, who, url, method):
    client = {
        "anon": bearer(world.patient_user).__class__(),
        "patient": bearer(world.patient_user),
        "physio": bearer(world.physio),
    }[who]
    for body in (b'{"\\udcff": 1}', b'{"notes": "\\ud800"}'):
        response = raw_post(client, url, body, method)
        assert_error_shape(response)  # the body decodes as UTF-8: no surrogate in it
    assert not Episode.objects.exists()
