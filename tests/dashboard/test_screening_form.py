"""The clinician's screening form (issue 13, finding 7): worded for the clinician, the age
taken from the date of birth, grouped sections, an error summary at the top that links to
each field and takes the focus, and no aria reference to an id the page lacks."""

from __future__ import annotations

import datetime as dt
import re

from triage.models import Intake
from triage.questionnaire import FIELDS, REQUIRED_FIELDS

from .html_checks import dangling_references


def url(patient) -> str:
    return f"/triage/patients/{patient.pk}/intake/"


def answered(**overrides) -> dict[str, object]:
    data: dict[str, object] = {name: "no" for name in REQUIRED_FIELDS if name != "age"}
    data.update(pain_nrs=7, onset="sudden", duration_days=2, sex="female")
    data.update(overrides)
    return data


def test_the_form_speaks_to_the_clinician_and_does_not_ask_the_age(physio_page, world):
    world.patient.date_of_birth = dt.date(1961, 6, 15)
    world.patient.save()
    page = physio_page.get(url(world.patient)).content.decode()
    for spec in FIELDS:  # no question in the patient's own words
        if spec.name not in ("sex",):
            assert spec.question not in page, spec.name
    assert "How old are you" not in page and 'name="age"' not in page
    assert "Does the patient report" in page
    assert f"Age <strong>{world.patient.age}</strong>" in page

    response = physio_page.post(url(world.patient), answered(saddle_numbness="yes"))
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert intake.answers["age"] == world.patient.age
    assert intake.assessment.urgency == "emergency"


def test_the_questions_are_grouped_in_sections_and_optional_ones_start_folded(physio_page, world):
    page = physio_page.get(url(world.patient)).content.decode()
    legends = re.findall(r'<fieldset class="card section"[^>]*>\s*<legend>([^<]+)</legend>', page)
    assert "Cauda equina: bladder, bowel and sensation" in legends
    folded = re.findall(r'<details class="card section" id="section-([\w-]+)">', page)
    assert set(folded) == {"inflammatory_features", "start-back", "oswestry"}


def test_errors_are_summarised_at_the_top_with_links_and_the_focus(physio_page, world):
    data = answered(pain_nrs="15", back_pain_onset_age="200", sb1="1")
    del data["saddle_numbness"]
    del data["bladder_dysfunction"]
    response = physio_page.post(url(world.patient), data)
    page = response.content.decode()
    assert response.status_code == 400 and not Intake.objects.exists()
    main = page[page.index("<form") :]
    summary = re.search(r'<div class="callout danger error-summary"[^>]*>.*?</div>', main, re.S)
    assert summary is not None
    assert main.index("error-summary") < main.index("<fieldset")  # at the top of the form
    opening = re.match(r"<div[^>]*>", summary.group(0)).group(0)
    assert 'tabindex="-1"' in opening and "autofocus" in opening and 'role="alert"' in opening
    links = re.findall(r'<a href="#([^"]+)">', summary.group(0))
    assert links == [
        "id_pain_nrs",
        "id_bladder_dysfunction_0",
        "id_saddle_numbness_0",
        "id_back_pain_onset_age",
        "id_sb2",
    ]
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert set(links) <= ids
    # The folded sections with an error open.
    assert '<details class="card section" id="section-start-back" open>' in page
    assert '<details class="card section" id="section-inflammatory_features" open>' in page


def test_every_aria_reference_on_the_form_names_an_id_on_the_page(physio_page, world):
    empty = physio_page.get(url(world.patient)).content.decode()
    assert dangling_references(empty) == []
    data = answered(pain_nrs="abc", duration_days="-1", back_pain_onset_age="200")
    del data["fever"]
    failed = physio_page.post(url(world.patient), data).content.decode()
    assert "aria-describedby" in failed
    assert dangling_references(failed) == []
