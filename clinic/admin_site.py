"""The admin site: django-otp's OTPAdminSite, so staff need a verified second factor.

Installed as the default site (clinic.apps.ClinicAdminConfig), so every `@admin.register`
lands here unchanged. Staff who are logged in but not verified are sent to the dashboard's
two-factor page (where they can also enrol) instead of the admin's own login form.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite


class ClinicAdminSite(OTPAdminSite):
    site_header = "Back-pain clinic administration"
    site_title = "Clinic admin"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified():  # type: ignore[attr-defined]
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(reverse("two-factor") + "?" + urlencode({"next": target}))
        return super().login(request, extra_context)
