"""Behaviour of the STarT Back, Oswestry and MIC scoring (REFERENCE.md §3-§5)."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.instruments import (
    ODI_MIN_ANSWERED,
    ODI_SECTION_LABELS,
    ODI_SECTIONS,
    START_BACK_COPYRIGHT,
    START_BACK_ITEM9_LABELS,
    START_BACK_ITEMS,
    START_BACK_PREAMBLE,
    Pathway,
    important_change,
    nrs_band,
    oswestry,
    pathway_for_risk,
    start_back,
)

# ---------------------------------------------------------------------------
# STarT Back (§3)
# ---------------------------------------------------------------------------


def answers(items: list[int], item9: str = "Not at all") -> list[object]:
    assert len(items) == 8
    return [*items, item9]


def test_all_disagree_and_not_bothered_is_low_risk_with_zero_scores() -> None:
    result = start_back(answers([0] * 8))
    assert (result.total, result.psychosocial, result.risk) == (0, 0, "low")


def test_psychosocial_subscale_is_items_5_to_9_not_1_4_7_8_9() -> None:
    # Items 1, 4, 7, 8, 9 positive: the RehabMeasures subscale would be 5 (high);
    # Keele's items 5-9 give 3, so the answer is medium.
    result = start_back(answers([1, 0, 0, 1, 0, 0, 1, 1], "Extremely"))
    assert result.total == 5
    assert result.psychosocial == 3
    assert result.risk == "medium"


def test_items_5_to_8_alone_give_high_risk_although_items_1_and_4_are_negative() -> None:
    result = start_back(answers([0, 0, 0, 0, 1, 1, 1, 1]))
    assert (result.total, result.psychosocial, result.risk) == (4, 4, "high")


def test_moderately_bothersome_does_not_count_for_item_9() -> None:
    result = start_back(answers([0, 0, 0, 0, 1, 1, 1, 0], "Moderately"))
    assert (result.total, result.psychosocial, result.risk) == (3, 3, "low")


@pytest.mark.parametrize(
    ("label", "score"),
    [
        ("Not at all", 0),
        ("Slightly", 0),
        ("Moderately", 0),
        ("Very much", 1),
        ("Extremely", 1),
    ],
)
def test_item_9_scores_one_only_for_very_much_or_extremely(label: str, score: int) -> None:
    assert start_back(answers([0] * 8, label)).total == score


@pytest.mark.parametrize("label", ["very much", "VERY MUCH", "  Very Much  ", "eXtReMeLy\n"])
def test_item_9_labels_match_case_insensitively_and_ignore_surrounding_whitespace(
    label: str,
) -> None:
    assert start_back(answers([0] * 8, label)).psychosocial == 1


def test_high_risk_needs_subscale_of_at_least_4() -> None:
    result = start_back(answers([1, 1, 1, 1, 1, 1, 1, 0]))
    assert (result.total, result.psychosocial, result.risk) == (7, 3, "medium")


def test_subscale_4_is_high_risk() -> None:
    result = start_back(answers([0, 0, 0, 0, 1, 1, 1, 0], "Very much"))
    assert (result.total, result.psychosocial, result.risk) == (4, 4, "high")


def test_maximum_scores_are_high_risk() -> None:
    result = start_back(answers([1] * 8, "Extremely"))
    assert (result.total, result.psychosocial, result.risk) == (9, 5, "high")


def test_total_3_is_low_risk() -> None:
    result = start_back(answers([1, 1, 1, 0, 0, 0, 0, 0]))
    assert (result.total, result.risk) == (3, "low")


def test_total_4_with_subscale_3_is_medium_risk() -> None:
    result = start_back(answers([1, 0, 0, 0, 1, 1, 1, 0]))
    assert (result.total, result.psychosocial, result.risk) == (4, 3, "medium")


def test_booleans_are_accepted_for_items_1_to_8() -> None:
    result = start_back([True, False, True, False, True, False, False, False, "Slightly"])
    assert (result.total, result.psychosocial) == (3, 1)


@pytest.mark.parametrize("bad", [2, -1, "yes", "1", None, 1.0, 0.5])
@pytest.mark.parametrize("position", [1, 5, 8])
def test_invalid_binary_answer_is_rejected_naming_the_item(bad: object, position: int) -> None:
    given_answers = answers([0] * 8)
    given_answers[position - 1] = bad
    with pytest.raises(ValueError, match=rf"item {position}\b"):
        start_back(given_answers)


@pytest.mark.parametrize("bad", ["Very", "Somewhat", "", None, 1, 0, True])
def test_invalid_item_9_answer_is_rejected_naming_item_9(bad: object) -> None:
    with pytest.raises(ValueError, match=r"item 9\b"):
        start_back(answers([0] * 8, bad))  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [0, 8, 10])
def test_wrong_number_of_answers_is_rejected(count: int) -> None:
    with pytest.raises(ValueError, match="9"):
        start_back([0] * count)


def test_a_string_is_not_accepted_as_the_answer_sequence() -> None:
    with pytest.raises(ValueError):
        start_back("000000000")


def test_start_back_form_text_is_the_keele_wording() -> None:
    assert START_BACK_PREAMBLE == (
        "Thinking about the last 2 weeks tick your response to the following questions."
    )
    assert len(START_BACK_ITEMS) == 9
    assert START_BACK_ITEMS[0] == (
        "My back pain has spread down my leg(s) at some time in the last 2 weeks"
    )
    assert START_BACK_ITEMS[4] == (
        "It's not really safe for a person with a condition like mine to be physically active"
    )
    assert START_BACK_ITEMS[8] == (
        "Overall, how bothersome has your back pain been in the last 2 weeks?"
    )
    assert START_BACK_ITEM9_LABELS == (
        "Not at all",
        "Slightly",
        "Moderately",
        "Very much",
        "Extremely",
    )
    assert START_BACK_COPYRIGHT == "© Keele University 2007"


# ---------------------------------------------------------------------------
# Stratified care (§3, Hill 2011)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "code"),
    [
        ("low", "advice_self_management"),
        ("medium", "physiotherapy"),
        ("high", "psychologically_informed_physiotherapy"),
    ],
)
def test_pathway_for_risk_matches_treatment_to_risk_group(risk: str, code: str) -> None:
    pathway = pathway_for_risk(risk)
    assert isinstance(pathway, Pathway)
    assert pathway.code == code
    assert pathway.label
    assert pathway.description
    assert "\n" not in pathway.description


def test_pathway_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        pathway_for_risk("low").code = "other"  # type: ignore[misc]


@pytest.mark.parametrize("risk", ["", "moderate", "HIGH-ish", "none"])
def test_unknown_risk_group_has_no_pathway(risk: str) -> None:
    with pytest.raises(ValueError):
        pathway_for_risk(risk)


def test_start_back_result_offers_its_pathway() -> None:
    assert start_back(answers([0] * 8)).pathway.code == "advice_self_management"


# ---------------------------------------------------------------------------
# Oswestry Disability Index (§4)
# ---------------------------------------------------------------------------


def sections(*scores: int | None) -> dict[str, int | list[int] | None]:
    return dict(zip(ODI_SECTIONS, scores, strict=True))


def test_odi_sections_are_the_v2_1a_sections_in_order() -> None:
    assert ODI_SECTIONS == (
        "pain_intensity",
        "personal_care",
        "lifting",
        "walking",
        "sitting",
        "standing",
        "sleeping",
        "sex_life",
        "social_life",
        "travelling",
    )
    assert set(ODI_SECTION_LABELS) == set(ODI_SECTIONS)
    assert ODI_MIN_ANSWERED == 8


def test_all_ten_sections_totalling_16_score_32_percent() -> None:
    result = oswestry(sections(3, 2, 2, 1, 2, 2, 1, 1, 1, 1))
    assert result.score == 32.0
    assert result.band == "moderate"
    assert result.answered == 10


def test_one_missed_section_totalling_16_scores_35_6_not_35_5() -> None:
    result = oswestry(sections(3, 2, 2, 1, 2, 2, 1, None, 2, 1))
    assert result.score == 35.6
    assert result.answered == 9


def test_a_missing_key_counts_as_an_unanswered_section() -> None:
    given_sections = sections(3, 2, 2, 1, 2, 2, 1, 0, 2, 1)
    del given_sections["sex_life"]
    assert oswestry(given_sections).score == 35.6


def test_double_tick_takes_the_higher_score() -> None:
    ticked = sections(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ticked["lifting"] = [2, 4]
    result = oswestry(ticked)
    assert result.score == 8.0


def test_single_element_list_is_one_tick() -> None:
    ticked = sections(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ticked["lifting"] = [5]
    assert oswestry(ticked).score == 10.0


def test_eight_answered_sections_give_a_score() -> None:
    result = oswestry(sections(2, 2, 2, 2, 2, 2, 2, 2, None, None))
    assert result.score == 40.0
    assert result.band == "moderate"
    assert result.answered == 8


def test_seven_answered_sections_give_no_score_and_no_band() -> None:
    result = oswestry(sections(2, 2, 2, 2, 2, 2, 2, None, None, None))
    assert result.score is None
    assert result.band is None
    assert result.answered == 7


def test_min_answered_is_configurable() -> None:
    result = oswestry(sections(2, 2, 2, 2, 2, 2, 2, None, None, None), min_answered=7)
    assert result.score == 40.0


@pytest.mark.parametrize("bad", [0, 11, True, "8"])
def test_min_answered_out_of_range_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        oswestry(sections(*[1] * 10), min_answered=bad)  # type: ignore[arg-type]


def test_empty_form_gives_no_score() -> None:
    assert oswestry({}) == oswestry(sections(*[None] * 10))
    assert oswestry({}).answered == 0


@pytest.mark.parametrize(
    ("total", "score", "band"),
    [
        (0, 0.0, "minimal"),
        (10, 20.0, "minimal"),
        (11, 22.0, "moderate"),
        (20, 40.0, "moderate"),
        (21, 42.0, "severe"),
        (30, 60.0, "severe"),
        (31, 62.0, "crippled"),
        (40, 80.0, "crippled"),
        (41, 82.0, "bed_bound_or_exaggerating"),
        (50, 100.0, "bed_bound_or_exaggerating"),
    ],
)
def test_band_boundaries_are_inclusive_upper_bounds(total: int, score: float, band: str) -> None:
    per_section = [min(5, max(0, total - 5 * i)) for i in range(10)]
    assert sum(per_section) == total
    result = oswestry(sections(*per_section))
    assert (result.score, result.band) == (score, band)


def test_unknown_section_is_rejected_naming_it() -> None:
    with pytest.raises(ValueError, match="employment"):
        oswestry({**sections(*[1] * 10), "employment": 2})


@pytest.mark.parametrize("bad", [-1, 6, True, False, 2.0, "3", [1, 6], [True]])
def test_out_of_range_or_non_int_section_score_is_rejected(bad: object) -> None:
    given_sections: dict[str, object] = dict(sections(*[1] * 10))
    given_sections["walking"] = bad
    with pytest.raises(ValueError, match="walking"):
        oswestry(given_sections)  # type: ignore[arg-type]


section_score = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=5),
    st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=3),
)


@given(st.fixed_dictionaries({name: section_score for name in ODI_SECTIONS}))
def test_oswestry_score_equals_formula_over_answered_sections(
    given_sections: dict[str, int | list[int] | None],
) -> None:
    answered = [
        max(value) if isinstance(value, list) else value
        for value in given_sections.values()
        if value is not None
    ]
    result = oswestry(given_sections, min_answered=1) if answered else oswestry(given_sections)
    assert result.answered == len(answered)
    if not answered:
        assert result.score is None
        return
    expected = (Decimal(100 * sum(answered)) / Decimal(5 * len(answered))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    assert result.score == float(expected)
    assert result.score is not None
    assert 0.0 <= result.score <= 100.0
    assert result.band is not None


@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=10, max_size=10),
    st.sets(st.sampled_from(ODI_SECTIONS), max_size=2),
)
def test_missing_sections_shrink_the_denominator(scores: list[int], missing: set[str]) -> None:
    given_sections = {
        name: score for name, score in zip(ODI_SECTIONS, scores, strict=True) if name not in missing
    }
    answered = list(given_sections.values())
    result = oswestry(given_sections)
    assert result.answered == 10 - len(missing)
    expected = Decimal(100 * sum(answered)) / Decimal(5 * len(answered))
    assert result.score == float(expected.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------
# Minimal important change, Ostelo 2008 (§5.2)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [("nrs", 8, 6), ("odi", 50, 40), ("rmdq", 20, 15)],
)
def test_improvement_of_exactly_the_mic_meets_the_absolute_threshold(
    measure: str, baseline: float, followup: float
) -> None:
    change = important_change(measure, baseline, followup)
    assert change.improvement == baseline - followup
    assert change.meets_absolute_mic
    assert not change.meets_30pct
    assert change.clinically_important


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [("nrs", 8, 7), ("odi", 50, 41), ("rmdq", 20, 16)],
)
def test_improvement_one_below_the_mic_and_under_30_percent_is_not_important(
    measure: str, baseline: float, followup: float
) -> None:
    change = important_change(measure, baseline, followup)
    assert not change.meets_absolute_mic
    assert not change.meets_30pct
    assert not change.clinically_important


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [("nrs", 10, 7), ("odi", 20, 14), ("rmdq", 10, 7), ("odi", 35.6, 24.92)],
)
def test_exactly_30_percent_improvement_meets_the_relative_threshold(
    measure: str, baseline: float, followup: float
) -> None:
    change = important_change(measure, baseline, followup)
    assert change.meets_30pct
    assert change.clinically_important


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [("nrs", 10, 7.1), ("odi", 20, 14.1), ("rmdq", 10, 7.1)],
)
def test_just_under_30_percent_improvement_does_not_meet_the_relative_threshold(
    measure: str, baseline: float, followup: float
) -> None:
    change = important_change(measure, baseline, followup)
    assert not change.meets_30pct


def test_either_threshold_makes_the_change_clinically_important() -> None:
    # ODI 20 -> 14: 6 points (< 10) but 30 %.
    change = important_change("odi", 20, 14)
    assert not change.meets_absolute_mic
    assert change.meets_30pct
    assert change.clinically_important


def test_decimal_arithmetic_avoids_float_error_at_the_threshold() -> None:
    # In binary floating point 16.4 - 6.4 is 9.999999999999998 and 3.5 - 2.45 < 0.3 * 3.5.
    change = important_change("odi", 16.4, 6.4)
    assert change.improvement == 10.0
    assert change.meets_absolute_mic
    assert important_change("rmdq", 3.5, 2.45).meets_30pct


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [("nrs", 3, 9), ("odi", 10, 60), ("rmdq", 2, 20), ("nrs", 5, 5)],
)
def test_worsening_or_no_change_is_never_an_improvement(
    measure: str, baseline: float, followup: float
) -> None:
    change = important_change(measure, baseline, followup)
    assert change.improvement == baseline - followup
    assert not change.meets_absolute_mic
    assert not change.meets_30pct
    assert not change.clinically_important


@pytest.mark.parametrize("measure", ["nrs", "odi", "rmdq"])
def test_baseline_of_zero_cannot_meet_30_percent(measure: str) -> None:
    change = important_change(measure, 0, 0)
    assert not change.meets_30pct
    assert not change.clinically_important


@pytest.mark.parametrize(
    ("measure", "baseline", "followup"),
    [
        ("nrs", 11, 5),
        ("nrs", 5, -1),
        ("odi", 100.1, 50),
        ("rmdq", 25, 10),
        ("rmdq", 10, float("nan")),
        ("nrs", True, 0),
    ],
)
def test_out_of_range_values_are_rejected(measure: str, baseline: float, followup: float) -> None:
    with pytest.raises(ValueError):
        important_change(measure, baseline, followup)


@pytest.mark.parametrize("measure", ["vas", "NRS-11", "", "psfs"])
def test_unknown_measure_is_rejected(measure: str) -> None:
    with pytest.raises(ValueError):
        important_change(measure, 5, 3)


def test_range_maxima_are_accepted() -> None:
    assert important_change("nrs", 10, 0).clinically_important
    assert important_change("odi", 100, 0).clinically_important
    assert important_change("rmdq", 24, 0).clinically_important


# ---------------------------------------------------------------------------
# NRS display bands (§5.1) - display only
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_nrs_band_uses_physiotherapy_ca_bands(score: int, band: str) -> None:
    assert nrs_band(score) == band


@pytest.mark.parametrize("bad", [-1, 11, 3.5, True, None])
def test_nrs_band_rejects_non_integer_or_out_of_range_scores(bad: object) -> None:
    with pytest.raises(ValueError):
        nrs_band(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# STarT Back properties
# ---------------------------------------------------------------------------


@given(
    st.lists(st.sampled_from([0, 1, True, False]), min_size=8, max_size=8),
    st.sampled_from(START_BACK_ITEM9_LABELS),
)
def test_start_back_risk_is_consistent_with_total_and_subscale(
    items: list[int], item9: str
) -> None:
    result = start_back([*items, item9])
    item9_score = int(item9 in {"Very much", "Extremely"})
    assert result.total == sum(int(item) for item in items) + item9_score
    assert result.psychosocial == sum(int(item) for item in items[4:]) + item9_score
    assert 0 <= result.psychosocial <= result.total <= 9
    if result.psychosocial >= 4:
        assert result.risk == "high"
    elif result.total <= 3:
        assert result.risk == "low"
    else:
        assert result.risk == "medium"
