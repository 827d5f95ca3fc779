from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import override_settings

from clinic.settings import base
from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k3y-" + "x9Lm2Qp7Rt5Vw8Yz1Bc4Df6Gh0Jk3Np5Sr8Tu2Wx4Za7Ce9Hi1Mo" * 2


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="clinic.settings.production",
        DJANGO_ALLOWED_HOSTS="clinic.example.org",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="clinic.settings.production", DJANGO_SECRET_KEY=GOOD_SECRET
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_settings_pass_the_deployment_check_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="clinic.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_never_loads_demo_data():
    result = run_manage(
        "seed_demo",
        DJANGO_SETTINGS_MODULE="clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="clinic.example.org",
    )
    assert result.returncode != 0
    assert "never loaded under production" in result.stderr


def test_debug_is_off_in_production_and_on_locally():
    prod = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="clinic.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="clinic.example.org",
    )
    local = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="clinic.settings.local",
    )
    assert prod.stdout.split()[-1] == "False", prod.stderr
    assert local.stdout.split()[-1] == "True", local.stderr


def test_a_boolean_that_is_not_clearly_yes_or_no_is_refused():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="clinic.settings.local", DJANGO_DEBUG="maybe"
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_passwords_are_hashed_with_argon2_outside_the_test_suite():
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("demo-pass-123").startswith("argon2")


@pytest.mark.skipif(
    not REQUIRE_SERVICES, reason="CI flag not set: running on the zero-setup defaults"
)
def test_ci_runs_on_postgresql_and_redis(db):
    import redis
    from django.conf import settings

    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping() is True
