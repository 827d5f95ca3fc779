"""One patient's progress: the trajectory with its verdicts in the API (patient and clinician)
and on the patient page (chart points, labels, table, sentence)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from clinic.models import PatientAccessEvent
from tests.outcomes.helpers import check, screen

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def history(world):
    """Pain 7 -> 6 -> 4 -> 3 and Oswestry 40 -> 36 -> 28 -> 20 at 0, 2, 6 and 12 weeks."""
    first = screen(world.patient, world.physio, T0, nrs=7, odi_total=20)  # 20/50 = 40 %
    check(world.patient, first, 2, nrs=6, odi_total=18)  # 36 %
    check(world.patient, first, 6, nrs=4, odi_total=14)  # 28 %
    check(world.patient, first, 12, nrs=3, odi_total=10)  # 20 %
    return first


def _verdict(improvement, absolute, relative):
    return {
        "improvement": improvement,
        "meets_absolute_mic": absolute,
        "meets_30pct": relative,
        "clinically_important": absolute or relative,
    }


# By hand (REFERENCE.md §5.2: MIC pain 2 points, Oswestry 10 points, or 30 % of baseline):
# 2 weeks: pain 7-6 = 1 (< 2; 30 % of 7 = 2.1) no; Oswestry 40-36 = 4 (< 10; 30 % of 40 = 12) no.
# 6 weeks: pain 3 (>= 2, >= 2.1) yes both; Oswestry 12 (>= 10, >= 12) yes both.
# 12 weeks: pain 4 yes both; Oswestry 20 yes both.
EXPECTED = [
    ("First screening", None, 7, 40.0, None, None),
    ("2-week check", 2, 6, 36.0, _verdict(1.0, False, False), _verdict(4.0, False, False)),
    ("6-week check", 6, 4, 28.0, _verdict(3.0, True, True), _verdict(12.0, True, True)),
    ("12-week check", 12, 3, 20.0, _verdict(4.0, True, True), _verdict(20.0, True, True)),
]


def _assert_progress(body):
    got = [
        (p["label"], p["weeks"], p["nrs"], p["odi"], p["nrs_change"], p["odi_change"])
        for p in body["points"]
    ]
    assert got == EXPECTED
    assert body["summary"] == (
        "Pain down 4 points since 3 March: a clinically important improvement."
    )
    assert body["odi_summary"] == (
        "Oswestry disability down 20 points since 3 March: a clinically important improvement."
    )
    assert body["next_check_weeks"] is None


def test_my_progress_has_every_point_with_its_verdict(world, history, patient_client):
    response = patient_client.get("/api/v1/me/progress/")
    assert response.status_code == 200
    _assert_progress(response.json())
    assert response.json()["points"][0]["at"].startswith("2026-03-03T10:00:00")
    assert PatientAccessEvent.objects.filter(
        patient_id=world.patient.pk, object_type="progress", action="view"
    ).exists()


def test_a_clinician_sees_the_same_and_another_clinic_gets_404(
    world, history, physio_client, other_clinic_client
):
    url = f"/api/v1/clinic/patients/{world.patient.pk}/progress/"
    response = physio_client.get(url)
    foreign = other_clinic_client.get(url)
    assert response.status_code == 200
    _assert_progress(response.json())
    assert foreign.status_code == 404
    assert physio_client.get("/api/v1/me/progress/").status_code == 403


def test_progress_before_any_screening_is_empty_and_says_so(world, patient_client):
    body = patient_client.get("/api/v1/me/progress/").json()
    assert body["points"] == []
    assert body["summary"] == "No screening yet."


def test_a_small_fall_is_not_yet_important_and_a_rise_is_worse(world, patient_client):
    first = screen(world.patient, world.physio, T0, nrs=5, odi_total=None)
    check(world.patient, first, 2, nrs=4, odi_total=None)
    body = patient_client.get("/api/v1/me/progress/").json()
    # 5 -> 4: 1 point (< 2) and 20 % (< 30 %).
    assert body["summary"] == (
        "Pain down 1 point since 3 March: not yet a clinically important change."
    )
    assert body["next_check_weeks"] == 6
    check(world.patient, first, 6, nrs=7, odi_total=None)
    body = patient_client.get("/api/v1/me/progress/").json()
    assert body["summary"] == "Pain up 2 points since 3 March: worse, not an improvement."
    assert body["points"][2]["nrs_change"]["clinically_important"] is False


def _svg(html: str, chart_id: str) -> ET.Element:
    found = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', html, re.S)
    return ET.fromstring(found.group(0))  # noqa: S314 - our own markup


def test_the_patient_page_draws_the_trajectory_with_its_table(world, history, client):
    client.force_login(world.physio)
    html = client.get(f"/patients/{world.patient.pk}/").content.decode()
    assert 'id="progress"' in html
    assert "Pain down 4 points since 3 March: a clinically important improvement." in html
    pain = _svg(html, "progress-pain")
    # x: 56 + 568 x days/84 (first screening to the 12-week check); y: 16 + 188 x (1 - nrs/10).
    points = [
        (c.get("cx"), c.get("cy"), c.find(f"{SVG}title").text) for c in pain.iter(f"{SVG}circle")
    ]
    assert points == [
        ("56", "72.4", "First screening, 03 Mar 2026: 7"),
        ("150.7", "91.2", "2-week check, 17 Mar 2026: 6"),
        ("340", "128.8", "6-week check, 14 Apr 2026: 4"),
        ("624", "147.6", "12-week check, 26 May 2026: 3"),
    ]
    odi_chart = _svg(html, "progress-odi")
    # y: 16 + 188 x (1 - odi/100): 40 -> 128.8, 36 -> 136.3, 28 -> 151.4, 20 -> 166.4.
    assert [c.get("cy") for c in odi_chart.iter(f"{SVG}circle")] == [
        "128.8", "136.3", "151.4", "166.4",
    ]  # fmt: skip
    ticks = [t.text for t in pain.iter(f"{SVG}text") if "tick" in t.get("class", "")]
    assert "03 Mar" in ticks and "26 May" in ticks
    table = re.search(r'<table class="progress-table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cells = [re.sub(r"<[^>]+>", " ", row).split() for row in rows]
    assert cells[2][:3] == ["2-week", "check", "17"]
    assert "Better, below the MIC" in table
    assert "Clinically important (≥ MIC, ≥ 30 %)" in table
    assert "4 better" in table and "20 better" in table


def test_a_spanish_patient_reads_their_progress_in_spanish_on_their_own_calendar(
    world, history, patient_client
):
    world.patient.language = "es"
    world.patient.timezone = "America/Los_Angeles"  # 3 March 10:00 UTC is 02:00 there
    world.patient.save()
    body = patient_client.get("/api/v1/me/progress/").json()
    assert [p["label"] for p in body["points"]] == [
        "Primera valoración",
        "Revisión de las 2 semanas",
        "Revisión de las 6 semanas",
        "Revisión de las 12 semanas",
    ]
    assert body["summary"] == (
        "El dolor ha bajado 4 puntos desde el 3 de marzo: una mejoría clínicamente importante."
    )
    # 3 March 10:00 UTC is 2 March, 23:00 in Pago Pago: the sentence gives the patient's day.
    world.patient.timezone = "Pacific/Pago_Pago"
    world.patient.save()
    body = patient_client.get("/api/v1/me/progress/").json()
    assert body["odi_summary"] == (
        "La discapacidad (Oswestry) ha bajado 20 puntos desde el 2 de marzo: "
        "una mejoría clínicamente importante."
    )
