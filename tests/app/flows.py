"""Steps a patient takes in the app, shared by the browser tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.factories import PASSWORD


def sign_in(device, email: str, password: str = PASSWORD) -> None:
    page = device.page
    device.go()
    device.title("Sign in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/#/home")
    device.title("Hello")


def choose(page, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}'] + label").click()


def answer_screening(device, answers: dict[str, object], shoot: Callable[[str], None]) -> None:
    """Every part of the questionnaire: the given answers, "no" to every other yes/no."""
    page = device.page
    device.route("#/screening", "Screening questions")
    part = 0
    while True:
        part += 1
        section = page.locator("form section:not([hidden])")
        for name in section.locator("[data-name]").evaluate_all(
            "els => els.map(e => e.dataset.name)"
        ):
            value = answers.get(name)
            number = section.locator(f"input[type=number][name='{name}']")
            if number.count():
                if value is not None:  # an optional number is left empty
                    number.fill(str(value))
            elif value is None:
                radios = section.locator(f"input[name='{name}']")
                first = radios.first.get_attribute("value")
                choose(page, name, "false" if first == "true" else first)
            else:
                choose(page, name, str(value).lower() if isinstance(value, bool) else str(value))
        if part == 1:
            shoot("04-screening-part-1")
        button = page.locator("form button[type=submit]")
        last = button.inner_text().strip() == "Send my answers"
        if last:
            shoot("05-screening-last-part")
        button.click()
        if last:
            return
        page.locator(".step-count", has_text=f"Part {part + 1} of").wait_for()


def record_episode(device, *, intensity: int, triggers=(), flags=(), wait_list=True) -> None:
    page = device.page
    device.route("#/diary/new", "Record a spasm")
    choose(page, "peak_intensity", str(intensity))
    for code in triggers:
        choose(page, "trigger", code)
    for code in flags:
        choose(page, "flag", code)
    page.get_by_role("button", name="Save", exact=True).click()
    if wait_list:
        page.wait_for_url("**/app/#/diary")
        device.title("My spasm diary")


def log_session(device, *, before: int = 5, after: int = 3) -> None:
    page = device.page
    device.route("#/exercises/log", "Log a session")
    choose(page, "pain_before", str(before))
    choose(page, "pain_after", str(after))
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/app/#/exercises")
    device.title("Today's exercises")


def eventually(
    check: Callable[[], bool], timeout: float = 20.0, what: str = "", device=None
) -> None:
    """Poll; with a device, wait in the browser's event loop, which keeps Playwright's
    route handlers and events running (time.sleep would hold them back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if device is not None:
            device.page.wait_for_timeout(250)
        else:
            time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what or check}")
