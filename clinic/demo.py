"""Demo clinic and staff. Passwords (and the admin's two-factor key) are published in the README
for the demo only.

The clinic admin must pass two-factor sign-in, so the demo loader gives them a TOTP device with
a published key: add it to an authenticator app, or print the current code with
`manage.py demo_totp`. The physiotherapist is not staff (no admin site), so they sign in to the
dashboard with the password alone, as physiotherapists may.
"""

from __future__ import annotations

from base64 import b32decode
from binascii import hexlify
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Clinic, Membership, User

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105
# Base32, as authenticator apps take it. Published: never use it outside the demo.
DEMO_TOTP_SECRET = "DEMOADMINTOTPKEYDEMOADMINTOTPKEY"  # noqa: S105
DEMO_TOTP_DEVICE = "Demo authenticator"


def load(demo: dict[str, Any]) -> None:
    clinic = Clinic.objects.create(
        name="Riverside Back Clinic",
        slug="riverside",
        email="hello@riverside.example",
        phone="020 7946 0000",
        address="1 River Walk, London",
        country="GB",
    )
    admin = User.objects.create_user(
        "admin@example.com", DEMO_PASSWORD, first_name="Ada", last_name="Reid", is_staff=True
    )
    physio = User.objects.create_user(
        "physio@example.com", DEMO_PASSWORD, first_name="Sam", last_name="Carter"
    )
    Membership.objects.create(user=admin, clinic=clinic, role=Membership.Role.ADMIN)
    Membership.objects.create(user=physio, clinic=clinic, role=Membership.Role.PHYSIOTHERAPIST)
    TOTPDevice.objects.create(
        user=admin,
        name=DEMO_TOTP_DEVICE,
        key=hexlify(b32decode(DEMO_TOTP_SECRET)).decode(),
        confirmed=True,
    )
    demo.update(clinic=clinic, admin=admin, physio=physio, password=DEMO_PASSWORD)
