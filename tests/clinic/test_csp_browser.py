# ruff: noqa: F811 - the browser fixtures are imported from the dashboard's browser test
"""The Content-Security-Policy in a real browser: the dashboard, the admin and the API docs
work under it, and Chromium reports no violation. Screenshots go to test-artifacts/dashboard/.
"""

from __future__ import annotations

import re

import pytest

from tests.dashboard.helpers import code, device_for
from tests.dashboard.test_browser import TABLET, browser, chromium, shot  # noqa: F401
from tests.factories import PASSWORD
from tests.triage.helpers import EMERGENCY, answers
from triage.services import intake_submit

PHONE = {"width": 360, "height": 640}


def watch(page) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_the_admin_and_the_api_docs_work_under_the_policy(
    live_server,
    browser,
    world,
    shot,
):
    world.admin.is_staff = True
    world.admin.save()
    device = device_for(world.admin)
    intake_submit(patient=world.patient, submitted_by=world.patient_user,
                  answers=answers(**EMERGENCY))  # fmt: skip

    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch(page)

    page.goto(f"{live_server.url}/today/")
    page.fill("#id_username", world.admin.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.fill("#id_code", code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/today/$"))
    assert "EMERGENCY" in page.content()
    # The stylesheet applied: the page is laid out by site.css, not the browser's defaults.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("getComputedStyle(document.body).margin") != "8px"
    shot(page, "csp-01-today")
    # The policy is enforced, and a violation would be seen: an injected inline script
    # does not run and is reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.injected") is None
    assert any("inline script" in v for v in violations), violations
    violations.clear()

    page.goto(f"{live_server.url}/patients/{world.patient.pk}/")
    shot(page, "csp-02-patient")

    page.goto(f"{live_server.url}/admin/patients/patient/{world.patient.pk}/change/")
    assert page.locator("#patient_form").count() == 1
    # The admin's own scripts run: its JavaScript adds the "Today" shortcut to date fields.
    page.wait_for_selector(".datetimeshortcuts")
    shot(page, "csp-03-admin-change-form")

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 20
    shot(page, "csp-04-api-docs-tablet")

    phone = browser.new_context(viewport=PHONE).new_page()
    phone_violations = watch(phone)
    phone.goto(f"{live_server.url}/api/docs/")
    phone.wait_for_selector(".opblock", timeout=30_000)
    shot(phone, "csp-05-api-docs-phone")
    phone.goto(f"{live_server.url}/accounts/login/")
    shot(phone, "csp-06-login-phone")

    assert violations == []
    assert phone_violations == []
