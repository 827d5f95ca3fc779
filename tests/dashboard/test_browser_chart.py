"""The clinician's chart in Chromium: axe-core finds no accessibility violation on the pages a
physiotherapist works in, at desktop and tablet width, and a physiotherapist who is not an admin
registers a new patient and records a screening with a cauda equina answer.

Screenshots go to test-artifacts/dashboard/. axe-core is the file vendored under
tests/app/vendor/axe-core/ (its version and licence beside it); it is injected through the
DevTools protocol, so it is never served by the project and a CSP does not stop it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from patients.models import Patient
from programs import catalogue
from programs.services import ItemSpec, program_assign, program_end, program_revise
from tests.factories import PASSWORD
from tests.triage.helpers import EMERGENCY
from triage.models import Assessment, Escalation

from .alert_walk import handle_cauda_equina_alert
from .conftest import record_episode, record_intake
from .test_browser import ARTIFACTS, browser, chromium  # noqa: F401 - fixtures

AXE = Path(__file__).resolve().parents[1] / "app" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 360, "height": 640}


def snap(page, name: str, capsys) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\n  screenshot: {path}")


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        "async (tags) => {"
        " const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }",
        AXE_TAGS,
    )


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/today/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/today/$"))


def chart_of(world) -> None:
    """A patient with something in every panel: an open emergency, a resolved urgent alert, a
    screening to review, episodes, a program (from the clinic's own exercise: a transactional
    test may have flushed the shipped library) with a past one."""
    record_intake(world.patient, world.patient_user, **EMERGENCY)
    for days, peak in ((20, 4), (12, 6), (6, 5), (2, 8)):
        record_episode(world.patient, days_ago=days, peak=peak, triggers=["lifting"])
    record_intake(world.other_patient, world.physio)
    Assessment.objects.filter(patient=world.other_patient).update(pathway="physiotherapy")
    walk = catalogue.exercise_create(
        clinic=world.clinic, name="Short walks", purpose="Keep moving", steps=["Walk 5 minutes"],
        category="aerobic", direction="neutral", difficulty="easy", duration_minutes=5,
    )  # fmt: skip
    stretch = catalogue.exercise_create(
        clinic=world.clinic, name="Knee hugs", purpose="Ease stiffness", steps=["Hug a knee"],
        category="stretching", direction="flexion", difficulty="easy", reps=5,
    )  # fmt: skip
    earlier = program_assign(patient=world.other_patient, by=world.admin,
                             items=[ItemSpec(exercise=stretch)],
                             start_date=timezone.localdate() - dt.timedelta(days=30))  # fmt: skip
    program_revise(
        program=earlier,
        by=world.physio,
        items=[ItemSpec(exercise=stretch, dosage={"reps": 8}), ItemSpec(exercise=walk)],
    )
    program_end(program=earlier, by=world.physio, reason="Pain settled; moving to walking.")
    program_assign(patient=world.other_patient, by=world.physio,
                   items=[ItemSpec(exercise=walk)],
                   start_date=timezone.localdate() - dt.timedelta(days=10))  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_violation_on_the_clinicians_pages(live_server, browser, world, capsys):  # noqa: F811
    chart_of(world)
    pages = {
        "patient-list": "/patients/",
        "patient-page": f"/patients/{world.patient.pk}/",
        "patient-page-program": f"/patients/{world.other_patient.pk}/",
        "triage": "/triage/",
        "today": "/today/",
        "screening-form": f"/triage/patients/{world.patient.pk}/intake/",
        "new-patient": "/patients/new/",
        "assign": f"/programs/patients/{world.other_patient.pk}/assign/",
        "edit-patient": f"/patients/{world.patient.pk}/edit/",
        "end-program": f"/programs/{world.other_patient.programs.get(status='active').pk}/end/",
    }
    found: dict[str, list[dict]] = {}
    for width, viewport in (("desktop", DESKTOP), ("tablet", TABLET), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, has_touch=width != "desktop")
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, world.physio.email)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            if name == "patient-page-program":
                page.locator("#program-history summary").click()
            snap(page, f"axe-{name}-{width}", capsys)
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= viewport["width"], f"{name} scrolls sideways at {width} width ({wide})"
            if violations := axe_violations(page):
                found[f"{name} ({width})"] = violations
        # The screening form after a failed save: the error summary has the focus.
        page.goto(f"{live_server.url}{pages['screening-form']}")
        page.get_by_role("button", name="Save and grade the screening").click()
        page.wait_for_load_state()
        assert page.evaluate("() => document.activeElement.id") == "form-errors"
        snap(page, f"axe-screening-form-errors-{width}", capsys)
        if violations := axe_violations(page):
            found[f"screening form with errors ({width})"] = violations
        context.close()
    report = "\n".join(
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['nodes'])}"
        for where, violations in found.items()
        for v in violations
    )
    assert not found, report


@pytest.mark.django_db(transaction=True)
def test_a_physiotherapist_registers_a_patient_and_handles_a_cauda_equina_alert(
    live_server,
    browser,  # noqa: F811
    world,
    capsys,
):
    """Acceptance 1 of issue 13, at tablet width: register a patient who phoned, record a
    screening with a cauda equina answer, then handle the alert (tests/dashboard/alert_walk.py)."""
    assert not world.physio.memberships.filter(role="admin").exists()
    context = browser.new_context(viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, world.physio.email)

    # A patient phones: register them.
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="New patient").click()
    page.wait_for_url(re.compile(r"/patients/new/$"))
    page.fill("#id_first_name", "Rosa")
    page.fill("#id_last_name", "Delgado")
    page.fill("#id_date_of_birth", "1971-09-04")
    page.fill("#id_email", "rosa.delgado@example.net")
    page.fill("#id_phone", "07700 900456")
    page.select_option("#id_physiotherapist", str(world.physio.pk))
    snap(page, "walk-01-new-patient", capsys)
    page.get_by_role("button", name="Register patient").click()
    page.wait_for_url(re.compile(r"/patients/\d+/\?new=1"))
    patient = Patient.objects.get(last_name="Delgado")
    assert patient.clinic == world.clinic and patient.physiotherapist == world.physio
    assert "Rosa Delgado registered" in page.locator(".messages").inner_text()
    snap(page, "walk-02-registered-next-steps", capsys)

    # Next step: the screening, taken on the phone.
    page.locator("#next").get_by_role("link", name="Record a screening").click()
    page.wait_for_url(re.compile(rf"/triage/patients/{patient.pk}/intake/$"))
    assert f"Age {patient.age}" in page.locator("#section-about_you").inner_text()
    height = page.evaluate("() => document.documentElement.scrollHeight")
    with capsys.disabled():
        print(f"\n  screening form height at 768 px: {height} px")
    assert height < 4500  # was about 7,200 px
    snap(page, "walk-03-screening-form", capsys)
    page.select_option("#id_sex", "female")
    page.select_option("#id_onset", "sudden")
    page.fill("#id_duration_days", "1")
    page.fill("#id_pain_nrs", "7")
    for box in page.locator('fieldset.yesno input[type="radio"][value="no"]').all():
        name = box.get_attribute("name")
        if name in ("saddle_numbness", "bladder_dysfunction"):
            page.check(f'input[name="{name}"][value="yes"]')
        elif page.locator(f"fieldset#q-{name}").evaluate("f => !f.closest('details')"):
            box.check()
    page.fill("#id_description", "Numb around the back passage since this morning; "
                                 "trouble passing urine.")  # fmt: skip
    snap(page, "walk-04-screening-cauda-equina", capsys)
    page.get_by_role("button", name="Save and grade the screening").click()
    page.wait_for_url(re.compile(rf"/patients/{patient.pk}/"))
    assert "EMERGENCY" in page.locator(".messages").inner_text()
    escalation = Escalation.objects.get(patient=patient)
    assert escalation.level == "emergency" and escalation.status == "open"
    assert escalation.assessment.intake.submitted_by == world.physio
    snap(page, "walk-05-patient-page-alert", capsys)

    # The alert: which answers raised it and the patient's words, acknowledge and resolve it
    # with a note, then who resolved it and the note on the patient page and in /triage/.
    handle_cauda_equina_alert(
        page,
        live_server.url,
        patient=patient,
        escalation=escalation,
        physio=world.physio,
        words="Numb around the back passage since this morning; trouble passing urine.",
        snap=lambda p, name: snap(p, name, capsys),
    )
    context.close()
