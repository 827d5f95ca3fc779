from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_broker_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.fixture
def broker_down():
    previous = celery_app.conf.broker_url
    # Nothing listens on port 1: connections are refused at once.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url = previous


def test_healthz_is_503_when_the_broker_is_down(client, db, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}


def test_healthz_is_503_when_the_database_is_down():
    script = (
        "import django; django.setup();"
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, r.json()['database'])"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="clinic.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["503", "down"], result.stderr[-2000:]


def test_an_unknown_api_url_is_a_json_404_and_pages_get_html(client, db):
    api = client.get("/api/v1/episodes/not-a-number/oops/")
    assert api.status_code == 404
    assert api.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
