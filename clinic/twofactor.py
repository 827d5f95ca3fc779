"""Two-factor sign-in for the dashboard and the admin (django-otp, TOTP devices).

After the password, a user who needs a second factor (clinic admins, staff, anyone who enrolled)
gives a code from their authenticator app; a user without a device enrols one first: the
otpauth URI as a QR code (SVG, made here, no outside service) and the secret as text. A wrong
code counts against the device (django-otp's throttling doubles the wait after each failure).
Enrolment also issues single-use recovery codes (django-otp's static device), shown once; a
clinic admin can reset a colleague's second factor from the dashboard (clinic.staff).
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .dashboard import has_confirmed_device, is_verified, safe_next
from .models import User

DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
THROTTLED = "Too many wrong codes: wait a few seconds (longer after each wrong code) and try again."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        return code


class VerifyForm(CodeForm):
    """A code from the app, or one of the recovery codes (8 letters and digits, used once)."""

    code = forms.CharField(
        label="6-digit code from your authenticator app, or a recovery code",
        min_length=6,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        if not (code.isascii() and code.isalnum()):
            raise forms.ValidationError("Enter the code from your app, or a recovery code.")
        return code


def recovery_codes_issue(user: User) -> list[str]:
    """A new set of single-use recovery codes; any earlier set stops working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(data: str) -> SafeString:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    label = 'role="img" aria-label="QR code to scan with your authenticator app"'
    return SafeString(svg.replace("<svg ", f"<svg {label} ", 1))


def _allowed(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not (user.is_staff or user.memberships.exists()):
        raise PermissionDenied  # patients use the app, not the dashboard
    return user


def _done(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, reverse("dashboard:today")))


def _next_query(request: HttpRequest) -> str:
    target = safe_next(request, "")
    return "?" + urlencode({"next": target}) if target else ""


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from an enrolled device; without one, go and enrol."""
    user = _allowed(request)
    if is_verified(request):
        return _done(request)
    if not has_confirmed_device(user):
        return redirect(reverse("two-factor-setup") + _next_query(request))
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _throttled(user, confirmed=True):
            form.add_error("code", THROTTLED)
        else:
            device = _matching_device(user, form.cleaned_data["code"], confirmed=True)
            if device is not None:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You signed in with a recovery code: it will not work again. "
                        f"{left} left. Set up your authenticator app again, or make new codes, "
                        f"from Two-factor sign-in.",
                    )
                return _done(request)
            form.add_error("code", "That code is not right, or it has expired. Try the next one.")
    return render(
        request, "clinic/two_factor_verify.html", {"form": form, "next": safe_next(request, "")}
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. Someone with a device must verify it first: a stolen
    password alone must not be enough to add a new device."""
    user = _allowed(request)
    if has_confirmed_device(user) and not is_verified(request):
        return redirect(reverse("two-factor") + _next_query(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
        "-pk"
    ).first() or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _throttled(user, confirmed=False):
        form.add_error("code", THROTTLED)
    elif request.method == "POST" and form.is_valid():
        matched = _matching_device(user, form.cleaned_data["code"], confirmed=False)
        if matched is not None and matched.pk == device.pk:
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = recovery_codes_issue(user)
            otp_login(request, device)
            # Shown once, in this response: the codes are not stored anywhere the page can
            # show them again.
            return render(
                request,
                "clinic/two_factor_recovery_codes.html",
                {"codes": codes, "next": safe_next(request, reverse("dashboard:today"))},
            )
        form.add_error("code", "That code is not right. Check the app shows this account.")
    context: dict[str, Any] = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": secret_text(device),
        "next": safe_next(request, ""),
    }
    return render(request, "clinic/two_factor_setup.html", context)


def _devices(user: User, *, confirmed: bool, for_verify: bool = False) -> list[Any]:
    """Confirmed: every kind (app and recovery codes). Unconfirmed: the app being enrolled."""
    if confirmed:
        return list(devices_for_user(user, confirmed=True, for_verify=for_verify))
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    return list(pending.select_for_update() if for_verify else pending)


def _throttled(user: User, *, confirmed: bool) -> bool:
    """Every device is waiting out its back-off after wrong codes (django-otp's throttling)."""
    devices = _devices(user, confirmed=confirmed)
    return bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)


def _matching_device(user: User, code: str, *, confirmed: bool) -> Any:
    # Locked rows: a recovery code (deleted when used) cannot be used twice at once.
    with transaction.atomic():
        for device in _devices(user, confirmed=confirmed, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; POST makes a new set (the old one stops working)."""
    user = _allowed(request)
    if not is_verified(request):
        return redirect(reverse("two-factor") + "?" + urlencode({"next": request.path}))
    if request.method == "POST":
        codes = recovery_codes_issue(user)
        return render(
            request,
            "clinic/two_factor_recovery_codes.html",
            {"codes": codes, "next": reverse("dashboard:today")},
        )
    return render(
        request, "clinic/two_factor_recovery_status.html", {"left": recovery_codes_left(user)}
    )
