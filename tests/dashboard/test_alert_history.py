"""Alert history on the patient page and /triage/: who acknowledged and resolved, when, and the
note; resolving can sign off the screening; /triage/ puts open alerts first, emergency then
urgent, and keeps resolved alerts apart, with a coloured urgency badge (issue 13, 3 and 4)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine
from django.utils import timezone

from tests.triage.helpers import EMERGENCY, URGENT
from triage.models import AssessmentReview, Escalation
from triage.services import escalation_acknowledge, escalation_resolve

from .conftest import record_intake

CSS = Path(__file__).resolve().parents[2] / "clinic/static/clinic/site.css"


def resolve_via_page(client, escalation, note, **extra):
    return client.post(f"/triage/escalations/{escalation.pk}/resolve/",
                       {"note": note, "next": "/triage/", **extra}, follow=True)  # fmt: skip


def test_the_resolver_and_the_note_appear_on_the_patient_page_and_in_the_triage_history(
    physio_page, world
):
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    escalation = Escalation.objects.get(patient=world.patient)
    escalation_acknowledge(escalation=escalation, user=world.admin)
    note = "Phoned: sent to A&E, MRI same day, no compression."
    resolve_via_page(physio_page, escalation, note)
    escalation.refresh_from_db()
    resolver = world.physio.get_full_name()
    acknowledger = world.admin.get_full_name()
    for url in (f"/patients/{world.patient.pk}/", "/triage/"):
        page = physio_page.get(url).content.decode()
        row = page[page.index(f'id="alert-{escalation.pk}"') :]
        row = row[: row.index("</tr>")]
        assert resolver in row and acknowledger in row and note.replace("&", "&amp;") in row, url
        when = timezone.localtime(escalation.resolved_at).strftime("%-d %b %Y %H:%M")
        assert when in row, url


def test_resolving_can_mark_the_screening_reviewed_in_the_same_step(physio_page, world):
    record_intake(world.patient, world.patient_user, **URGENT)
    escalation = Escalation.objects.get(patient=world.patient)
    resolve_via_page(physio_page, escalation, "GP saw her today.", mark_reviewed="1")
    review = AssessmentReview.objects.get(assessment=escalation.assessment)
    assert (review.reviewed_by, review.note) == (world.physio, "GP saw her today.")
    page = physio_page.get("/triage/").content.decode()
    to_review = page[page.index('id="to-review"') : page.index('id="resolved"')]
    assert f'id="assessment-{escalation.assessment_id}"' not in to_review
    assert "Nothing to review." in to_review


def test_resolving_without_the_box_leaves_the_screening_to_review(physio_page, world):
    record_intake(world.patient, world.patient_user, **URGENT)
    escalation = Escalation.objects.get(patient=world.patient)
    resolve_via_page(physio_page, escalation, "GP saw her today.")
    assert not AssessmentReview.objects.exists()


def test_another_clinics_alert_cannot_be_resolved_or_seen_in_history(client, world):
    record_intake(world.foreign_patient, world.other_physio, **EMERGENCY)
    theirs = Escalation.objects.get()
    escalation_resolve(escalation=theirs, user=world.other_physio, note="Their note")
    client.force_login(world.physio)
    page = client.get("/triage/").content.decode()
    assert "Their note" not in page and world.foreign_patient.full_name not in page
    assert resolve_via_page(client, theirs, "x", mark_reviewed="1").status_code == 404
    assert not AssessmentReview.objects.exists()


def test_triage_lists_open_alerts_first_emergency_then_urgent_and_resolved_apart(
    physio_page, world
):
    past = timezone.now() - dt.timedelta(days=2)
    with time_machine.travel(past, tick=False):
        for _ in range(4):
            record_intake(world.other_patient, world.physio, **EMERGENCY)
    for e in Escalation.objects.all():
        escalation_resolve(escalation=e, user=world.physio, note="Done.")
    with time_machine.travel(past + dt.timedelta(hours=1), tick=False):
        urgent = record_intake(world.patient, world.patient_user, **URGENT).assessment.escalation
    emergency = record_intake(world.patient, world.patient_user, **EMERGENCY).assessment.escalation
    routine = record_intake(world.other_patient, world.physio).assessment
    page = physio_page.get("/triage/").content.decode()
    order = [
        page.index(f'id="escalation-{emergency.pk}"'),
        page.index(f'id="escalation-{urgent.pk}"'),
        page.index(f'id="assessment-{routine.pk}"'),
        page.index('id="resolved"'),
    ]
    assert order == sorted(order)
    resolved = page[page.index('id="resolved"') :]
    assert resolved.count('class="status-resolved"') == 4
    assert page[: page.index('id="resolved"')].count("status-resolved") == 0
    # Urgency as a badge, one colour per level.
    assert '<span class="badge badge-emergency">EMERGENCY</span>' in page
    assert '<span class="badge badge-urgent">URGENT</span>' in page


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_rule(selector: str) -> dict[str, str]:
    css = CSS.read_text()
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert found, selector
    return dict(
        (k.strip(), v.strip())
        for k, v in (d.split(":", 1) for d in found[1].split(";") if ":" in d)
    )


def test_emergency_and_urgent_badges_have_distinct_colours_each_readable():
    emergency, urgent = css_rule(".badge-emergency"), css_rule(".badge-urgent")
    assert emergency["background"].lower() != urgent["background"].lower()
    for rule in (emergency, urgent, css_rule(".badge-soon"), css_rule(".badge-routine")):
        assert contrast(rule["color"], rule["background"]) >= 4.5, rule


def test_the_contrast_formula_matches_known_values():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#767676", "#fff"), 2) == 4.54
