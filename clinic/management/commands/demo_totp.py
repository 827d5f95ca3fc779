"""Print the demo clinic admin's current two-factor code (demo data only, never in production)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.demo import DEMO_TOTP_DEVICE


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo clinic admin (admin@example.com)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("There is no demo data under production settings.")
        device = TOTPDevice.objects.filter(
            user__email="admin@example.com", name=DEMO_TOTP_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError("No demo admin device: load the demo data first (make run).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (valid for {left} more seconds)")
