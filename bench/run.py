"""The orchestrator behind `make bench`: a fresh database, migrations, synthetic data, the five
measurements side by side, the table. Nothing here runs at import time, so Django is set up only
once the bench database exists.

    python -m bench [--preset small|full] [--only post,list,summaries,sweep,load]
                    [--keep-db] [--reuse-db NAME]

DATABASE_URL=postgres://... creates a `clinic_bench_*` database next to the one named (and
drops it at the end); without it, a SQLite file under var/bench/. REDIS_URL (use a Redis
database number of its own) enables the load run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
STEPS = ("summaries", "outcomes", "list", "post", "sweep", "load")
THROTTLED_SCOPES = ("USER", "ANON")


class Database:
    """The throwaway bench database, PostgreSQL or SQLite."""

    def __init__(self, base_url: str, name: str, *, reuse: bool) -> None:
        self.base_url = base_url
        self.name = name
        self.reuse = reuse
        self.postgres = urlsplit(base_url).scheme in ("postgres", "postgresql", "pgsql")
        if self.postgres:
            self.url = urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
        else:
            self.path = VAR / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self) -> Any:
        import psycopg

        url = urlunsplit(urlsplit(self.base_url)._replace(scheme="postgresql"))
        return psycopg.connect(url, autocommit=True)

    def create(self) -> None:
        if self.reuse:
            return
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            VAR.mkdir(parents=True, exist_ok=True)
            self.path.unlink(missing_ok=True)

    def drop(self) -> None:
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @property
    def manifest(self) -> Path:
        return VAR / f"{self.name}.json"


def _git(*args: str) -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _environment(vendor: str) -> dict[str, Any]:
    import django
    from django.db import connection

    server: dict[str, str] = {}
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
                cursor.execute(f"SHOW {name}")
                server[name] = cursor.fetchone()[0]
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    dirty = [line[3:] for line in _git("status", "--porcelain").splitlines() if line[3:]]
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "vendor": vendor,
        "database": database,
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores{memory}, {platform.machine()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "server": server,
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "commit": _git("rev-parse", "--short", "HEAD") or os.environ.get("BENCH_COMMIT", "unknown"),
        "dirty": [d for d in dirty if not d.startswith(("bench/", "var/"))],
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=("small", "full"), default="small")
    parser.add_argument("--only", default=",".join(STEPS), help="comma-separated steps")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", metavar="NAME", help="a kept bench database to reuse")
    parser.add_argument("--no-save", action="store_true", help="print only, no results files")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    return args


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the clean-up below


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    began = time.monotonic()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    base_url = os.environ.get("DATABASE_URL", "")
    name = args.reuse_db or f"clinic_bench_{stamp.replace('-', '_')}"
    db = Database(base_url, name, reuse=bool(args.reuse_db))
    print(f"bench: database {db.url}", file=sys.stderr)
    db.create()
    os.environ["DATABASE_URL"] = db.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # The bench database's connection stays open across the measurements, as in a web worker.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    # One synthetic user stands for many in measurements 1 and 2: the throttle still runs (its
    # cache round trips are part of the path) but with a limit that one user cannot reach.
    # The load run gets the shipped limits back (bench.load).
    for scope in THROTTLED_SCOPES:
        os.environ.setdefault(f"THROTTLE_{scope}", "1000000/minute")
    try:
        return _run(args, db, stamp, began)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep_db or args.reuse_db:
            print(f"bench: kept database {name} (reuse with --reuse-db {name})", file=sys.stderr)
        else:
            db.drop()
            db.manifest.unlink(missing_ok=True)


def _run(args: argparse.Namespace, db: Database, stamp: str, began: float) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from . import api, load, outcomes, report, summaries, sweep
    from .seed import PRESETS, Seeded, seed

    preset = PRESETS[args.preset]
    if args.reuse_db:
        seeded = Seeded.from_json(json.loads(db.manifest.read_text()))
        preset = PRESETS[seeded.preset]
        print(f"bench: reusing the {preset.name} preset's data", file=sys.stderr)
    else:
        print("bench: migrating", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)
        print(f"bench: seeding the {preset.name} preset", file=sys.stderr)
        seeded = seed(preset)
        VAR.mkdir(parents=True, exist_ok=True)
        db.manifest.write_text(json.dumps(seeded.to_json()))
    results: dict[str, Any] = {
        "preset": seeded.preset,
        "environment": _environment(connection.vendor),
        "seeded": seeded.to_json() | {"load_accounts": len(seeded.load_accounts)},
        "measurements": {},
        "failures": {},
    }
    steps: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
        "summaries": ("3: summaries against SQL", lambda: summaries.measure(preset, seeded)),
        "outcomes": ("6: outcomes report against SQL", lambda: outcomes.measure(preset, seeded)),
        "list": ("2: episode list", lambda: api.measure_list(preset, seeded)),
        "post": ("1: episode POST", lambda: api.measure_post(preset, seeded)),
        "sweep": ("4: outbox sweep", lambda: sweep.measure(preset, seeded)),
        "load": (
            "5: load run",
            lambda: load.measure(preset, seeded, workdir=VAR / f"load-{stamp}"),
        ),
    }
    wanted = args.only.split(",")
    for key in STEPS:
        if key not in wanted:
            continue
        label, step = steps[key]
        print(f"bench: measuring {label}", file=sys.stderr)
        t0 = time.monotonic()
        try:
            results["measurements"][key] = step()
        except Exception as exc:  # one broken measurement must not hide the others
            traceback.print_exc()
            results["failures"][key] = f"{type(exc).__name__}: {exc}"[:2000]
        print(f"bench:   {time.monotonic() - t0:.0f} s", file=sys.stderr)
    results["wall_seconds"] = round(time.monotonic() - began, 1)
    results["environment"]["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    print()
    print(report.table(results))
    for key, failure in results["failures"].items():
        print(f"\nFAILED {key}: {failure}")
    if not args.no_save:
        path = report.save(results, stamp)
        print(f"\nbench: results in {path.relative_to(ROOT)} and bench/results/latest.md")
    print(f"bench: {results['wall_seconds']:.0f} s in all", file=sys.stderr)
    return 1 if results["failures"] else 0
