"""Idempotency-Key for the patient API's POSTs, with Stripe's semantics.

The first response to a key is stored per user and replayed (same status, same body) for 24
hours. The same key with a different request is a 422. The record is written in the same
transaction as the work it describes, so a concurrent duplicate waits on the unique index and
then replays the winner's response: never two rows, never a half-recorded request.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .api.errors import error_body
from .models import IdempotencyRecord, User

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255

PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"\S"},
    location=OpenApiParameter.HEADER,
    required=False,
    description="A key of your choosing (e.g. a UUID) that makes retries of this POST safe: "
    "the first response is replayed for 24 hours.",
)


def _fingerprint(request: Request) -> str:
    body = request.data
    canonical = json.dumps(body, sort_keys=True, cls=JSONEncoder) if body is not None else ""
    raw = f"{request.method} {request.path}\n{canonical}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response(
            error_body(
                "idempotency_key_reused",
                _("This %(header)s was already used for a different request.") % {"header": HEADER},
                {HEADER: [_("Use a new key for a new request.")]},
            ),
            status=422,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a DRF view method (create, or an action) that handles a POST."""

    @functools.wraps(view)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return view(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return Response(
                error_body(
                    "invalid",
                    _("Invalid %(header)s.") % {"header": HEADER},
                    {HEADER: [_("1 to 255 characters.")]},
                ),
                status=400,
            )
        fingerprint = _fingerprint(request)  # parses the body first: bad JSON is a plain 400
        user = cast(User, request.user)  # the view's permissions ran before this
        IdempotencyRecord.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - TTL
        ).delete()
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint, response_status=0
                )
                response = view(self, request, *args, **kwargs)
                if response.status_code >= 500 or response.status_code in (409, 429):
                    # Not a final answer: let a retry with the same key try again.
                    transaction.set_rollback(True)
                    return response
                record.response_status = response.status_code
                record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                record.save(update_fields=["response_status", "response_body"])
                return response
        except IntegrityError:
            # A concurrent request with this key committed first: answer as it did.
            winner = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if winner is None:
                raise
            return _replay(winner, fingerprint)

    return wrapper


def purge_expired(now: datetime | None = None) -> int:
    """Stored responses hold patient data: keep them no longer than they can be replayed."""
    cutoff = (now or timezone.now()) - TTL
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
