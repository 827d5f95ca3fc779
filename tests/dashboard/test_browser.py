"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a live server.

A physiotherapist who enrolled a second factor logs in with it, sees an emergency on Today,
acknowledges it, opens the patient, sees the episode chart, resolves the alert and assigns a
program, on a tablet-sized screen. Screenshots go to test-artifacts/dashboard/.

Chromium comes from Debian (`make test` installs it); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from programs import catalogue
from programs.models import Program
from programs.services import ItemSpec
from tests.conftest import service_unavailable
from tests.factories import PASSWORD
from tests.triage.helpers import EMERGENCY
from triage.models import Escalation

from .conftest import record_episode, record_intake
from .helpers import code, device_for

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
TABLET = {"width": 834, "height": 1112}  # a 10-11 inch tablet held upright


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        service_unavailable(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    return CHROMIUM


@pytest.fixture
def browser(chromium, monkeypatch):
    try:
        from playwright import sync_api
    except ImportError:  # a dev dependency: missing only outside `make test`'s environment
        service_unavailable("playwright is not installed (pip install -e '.[dev]')")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shot(capsys):
    """Save a full-page screenshot and print its path (past pytest's output capture)."""

    def take(page, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        with capsys.disabled():
            print(f"\n  screenshot: {path}")

    return take


@pytest.mark.django_db(transaction=True)
def test_a_physiotherapist_acknowledges_an_emergency_and_assigns_a_program(
    live_server, browser, world, shot
):
    device = device_for(world.physio)  # this physiotherapist chose two-factor sign-in
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    for days, peak in ((20, 4), (12, 6), (6, 5), (2, 8)):
        record_episode(world.patient, days_ago=days, peak=peak, triggers=["lifting"])
    escalation = Escalation.objects.get(patient=world.patient)
    # The clinic's own template: an earlier transactional test may have flushed the shipped
    # library (it comes from a data migration).
    walk = catalogue.exercise_create(
        clinic=world.clinic, name="Short walks", purpose="Keep moving", steps=["Walk 5 minutes"],
        category="aerobic", direction="neutral", difficulty="easy", duration_minutes=5,
    )  # fmt: skip
    template = catalogue.template_create(
        clinic=world.clinic, name="Gentle start", items=[ItemSpec(exercise=walk)]
    )

    context = browser.new_context(viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/today/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", world.physio.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.fill("#id_code", code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/today/$"))

    alert = page.locator(f"#escalation-{escalation.pk}")
    assert "EMERGENCY" in alert.inner_text()
    assert world.patient.full_name in alert.inner_text()
    shot(page, "01-today-emergency")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(r"/today/$"))
    assert "acknowledged" in page.locator(".messages").inner_text()
    shot(page, "02-today-acknowledged")

    page.locator(f"#escalation-{escalation.pk}").get_by_role(
        "link", name=world.patient.full_name
    ).click()
    page.wait_for_url(re.compile(rf"/patients/{world.patient.pk}/"))
    chart = page.locator("svg#episode-timeline")
    assert chart.locator("circle.point").count() == 4
    assert "Peak intensity" in chart.inner_html()
    shot(page, "03-patient-episode-chart")

    page.fill(f"#resolve-{escalation.pk}", "Called; seen at A&E, cauda equina ruled out.")
    page.locator(f"#escalation-{escalation.pk}").get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Assign a program").click()
    page.wait_for_url(re.compile(r"/assign/$"))
    page.select_option("#id_template", str(template.pk))
    shot(page, "04-assign-form")
    page.get_by_role("button", name="Assign program").click()
    page.wait_for_url(re.compile(rf"/patients/{world.patient.pk}/"))
    assert "Program assigned" in page.locator(".messages").inner_text()
    assert page.locator("svg#weekly-adherence").count() == 1
    shot(page, "05-patient-program")
    context.close()

    escalation.refresh_from_db()
    assert escalation.acknowledged_by == world.physio and escalation.status == "resolved"
    program = Program.objects.get(patient=world.patient)
    assert program.current_revision.template == template and program.created_by == world.physio
    assert os.listdir(ARTIFACTS)
