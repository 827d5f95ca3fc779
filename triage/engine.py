"""Red-flag triage engine (clinical/REFERENCE.md §1): answers in, urgency and flags out.

Pure: no ORM, settings, I/O or clock (Django only for gettext_noop, an identity marker). It
grades urgency and safety-nets; it never diagnoses, and a physiotherapist reviews every result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# An identity function that marks text for makemessages; no settings or translation machinery.
from django.utils.translation import gettext_noop

from triage.questionnaire import validate_values
from triage.rules import (
    CURRENT_VERSION,
    EMERGENCY,
    ROUTINE,
    SOON,
    URGENT,
    Answers,
    Rule,
    Urgency,
    get_ruleset,
    max_urgency,
)

__all__ = [
    "CES_WARNING",
    "Assessment",
    "FiredRule",
    "InvalidAnswers",
    "SafetyNumbers",
    "assess",
    "clinician_summary",
    "normalise_answers",
    "patient_message",
]


def _identity(message: str) -> str:
    return message


class InvalidAnswers(ValueError):
    """Answers with a wrongly typed or out-of-range value; `errors` maps field -> reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: Mapping[str, str] = MappingProxyType(dict(errors))
        super().__init__("invalid answers: " + ", ".join(sorted(self.errors)))


@dataclass(frozen=True)
class FiredRule:
    id: str
    urgency: Urgency
    flags: frozenset[str]
    reason: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "urgency": self.urgency,
            "flags": sorted(self.flags),
            "reason": self.reason,
            "source": self.source,
        }


