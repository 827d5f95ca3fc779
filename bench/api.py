"""Measurements 1 and 2: the API's episode POST and list page against plain floor views.

Both go through Django's full request handler in this process (middleware, URL resolver), the
API with a real JWT; only the view differs.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from clinic.models import User

from .seed import Preset, Seeded
from .timing import count_queries, database_share, side_by_side

EPISODES = "/api/v1/episodes/"
FLOOR_INSERT = "/bench/floor/episodes/"
FLOOR_LIST = "/bench/floor/episodes/list/"
PAGE = 50
HOST = "127.0.0.1"  # in ALLOWED_HOSTS by default


def jwt_client(user_id: int) -> Client:
    token = AccessToken.for_user(User.objects.get(pk=user_id))
    token.set_exp(lifetime=dt.timedelta(hours=6))  # outlives the longest run
    return Client(SERVER_NAME=HOST, headers={"Authorization": f"Bearer {token}"})


def episode_body(now: dt.datetime, i: int) -> dict[str, Any]:
    """A typical diary entry without child rows, so the floor stores exactly the same row."""
    return {
        "client_id": str(uuid.uuid4()),
        "started_at": (now - dt.timedelta(minutes=30 + abs(i) % 600)).isoformat(),
        "duration_minutes": 25,
        "peak_intensity": 5,
        "side": "left",
        "region": "lumbar",
        "activity": "gardening",
        "notes": "eased with a walk",
    }


def measure_post(preset: Preset, seeded: Seeded) -> dict[str, Any]:
    api = jwt_client(seeded.writer.user_id)
    floor = Client(SERVER_NAME=HOST)
    now = timezone.now()
    floor_url = f"{FLOOR_INSERT}?patient={seeded.writer.patient_id}"

    def post_api(i: int) -> None:
        response = api.post(
            EPISODES,
            json.dumps(episode_body(now, i)),
            content_type="application/json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.content[:500]  # noqa: S101

    def post_floor(i: int) -> None:
        response = floor.post(
            floor_url, json.dumps(episode_body(now, i)), content_type="application/json"
        )
        assert response.status_code == 201, response.content[:500]  # noqa: S101

    api_queries, api_sql = count_queries(lambda: post_api(0))
    floor_queries, _ = count_queries(lambda: post_floor(0))
    pair = side_by_side(post_api, post_floor, iterations=preset.api_iterations)
    return {
        **pair.summary(),
        "time_split": {
            "app": database_share(post_api, iterations=50),
            "floor": database_share(post_floor, iterations=50),
        },
        "ratio": round(pair.floor.median / pair.app.median, 3),
        "queries": {"app": api_queries, "floor": floor_queries},
        "app_sql": api_sql,
    }


def measure_list(preset: Preset, seeded: Seeded) -> dict[str, Any]:
    api = jwt_client(seeded.diary.user_id)
    floor = Client(SERVER_NAME=HOST)
    api_url = f"{EPISODES}?page_size={PAGE}"
    floor_url = f"{FLOOR_LIST}?patient={seeded.diary.patient_id}&page_size={PAGE}"

    def get_api(i: int) -> Any:
        response = api.get(api_url)
        assert response.status_code == 200, response.content[:500]  # noqa: S101
        return response

    def get_floor(i: int) -> Any:
        response = floor.get(floor_url)
        assert response.status_code == 200, response.content[:500]  # noqa: S101
        return response

    api_ids = [row["id"] for row in get_api(0).json()["results"]]
    floor_ids = [row["id"] for row in get_floor(0).json()["results"]]
    if api_ids != floor_ids or len(api_ids) != PAGE:
        raise AssertionError(f"list pages differ: {api_ids[:5]}... vs {floor_ids[:5]}...")
    api_queries, api_sql = count_queries(lambda: get_api(0))
    floor_queries, _ = count_queries(lambda: get_floor(0))
    pair = side_by_side(get_api, get_floor, iterations=preset.api_iterations)
    return {
        **pair.summary(),
        "time_split": {
            "app": database_share(get_api, iterations=50),
            "floor": database_share(get_floor, iterations=50),
        },
        "ratio": round(pair.floor.median / pair.app.median, 3),
        "queries": {"app": api_queries, "floor": floor_queries},
        "app_sql": api_sql,
        "rows": len(api_ids),
    }
