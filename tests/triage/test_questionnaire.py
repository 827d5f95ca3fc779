"""Intake questionnaire vocabulary and validate_answers (clinical/REFERENCE.md §0.1)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from triage.questionnaire import (
    FIELDS,
    FIELDS_BY_NAME,
    GROUPS,
    OPTIONAL_FIELDS,
    QUESTIONNAIRE_VERSION,
    REQUIRED,
    REQUIRED_FIELDS,
    validate_answers,
)
from triage.rules import Answers

NG65_ITEMS = {
    "back_pain_onset_age",
    "night_waking_second_half",
    "buttock_pain",
    "improves_with_movement",
    "improves_with_nsaids_48h",
    "family_history_spa",
    "arthritis_history",
    "enthesitis_history",
    "psoriasis",
}

BOOLEAN_FIELDS = [spec.name for spec in FIELDS if spec.type == "bool"]


def _complete(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {name: False for name in REQUIRED_FIELDS}
    answers["age"] = 40
    answers.update(overrides)
    return answers


def _full(**overrides: Any) -> dict[str, Any]:
    answers = _complete(
        sex="female",
        onset="gradual",
        duration_days=120,
        pain_nrs=6,
        back_pain_onset_age=30,
        morning_stiffness_over_30min=True,
        **{name: True for name in NG65_ITEMS - {"back_pain_onset_age"}},
    )
    answers.update(overrides)
    return answers


def test_a_complete_set_of_required_answers_is_valid() -> None:
    assert validate_answers(_complete()) == {}


def test_a_full_set_with_every_optional_answer_is_valid() -> None:
    assert validate_answers(_full()) == {}


def test_unknown_keys_are_not_this_functions_concern() -> None:
    assert validate_answers(_complete(start_back={"q1": 1}, oswestry=[], description="x")) == {}


@pytest.mark.parametrize("name", REQUIRED_FIELDS)
def test_each_missing_required_field_is_named(name: str) -> None:
    answers = _complete()
    del answers[name]
    assert validate_answers(answers) == {name: REQUIRED}


@pytest.mark.parametrize("name", REQUIRED_FIELDS)
def test_a_required_field_answered_with_none_counts_as_missing(name: str) -> None:
    assert validate_answers(_complete(**{name: None})) == {name: REQUIRED}


def test_an_empty_submission_names_every_required_field() -> None:
    assert validate_answers({}) == {name: REQUIRED for name in REQUIRED_FIELDS}


@pytest.mark.parametrize("name", OPTIONAL_FIELDS)
def test_optional_fields_may_be_left_out(name: str) -> None:
    answers = _full()
    del answers[name]
    assert validate_answers(answers) == {}


@pytest.mark.parametrize("name", BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", ["yes", "false", 1, 0, 1.0, [True]])
def test_a_yes_no_field_rejects_anything_but_a_real_bool(name: str, value: Any) -> None:
    assert set(validate_answers(_full(**{name: value}))) == {name}


@pytest.mark.parametrize("name", ["age", "duration_days", "pain_nrs", "back_pain_onset_age"])
@pytest.mark.parametrize("value", ["5", 5.0, True, False, [5]])
def test_a_number_field_rejects_anything_but_an_int(name: str, value: Any) -> None:
    assert set(validate_answers(_full(**{name: value}))) == {name}


@pytest.mark.parametrize(
    ("name", "value"),
    [("onset", "abrupt"), ("onset", "Sudden"), ("onset", 1), ("sex", "m"), ("sex", True)],
)
def test_a_choice_field_rejects_values_outside_its_choices(name: str, value: Any) -> None:
    assert set(validate_answers(_full(**{name: value}))) == {name}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("age", -1),
        ("age", 121),
        ("pain_nrs", -1),
        ("pain_nrs", 11),
        ("duration_days", -1),
        ("back_pain_onset_age", -1),
    ],
)
def test_out_of_range_numbers_are_rejected(name: str, value: int) -> None:
    assert set(validate_answers(_full(**{name: value}))) == {name}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("age", 0),
        ("age", 120),
        ("pain_nrs", 0),
        ("pain_nrs", 10),
        ("duration_days", 0),
        ("duration_days", 10_000),
        ("back_pain_onset_age", 0),
    ],
)
def test_numbers_at_the_edges_of_their_range_are_accepted(name: str, value: int) -> None:
    answers = _full(**{name: value})
    if name == "age":
        answers["back_pain_onset_age"] = 0
    assert validate_answers(answers) == {}


def test_back_pain_onset_age_above_current_age_is_rejected() -> None:
    assert set(validate_answers(_full(age=30, back_pain_onset_age=31))) == {"back_pain_onset_age"}


def test_back_pain_onset_age_equal_to_current_age_is_accepted() -> None:
    assert validate_answers(_full(age=30, back_pain_onset_age=30)) == {}


def test_back_pain_onset_age_above_120_is_rejected_even_without_age() -> None:
    answers = _full(back_pain_onset_age=121)
    del answers["age"]
    errors = validate_answers(answers)
    assert set(errors) == {"age", "back_pain_onset_age"}
    assert errors["age"] == REQUIRED
    assert "between 0 and 120" in errors["back_pain_onset_age"]


def test_every_problem_is_reported_at_once() -> None:
    answers = _complete(fever="yes", pain_nrs=12)
    del answers["bladder_dysfunction"]
    assert set(validate_answers(answers)) == {"fever", "pain_nrs", "bladder_dysfunction"}


# --- the vocabulary ---------------------------------------------------------------------------


def test_required_and_optional_fields_partition_the_vocabulary() -> None:
    names = [spec.name for spec in FIELDS]
    assert len(names) == len(set(names))
    assert set(REQUIRED_FIELDS) | set(OPTIONAL_FIELDS) == set(names)
    assert not set(REQUIRED_FIELDS) & set(OPTIONAL_FIELDS)


def test_required_fields_are_age_and_the_red_flag_yes_no_questions() -> None:
    assert "age" in REQUIRED_FIELDS
    assert all(FIELDS_BY_NAME[n].type == "bool" for n in REQUIRED_FIELDS if n != "age")
    assert not NG65_ITEMS & set(REQUIRED_FIELDS)
    for name in (
        "sex",
        "onset",
        "duration_days",
        "pain_nrs",
        "morning_stiffness_over_30min",
    ):
        assert name in OPTIONAL_FIELDS


def test_the_vocabulary_matches_the_engine_answer_fields() -> None:
    assert {spec.name for spec in FIELDS} == {f.name for f in dataclasses.fields(Answers)}


def test_every_field_has_a_question_and_a_known_group() -> None:
    for spec in FIELDS:
        assert spec.question.endswith("?") or spec.question.endswith(".)")
        assert spec.group in GROUPS
        if spec.type == "choice":
            assert spec.choices


def test_field_types_and_ranges_follow_the_reference() -> None:
    assert (FIELDS_BY_NAME["age"].minimum, FIELDS_BY_NAME["age"].maximum) == (0, 120)
    assert (FIELDS_BY_NAME["pain_nrs"].minimum, FIELDS_BY_NAME["pain_nrs"].maximum) == (0, 10)
    assert FIELDS_BY_NAME["duration_days"].minimum == 0
    assert FIELDS_BY_NAME["onset"].choices == ("sudden", "gradual")
    assert FIELDS_BY_NAME["sex"].choices == ("male", "female")


def test_questionnaire_version_is_set() -> None:
    assert QUESTIONNAIRE_VERSION == "2026.1"
