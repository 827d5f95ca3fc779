"""Which answers fired which rule, in plain words, for the screening detail on the dashboard.

Pure: answers and stored fired rules in, plain data out. A rule's `reads` names the answers its
condition looks at; of those, a "yes" counts, and a value (age, onset) counts only when the rule
would not fire without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .engine import InvalidAnswers, normalise_answers
from .questionnaire import FIELDS, FIELDS_BY_NAME, LABELS
from .rules import FLAG_LABELS, Answers, Rule, UnknownRulesetVersion, get_ruleset

__all__ = ["AnswerLine", "FiredLine", "ScreeningDetail", "answers_behind", "explain", "flag_words"]


@dataclass(frozen=True)
class FiredLine:
    """A fired rule: plain words first (`reason`), then its id, urgency and source."""

    id: str
    urgency: str
    flags: str
    reason: str
    source: str
    answers: tuple[str, ...]  # labels of the answers behind it


@dataclass(frozen=True)
class AnswerLine:
    field: str
    label: str
    value: str
    rules: tuple[FiredLine, ...] = ()

    @property
    def red_flag(self) -> bool:
        return any(r.urgency != "routine" for r in self.rules)


@dataclass(frozen=True)
class ScreeningDetail:
    fired: tuple[FiredLine, ...]
    yes: tuple[AnswerLine, ...]  # answers behind a non-routine rule first, then other yeses
    values: tuple[AnswerLine, ...]  # age, onset, days, pain...
    no: tuple[AnswerLine, ...]
    unanswered: tuple[str, ...]


def flag_words(flags: Sequence[str]) -> str:
    return ", ".join(FLAG_LABELS.get(f, f.replace("_", " ")) for f in flags)


def _value_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def answers_behind(rule: Rule, answers: Answers) -> tuple[str, ...]:
    """The answers that made `rule` fire: its "yes" answers, and the values it needed."""
    behind = []
    for name in sorted(rule.reads, key=_order):
        value = getattr(answers, name)
        if isinstance(value, bool):
            if value:
                behind.append(name)
        elif value is not None and not rule.condition(_without(answers, name)):
            behind.append(name)
    return tuple(behind)


def _without(answers: Answers, name: str) -> Answers:
    """`answers` with `name` unanswered (None: an unknown age never meets a threshold)."""
    blank: dict[str, Any] = {name: None}
    return dataclasses.replace(answers, **blank)


_POSITION = {spec.name: i for i, spec in enumerate(FIELDS)}


def _order(name: str) -> int:
    return _POSITION.get(name, len(_POSITION))


def explain(
    answers: Mapping[str, Any], fired_rules: Sequence[Mapping[str, Any]], version: str
) -> ScreeningDetail:
    """The stored answers and fired rules of one assessment, laid out for a clinician."""
    try:
        normalised: Answers | None = normalise_answers(answers)
        rules = {rule.id: rule for rule in get_ruleset(version)}
    except (InvalidAnswers, UnknownRulesetVersion):
        normalised, rules = None, {}
    fired: list[FiredLine] = []
    by_field: dict[str, list[FiredLine]] = {}
    for stored in fired_rules:
        rule = rules.get(stored["id"])
        behind = answers_behind(rule, normalised) if rule and normalised else ()
        line = FiredLine(
            id=stored["id"],
            urgency=stored.get("urgency", ""),
            flags=flag_words(stored.get("flags", [])),
            reason=stored.get("reason", ""),
            source=stored.get("source", ""),
            answers=tuple(LABELS.get(n, n) for n in behind),
        )
        fired.append(line)
        for name in behind:
            by_field.setdefault(name, []).append(line)
    flagged: list[AnswerLine] = []
    other_yes: list[AnswerLine] = []
    values: list[AnswerLine] = []
    no: list[AnswerLine] = []
    unanswered: list[str] = []
    for spec in FIELDS:
        value = answers.get(spec.name)
        if value is None:
            unanswered.append(LABELS.get(spec.name, spec.name))
            continue
        answer = AnswerLine(
            field=spec.name,
            label=LABELS.get(spec.name, spec.name),
            value=_value_text(spec.name, value),
            rules=tuple(by_field.get(spec.name, ())),
        )
        if FIELDS_BY_NAME[spec.name].type != "bool":
            values.append(answer)
        elif value is True:
            (flagged if answer.red_flag else other_yes).append(answer)
        else:
            no.append(answer)
    return ScreeningDetail(
        fired=tuple(fired),
        yes=tuple(flagged + other_yes),
        values=tuple(values),
        no=tuple(no),
        unanswered=tuple(unanswered),
    )
