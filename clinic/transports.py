"""How a rendered message leaves the building. Each error says whether trying again can help."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: tuple[str, ...] = ()
    # The address as of sending, when it can have changed since the message was scheduled.
    to: str | None = None


def send_email(recipient: str, message: Message) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers=message.headers,
        reply_to=list(message.reply_to),
        connection=get_connection(fail_silently=False, timeout=30),
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise TransportError(_describe(exc), permanent=_all_permanent(exc.recipients)) from exc
    except smtplib.SMTPResponseException as exc:
        # 5xx replies are final (bad address, policy); 4xx are "try again later".
        raise TransportError(_describe(exc), permanent=500 <= exc.smtp_code < 600) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransportError(_describe(exc), permanent=False) from exc


def _all_permanent(recipients: dict[str, tuple[int, bytes]]) -> bool:
    return all(500 <= code < 600 for code, _ in recipients.values())


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
