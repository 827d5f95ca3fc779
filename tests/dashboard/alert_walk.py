"""The second half of issue 13's acceptance 1 in Chromium: on the patient page a physiotherapist
sees which answers raised a cauda equina alert and the patient's own words, acknowledges it,
resolves it with a note (signing off the screening), then finds who resolved it and the note on
the patient page and in the triage page's history."""

from __future__ import annotations

import re
from collections.abc import Callable

from triage.models import AssessmentReview, Escalation

NOTE = "Phoned her: sent to A&E; MRI the same evening showed no compression. Follow up Friday."


def handle_cauda_equina_alert(
    page, base: str, *, patient, escalation: Escalation, physio, words: str, snap: Callable
) -> None:
    """From the patient page of `patient`, signed in as `physio` (not a clinic admin)."""
    page.goto(f"{base}/patients/{patient.pk}/#assessments")
    screening = page.locator(f"#assessment-{escalation.assessment_id}")
    yes = screening.locator("ul.answers").inner_text()
    assert "Saddle numbness: yes → cauda equina syndrome (R1a)" in yes
    assert "Bladder problem: yes → cauda equina syndrome (R1a)" in yes
    assert words in screening.locator("blockquote.own-words").first.inner_text()
    screening.scroll_into_view_if_needed()
    snap(page, "walk-06-which-answers-and-own-words")

    alert = page.locator(f"#escalation-{escalation.pk}")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(rf"/patients/{patient.pk}/"))
    assert "acknowledged" in page.locator(".messages").inner_text()
    alert = page.locator(f"#escalation-{escalation.pk}")
    page.fill(f"#resolve-{escalation.pk}", NOTE)
    assert alert.get_by_label("Also mark the screening reviewed").is_checked()
    snap(page, "walk-07-resolving-with-a-note")
    alert.get_by_role("button", name="Resolve").click()
    page.wait_for_url(re.compile(rf"/patients/{patient.pk}/"))
    assert "resolved and the screening marked reviewed" in page.locator(".messages").inner_text()

    who = physio.get_full_name()
    history = page.locator(f"#alert-{escalation.pk}")
    assert who in history.inner_text() and NOTE in history.inner_text()
    history.scroll_into_view_if_needed()
    snap(page, "walk-08-patient-page-alert-history")

    page.get_by_role("link", name="Triage", exact=True).click()
    page.wait_for_url(re.compile(r"/triage/$"))
    assert page.locator(f"#open-alerts #escalation-{escalation.pk}").count() == 0
    resolved = page.locator(f"#resolved #alert-{escalation.pk}")
    assert who in resolved.inner_text() and NOTE in resolved.inner_text()
    assert patient.full_name in resolved.inner_text()
    snap(page, "walk-09-triage-history")

    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.resolved_by == physio
    assert escalation.acknowledged_by == physio and escalation.resolution_note == NOTE
    assert (
        AssessmentReview.objects.get(assessment_id=escalation.assessment_id).reviewed_by == physio
    )
