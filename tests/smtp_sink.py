"""A real SMTP server (aiosmtpd) on a free port, whose replies a test can script."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """Accepts mail into `messages`. `replies` scripts the answers to the next messages
    ("451 ..." temporary, "550 ..." permanent); `hold` makes the next DATA wait until released."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.replies: list[str] = []
        self.attempts = 0
        self.hold: threading.Event | None = None
        self.holding = threading.Event()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.hold is not None:
            gate, self.hold = self.hold, None
            self.holding.set()
            while not gate.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Server restarted before accepting the message"
        reply = self.replies.pop(0) if self.replies else "250 OK"
        if reply.startswith("250"):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)  # type: ignore[arg-type]
        return reply

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
