"""Each rule names the answers it reads, so the dashboard can show which answers fired it.
Checked against the conditions themselves: no answer outside `reads` changes a rule's outcome."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.explain import answers_behind
from triage.rules import ANSWER_FIELDS, RULES_2026_1, Answers

FIELD_TYPES = {f.name: f.type for f in dataclasses.fields(Answers)}


def value_of(name: str) -> st.SearchStrategy:
    if name in ("age", "back_pain_onset_age"):
        return st.none() | st.integers(0, 120)
    if name == "duration_days":
        return st.none() | st.integers(0, 400)
    if name == "pain_nrs":
        return st.none() | st.integers(0, 10)
    if name == "onset":
        return st.none() | st.sampled_from(["sudden", "gradual"])
    if name == "sex":
        return st.none() | st.sampled_from(["male", "female"])
    return st.booleans()


ANSWERS = st.fixed_dictionaries({name: value_of(name) for name in sorted(ANSWER_FIELDS)})


@pytest.mark.parametrize("rule", RULES_2026_1, ids=lambda r: r.id)
@settings(max_examples=60, deadline=None)
@given(first=ANSWERS, second=ANSWERS)
def test_no_answer_outside_a_rules_reads_changes_its_outcome(rule, first, second):
    # Same values for the fields the rule reads; anything at all for the others.
    mixed = {**second, **{name: first[name] for name in rule.reads}}
    a, b = Answers(**first), Answers(**mixed)
    assert rule.condition(a) == rule.condition(b)
    if rule.condition(a):
        assert rule.urgency_for(a) == rule.urgency_for(b)


@pytest.mark.parametrize("rule", RULES_2026_1, ids=lambda r: r.id)
def test_every_rule_names_what_it_reads(rule):
    assert rule.reads and rule.reads <= ANSWER_FIELDS


def rule(rule_id):
    return next(r for r in RULES_2026_1 if r.id == rule_id)


def test_every_cauda_equina_answer_given_is_behind_r1a():
    given_ = Answers(saddle_numbness=True, bladder_dysfunction=True, buttock_pain=True)
    assert answers_behind(rule("R1a"), given_) == ("bladder_dysfunction", "saddle_numbness")


def test_a_value_is_behind_a_rule_only_when_the_rule_needs_it():
    # R5b fires on long steroid use alone: the age of 80 is not why.
    assert answers_behind(rule("R5b"), Answers(age=80, steroid_use=True)) == ("steroid_use",)
    # R3e needs the age over 50.
    assert answers_behind(rule("R3e"), Answers(age=67, night_pain=True)) == ("age", "night_pain")
