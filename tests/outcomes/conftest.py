"""Fixtures the browser test shares with the page and report tests."""

from tests.dashboard.test_browser import browser, chromium  # noqa: F401
from tests.outcomes.test_progress import history  # noqa: F401
from tests.outcomes.test_report import cohort  # noqa: F401
