"""The clinic outcomes report on 30 patients whose outcomes were worked out by hand: every figure
(shares, medians, IQR, response rate, "too few to report") in the API, the page and the CSV, and
a clinician of another clinic sees none of them.

Working (REFERENCE.md §5.2): improvement = first score minus 12-week score; clinically important
when it reaches the absolute MIC (pain 2, Oswestry 10) or 30 % of the first score. Quartiles
interpolate between order statistics: position p x (n - 1) of the sorted values, counted from 0.
Shares and rates are rounded to one decimal place, half up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine

from clinic.models import Membership
from tests.conftest import bearer
from tests.factories import MembershipFactory, PatientFactory, UserFactory
from tests.outcomes.helpers import check, screen
from tests.programs.helpers import assign, log, spec

T0 = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)  # patient i is screened i - 1 days later
PERIOD = {"start": "2026-06-01", "end": "2026-06-30"}  # 12 weeks after 9 March to 7 April
A, B = "P1", "P2"  # Alex Able, Bea Baker

# (risk, physiotherapist, pain first -> 12 weeks, Oswestry % first -> 12 weeks, checks done,
# adherence: "hi" one prescribed session of one done (100 %), "lo" none done (0 %), None: no
# program). None at 12 weeks: no 12-week check (or no Oswestry in it).
PATIENTS = [
    ("low", A, 6, 2, 40, 20, (2, 6, 12), "hi"),  # 1   pain 4 Y   ODI 20 Y
    ("low", A, 6, 5, 30, 26, (2, 12), "lo"),  # 2        pain 1 N (1.8)  ODI 4 N (9)
    ("low", A, 8, 4, 50, 36, (12,), "hi"),  # 3          pain 4 Y   ODI 14 Y
    ("low", A, 5, 4, None, None, (12,), None),  # 4      pain 1 N (1.5)
    ("low", B, 7, 7, 44, 44, (6, 12), "lo"),  # 5        pain 0 N   ODI 0 N
    ("low", B, 4, 2, 20, 14, (12,), "hi"),  # 6          pain 2 Y   ODI 6 Y (30 % of 20 = 6)
    ("low", B, 3, 2, None, None, (2, 6, 12), None),  # 7 pain 1 Y (30 % of 3 = 0.9)
    ("low", B, 9, 8, 60, 54, (12,), "lo"),  # 8          pain 1 N (2.7)  ODI 6 N (18)
    ("low", A, 6, None, 40, None, (2, 6), None),  # 9    no 12-week check
    ("low", A, 6, None, None, None, (), None),  # 10     no check at all
    ("low", B, 6, 8, 30, 36, (12,), "lo"),  # 11         pain -2 N  ODI -6 N (worse)
    ("low", B, 5, 3, 24, None, (12,), "hi"),  # 12       pain 2 Y   no 12-week Oswestry
    ("medium", A, 7, 3, 48, 30, (2, 6, 12), "hi"),  # 13 pain 4 Y   ODI 18 Y
    ("medium", A, 8, 6, 56, 48, (12,), "lo"),  # 14      pain 2 Y   ODI 8 N (16.8)
    ("medium", A, 6, 6, 36, 34, (12,), "lo"),  # 15      pain 0 N   ODI 2 N
    ("medium", A, 7, 2, 40, 16, (12,), "hi"),  # 16      pain 5 Y   ODI 24 Y
    ("medium", B, 9, 7, 62, 50, (6, 12), None),  # 17    pain 2 Y   ODI 12 Y
    ("medium", B, 5, 5, None, None, (12,), "lo"),  # 18  pain 0 N
    ("medium", B, 6, None, None, None, (2,), None),  # 19 no 12-week check
    ("medium", B, 8, 5, 44, 40, (12,), "hi"),  # 20      pain 3 Y   ODI 4 N
    ("medium", B, 6, None, None, None, (), None),  # 21  no check at all
    ("medium", A, 6, 5, 28, 26, (2, 6, 12), "lo"),  # 22 pain 1 N   ODI 2 N
    ("high", A, 8, 7, 60, 58, (12,), "lo"),  # 23        pain 1 N (2.4)  ODI 2 N
    ("high", A, 9, 6, 70, 56, (12,), "hi"),  # 24        pain 3 Y   ODI 14 Y
    ("high", B, 7, 7, 52, 52, (12,), "lo"),  # 25        pain 0 N   ODI 0 N
    ("high", B, 10, 9, 80, 62, (12,), None),  # 26       pain 1 N (3)    ODI 18 Y
    ("high", B, 6, None, None, None, (2, 6), None),  # 27 no 12-week check
    ("high", A, 6, 4, 46, 40, (12,), "hi"),  # 28        pain 2 Y   ODI 6 N (13.8)
    (None, A, 7, 4, None, None, (12,), None),  # 29      not screened: pain 3 Y
    (None, B, 6, 6, None, None, (12,), None),  # 30      not screened: pain 0 N
]


def _build(world, patient, physio, i, row):
    risk, _, nrs0, nrs12, odi0, odi12, done, adherence = row
    at = T0 + dt.timedelta(days=i)
    first = screen(patient, physio, at, nrs=nrs0, odi_total=odi0 // 2 if odi0 else None,
                   risk=risk)  # fmt: skip
    if adherence is not None:
        with time_machine.travel(at + dt.timedelta(hours=1), tick=False):
            # One session a week for one week: exactly one prescribed.
            assign(patient, physio, spec("bird-dog", times_per_day=1, days_per_week=1),
                   start_date=at.date(), end_date=at.date() + dt.timedelta(days=6))  # fmt: skip
        if adherence == "hi":
            with time_machine.travel(at + dt.timedelta(days=1), tick=False):
                log(patient, at + dt.timedelta(days=1), "bird-dog")
    for weeks in done:
        final = weeks == 12
        check(patient, first, weeks, nrs=nrs12 if final else nrs0,
              odi_total=(odi12 // 2 if odi12 is not None else None) if final else None)  # fmt: skip


@pytest.fixture
def cohort(world):
    p1, p2 = world.physio, UserFactory(first_name="Bea", last_name="Baker")
    p1.first_name, p1.last_name = "Alex", "Able"
    p1.save()
    MembershipFactory(clinic=world.clinic, user=p2)
    physios = {A: p1, B: p2}
    for i, row in enumerate(PATIENTS):
        patient = PatientFactory(clinic=world.clinic, physiotherapist=physios[row[1]])
        _build(world, patient, physios[row[1]], i, row)
    # Outside the period (12 weeks fall due on 26 April): a great improvement that must not count.
    early = PatientFactory(clinic=world.clinic, physiotherapist=p1)
    _build(world, early, p1, -42, ("low", A, 9, 0, 80, 0, (12,), None))
    # Another clinic's patient in the period: only that clinic sees them.
    foreign = PatientFactory(clinic=world.other_clinic, physiotherapist=world.other_physio)
    _build(world, foreign, world.other_physio, 3, ("high", A, 8, 1, 60, 10, (12,), None))
    return physios


# Each row: group label, patients, (checks done, due, rate), pain (n, reached, share, median, q1,
# q3), Oswestry (n, reached, share, median, q1, q3). None: "too few to report".
#
# All 30: checks due 30 x 3 = 90; done 18 (low) + 14 (medium) + 7 (high) + 2 = 41 -> 45.6 %.
# Pain n 25 (no 12-week check: 9, 10, 19, 21, 27); reached 1 3 6 7 12 13 14 16 17 20 24 28 29
#   = 13 -> 52.0 %. Sorted changes: -2, 0 x5, 1 x7, 2 x5, 3 x3, 4 x3, 5; median at 12 -> 1,
#   Q1 at 6 -> 1, Q3 at 18 -> 3.
# Oswestry n 19, reached 1 3 6 13 16 17 24 26 = 8 -> 42.1 %. Sorted: -6 0 0 2 2 2 4 4 6 6 6 8
#   12 14 14 18 18 20 24; median at 9 -> 6, Q1 at 4.5 -> 2, Q3 at 13.5 -> 14.
OVERALL = ("All patients", 30, (41, 90, 45.6), (25, 13, 52.0, 1.0, 1.0, 3.0),
           (19, 8, 42.1, 6.0, 2.0, 14.0))  # fmt: skip
# Low (1-12): done 3+2+1+1+2+1+3+1+2+0+1+1 = 18 of 36 -> 50.0 %. Pain n 10: -2 0 1 1 1 1 2 2 4 4,
#   reached 1 3 6 7 12 = 5 -> 50.0 %; median at 4.5 -> 1, Q1 at 2.25 -> 1, Q3 at 6.75 -> 2.
#   Oswestry n 7: -6 0 4 6 6 14 20, reached 1 3 6 -> 42.9 %; median 6, Q1 at 1.5 -> 2,
#   Q3 at 4.5 -> (6 + 14) / 2 = 10.
LOW = (12, (18, 36, 50.0), (10, 5, 50.0, 1.0, 1.0, 2.0), (7, 3, 42.9, 6.0, 2.0, 10.0))
# Medium (13-22): done 3+1+1+1+2+1+1+1+0+3 = 14 of 30 -> 46.7 %. Pain n 8: 0 0 1 2 2 3 4 5,
#   reached 13 14 16 17 20 -> 62.5 %; median at 3.5 -> 2, Q1 at 1.75 -> 0 + 0.75 x 1 = 0.75
#   -> 0.8 (half up), Q3 at 5.25 -> 3 + 0.25 x 1 = 3.25 -> 3.3. Oswestry n 7: 2 2 4 8 12 18 24,
#   reached 13 16 17 -> 42.9 %; median 8, Q1 at 1.5 -> 3, Q3 at 4.5 -> 15.
MEDIUM = (10, (14, 30, 46.7), (8, 5, 62.5, 2.0, 0.8, 3.3), (7, 3, 42.9, 8.0, 3.0, 15.0))
# High (23-28): done 1+1+1+1+2+1 = 7 of 18 -> 38.9 %. Pain n 5: 0 1 1 2 3, reached 24 28 -> 40.0 %;
#   median 1, Q1 at 1 -> 1, Q3 at 3 -> 2. Oswestry n 5: 0 2 6 14 18, reached 24 26 -> 40.0 %;
#   median 6, Q1 2, Q3 14.
HIGH = (6, (7, 18, 38.9), (5, 2, 40.0, 1.0, 1.0, 2.0), (5, 2, 40.0, 6.0, 2.0, 14.0))
# Not screened (29, 30): 2 patients, everything withheld; Oswestry n 0.
NONE = (2, None, (2, None), (0, None))
# Alex Able (1-4, 9, 10, 13-16, 22-24, 28, 29; 15 patients): done 22 of 45 -> 48.9 %.
#   Pain n 13: 0 1 1 1 1 2 2 3 3 4 4 4 5, reached 1 3 13 14 16 24 28 29 = 8 -> 61.5 %;
#   median at 6 -> 2, Q1 at 3 -> 1, Q3 at 9 -> 4. Oswestry n 11: 2 2 2 4 6 8 14 14 18 20 24,
#   reached 1 (20) 3 (14) 13 (18) 16 (24) 24 (14), not 2 14 15 22 23 28 -> 5 of 11 -> 45.5 %;
#   median at 5 -> 8, Q1 at 2.5 -> 3, Q3 at 7.5 -> 16.
ABLE = (15, (22, 45, 48.9), (13, 8, 61.5, 2.0, 1.0, 4.0), (11, 5, 45.5, 8.0, 3.0, 16.0))
# Bea Baker (the other 15): done 19 of 45 -> 42.2 %. Pain n 12: -2 0 0 0 0 1 1 1 2 2 2 3,
#   reached 6 7 12 17 20 -> 41.7 %; median at 5.5 -> 1, Q1 at 2.75 -> 0, Q3 at 8.25 -> 2.
#   Oswestry n 8: -6 0 0 4 6 6 12 18, reached 6 17 26 -> 37.5 %; median at 3.5 -> 5,
#   Q1 at 1.75 -> 0, Q3 at 5.25 -> 6 + 0.25 x 6 = 7.5.
BAKER = (15, (19, 45, 42.2), (12, 5, 41.7, 1.0, 0.0, 2.0), (8, 3, 37.5, 5.0, 0.0, 7.5))
# Adherence 70 % or more (1 3 6 12 13 16 20 24 28): done 13 of 27 -> 48.1 %. Pain n 9:
#   2 2 2 3 3 4 4 4 5, all reached -> 100.0 %; median 3, Q1 2, Q3 4. Oswestry n 8 (not 12):
#   4 6 6 14 14 18 20 24, reached all but 20 -> 75.0 %; median at 3.5 -> 14, Q1 at 1.75 -> 6,
#   Q3 at 5.25 -> 18 + 0.25 x 2 = 18.5.
HI = (9, (13, 27, 48.1), (9, 9, 100.0, 3.0, 2.0, 4.0), (8, 6, 75.0, 14.0, 6.0, 18.5))
# Below 70 % (2 5 8 11 14 15 18 22 23 25): done 14 of 30 -> 46.7 %. Pain n 10:
#   -2 0 0 0 0 1 1 1 1 2, reached 14 -> 10.0 %; median at 4.5 -> 0.5, Q1 0, Q3 at 6.75 -> 1.
#   Oswestry n 9 (not 18): -6 0 0 2 2 2 4 6 8, none reached -> 0.0 %; median 2, Q1 0, Q3 4.
LO = (10, (14, 30, 46.7), (10, 1, 10.0, 0.5, 0.0, 1.0), (9, 0, 0.0, 2.0, 0.0, 4.0))
# No program (4 7 9 10 17 19 21 26 27 29 30): done 14 of 33 -> 42.4 %. Pain n 6: 0 1 1 1 2 3,
#   reached 7 17 29 -> 50.0 %; median at 2.5 -> 1, Q1 at 1.25 -> 1, Q3 at 3.75 -> 1.75 -> 1.8.
#   Oswestry n 2 (17, 26): withheld.
NO_PROGRAM = (11, (14, 33, 42.4), (6, 3, 50.0, 1.0, 1.0, 1.8), (2, None))

EXPECTED = [
    ("overall", "All patients", *OVERALL[1:]),
    ("risk", "Low risk", *LOW),
    ("risk", "Medium risk", *MEDIUM),
    ("risk", "High risk", *HIGH),
    ("risk", "Not screened", *NONE),
    # The pathway follows the risk group at the first screening (REFERENCE.md §3).
    ("pathway", "Advice and self-management", *LOW),
    ("pathway", "Physiotherapy", *MEDIUM),
    ("pathway", "Psychologically informed physiotherapy", *HIGH),
    ("pathway", "No pathway", *NONE),
    ("physiotherapist", "Alex Able", *ABLE),
    ("physiotherapist", "Bea Baker", *BAKER),
    ("adherence", "Adherence 70% or more", *HI),
    ("adherence", "Adherence below 70%", *LO),
    ("adherence", "No exercise program", *NO_PROGRAM),
]


def _from_api(row):
    def share(s, c):
        if not s["reportable"]:
            return (s["n"], None)
        return (s["n"], s["patients"], s["percent"], c["median"], c["q1"], c["q3"])

    r = row["response"]
    response = (r["done"], r["due"], r["percent"]) if r["reportable"] else None
    nrs = share(row["nrs_mic"], row["nrs_change"])
    odi = share(row["odi_mic"], row["odi_change"])
    return (row["section"], row["label"], row["patients"], response, nrs, odi)


def test_every_figure_of_the_api_matches_the_hand_computation(world, cohort, physio_client):
    response = physio_client.get("/api/v1/clinic/outcomes/", PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["clinics"]) == ("2026-06-01", "2026-06-30",
                                                            [world.clinic.pk])  # fmt: skip
    assert [_from_api(r) for r in body["rows"]] == EXPECTED
    withheld = body["rows"][4]
    assert withheld["nrs_mic"] == {"n": 2, "patients": None, "percent": None, "reportable": False}
    assert withheld["response"] == {"n": 2, "done": None, "due": None, "percent": None,
                                    "reportable": False}  # fmt: skip


def _cell(value):
    return f"{value:.1f}"


def test_the_csv_has_the_same_figures(world, cohort, physio_client):
    response = physio_client.get("/api/v1/clinic/outcomes/csv/", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="outcomes-2026-06-01-2026-06-30.csv"' in response["Content-Disposition"]
    raw = response.content.decode("utf-8")
    assert raw.count("\r\n") == len(EXPECTED) + 1 and raw.endswith("\r\n")  # RFC 4180 lines
    header, *lines = list(csv.reader(io.StringIO(raw)))
    assert header[:6] == ["section", "group", "patients", "checks_done", "checks_due",
                          "response_rate_percent"]  # fmt: skip
    too_few = "too few to report"
    for line, (section, label, patients, resp, nrs, odi) in zip(lines, EXPECTED, strict=True):
        assert line[:3] == [section, label, str(patients)]
        if resp is None:
            assert line[3:6] == [too_few] * 3
        else:
            assert line[3:6] == [str(resp[0]), str(resp[1]), _cell(resp[2])]
        for start, figures in ((6, nrs), (12, odi)):
            assert line[start] == str(figures[0])
            if figures[1] is None:
                assert line[start + 1 : start + 6] == [too_few] * 5
            else:
                assert line[start + 1] == str(figures[1])
                assert line[start + 2 : start + 6] == [_cell(v) for v in figures[2:]]
    # The same download from the dashboard.
    page = physio_client_page(world)
    same = page.get("/triage/outcomes.csv", PERIOD | {"scope": "clinic"})
    assert same.status_code == 200 and same.content.decode("utf-8") == raw


def physio_client_page(world):
    from django.test import Client

    client = Client()
    client.force_login(world.physio)
    return client


def _page_rows(html):
    rows = []
    for table in re.findall(r'<table class="outcomes".*?</table>', html, re.S):
        section = re.search(r'data-section="(\w+)"', table).group(1)
        for body in re.findall(r'<tr data-key="[^"]*">(.*?)</tr>', table, re.S):
            label = re.search(r'<th scope="row">(.*?)</th>', body).group(1)
            cells = dict(re.findall(r'data-figure="([\w-]+)"[^>]*>(.*?)</td>', body, re.S))
            rows.append((section, label, {k: " ".join(re.sub("<[^>]+>", "", v).split())
                                          for k, v in cells.items()}))  # fmt: skip
    return rows


def test_the_page_shows_the_same_figures(world, cohort):
    html = physio_client_page(world).get("/triage/outcomes/", PERIOD).content.decode()
    assert "30 patients with a 12-week check due from 1 Jun 2026 to 30 Jun 2026." in html
    rows = _page_rows(html)
    assert [(s, label) for s, label, _ in rows] == [(s, label) for s, label, *_ in EXPECTED]
    for (_, _, cells), (_, _, patients, resp, nrs, odi) in zip(rows, EXPECTED, strict=True):
        assert cells["patients"] == str(patients)
        if resp is None:
            assert cells["checks"] == "too few to report" and "response" not in cells
        else:
            assert cells["checks"] == f"{resp[0]} / {resp[1]}"
            assert cells["response"] == f"{_cell(resp[2])}%"
        for measure, figures in (("nrs", nrs), ("odi", odi)):
            assert cells[f"{measure}-n"] == str(figures[0])
            if figures[1] is None:
                assert cells[f"{measure}-mic"] == "too few to report"
            else:
                _, k, share, median, q1, q3 = figures
                assert cells[f"{measure}-mic"] == f"{_cell(share)}% ({k})"
                assert cells[f"{measure}-change"] == (
                    f"{_cell(median)} [{_cell(q1)} to {_cell(q3)}]"
                )


def test_another_clinic_sees_none_of_these_patients(world, cohort, other_clinic_client):
    body = other_clinic_client.get("/api/v1/clinic/outcomes/", PERIOD).json()
    assert body["clinics"] == [world.other_clinic.pk]
    # Only its own patient (high risk, pain 8 -> 1, Oswestry 60 -> 10): one patient everywhere.
    assert [(r["section"], r["label"], r["patients"]) for r in body["rows"]] == [
        ("overall", "All patients", 1),
        ("risk", "High risk", 1),
        ("pathway", "Psychologically informed physiotherapy", 1),
        ("physiotherapist", world.other_physio.get_full_name(), 1),
        ("adherence", "No exercise program", 1),
    ]
    assert all(r["nrs_mic"]["n"] <= 1 and r["response"]["n"] <= 1 for r in body["rows"])
    # Asking for clinic A's report by id is a 404, in the API and the CSV.
    query = PERIOD | {"clinic": world.clinic.pk}
    assert other_clinic_client.get("/api/v1/clinic/outcomes/", query).status_code == 404
    refused = other_clinic_client.get("/api/v1/clinic/outcomes/csv/", query)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    csv_body = other_clinic_client.get("/api/v1/clinic/outcomes/csv/", PERIOD).content.decode()
    assert "Alex Able" not in csv_body and "Bea Baker" not in csv_body
    # The page: the other clinician's clinic only.
    from django.test import Client

    page = Client()
    page.force_login(world.other_physio)
    html = page.get("/triage/outcomes/", PERIOD | {"scope": "all"}).content.decode()
    assert "1 patient with a 12-week check due" in html and "Alex Able" not in html


def test_a_clinician_of_two_clinics_sees_both_together_or_one_at_a_time(world, cohort):
    MembershipFactory(clinic=world.other_clinic, user=world.physio,
                      role=Membership.Role.PHYSIOTHERAPIST)  # fmt: skip
    client = bearer(world.physio)
    both = client.get("/api/v1/clinic/outcomes/", PERIOD).json()
    assert sorted(both["clinics"]) == sorted([world.clinic.pk, world.other_clinic.pk])
    assert both["rows"][0]["patients"] == 31
    one = client.get("/api/v1/clinic/outcomes/", PERIOD | {"clinic": world.clinic.pk}).json()
    assert one["rows"][0]["patients"] == 30


def test_bad_periods_are_a_clear_400_and_patients_are_refused(world, physio_client,
                                                              patient_client):  # fmt: skip
    backwards = physio_client.get("/api/v1/clinic/outcomes/", {"start": "2026-06-30",
                                                               "end": "2026-06-01"})  # fmt: skip
    assert backwards.status_code == 400
    assert backwards.json()["error"]["fields"]["start"]
    assert physio_client.get("/api/v1/clinic/outcomes/", {"start": "june"}).status_code == 400
    assert physio_client.get("/api/v1/clinic/outcomes/", {"bogus": "1"}).status_code == 400
    assert patient_client.get("/api/v1/clinic/outcomes/").status_code == 403
