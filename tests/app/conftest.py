"""The patient app in Debian's Chromium (Playwright) at a phone's size, against a live server.

Every screen is photographed into test-artifacts/app/ and checked with axe-core (vendored
under tests/app/vendor/, used by the tests only). Every request the app makes is recorded.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from programs import catalogue
from programs.services import ItemSpec, program_assign
from tests.conftest import service_unavailable
from tests.dashboard.test_browser import CHROMIUM, FLAGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "app"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 640}
# The app may reach its own shell, worker, catalogues and static files, and the public API.
ALLOWED = re.compile(r"^/(api/v1/|app/($|sw\.js$|jsi18n/)|static/patients/app/)")


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        service_unavailable(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    try:
        from playwright import sync_api
    except ImportError:
        service_unavailable("playwright is not installed (pip install -e '.[dev]')")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


class Phone:
    """A browser context at phone size that records requests and CSP reports."""

    def __init__(self, browser, base: str, capsys) -> None:
        self.base = base
        self.context = browser.new_context(viewport=PHONE, has_touch=True, accept_downloads=True)
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.violations: dict[str, list] = {}
        self.logs: list[str] = []
        self.capsys = capsys
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.open()

    def open(self):
        page = self.context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page = page
        return page

    def _console(self, message) -> None:
        text = message.text
        self.logs.append(f"{message.type}: {text}")
        if "Content Security Policy" in text or message.type == "error":
            # A refused offline request is the point of the offline tests, not a fault.
            if "net::ERR_INTERNET_DISCONNECTED" in text or "Failed to load resource" in text:
                return
            self.problems.append(f"console {message.type}: {text}")

    def go(self, route: str = "") -> None:
        self.page.goto(f"{self.base}/app/{route}")
        self.page.wait_for_selector("#screen-title")

    def route(self, route: str, title: str | None = None) -> None:
        # Through the address bar's fragment, as a tap on a link does (a fresh render even
        # when the app is on that screen already).
        if self.page.url.endswith(f"/app/{route}"):
            self.page.reload()
        else:
            self.page.goto(f"{self.base}/app/{route}")
        if title:
            self.title(title)

    def title(self, text: str) -> None:
        self.page.locator("#screen-title", has_text=text).wait_for()

    def shot(self, name: str, axe: bool = True) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        with self.capsys.disabled():
            print(f"\n  screenshot: {path}")
        if axe:
            self.axe(name)

    def axe(self, name: str) -> None:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())  # DevTools evaluation: not subject to the CSP
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
        )
        if result:
            self.violations[name] = result

    def larger_text(self, name: str) -> None:
        """200% text: the page reflows, nothing needs a sideways scroll."""
        self.page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        time.sleep(0.2)
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        self.shot(f"{name}-text-200", axe=False)
        self.page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
        assert width <= PHONE["width"], f"{name}: {width}px wide at 200% text"

    def outside_requests(self) -> list[str]:
        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("blob", "data"):
                continue
            if f"{parts.scheme}://{parts.netloc}" != self.base or not ALLOWED.match(parts.path):
                bad.append(url)
        return bad

    def idb(self, store: str = "kv") -> list:
        """What the app's IndexedDB holds (keys of a store), read from the page."""
        return self.page.evaluate(
            """async (store) => {
              const names = (await indexedDB.databases()).map((d) => d.name);
              if (!names.includes("clinic-app")) return [];
              return await new Promise((resolve) => {
                const req = indexedDB.open("clinic-app");
                req.onsuccess = () => {
                  const db = req.result;
                  if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
                  const all = db.transaction(store).objectStore(store).getAllKeys();
                  all.onsuccess = () => { db.close(); resolve(all.result); };
                };
                req.onerror = () => resolve([]);
              });
            }""",
            store,
        )

    def check(self) -> None:
        assert not self.problems, self.problems
        assert not self.violations, json.dumps(self.violations, indent=1)
        assert not self.outside_requests(), self.outside_requests()


@pytest.fixture
def phone(browser, live_server, capsys):
    made: list[Phone] = []

    def make() -> Phone:
        device = Phone(browser, live_server.url, capsys)
        made.append(device)
        return device

    yield make
    for device in made:
        device.context.close()


def give_program(patient, by):
    """A small program from the clinic's own exercises (an earlier transactional test may
    have flushed the shipped library)."""
    bridge = catalogue.exercise_create(
        clinic=patient.clinic, name="Bridge", purpose="Strengthens the back of the hips",
        steps=["Lie on your back, knees bent", "Lift your hips, hold, lower slowly"],
        category="strengthening", direction="extension", difficulty="easy", duration_minutes=5,
    )  # fmt: skip
    walk = catalogue.exercise_create(
        clinic=patient.clinic, name="Short walks", purpose="Keep moving",
        steps=["Walk 5 minutes at an easy pace"], category="aerobic", direction="neutral",
        difficulty="easy", duration_minutes=5,
    )  # fmt: skip
    return program_assign(
        patient=patient,
        by=by,
        items=[ItemSpec(exercise=bridge, dosage={"sets": 2, "reps": 10}), ItemSpec(exercise=walk)],
    )
