"""The outcomes page and the patient's progress panel in Chromium, at desktop and tablet width:
what a clinic lead sees. Screenshots go to test-artifacts/outcomes/."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client

from tests.outcomes.test_report import PERIOD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "outcomes"
SIZES = {"desktop": {"width": 1366, "height": 900}, "tablet": {"width": 834, "height": 1112}}


def _page(browser, live_server, user, size):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=size)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])  # fmt: skip
    return context.new_page()


def test_the_outcomes_page_and_progress_panel_in_a_browser(
    browser,
    live_server,
    world,
    cohort,
    history,
    capsys,
):
    for size in sorted(SIZES):
        _look(browser, live_server, world, size, capsys)


def _look(browser, live_server, world, size, capsys):
    page = _page(browser, live_server, world.physio, SIZES[size])
    query = "&".join(f"{k}={v}" for k, v in PERIOD.items())
    page.goto(f"{live_server.url}/triage/outcomes/?{query}")
    assert page.get_by_role("heading", name="Outcomes", exact=True).is_visible()
    low = page.locator('table[data-section="risk"] tr[data-key="low"]')
    assert low.locator('[data-figure="nrs-mic"]').inner_text() == "50.0% (5)"
    assert page.get_by_role("link", name="Download CSV").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"outcomes-{size}.png"), full_page=True)
    page.goto(f"{live_server.url}/patients/{world.patient.pk}/#progress")
    panel = page.locator("#progress")
    assert "Pain down 4 points since 3 March" in panel.inner_text()
    assert panel.locator("svg#progress-pain circle.point").count() == 4
    panel.screenshot(path=str(ARTIFACTS / f"progress-{size}.png"))
    with capsys.disabled():
        print(f"\n  screenshots: {ARTIFACTS}/*-{size}.png")