@dataclass(frozen=True)
class Assessment:
    urgency: Urgency
    flags: frozenset[str]
    fired: tuple[FiredRule, ...]
    ruleset_version: str
    patient_message: str
    clinician_summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable plain data; sets become sorted lists so results compare."""
        return {
            "urgency": self.urgency,
            "flags": sorted(self.flags),
            "fired": [rule.to_dict() for rule in self.fired],
            "ruleset_version": self.ruleset_version,
            "patient_message": self.patient_message,
            "clinician_summary": self.clinician_summary,
        }


_ANSWER_FIELDS = tuple(f.name for f in dataclasses.fields(Answers))


def normalise_answers(answers: Mapping[str, Any]) -> Answers:
    """Validated, typed answers (§0.1); raises InvalidAnswers. Unknown keys are ignored."""
    errors = validate_values(answers)
    if errors:
        raise InvalidAnswers(errors)
    # validate_values has checked every type, so the values match Answers' annotations.
    given: dict[str, Any] = {
        name: answers[name] for name in _ANSWER_FIELDS if answers.get(name) is not None
    }
    normalised = Answers(**given)
    if normalised.major_trauma and not normalised.trauma:
        # §0.1: major_trauma implies trauma.
        normalised = dataclasses.replace(normalised, trauma=True)
    return normalised


def _fire(rule: Rule, answers: Answers) -> FiredRule:
    urgency = rule.urgency_for(answers)
    reason = rule.reason
    if urgency != rule.urgency and rule.escalation_reason:
        reason = f"{reason} {rule.escalation_reason}"
    return FiredRule(rule.id, urgency, rule.flags, reason, rule.source)


def assess(
    answers: Mapping[str, Any],
    *,
    version: str | None = None,
    numbers: SafetyNumbers | None = None,
    gettext: Callable[[str], str] = _identity,
) -> Assessment:
    """Run every rule of the rule set `version` (current when None) over `answers`.

    `numbers` and `gettext` word the patient's safety message; without numbers it is empty
    (grading only: every caller that shows it to a patient passes the clinic's numbers).

    Raises InvalidAnswers for a wrongly typed or out-of-range value and
    UnknownRulesetVersion (a LookupError) for an unknown version.
    """
    rules = get_ruleset(version)
    ruleset_version = CURRENT_VERSION if version is None else version
    normalised = normalise_answers(answers)
    fired = tuple(_fire(rule, normalised) for rule in rules if rule.condition(normalised))
    urgency = max_urgency(rule.urgency for rule in fired)
    flags = frozenset().union(*(rule.flags for rule in fired))
    return Assessment(
        urgency=urgency,
        flags=flags,
        fired=fired,
        ruleset_version=ruleset_version,
        patient_message=patient_message(urgency, numbers, gettext) if numbers else "",
        clinician_summary=clinician_summary(urgency, flags, fired, ruleset_version),
    )


# Patient wording: §0.2 actions; the CES card of §2.1 (Greenhalgh et al.) goes on every result.
# The numbers come from the clinic's country (clinic/countries.py), never from here. Marked for
# translation with gettext_noop (an identity function): the caller passes its gettext.
# TRANSLATIONS: every translation of these texts must be reviewed by a clinician fluent in the
# language before a clinic uses it (see each app's locale/<lang>/LC_MESSAGES/django.po).
_EMERGENCY = gettext_noop(
    "GET EMERGENCY HELP NOW. Some of your answers can be a sign of a serious "
    "problem. Go to your nearest emergency department now, or call %(emergency_number)s (or "
    "your local emergency number). Do not wait for your physiotherapy appointment and "
    "do not drive yourself."
)
_URGENT_WITH_SERVICE = gettext_noop(
    "Get medical advice today. Some of your answers need to be checked by a "
    "doctor today: contact your GP, call %(urgent_service)s or call the clinic today. If you "
    "cannot get advice today, or you get worse, go to the emergency department or "
    "call %(emergency_number)s."
)
_URGENT_NO_SERVICE = gettext_noop(
    "Get medical advice today. Some of your answers need to be checked by a "
    "doctor today: contact your doctor or call the clinic today. If you "
    "cannot get advice today, or you get worse, go to the emergency department or "
    "call %(emergency_number)s."
)
_SOON_WITH_SERVICE = gettext_noop(
    "Some of your answers need a closer look. Your physiotherapist will review "
    "them and arrange a priority review for you. If you get worse before then, "
    "contact your GP or call %(urgent_service)s."
)
_SOON_NO_SERVICE = gettext_noop(
    "Some of your answers need a closer look. Your physiotherapist will review "
    "them and arrange a priority review for you. If you get worse before then, "
    "contact your doctor today."
)
_ROUTINE = gettext_noop(
    "Thank you. Your answers do not show any warning signs that need urgent "
    "attention. Your physiotherapist will review your answers and your care."
)

CES_WARNING = gettext_noop(
    "Cauda equina warning signs. Go to the emergency department straight away, or call "
    "%(emergency_number)s, if you notice any of these:\n"
    "- numbness or pins and needles between your inner thighs or genitals, or in or "
    "around your back passage or buttocks\n"
    "- a different feeling when you wipe with toilet paper\n"
    "- more and more difficulty starting, stopping or controlling your flow of urine\n"
    "- less feeling when you pass urine\n"
    "- leaking urine, or a new need to wear pads\n"
    "- not knowing when your bladder is full or empty\n"
    "- being unable to stop a bowel movement, or leaking from your bowel\n"
    "- less feeling when you open your bowels\n"
    "- a change in your ability to get an erection or ejaculate\n"
    "- loss of feeling in your genitals during sex\n"
    "- new pain, numbness, pins and needles or weakness in both legs"
)


@dataclass(frozen=True)
class SafetyNumbers:
    """The numbers a patient is given: from their clinic's country or its override."""

    emergency_number: str
    # Same-day advice that is not an emergency, with its number; empty where there is none.
    urgent_service: str = ""


def patient_message(
    urgency: Urgency, numbers: SafetyNumbers, gettext: Callable[[str], str] = _identity
) -> str:
    """Safety message for the patient: the action for `urgency`, then the CES card.

    `gettext` translates each text (Django's, under the patient's language); English without.
    """
    service = numbers.urgent_service
    headline = {
        EMERGENCY: _EMERGENCY,
        URGENT: _URGENT_WITH_SERVICE if service else _URGENT_NO_SERVICE,
        SOON: _SOON_WITH_SERVICE if service else _SOON_NO_SERVICE,
        ROUTINE: _ROUTINE,
    }[urgency]
    values = {"emergency_number": numbers.emergency_number, "urgent_service": service}
    return f"{gettext(headline) % values}\n\n{gettext(CES_WARNING) % values}"


def clinician_summary(
    urgency: Urgency,
    flags: frozenset[str],
    fired: tuple[FiredRule, ...],
    ruleset_version: str,
) -> str:
    """Short plain-text summary: urgency, flags and each fired rule id with its reason."""
    lines = [
        f"Urgency: {urgency} (triage rules {ruleset_version})",
        f"Flags: {', '.join(sorted(flags)) if flags else 'none'}",
    ]
    if fired:
        lines.append("Rules fired:")
        lines.extend(f"- {rule.id} ({rule.urgency}): {rule.reason}" for rule in fired)
    else:
        lines.append("No rule fired: physiotherapy-led care with safety-netting advice.")
    return "\n".join(lines)
