"""The physical floor of the API's work: plain Django views with no auth, no validation, no
serializer, no audit. Only bench.urls routes to them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from patients.models import Episode
from patients.vocabulary import EPISODE_RED_FLAGS

LIST_FIELDS = (
    "id", "client_id", "started_at", "ended_at", "duration_minutes", "peak_intensity", "side",
    "region", "trigger_notes", "activity", "medicines", "function", "notes", "red_flags",
    "medication_notes", "created_at", "updated_at",
)  # fmt: skip


@csrf_exempt
def floor_episode_insert(request: HttpRequest) -> JsonResponse:
    """One INSERT of the row the API stores for the same body."""
    body = json.loads(request.body)
    episode = Episode(
        patient_id=int(request.GET["patient"]),
        client_id=uuid.UUID(body["client_id"]),
        started_at=dt.datetime.fromisoformat(body["started_at"]),
        duration_minutes=body.get("duration_minutes"),
        peak_intensity=body["peak_intensity"],
        side=body.get("side", ""),
        region=body.get("region", ""),
        activity=body.get("activity", ""),
        notes=body.get("notes", ""),
        red_flags={name: False for name in EPISODE_RED_FLAGS},
    )
    fields = [f for f in Episode._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table, columns = qn(Episode._meta.db_table), ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Identifiers come from the model's metadata; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608
    params = [f.get_db_prep_save(f.pre_save(episode, True), connection) for f in fields]
    with connection.cursor() as cursor:  # one statement in autocommit: one round trip
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk, "client_id": str(episode.client_id)}, status=201)


def floor_episode_list(request: HttpRequest) -> JsonResponse:
    """The rows of the API's first page, as values()."""
    size = int(request.GET.get("page_size", "50"))
    rows = list(
        Episode.objects.filter(patient_id=int(request.GET["patient"]), deleted_at__isnull=True)
        .order_by("-started_at", "-id")
        .values(*LIST_FIELDS)[:size]
    )
    return JsonResponse({"results": rows})
