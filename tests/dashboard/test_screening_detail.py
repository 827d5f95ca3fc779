"""The patient page shows a screening as a physiotherapist needs it: which answers raised the
alert, the patient's own words, the scores with their bands, the pathway and the medication
notes, in plain words first with rule ids and sources as a second line (issue 13, 2 and 13)."""

from __future__ import annotations

import re

from tests.triage.helpers import answers
from triage.instruments import ODI_SECTIONS
from triage.services import intake_submit

WORDS = "Since Tuesday it feels numb when I wipe and I keep leaking a little."


def page_of(client, patient) -> str:
    response = client.get(f"/patients/{patient.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def screening_panel(html: str) -> str:
    start = html.index('<section class="card panel" id="assessments"')
    return html[start : html.index("</section>", start)]


def text(html: str) -> str:
    """The words as read: block ends become spaces, other tags vanish."""
    spaced = re.sub(r"</(dt|dd|p|li|div|h\d)>|<br>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", spaced))


def cauda_equina_screening(world, **extra):
    return intake_submit(
        patient=world.patient,
        submitted_by=world.physio,
        answers=answers(saddle_numbness=True, bladder_dysfunction=True, **extra),
        description=WORDS,
    )


def test_the_patient_page_shows_which_answers_raised_a_cauda_equina_alert(physio_page, world):
    cauda_equina_screening(world)
    page = text(page_of(physio_page, world.patient))
    assert "Saddle numbness: yes → cauda equina syndrome (R1a)" in page
    assert "Bladder problem: yes → cauda equina syndrome (R1a)" in page
    # The rule's reason names the answers behind it.
    assert "Because of: Bladder problem, Saddle numbness." in page


def test_the_patient_page_shows_the_patients_own_words(physio_page, world):
    cauda_equina_screening(world)
    page = page_of(physio_page, world.patient)
    assert "In the patient\u2019s words" in page
    assert WORDS in page


def test_yes_answers_come_first_red_flags_before_other_yes_answers(physio_page, world):
    intake_submit(
        patient=world.patient,
        submitted_by=world.physio,
        answers=answers(buttock_pain=True, saddle_numbness=True, night_pain=True),
    )
    page = text(page_of(physio_page, world.patient))
    yes = page.index("answered “yes” to")
    saddle = page.index("Saddle numbness: yes")
    buttock = page.index("Buttock pain: yes")
    all_answers = page.index("All answers")
    assert yes < saddle < buttock < all_answers
    # "No" answers are there, but below, folded away.
    assert page.index("No: Injury before the pain") > all_answers


def test_a_value_answer_is_shown_only_where_a_rule_needed_it(physio_page, world):
    # R3e fires on age over 50 with night pain: the age is one of the answers behind it.
    intake_submit(patient=world.patient, submitted_by=world.physio,
                  answers=answers(age=67, night_pain=True))  # fmt: skip
    page = text(page_of(physio_page, world.patient))
    assert "Constant night pain: yes → possible cancer (R3e)" in page
    assert "Because of: Age, Constant night pain." in page


def test_scores_with_their_bands_the_pathway_and_medication_notes(physio_page, world):
    intake_submit(
        patient=world.patient,
        submitted_by=world.physio,
        answers=answers(pain_nrs=7),
        start_back=[1] * 8 + ["Extremely"],
        oswestry=dict.fromkeys(ODI_SECTIONS, 2),
        medicines=[{"name": "Diazepam", "dose": "5 mg"}],
    )
    page = text(screening_panel(page_of(physio_page, world.patient)))
    assert "Pain now 7/10 (severe)" in page
    assert "STarT Back High risk: 9/9, psychosocial 5/5" in page
    assert "Oswestry disability 40.0% (moderate disability)" in page
    assert "Pathway Psychologically informed physiotherapy" in page
    assert "Medication notes" in page and "Diazepam" in page
    assert "psychologically_informed_physiotherapy" not in page


def test_rule_ids_and_codes_are_a_second_line_not_the_main_text(physio_page, world):
    cauda_equina_screening(world)
    html = page_of(physio_page, world.patient)
    page = text(html)
    # No raw codes or engine summary as the text a physiotherapist reads first.
    assert "cauda_equina" not in page
    assert "rules v2026.1" not in page
    assert "Urgency: emergency" not in page
    assert "Possible: cauda equina syndrome" in page
    # Every mention of the rule id is inside a secondary element.
    for match in re.finditer(r"R1a", html):
        before = html[: match.start()]
        opened = before.rfind('<span class="rule-id">'), before.rfind('class="muted second"')
        assert max(opened) > before.rfind("<li") or max(opened) > before.rfind("<p"), html[
            match.start() - 200 : match.start() + 20
        ]


def test_today_and_triage_show_plain_words_before_rule_ids(physio_page, world):
    cauda_equina_screening(world)
    for url in ("/today/", "/triage/"):
        page = text(physio_page.get(url).content.decode())
        assert "possible cauda equina syndrome" in page, url
        assert "cauda_equina" not in page and "Urgency: emergency" not in page, url


def test_an_answer_behind_a_routine_rule_is_not_shown_as_a_red_flag(physio_page, world):
    given = answers(radiating_leg_pain=True, chest_pain_or_breathlessness=True)
    intake_submit(patient=world.patient, submitted_by=world.physio, answers=given)
    html = screening_panel(page_of(physio_page, world.patient))
    chest = html.index('data-field="chest_pain_or_breathlessness"')
    sciatica = html.index('data-field="radiating_leg_pain"')
    assert chest < sciatica  # the emergency answer first, though asked later
    assert 'class="answer red-flag" data-field="chest_pain_or_breathlessness"' in html
    assert 'class="answer" data-field="radiating_leg_pain"' in html
    assert "sciatica (radicular pain)" in text(html)
