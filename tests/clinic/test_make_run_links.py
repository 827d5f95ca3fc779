"""`make run PORT=...` serves on that port, and the links in emails must point there too."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SITE_URL = (
    "import django; django.setup(); from django.conf import settings; "
    "print('SITE_URL=' + settings.SITE_URL)"
)


def honcho_line(*make_args: str) -> list[str]:
    """The command `make run` starts web, worker and beat with (dry run: nothing runs)."""
    out = subprocess.run(  # noqa: S603
        ["make", "-n", "run", *make_args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if "honcho" in line)
    return shlex.split(line)


def site_url_seen_by_processes(argv: list[str], tmp_path: Path) -> str:
    """Run `make run`'s honcho command with a Procfile whose worker prints Django's SITE_URL:
    the worker is the process that renders and sends the emails."""
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"worker: {shlex.quote(sys.executable)} -c {shlex.quote(PRINT_SITE_URL)}\n")
    env_assignments = dict(a.split("=", 1) for a in argv if "=" in a and not a.startswith("-"))
    honcho = next(a for a in argv if a.endswith("honcho"))
    command = [str(ROOT / honcho) if not Path(honcho).is_absolute() else honcho]
    command += ["-f", str(procfile), "start"]
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "clinic.settings.local",
           "CLINIC_VAR_DIR": str(tmp_path), **env_assignments}  # fmt: skip
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    found = [w for w in out.stdout.split() if w.startswith("SITE_URL=")]
    assert found, out.stdout + out.stderr
    return found[0].removeprefix("SITE_URL=")


def test_make_run_on_another_port_makes_email_links_point_to_it(tmp_path):
    argv = honcho_line("PORT=8765")
    assert "8765" in argv  # the web server's port
    assert site_url_seen_by_processes(argv, tmp_path) == "http://127.0.0.1:8765"


def test_make_run_keeps_a_site_url_given_explicitly(tmp_path):
    argv = honcho_line("PORT=8765", "SITE_URL=https://clinic.example.org")
    assert site_url_seen_by_processes(argv, tmp_path) == "https://clinic.example.org"
