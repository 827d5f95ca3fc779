"""The test suite: the same settings as local, fast hashing, state under var/test/."""

import os
from pathlib import Path

# Keep the suite's SQLite file and file broker apart from the development ones.
os.environ.setdefault("CLINIC_VAR_DIR", str(Path(__file__).resolve().parents[2] / "var" / "test"))

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

SECRET_KEY = SECRET_KEY or "test-key-with-enough-length-and-variety-0123456789-abcdef"  # noqa: F405
# Argon2 is the production hasher (asserted in tests); the suite hashes many passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not os.environ.get("EMAIL_URL"):  # a worker in the integration tests sends real SMTP
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise looks for it
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so a Celery worker process in the integration tests can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

# Throttle counters per test process, cleared between tests (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
