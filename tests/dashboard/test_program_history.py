"""Ending a program, its history and adherence across programs on the patient page
(issue 13, finding 6)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from clinic.models import PatientAccessEvent
from programs import services
from programs.models import Program
from tests.programs.helpers import assign, log, spec


def program_panel(client, patient) -> str:
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    return re.search(r'<section class="card panel" id="program".*?</section>', page, re.S).group(0)


def test_ending_a_program_asks_first_and_needs_a_reason(physio_page, world):
    program = assign(world.patient, world.physio, spec("glute-bridge"))
    panel = program_panel(physio_page, world.patient)
    # The panel links to a confirmation page; no one-click end form.
    assert f'href="/programs/{program.pk}/end/"' in panel
    assert f'action="/programs/{program.pk}/end/"' not in panel

    confirm = physio_page.get(f"/programs/{program.pk}/end/")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Yes, end the program" in html and "Bottom lift (glute bridge)" in html

    for reason in ("", "   "):
        refused = physio_page.post(f"/programs/{program.pk}/end/", {"reason": reason})
        assert refused.status_code == 400
        assert "Say why the program ends." in refused.content.decode()
        program.refresh_from_db()
        assert program.status == "active"

    ended = physio_page.post(f"/programs/{program.pk}/end/", {"reason": "Goals met."})
    assert ended.status_code == 302
    program.refresh_from_db()
    assert (program.status, program.end_reason, program.ended_by) == (
        "ended", "Goals met.", world.physio
    )  # fmt: skip
    assert PatientAccessEvent.objects.filter(
        patient_id=world.patient.pk, action="update", object_type="program"
    ).exists()
    # A second confirmation page for an ended program sends back to the patient.
    assert physio_page.get(f"/programs/{program.pk}/end/").status_code == 302


def test_the_patient_page_shows_past_programs_and_what_each_revision_changed(physio_page, world):
    first = assign(world.patient, world.physio, spec("glute-bridge", reps=10))
    services.program_revise(
        program=first,
        by=world.admin,
        items=[spec("glute-bridge", reps=15), spec("bird-dog")],
    )
    services.program_end(program=first, by=world.admin, reason="Moved on to the gym.")
    assign(world.patient, world.physio, spec("bird-dog"))
    panel = program_panel(physio_page, world.patient)
    history = re.search(r'<details class="history".*?</details>', panel, re.S).group(0)
    past = re.search(rf'id="program-{first.pk}".*?</article>', history, re.S).group(0)
    assert "Program ended" in past and "Moved on to the gym." in past
    admin_name = world.admin.get_full_name()
    assert f"Ended by {admin_name}" in past
    assert "Revision 2" in past and "Revision 1" in past
    assert "Added Bird-dog" in past
    assert "Bottom lift (glute bridge): " in past and "10 reps" in past and "15 reps" in past
    assert "→" in past
    assert f"by {admin_name}" in past and f"by {world.physio.get_full_name()}" in past
    assert "Current program" in history


def test_the_adherence_chart_counts_sessions_logged_under_the_previous_program(physio_page, world):
    today = timezone.localdate()
    world.patient.timezone = "UTC"
    world.patient.save()
    earlier = assign(world.patient, world.physio,
                     spec("glute-bridge", times_per_day=1, days_per_week=7),
                     start_date=today - dt.timedelta(days=27))  # fmt: skip
    for days in range(27, 13, -1):  # done every day of the first program
        log(world.patient, timezone.now() - dt.timedelta(days=days), "glute-bridge")
    services.program_end(program=earlier, by=world.physio, reason="Next block")
    Program.objects.filter(pk=earlier.pk).update(ended_at=timezone.now() - dt.timedelta(days=14))
    assign(world.patient, world.physio, spec("bird-dog"),
           start_date=today - dt.timedelta(days=13))  # fmt: skip
    panel = program_panel(physio_page, world.patient)
    table = re.search(r'<table class="visually-hidden" id="weekly-adherence-table">.*?</table>',
                      panel, re.S).group(0)  # fmt: skip
    values = [int(v) for v in re.findall(r"<td>(\d+)%</td>", table)]
    # Six weeks: the first program's weeks done every day, the current one's not at all.
    assert len(values) >= 4
    assert max(values) == 100
    assert values[-1] == 0
    assert "all programs" in panel
