"""The patient app's shell, service worker and translations, as served (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders

from patients.app_views import ASSETS


def test_the_shell_has_a_strict_csp_and_no_inline_code(client):
    response = client.get("/app/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file
    assert "<style" not in html and " style=" not in html
    assert 'rel="manifest"' in html


def test_the_service_worker_stores_the_app_files_and_never_the_api(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    for name in ASSETS:
        assert f"/static/patients/app/{name}".replace("-", "\\u002D") in body or (
            f"/static/patients/app/{name}" in body
        )
    assert 'url.pathname.startsWith("/api/")) return;' in body
    assert "/app/jsi18n/es/" in body


def test_every_listed_asset_exists_and_the_manifest_is_installable(client):
    for name in ASSETS:
        assert finders.find(f"patients/app/{name}"), name
    manifest = json.loads(Path(finders.find("patients/app/manifest.webmanifest")).read_text())
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}


def test_the_app_strings_come_in_spanish(client):
    spanish = client.get("/app/jsi18n/es/").content.decode()
    assert "Anotar un espasmo" in spanish and "Pida ayuda ahora" in spanish
    english = client.get("/app/jsi18n/en/").content.decode()
    assert "Anotar un espasmo" not in english
    # An unknown language falls back to English rather than failing.
    assert client.get("/app/jsi18n/xx/").status_code == 200


def test_the_shell_holds_no_patient_data_and_needs_no_login(client, world):
    client.force_login(world.patient_user)
    html = client.get("/app/").content.decode()
    assert world.patient.first_name not in html and world.patient.email not in html
