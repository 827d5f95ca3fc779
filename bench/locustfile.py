"""The mobile app's users for the load run, driven headless from Python in a process of its own
(locust monkey-patches the interpreter with gevent):

    python -m bench.locustfile --host http://127.0.0.1:8001 --accounts a.json --out r.json

Each simulated patient logs in, then records episodes (with an Idempotency-Key; some requests
are sent twice as if the first response was lost, some re-synced under a new key), reads the
diary summary and list, and logs exercise sessions. Every acknowledged write is written to the
output so the orchestrator can check the database holds exactly one row for each.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.event  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.stats import StatsEntry  # noqa: E402

ACCOUNTS: list[dict[str, Any]] = []
PASSWORD = ""
RED_FLAG_SHARE = 0.05  # of episode posts
RESEND_SHARE = 0.10  # the response was lost: same key, same body again
RESYNC_SHARE = 0.05  # the app re-syncs the same episode under a new key
RETRIES = 3
LOGIN = "POST /auth/token/"

LOGINS: list[str] = []
USERS = [0]
LOGGED_IN = gevent.event.Event()

acknowledged: list[dict[str, Any]] = []
anomalies: list[str] = []
red_flag_posts: list[dict[str, Any]] = []


rng = random.Random(7)  # noqa: S311 - the shape of the load, not a secret


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AppUser(FastHttpUser):
    wait_time = between(0.5, 2.5)

    def on_start(self) -> None:
        self.account = ACCOUNTS.pop(0)
        try:
            response = self.client.post(
                "/api/v1/auth/token/",
                json={"email": self.account["email"], "password": PASSWORD},
                name=LOGIN,
            )
            self.headers = {"Authorization": f"Bearer {response.json()['access']}"}
        finally:
            LOGINS.append(self.account["email"])
            if len(LOGINS) == USERS[0]:
                LOGGED_IN.set()

    def _post(self, path: str, body: dict[str, Any], key: str, name: str) -> Any:
        """POST with retries under the same key, as the app does on a timeout or a 5xx."""
        for attempt in range(RETRIES):
            with self.client.post(
                path,
                json=body,
                headers={**self.headers, "Idempotency-Key": key},
                name=name,
                catch_response=True,
            ) as response:
                if response.status_code in (200, 201):
                    response.success()
                    return response
                if response.status_code and response.status_code < 500:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return None
                response.failure(f"{response.status_code} (attempt {attempt + 1})")
            gevent.sleep(0.2 * 2**attempt)
        return None

    def _ack(self, kind: str, body: dict[str, Any], response: Any) -> dict[str, Any]:
        data = response.json()
        row = {
            "kind": kind,
            "patient_id": self.account["patient_id"],
            "client_id": body["client_id"],
            "id": data["id"],
            "at": time.time(),
        }
        acknowledged.append(row)
        return row

    @task(4)
    def record_episode(self) -> None:
        red = rng.random() < RED_FLAG_SHARE
        body: dict[str, Any] = {
            "client_id": str(uuid.uuid4()),
            "started_at": (_now() - dt.timedelta(minutes=rng.randrange(5, 600))).isoformat(),
            "duration_minutes": rng.randrange(5, 180),
            "peak_intensity": rng.randrange(2, 10),
            "side": rng.choice(["left", "right", "both", "central"]),
            "region": "lumbar",
            "triggers": rng.sample(["lifting", "bending_forward", "stress", "running"], 2),
            "relief": [{"method": "heat", "effect": rng.choice(["none", "some", "good"])}],
        }
        if red:
            body["red_flags"] = {"saddle_numbness": True}
        key = str(uuid.uuid4())
        name = "POST /episodes/ (red flag)" if red else "POST /episodes/"
        response = self._post("/api/v1/episodes/", body, key, name)
        if response is None:
            return
        row = self._ack("episode", body, response)
        if red:
            red_flag_posts.append(row)
        if rng.random() < RESEND_SHARE:
            again = self._post("/api/v1/episodes/", body, key, "POST /episodes/ (resend)")
            if again is not None and again.json()["id"] != row["id"]:
                anomalies.append(f"resend of {body['client_id']} gave another row")
            if again is not None and again.headers.get("Idempotent-Replayed") != "true":
                anomalies.append(f"resend of {body['client_id']} was not replayed")
        elif rng.random() < RESYNC_SHARE / (1 - RESEND_SHARE):
            again = self._post(
                "/api/v1/episodes/", body, str(uuid.uuid4()), "POST /episodes/ (re-sync)"
            )
            if again is not None and (again.status_code != 200 or again.json()["id"] != row["id"]):
                anomalies.append(f"re-sync of {body['client_id']} gave another row")

    @task(2)
    def read_summary(self) -> None:
        self.client.get("/api/v1/episodes/summary/?days=30", headers=self.headers,
                        name="GET /episodes/summary/")  # fmt: skip

    @task(2)
    def read_diary(self) -> None:
        self.client.get("/api/v1/episodes/?page_size=50", headers=self.headers,
                        name="GET /episodes/")  # fmt: skip

    @task(2)
    def log_session(self) -> None:
        exercises = self.account["exercise_ids"]
        done = rng.sample(exercises, rng.randrange(1, len(exercises) + 1))
        body = {
            "client_id": str(uuid.uuid4()),
            "exercises": [{"exercise": e, "sets": 2, "reps": 10} for e in done],
            "pain_before": rng.randrange(2, 8),
            "pain_after": rng.randrange(1, 7),
        }
        response = self._post("/api/v1/program/sessions/", body, str(uuid.uuid4()),
                              "POST /program/sessions/")  # fmt: skip
        if response is not None:
            self._ack("session", body, response)


def _stats(env: Environment) -> dict[str, Any]:
    def entry(s: Any) -> dict[str, Any]:
        return {
            "requests": s.num_requests,
            "failures": s.num_failures,
            "p50_ms": s.get_response_time_percentile(0.5),
            "p95_ms": s.get_response_time_percentile(0.95),
            "p99_ms": s.get_response_time_percentile(0.99),
            "rps": round(s.total_rps, 1),
        }

    app = StatsEntry(
        env.stats, "app requests (all but the login)", "", use_response_times_cache=False
    )
    for (name, _method), s in env.stats.entries.items():
        if name != LOGIN:
            app.extend(s)
    return {
        "total": entry(env.stats.total),
        "app": entry(app),
        "endpoints": {name: entry(s) for (name, _method), s in sorted(env.stats.entries.items())},
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in env.stats.errors.values()
        ],
    }


def main() -> None:
    global PASSWORD
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--accounts", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()
    with open(args.accounts) as f:
        data = json.load(f)
    ACCOUNTS.extend(data["accounts"])
    PASSWORD = data["password"]

    env = Environment(user_classes=[AppUser], host=args.host, events=events)
    runner = env.create_local_runner()
    ramp: dict[str, Any] = {}

    USERS[0] = args.users

    def steady() -> None:
        # Every user has logged in: keep the ramp's numbers apart, measure the steady state.
        if not LOGGED_IN.wait(timeout=120):
            runner.quit()  # the logins never finished: the result says so (ramp only)
            return
        ramp.update(_stats(env))
        env.stats.reset_all()
        gevent.spawn_later(args.seconds, runner.quit)

    started = time.time()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.spawn(steady)
    runner.greenlet.join()
    result = {
        "started": started,
        "finished": time.time(),
        "users": args.users,
        "seconds": args.seconds,
        "stats": _stats(env),
        "ramp": ramp,
        "acknowledged": acknowledged,
        "red_flag_posts": red_flag_posts,
        "anomalies": anomalies,
    }
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
