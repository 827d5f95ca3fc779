"""Renderers for the messages the clinic package itself sends to staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from . import outbox
from .models import Notification, User
from .transports import Message


def render_two_factor_reset(notification: Notification) -> Message:
    users = User.objects.in_bulk([notification.context["user_id"], notification.context["by_id"]])
    user, by = users.get(notification.context["user_id"]), users.get(notification.context["by_id"])
    if user is None:
        raise outbox.NotificationCancelled("account gone")
    clinic = notification.clinic
    context = {
        "user": user,
        "by": by,
        "clinic": clinic,
        "at": dt.datetime.fromisoformat(notification.context["at"]),
        "link": settings.SITE_URL + reverse("login"),
    }
    return Message(
        subject=f"Your two-factor sign-in was reset - {clinic}",
        text=render_to_string("clinic/email/two_factor_reset.txt", context),
        html=render_to_string("clinic/email/two_factor_reset.html", context),
        reply_to=(by.email,) if by is not None else (),
    )


def register() -> None:
    outbox.register("two_factor_reset", render_two_factor_reset)
