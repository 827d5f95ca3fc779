"""Who must pass a second factor, and checking a code: one rule for every door (the dashboard,
the admin, API tokens and API sessions).

A user must pass it when they are admin-site staff, a clinic admin, staff of a clinic that
requires it of everyone (Clinic.require_two_factor), or anyone who enrolled a device (a device
nobody asks for protects nothing). Patients (no membership, not staff) never need it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device

from .models import Membership, User

# Claims of our JWTs: whether the second factor was passed when the refresh token was issued,
# and with which device (so that removing the device ends the token chain at its next refresh).
VERIFIED_CLAIM = "otp_verified"
DEVICE_CLAIM = "otp_device"


def must_use(user: User, memberships: Iterable[Membership]) -> bool:
    """`memberships` with their clinic loaded (the dashboard and the API have them already)."""
    if user.is_staff or user.is_superuser:
        return True
    memberships = list(memberships)
    if not memberships:
        return False
    if any(m.role == Membership.Role.ADMIN or m.clinic.require_two_factor for m in memberships):
        return True
    return has_confirmed_device(user)


def must_use_for(user: User) -> bool:
    return must_use(user, Membership.objects.filter(user=user).select_related("clinic"))


def has_confirmed_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def check_code(user: User, code: str) -> tuple[Check, Device | None, float]:
    """Try `code` on the user's confirmed devices, each locked for the check (two requests with
    one code cannot both pass). A wrong code counts against every device (django-otp doubles
    the wait after each failure); while all of them wait, no code is tried at all, and the
    third value says how many seconds are left."""
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        waits = [d.verify_is_allowed() for d in devices]
        if devices and not any(allowed for allowed, _ in waits):
            now = timezone.now()
            until = min((data or {}).get("locked_until") or now for _, data in waits)
            return Check.THROTTLED, None, max((until - now).total_seconds(), 1.0)
        for device in devices:
            if device.verify_token(code):
                return Check.OK, device, 0.0
    return Check.WRONG, None, 0.0


def device_still_confirmed(user: User, persistent_id: Any) -> bool:
    """The device a token was verified with is still this user's confirmed device."""
    if not isinstance(persistent_id, str):
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed
