"""Domain errors raised by services; the API's exception handler turns them into 4xx responses."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
