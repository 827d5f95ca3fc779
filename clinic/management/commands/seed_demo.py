"""Demo data for a first run, loaded once into an empty database, never in production.

Each app that has demo data provides `<app>/demo.py` with `load(demo: dict) -> None`; they run in
INSTALLED_APPS order and share the `demo` dict (the clinic, its staff, the demo patient...), so
no app needs to import one above it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Clinic, User


class Command(BaseCommand):
    help = "Load demo data into an empty database (never under production settings)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is never loaded under production settings.")
        if Clinic.objects.exists() or User.objects.exists():
            self.stdout.write("The database already has data; demo data not loaded.")
            return
        demo: dict[str, Any] = {}
        with transaction.atomic():
            for config in apps.get_app_configs():
                name = f"{config.name}.demo"
                if find_spec(name) is not None:
                    import_module(name).load(demo)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
