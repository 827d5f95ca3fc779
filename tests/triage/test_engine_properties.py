"""Property tests: the engine against an independent re-encoding of REFERENCE.md §1.

The oracle below is written from the table, not from triage/rules.py, so a slip in either
shows up as a disagreement.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.engine import assess
from triage.questionnaire import OPTIONAL_FIELDS

LEVELS = ["routine", "soon", "urgent", "emergency"]

TABLE_ORDER = [
    "R1a", "R1b", "R2a", "R2b", "R2c", "R3a", "R3b", "R3c", "R3d", "R3e",
    "R4a", "R4b", "R4c", "R5a", "R5b", "R6a", "R6b", "R6c", "R7", "R8", "R9", "R10",
]  # fmt: skip

NG65_BOOLEANS = [
    "night_waking_second_half",
    "buttock_pain",
    "improves_with_movement",
    "improves_with_nsaids_48h",
    "family_history_spa",
    "arthritis_history",
    "enthesitis_history",
    "psoriasis",
]

BOOLEANS = [
    "trauma",
    "major_trauma",
    "night_pain",
    "thoracic_pain",
    "fever",
    "unexplained_weight_loss",
    "history_of_cancer",
    "iv_drug_use",
    "immunosuppressed",
    "recent_infection_or_spinal_procedure",
    "steroid_use",
    "osteoporosis",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "saddle_numbness",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "radiating_leg_pain",
    "leg_weakness",
    "progressive_leg_weakness",
    "difficulty_walking",
    "loss_of_consciousness",
    "pulsatile_abdominal_mass",
    "abdominal_pain",
    "rapid_heartbeat",
    "low_blood_pressure",
    "dizziness",
    "chest_pain_or_breathlessness",
    "morning_stiffness_over_30min",
    *NG65_BOOLEANS,
]


# Fields whose combinations decide between neighbouring rules (R1a/R1b, R3a-c, R4a-c, R5a/b).
INTERACTING = [
    "sexual_dysfunction",
    "radiating_leg_pain",
    "history_of_cancer",
    "fever",
    "leg_weakness",
    "trauma",
    "osteoporosis",
    "steroid_use",
    "night_pain",
    "iv_drug_use",
]


def oracle(d: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """Rule id -> (urgency, flags) for every row of the §1 table whose condition holds."""

    def yes(name: str) -> bool:
        return d.get(name) is True

    age = d.get("age")
    onset = d.get("onset")
    duration = d.get("duration_days")
    onset_age = d.get("back_pain_onset_age")
    over_50 = age is not None and age > 50
    over_70 = age is not None and age > 70
    major_trauma = yes("major_trauma")
    trauma = yes("trauma") or major_trauma
    cancer = yes("history_of_cancer")
    weakness = yes("progressive_leg_weakness") or yes("leg_weakness") or yes("difficulty_walking")
    out: dict[str, tuple[str, set[str]]] = {}

    ces_indicator = (
        yes("bladder_dysfunction")
        or yes("bowel_dysfunction")
        or yes("saddle_numbness")
        or yes("bilateral_leg_symptoms")
    )
    if ces_indicator:
        out["R1a"] = ("emergency", {"cauda_equina"})
    if yes("sexual_dysfunction") and (ces_indicator or yes("radiating_leg_pain")):
        out["R1b"] = ("emergency", {"cauda_equina"})

    if yes("difficulty_walking"):
        out["R2a"] = ("emergency", {"neuro_compromise"})
    if yes("progressive_leg_weakness"):
        out["R2b"] = ("urgent", {"neuro_compromise"})
    if yes("leg_weakness"):
        out["R2c"] = ("soon", {"neuro_compromise"})

    r3a_features = (
        yes("radiating_leg_pain")
        or yes("leg_weakness")
        or yes("progressive_leg_weakness")
        or yes("difficulty_walking")
        or yes("bilateral_leg_symptoms")
        or yes("bladder_dysfunction")
        or yes("bowel_dysfunction")
        or yes("saddle_numbness")
    )
    r3b_features = yes("night_pain") or yes("thoracic_pain") or yes("unexplained_weight_loss")
    if cancer and r3a_features:
        out["R3a"] = ("emergency", {"malignancy"})
    if cancer and not r3a_features and r3b_features:
        out["R3b"] = ("urgent", {"malignancy"})
    if cancer and not r3a_features and not r3b_features:
        out["R3c"] = ("soon", {"malignancy"})
    if not cancer and yes("unexplained_weight_loss"):
        out["R3d"] = ("soon", {"malignancy"})
    if not cancer and over_50 and yes("night_pain"):
        out["R3e"] = ("soon", {"malignancy"})

    if yes("fever") and weakness:
        out["R4a"] = ("emergency", {"infection"})
    if yes("fever") and not weakness:
        out["R4b"] = ("urgent", {"infection"})
    if not yes("fever") and (
        yes("iv_drug_use") or yes("immunosuppressed") or yes("recent_infection_or_spinal_procedure")
    ):
        out["R4c"] = ("soon", {"infection"})

    if major_trauma:
        out["R5a"] = ("emergency", {"fracture"})
    if not major_trauma and (
        (trauma and (yes("osteoporosis") or yes("steroid_use") or over_70))
        or (yes("osteoporosis") and onset == "sudden")
        or yes("steroid_use")
    ):
        out["R5b"] = ("emergency" if weakness else "soon", {"fracture"})

    if yes("pulsatile_abdominal_mass"):
        out["R6a"] = ("emergency", {"aaa"})
    if over_50 and (yes("loss_of_consciousness") or yes("low_blood_pressure")):
        out["R6b"] = ("emergency", {"aaa"})
    if (
        over_50
        and onset == "sudden"
        and (yes("abdominal_pain") or yes("rapid_heartbeat") or yes("dizziness"))
    ):
        out["R6c"] = ("emergency", {"aaa"})

    if yes("loss_of_consciousness"):
        out["R7"] = ("emergency", {"syncope"})
    if yes("chest_pain_or_breathlessness"):
        out["R8"] = ("emergency", {"cardiopulmonary"})

    if onset_age is not None and duration is not None and onset_age < 45 and duration > 90:
        criteria = sum(yes(name) for name in NG65_BOOLEANS) + (1 if onset_age < 35 else 0)
        if criteria >= 3:
            out["R9"] = ("soon", {"inflammatory"})

    if yes("radiating_leg_pain"):
        out["R10"] = ("routine", {"radiculopathy"})
    return out


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), values)


@st.composite
def intake_answers(draw: st.DrawFn) -> dict[str, Any]:
    # Few "yes" answers per draw, so lower urgency levels are reached as well as emergency.
    yes = draw(st.sets(st.sampled_from(BOOLEANS), max_size=4))
    yes |= draw(st.sets(st.sampled_from(NG65_BOOLEANS), max_size=5))
    yes |= draw(st.sets(st.sampled_from(INTERACTING), max_size=3))
    no = draw(st.sets(st.sampled_from(BOOLEANS), max_size=10)) - yes
    data: dict[str, Any] = {name: True for name in yes} | {name: False for name in no}

    age = draw(_maybe(st.one_of(st.sampled_from([50, 51, 70, 71]), st.integers(16, 100))))
    onset_age = draw(_maybe(st.one_of(st.sampled_from([34, 35, 44, 45]), st.integers(0, 100))))
    if age is not None and onset_age is not None:
        onset_age = min(onset_age, age)
    extras = {
        "age": age,
        "back_pain_onset_age": onset_age,
        "onset": draw(_maybe(st.sampled_from(["sudden", "gradual"]))),
        "duration_days": draw(_maybe(st.one_of(st.sampled_from([90, 91]), st.integers(0, 400)))),
        "pain_nrs": draw(_maybe(st.integers(0, 10))),
        "sex": draw(_maybe(st.sampled_from(["male", "female"]))),
    }
    # Absent and None both mean "not answered"; exercise both.
    omit_none = draw(st.booleans())
    data.update({k: v for k, v in extras.items() if v is not None or not omit_none})
    return data


PROPERTY_SETTINGS = settings(max_examples=500, derandomize=True, deadline=None, database=None)


@PROPERTY_SETTINGS
@given(intake_answers())
def test_engine_agrees_with_the_reference_table(answers: dict[str, Any]) -> None:
    expected = oracle(answers)
    result = assess(answers)

    assert [rule.id for rule in result.fired] == [i for i in TABLE_ORDER if i in expected]
    for rule in result.fired:
        assert (rule.urgency, set(rule.flags)) == expected[rule.id]

    for urgency, _ in expected.values():
        assert LEVELS.index(result.urgency) >= LEVELS.index(urgency)
    top = max((LEVELS.index(u) for u, _ in expected.values()), default=0)
    assert result.urgency == LEVELS[top]
    assert result.flags == frozenset().union(*(flags for _, flags in expected.values()))


@PROPERTY_SETTINGS
@given(intake_answers(), st.integers(0, 10))
def test_pain_score_never_changes_the_assessment(answers: dict[str, Any], pain: int) -> None:
    without = {k: v for k, v in answers.items() if k != "pain_nrs"}
    assert assess({**without, "pain_nrs": pain}).to_dict() == assess(without).to_dict()


@PROPERTY_SETTINGS
@given(intake_answers())
def test_optional_yes_no_answers_never_change_rules_r1_to_r8(answers: dict[str, Any]) -> None:
    # The questionnaire may leave these unanswered, so no red-flag rule may depend on them.
    optional_booleans = set(OPTIONAL_FIELDS) & set(BOOLEANS)
    trimmed = {k: v for k, v in answers.items() if k not in optional_booleans}

    def red_flag_ids(data: dict[str, Any]) -> list[str]:
        return [rule.id for rule in assess(data).fired if rule.id not in {"R9", "R10"}]

    assert red_flag_ids(trimmed) == red_flag_ids(answers)
