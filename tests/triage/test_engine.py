"""Triage engine against the rule table in clinical/REFERENCE.md §1 (rules R1a..R10)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest

from triage import rules
from triage.engine import (
    CES_WARNING,
    Assessment,
    InvalidAnswers,
    SafetyNumbers,
    assess,
    normalise_answers,
)
from triage.rules import (
    CURRENT_VERSION,
    RULESETS,
    Rule,
    UnknownRulesetVersion,
    max_urgency,
    urgency_rank,
)


def _check(
    answers: Mapping[str, Any],
    ids: tuple[str, ...],
    urgency: str,
    flags: set[str],
) -> Assessment:
    result = assess(answers)
    assert tuple(rule.id for rule in result.fired) == ids
    assert result.urgency == urgency
    assert result.flags == frozenset(flags)
    return result


def _fired_urgency(result: Assessment, rule_id: str) -> str:
    return next(rule.urgency for rule in result.fired if rule.id == rule_id)


# --- nothing fires ----------------------------------------------------------------------------


def test_no_answers_is_routine_with_no_rules_and_no_flags() -> None:
    _check({}, (), "routine", set())


def test_worst_pain_with_no_red_flags_stays_routine() -> None:
    _check({"age": 40, "pain_nrs": 10, "onset": "sudden"}, (), "routine", set())


def test_pain_score_never_changes_the_result() -> None:
    base = {"age": 60, "history_of_cancer": True, "night_pain": True}
    results = {json.dumps(assess({**base, "pain_nrs": n}).to_dict()) for n in range(11)}
    assert len(results) == 1


def test_sex_and_morning_stiffness_are_recorded_but_fire_nothing() -> None:
    _check({"age": 30, "sex": "male", "morning_stiffness_over_30min": True}, (), "routine", set())


# --- R1 cauda equina --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "indicator",
    ["bladder_dysfunction", "bowel_dysfunction", "saddle_numbness", "bilateral_leg_symptoms"],
)
def test_any_single_cauda_equina_indicator_is_an_emergency(indicator: str) -> None:
    _check({indicator: True}, ("R1a",), "emergency", {"cauda_equina"})


def test_sexual_dysfunction_alone_does_not_fire_cauda_equina() -> None:
    _check({"sexual_dysfunction": True}, (), "routine", set())


def test_sexual_dysfunction_with_radiating_leg_pain_fires_cauda_equina() -> None:
    _check(
        {"sexual_dysfunction": True, "radiating_leg_pain": True},
        ("R1b", "R10"),
        "emergency",
        {"cauda_equina", "radiculopathy"},
    )


def test_sexual_dysfunction_with_a_cauda_equina_indicator_fires_r1a_and_r1b() -> None:
    _check(
        {"sexual_dysfunction": True, "saddle_numbness": True},
        ("R1a", "R1b"),
        "emergency",
        {"cauda_equina"},
    )


# --- R2 neurological compromise ---------------------------------------------------------------


def test_difficulty_walking_is_an_emergency() -> None:
    _check({"difficulty_walking": True}, ("R2a",), "emergency", {"neuro_compromise"})


def test_progressive_leg_weakness_is_urgent() -> None:
    _check({"progressive_leg_weakness": True}, ("R2b",), "urgent", {"neuro_compromise"})


def test_stable_leg_weakness_is_soon() -> None:
    _check({"leg_weakness": True}, ("R2c",), "soon", {"neuro_compromise"})


def test_progressive_weakness_in_both_legs_is_an_emergency_through_r1a() -> None:
    _check(
        {"progressive_leg_weakness": True, "bilateral_leg_symptoms": True},
        ("R1a", "R2b"),
        "emergency",
        {"cauda_equina", "neuro_compromise"},
    )


# --- R3 malignancy ----------------------------------------------------------------------------


def test_cancer_history_alone_is_soon() -> None:
    _check({"history_of_cancer": True}, ("R3c",), "soon", {"malignancy"})


@pytest.mark.parametrize(
    ("feature", "expected_ids", "extra_flags"),
    [
        ("radiating_leg_pain", ("R3a", "R10"), {"radiculopathy"}),
        ("leg_weakness", ("R2c", "R3a"), {"neuro_compromise"}),
        ("progressive_leg_weakness", ("R2b", "R3a"), {"neuro_compromise"}),
        ("difficulty_walking", ("R2a", "R3a"), {"neuro_compromise"}),
        ("bilateral_leg_symptoms", ("R1a", "R3a"), {"cauda_equina"}),
        ("bladder_dysfunction", ("R1a", "R3a"), {"cauda_equina"}),
        ("bowel_dysfunction", ("R1a", "R3a"), {"cauda_equina"}),
        ("saddle_numbness", ("R1a", "R3a"), {"cauda_equina"}),
    ],
)
def test_cancer_with_a_neurological_sign_is_an_emergency(
    feature: str, expected_ids: tuple[str, ...], extra_flags: set[str]
) -> None:
    _check(
        {"history_of_cancer": True, feature: True},
        expected_ids,
        "emergency",
        {"malignancy", *extra_flags},
    )


@pytest.mark.parametrize("feature", ["night_pain", "thoracic_pain", "unexplained_weight_loss"])
def test_cancer_with_night_thoracic_or_weight_loss_is_urgent_and_not_also_r3c(
    feature: str,
) -> None:
    _check({"history_of_cancer": True, feature: True}, ("R3b",), "urgent", {"malignancy"})


def test_cancer_with_night_pain_and_a_neurological_sign_fires_r3a_not_r3b() -> None:
    _check(
        {"history_of_cancer": True, "night_pain": True, "radiating_leg_pain": True},
        ("R3a", "R10"),
        "emergency",
        {"malignancy", "radiculopathy"},
    )


def test_weight_loss_without_cancer_history_is_soon() -> None:
    _check({"unexplained_weight_loss": True}, ("R3d",), "soon", {"malignancy"})


def test_weight_loss_with_cancer_history_is_urgent_through_r3b_not_r3d() -> None:
    _check(
        {"unexplained_weight_loss": True, "history_of_cancer": True},
        ("R3b",),
        "urgent",
        {"malignancy"},
    )


def test_night_pain_at_51_without_cancer_is_soon() -> None:
    _check({"age": 51, "night_pain": True}, ("R3e",), "soon", {"malignancy"})


def test_night_pain_at_exactly_50_does_not_fire() -> None:
    _check({"age": 50, "night_pain": True}, (), "routine", set())


def test_age_over_50_without_night_pain_does_not_fire() -> None:
    _check({"age": 80}, (), "routine", set())


def test_night_pain_over_50_with_cancer_fires_r3b_not_r3e() -> None:
    _check(
        {"age": 51, "night_pain": True, "history_of_cancer": True},
        ("R3b",),
        "urgent",
        {"malignancy"},
    )


# --- R4 infection -----------------------------------------------------------------------------


def test_fever_alone_is_urgent() -> None:
    _check({"fever": True}, ("R4b",), "urgent", {"infection"})


@pytest.mark.parametrize(
    ("deficit", "neuro_rule"),
    [
        ("progressive_leg_weakness", "R2b"),
        ("leg_weakness", "R2c"),
        ("difficulty_walking", "R2a"),
    ],
)
def test_fever_with_weakness_is_an_emergency_and_r4b_does_not_also_fire(
    deficit: str, neuro_rule: str
) -> None:
    _check(
        {"fever": True, deficit: True},
        (neuro_rule, "R4a"),
        "emergency",
        {"neuro_compromise", "infection"},
    )


@pytest.mark.parametrize(
    "risk", ["iv_drug_use", "immunosuppressed", "recent_infection_or_spinal_procedure"]
)
def test_infection_risk_factor_without_fever_is_soon(risk: str) -> None:
    _check({risk: True}, ("R4c",), "soon", {"infection"})


@pytest.mark.parametrize(
    "risk", ["iv_drug_use", "immunosuppressed", "recent_infection_or_spinal_procedure"]
)
def test_infection_risk_factor_with_fever_fires_only_r4b(risk: str) -> None:
    _check({risk: True, "fever": True}, ("R4b",), "urgent", {"infection"})


def test_cancer_history_with_fever_is_urgent_worked_example() -> None:
    # REFERENCE §1 notes: R3c (soon) + R4b (urgent).
    _check(
        {"history_of_cancer": True, "fever": True},
        ("R3c", "R4b"),
        "urgent",
        {"malignancy", "infection"},
    )


# --- R5 fracture ------------------------------------------------------------------------------


def test_major_trauma_is_an_emergency() -> None:
    _check({"major_trauma": True}, ("R5a",), "emergency", {"fracture"})


@pytest.mark.parametrize(
    "risk",
    [{"osteoporosis": True}, {"steroid_use": True}, {"age": 80}, {"onset": "sudden"}],
)
def test_major_trauma_excludes_r5b(risk: dict[str, Any]) -> None:
    _check(
        {"major_trauma": True, "osteoporosis": True, **risk}, ("R5a",), "emergency", {"fracture"}
    )


def test_trauma_with_osteoporosis_is_soon() -> None:
    _check({"trauma": True, "osteoporosis": True}, ("R5b",), "soon", {"fracture"})


def test_trauma_at_71_is_soon() -> None:
    _check({"trauma": True, "age": 71}, ("R5b",), "soon", {"fracture"})


def test_trauma_at_exactly_70_does_not_fire() -> None:
    _check({"trauma": True, "age": 70}, (), "routine", set())


def test_trauma_alone_does_not_fire() -> None:
    _check({"trauma": True}, (), "routine", set())


def test_age_71_without_trauma_does_not_fire() -> None:
    _check({"age": 71}, (), "routine", set())


def test_osteoporosis_with_sudden_onset_is_soon() -> None:
    _check({"osteoporosis": True, "onset": "sudden"}, ("R5b",), "soon", {"fracture"})


@pytest.mark.parametrize("onset", [{"onset": "gradual"}, {}])
def test_osteoporosis_without_sudden_onset_or_trauma_does_not_fire(
    onset: dict[str, Any],
) -> None:
    _check({"osteoporosis": True, **onset}, (), "routine", set())


def test_prolonged_steroid_use_alone_is_soon() -> None:
    _check({"steroid_use": True}, ("R5b",), "soon", {"fracture"})


@pytest.mark.parametrize(
    ("deficit", "neuro_rule"),
    [
        ("leg_weakness", "R2c"),
        ("progressive_leg_weakness", "R2b"),
        ("difficulty_walking", "R2a"),
    ],
)
def test_fracture_risk_with_leg_weakness_escalates_r5b_to_emergency(
    deficit: str, neuro_rule: str
) -> None:
    result = _check(
        {"steroid_use": True, deficit: True},
        (neuro_rule, "R5b"),
        "emergency",
        {"neuro_compromise", "fracture"},
    )
    assert _fired_urgency(result, "R5b") == "emergency"
    assert "Escalated to emergency" in result.fired[-1].reason


def test_r5b_without_weakness_keeps_soon_and_plain_reason() -> None:
    result = assess({"trauma": True, "osteoporosis": True})
    assert _fired_urgency(result, "R5b") == "soon"
    assert "Escalated" not in result.fired[0].reason


def test_major_trauma_implies_trauma() -> None:
    assert normalise_answers({"major_trauma": True}).trauma is True
    assert normalise_answers({"major_trauma": True, "trauma": False}).trauma is True
    assert normalise_answers({"trauma": True}).major_trauma is False


# --- R6 abdominal aortic aneurysm -------------------------------------------------------------


def test_pulsatile_abdominal_mass_is_an_emergency_at_any_age() -> None:
    _check({"pulsatile_abdominal_mass": True, "age": 30}, ("R6a",), "emergency", {"aaa"})


def test_low_blood_pressure_at_51_is_an_aaa_emergency() -> None:
    _check({"age": 51, "low_blood_pressure": True}, ("R6b",), "emergency", {"aaa"})


def test_low_blood_pressure_at_exactly_50_does_not_fire() -> None:
    _check({"age": 50, "low_blood_pressure": True}, (), "routine", set())


def test_loss_of_consciousness_at_51_fires_aaa_and_syncope() -> None:
    _check(
        {"age": 51, "loss_of_consciousness": True},
        ("R6b", "R7"),
        "emergency",
        {"aaa", "syncope"},
    )


def test_loss_of_consciousness_at_exactly_50_fires_syncope_only() -> None:
    _check({"age": 50, "loss_of_consciousness": True}, ("R7",), "emergency", {"syncope"})


@pytest.mark.parametrize("feature", ["abdominal_pain", "rapid_heartbeat", "dizziness"])
def test_sudden_onset_at_51_with_aaa_feature_is_an_emergency(feature: str) -> None:
    _check({"age": 51, "onset": "sudden", feature: True}, ("R6c",), "emergency", {"aaa"})


@pytest.mark.parametrize("feature", ["abdominal_pain", "rapid_heartbeat", "dizziness"])
def test_sudden_onset_at_exactly_50_with_aaa_feature_does_not_fire(feature: str) -> None:
    _check({"age": 50, "onset": "sudden", feature: True}, (), "routine", set())


@pytest.mark.parametrize("onset", [{"onset": "gradual"}, {}])
def test_aaa_feature_over_50_without_sudden_onset_does_not_fire(onset: dict[str, Any]) -> None:
    _check({"age": 60, "abdominal_pain": True, "dizziness": True, **onset}, (), "routine", set())


# --- R7, R8 -----------------------------------------------------------------------------------


def test_loss_of_consciousness_is_an_emergency() -> None:
    _check({"loss_of_consciousness": True}, ("R7",), "emergency", {"syncope"})


def test_chest_pain_or_breathlessness_is_an_emergency() -> None:
    _check({"chest_pain_or_breathlessness": True}, ("R8",), "emergency", {"cardiopulmonary"})


# --- R9 inflammatory (NICE NG65) --------------------------------------------------------------

_NG65_BASE: dict[str, Any] = {"age": 50, "back_pain_onset_age": 40, "duration_days": 91}
_THREE_CRITERIA = {"buttock_pain": True, "improves_with_movement": True, "psoriasis": True}
_TWO_CRITERIA = {"buttock_pain": True, "improves_with_movement": True}


def test_three_ng65_criteria_with_onset_before_45_and_over_90_days_is_soon() -> None:
    _check({**_NG65_BASE, **_THREE_CRITERIA}, ("R9",), "soon", {"inflammatory"})


def test_two_ng65_criteria_do_not_fire() -> None:
    _check({**_NG65_BASE, **_TWO_CRITERIA}, (), "routine", set())


@pytest.mark.parametrize(
    "criterion",
    [
        "night_waking_second_half",
        "buttock_pain",
        "improves_with_movement",
        "improves_with_nsaids_48h",
        "family_history_spa",
        "arthritis_history",
        "enthesitis_history",
        "psoriasis",
    ],
)
def test_each_ng65_yes_no_criterion_counts(criterion: str) -> None:
    others = {
        "night_waking_second_half": True,
        "buttock_pain": True,
        "family_history_spa": True,
    }
    others.pop(criterion, None)
    answers = {**_NG65_BASE, **dict(list(others.items())[:2]), criterion: True}
    _check(answers, ("R9",), "soon", {"inflammatory"})


def test_morning_stiffness_is_not_an_ng65_criterion() -> None:
    _check(
        {**_NG65_BASE, **_TWO_CRITERIA, "morning_stiffness_over_30min": True},
        (),
        "routine",
        set(),
    )


def test_back_pain_onset_before_35_counts_as_a_criterion() -> None:
    _check(
        {**_NG65_BASE, "back_pain_onset_age": 34, **_TWO_CRITERIA},
        ("R9",),
        "soon",
        {"inflammatory"},
    )


def test_back_pain_onset_at_exactly_35_does_not_count_as_a_criterion() -> None:
    _check({**_NG65_BASE, "back_pain_onset_age": 35, **_TWO_CRITERIA}, (), "routine", set())


def test_back_pain_onset_at_44_qualifies_for_ng65() -> None:
    _check(
        {**_NG65_BASE, "back_pain_onset_age": 44, **_THREE_CRITERIA},
        ("R9",),
        "soon",
        {"inflammatory"},
    )


def test_back_pain_onset_at_45_does_not_qualify_for_ng65() -> None:
    _check({**_NG65_BASE, "back_pain_onset_age": 45, **_THREE_CRITERIA}, (), "routine", set())


def test_duration_of_exactly_90_days_does_not_qualify_for_ng65() -> None:
    _check({**_NG65_BASE, "duration_days": 90, **_THREE_CRITERIA}, (), "routine", set())


@pytest.mark.parametrize("missing", ["back_pain_onset_age", "duration_days"])
def test_ng65_does_not_fire_when_onset_age_or_duration_is_unknown(missing: str) -> None:
    answers = {**_NG65_BASE, **_THREE_CRITERIA, "night_waking_second_half": True}
    del answers[missing]
    _check(answers, (), "routine", set())


# --- R10 --------------------------------------------------------------------------------------


def test_radiating_leg_pain_alone_is_routine_with_radiculopathy_flag() -> None:
    _check({"radiating_leg_pain": True}, ("R10",), "routine", {"radiculopathy"})


# --- missing values, combination, order ------------------------------------------------------


def test_missing_age_means_no_age_rule_fires() -> None:
    answers = {
        "night_pain": True,
        "trauma": True,
        "low_blood_pressure": True,
        "onset": "sudden",
        "dizziness": True,
    }
    _check(answers, (), "routine", set())
    _check(
        {**answers, "age": 80},
        ("R3e", "R5b", "R6b", "R6c"),
        "emergency",
        {"malignancy", "fracture", "aaa"},
    )


def test_missing_booleans_are_false() -> None:
    all_no = {
        name: False
        for name in (
            "fever",
            "history_of_cancer",
            "bladder_dysfunction",
            "radiating_leg_pain",
            "loss_of_consciousness",
            "steroid_use",
        )
    }
    assert assess({"age": 40, **all_no}).to_dict() == assess({"age": 40}).to_dict()


def test_none_is_treated_as_a_missing_answer() -> None:
    _check({"age": None, "night_pain": True, "fever": None}, (), "routine", set())


def test_unknown_keys_are_ignored() -> None:
    _check(
        {"start_back": {"q1": 1}, "description": "twinge", "fever": True},
        ("R4b",),
        "urgent",
        {"infection"},
    )


def test_urgency_is_the_maximum_and_flags_are_the_union() -> None:
    _check(
        {"leg_weakness": True, "history_of_cancer": True, "chest_pain_or_breathlessness": True},
        ("R2c", "R3a", "R8"),
        "emergency",
        {"neuro_compromise", "malignancy", "cardiopulmonary"},
    )


def test_fired_rules_are_in_rule_table_order() -> None:
    result = assess(
        {
            "radiating_leg_pain": True,
            "chest_pain_or_breathlessness": True,
            "fever": True,
            "bladder_dysfunction": True,
        }
    )
    assert [rule.id for rule in result.fired] == ["R1a", "R4b", "R8", "R10"]


# --- invalid input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"fever": "yes"}, "fever"),
        ({"fever": 1}, "fever"),
        ({"fever": 0}, "fever"),
        ({"age": "51"}, "age"),
        ({"age": 51.0}, "age"),
        ({"age": True}, "age"),
        ({"age": -1}, "age"),
        ({"age": 121}, "age"),
        ({"pain_nrs": 11}, "pain_nrs"),
        ({"duration_days": -1}, "duration_days"),
        ({"onset": "abrupt"}, "onset"),
        ({"onset": True}, "onset"),
        ({"sex": "m"}, "sex"),
        ({"age": 30, "back_pain_onset_age": 31}, "back_pain_onset_age"),
    ],
)
def test_invalid_values_raise_invalid_answers_naming_the_field(
    answers: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        assess(answers)
    assert set(caught.value.errors) == {field}
    assert isinstance(caught.value, ValueError)


def test_invalid_answers_reports_every_bad_field() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        assess({"fever": "no", "age": "sixty", "pain_nrs": 3})
    assert set(caught.value.errors) == {"fever", "age"}


def test_unknown_ruleset_version_raises() -> None:
    with pytest.raises(UnknownRulesetVersion):
        assess({}, version="1999.1")


# --- versions ---------------------------------------------------------------------------------


def test_result_names_the_current_ruleset_version_by_default() -> None:
    assert assess({}).ruleset_version == CURRENT_VERSION == "2026.1"
    assert assess({}, version="2026.1").ruleset_version == "2026.1"


def test_a_new_ruleset_version_leaves_old_results_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stricter = tuple(
        Rule(
            id=rule.id,
            urgency="emergency",
            flags=rule.flags,
            reason=rule.reason,
            source=rule.source,
            confidence=rule.confidence,
            condition=rule.condition,
        )
        if rule.id == "R4b"
        else rule
        for rule in RULESETS["2026.1"]
    )
    monkeypatch.setattr(rules, "RULESETS", MappingProxyType({**RULESETS, "2099.1": stricter}))
    assert assess({"fever": True}, version="2099.1").urgency == "emergency"
    assert assess({"fever": True}, version="2026.1").urgency == "urgent"
    assert assess({"fever": True}).urgency == "urgent"


def test_rule_ids_are_unique_and_every_rule_has_reason_source_and_confidence() -> None:
    for version, ruleset in RULESETS.items():
        ids = [rule.id for rule in ruleset]
        assert len(ids) == len(set(ids)), version
        for rule in ruleset:
            assert rule.reason and rule.source
            assert rule.confidence in {"H", "M", "L"}


def test_current_ruleset_has_every_rule_of_the_reference_table() -> None:
    assert [rule.id for rule in RULESETS[CURRENT_VERSION]] == [
        "R1a", "R1b", "R2a", "R2b", "R2c", "R3a", "R3b", "R3c", "R3d", "R3e",
        "R4a", "R4b", "R4c", "R5a", "R5b", "R6a", "R6b", "R6c", "R7", "R8", "R9", "R10",
    ]  # fmt: skip


def test_rule_rejects_an_unknown_flag_or_a_downward_escalation() -> None:
    with pytest.raises(ValueError, match="unknown flags"):
        Rule("X", "soon", frozenset({"gout"}), "r", "s", "L", lambda a: True)
    with pytest.raises(ValueError, match="escalate_to must be above"):
        Rule(
            "X",
            "urgent",
            frozenset(),
            "r",
            "s",
            "L",
            lambda a: True,
            escalate_to="soon",
            escalate_when=lambda a: True,
        )


def test_urgency_levels_are_ordered() -> None:
    ranks = [urgency_rank(level) for level in ("routine", "soon", "urgent", "emergency")]
    assert ranks == [0, 1, 2, 3]
    assert max_urgency([]) == "routine"
    assert max_urgency(["soon", "emergency", "urgent"]) == "emergency"
    with pytest.raises(ValueError):
        urgency_rank("critical")


# --- messages and serialisation ---------------------------------------------------------------


# The engine words the message with the numbers it is given (the clinic's, in the app); these
# are the United Kingdom's and the United States' as clinic/countries.py gives them.
UK = SafetyNumbers(emergency_number="999", urgent_service="NHS 111")
US = SafetyNumbers(emergency_number="911", urgent_service="")


def _message(answers: dict[str, object], numbers: SafetyNumbers = UK) -> str:
    return assess(answers, numbers=numbers).patient_message


def test_every_result_carries_the_cauda_equina_warning_signs() -> None:
    for answers in ({}, {"leg_weakness": True}, {"fever": True}, {"saddle_numbness": True}):
        message = _message(answers)
        assert CES_WARNING % {"emergency_number": "999"} in message
        assert "back passage" in message
        assert "urine" in message
        assert "emergency department" in message


def test_emergency_message_says_go_to_the_emergency_department_or_call_999_now() -> None:
    message = _message({"saddle_numbness": True})
    headline = message.split("\n\n")[0]
    assert "now" in headline
    assert "999" in headline
    assert "emergency department" in headline


def test_urgent_message_says_get_same_day_medical_advice() -> None:
    headline = _message({"fever": True}).split("\n\n")[0]
    assert "today" in headline
    assert "GP" in headline
    assert "NHS 111" in headline
    assert "clinic" in headline


def test_messages_name_the_numbers_they_are_given_and_no_others() -> None:
    for answers in ({}, {"history_of_cancer": True}, {"fever": True}, {"saddle_numbness": True}):
        message = _message(answers, US)
        assert "911" in message
        assert "999" not in message
        assert "111" not in message
        assert "%(" not in message


def test_without_an_urgent_service_the_patient_is_told_to_contact_their_doctor() -> None:
    urgent = _message({"fever": True}, US).split("\n\n")[0]
    soon = _message({"history_of_cancer": True}, US).split("\n\n")[0]
    assert "contact your doctor or call the clinic today" in urgent
    assert soon.endswith("contact your doctor today.")


def test_without_numbers_the_engine_only_grades() -> None:
    assert assess({"saddle_numbness": True}).patient_message == ""


def test_soon_message_says_the_physiotherapist_will_arrange_a_priority_review() -> None:
    headline = _message({"history_of_cancer": True}).split("\n\n")[0]
    assert "physiotherapist will" in headline
    assert "priority review" in headline


def test_routine_message_reassures_that_the_physiotherapist_will_review() -> None:
    headline = _message({}).split("\n\n")[0]
    assert "physiotherapist will review" in headline
    assert "999" not in headline


def test_clinician_summary_lists_urgency_and_each_fired_rule_with_its_reason() -> None:
    result = assess({"history_of_cancer": True, "fever": True})
    assert "urgent" in result.clinician_summary
    for rule in result.fired:
        assert f"{rule.id} ({rule.urgency}): {rule.reason}" in result.clinician_summary


def test_clinician_summary_says_when_no_rule_fired() -> None:
    assert "No rule fired" in assess({}).clinician_summary


def test_to_dict_is_json_serialisable_with_sorted_flags() -> None:
    result = assess({"fever": True, "history_of_cancer": True, "radiating_leg_pain": True})
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["flags"] == ["infection", "malignancy", "radiculopathy"]
    assert [rule["id"] for rule in data["fired"]] == ["R3a", "R4b", "R10"]
    assert data["urgency"] == "emergency"
    assert data["ruleset_version"] == "2026.1"
    assert all(rule["flags"] == sorted(rule["flags"]) for rule in data["fired"])


def test_assessment_is_deterministic() -> None:
    answers = {"age": 72, "trauma": True, "steroid_use": True, "difficulty_walking": True}
    assert assess(answers) == assess(answers)
    assert assess(answers).to_dict() == assess(dict(reversed(answers.items()))).to_dict()
