"""Settings for the benchmark: the app's base settings with a URLconf that adds the floor views.

The orchestrator (bench.run) points DATABASE_URL at a fresh bench database before Django starts;
gunicorn and the Celery workers of the load run get the same environment.
"""

import os
from pathlib import Path

# State (SQLite file, file broker) under var/bench/, apart from development and the test suite.
os.environ.setdefault("CLINIC_VAR_DIR", str(Path(__file__).resolve().parents[1] / "var" / "bench"))

from clinic.settings.base import *  # noqa: F403
from clinic.settings.base import INSTALLED_APPS, VAR_DIR

SECRET_KEY = SECRET_KEY or "bench-only-key-not-for-production-0123456789-abcdefghij"  # noqa: F405
DEBUG = False
ROOT_URLCONF = "bench.urls"
# bench: the no-op task for the broker floor and the commit-time probe of the load run.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
