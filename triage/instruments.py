"""Outcome and screening instruments for low-back pain (REFERENCE.md §3, §4, §5).

Pure functions: no Django, no I/O, no clock. Every result supports a
physiotherapist's judgement; nothing here diagnoses or prescribes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real
from types import MappingProxyType
from typing import Final

__all__ = [
    "MIC_MEASURES",
    "NRS_BANDS",
    "ODI_BANDS",
    "ODI_MIN_ANSWERED",
    "ODI_SECTIONS",
    "ODI_SECTION_LABELS",
    "ODI_STATEMENTS_PER_SECTION",
    "PATHWAYS",
    "RELATIVE_MIC",
    "START_BACK_COPYRIGHT",
    "START_BACK_ITEM9_LABELS",
    "START_BACK_ITEM9_SCORING_LABELS",
    "START_BACK_ITEMS",
    "START_BACK_PREAMBLE",
    "START_BACK_RESPONSE_LABELS",
    "ImportantChange",
    "MicMeasure",
    "OswestryResult",
    "Pathway",
    "StartBackResult",
    "important_change",
    "nrs_band",
    "oswestry",
    "pathway_for_risk",
    "start_back",
]

# ---------------------------------------------------------------------------
# §3 STarT Back Screening Tool (Keele). Wording must not be altered.
# ---------------------------------------------------------------------------

START_BACK_PREAMBLE: Final = (
    "Thinking about the last 2 weeks tick your response to the following questions."
)

START_BACK_ITEMS: Final[tuple[str, ...]] = (
    "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "I have only walked short distances because of my back pain",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "It's not really safe for a person with a condition like mine to be physically active",
    "Worrying thoughts have been going through my mind a lot of the time",
    "I feel that my back pain is terrible and it's never going to get any better",
    "In general I have not enjoyed all the things I used to enjoy",
    "Overall, how bothersome has your back pain been in the last 2 weeks?",
)

# Items 1-8: Disagree scores 0, Agree scores 1.
START_BACK_RESPONSE_LABELS: Final[tuple[str, str]] = ("Disagree", "Agree")

START_BACK_ITEM9_LABELS: Final[tuple[str, ...]] = (
    "Not at all",
    "Slightly",
    "Moderately",
    "Very much",
    "Extremely",
)

# §3: item 9 scores 1 only for these two; "Moderately" scores 0.
START_BACK_ITEM9_SCORING_LABELS: Final[frozenset[str]] = frozenset({"Very much", "Extremely"})

START_BACK_COPYRIGHT: Final = "© Keele University 2007"

_START_BACK_ITEM_COUNT: Final = 9
# §3: the psychosocial subscale is "the last 5 items" (5-9), NOT 1, 4, 7, 8, 9.
_PSYCHOSOCIAL_ITEMS: Final = range(5, 10)
_HIGH_RISK_SUBSCALE: Final = 4
_LOW_RISK_MAX_TOTAL: Final = 3

_ITEM9_BY_KEY: Final[dict[str, str]] = {
    label.casefold(): label for label in START_BACK_ITEM9_LABELS
}


@dataclass(frozen=True, slots=True)
class Pathway:
    """Stratified-care pathway matched to a STarT Back risk group (§3, Hill 2011)."""

    code: str
    label: str
    description: str


PATHWAYS: Final[Mapping[str, Pathway]] = MappingProxyType(
    {
        "low": Pathway(
            code="advice_self_management",
            label="Advice and self-management",
            description="Advice, reassurance and support to self-manage (one session).",
        ),
        "medium": Pathway(
            code="physiotherapy",
            label="Physiotherapy",
            description="Physiotherapy with exercise and manual therapy.",
        ),
        "high": Pathway(
            code="psychologically_informed_physiotherapy",
            label="Psychologically informed physiotherapy",
            description="Physiotherapy that also addresses psychosocial obstacles to recovery.",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class StartBackResult:
    total: int
    psychosocial: int
    risk: str

    @property
    def pathway(self) -> Pathway:
        return pathway_for_risk(self.risk)


def pathway_for_risk(risk: str) -> Pathway:
    """Return the matched-treatment pathway for "low", "medium" or "high"."""
    try:
        return PATHWAYS[risk]
    except (KeyError, TypeError):
        raise ValueError(f"unknown STarT Back risk group: {risk!r}") from None


def _binary_item(number: int, value: object) -> int:
    # bool is a subclass of int, so True/False pass; 2, 1.0, "yes", None do not.
    if isinstance(value, int) and value in (0, 1):
        return int(value)
    raise ValueError(f"STarT Back item {number}: expected 0/1 or a boolean, got {value!r}")


def _item9(value: object) -> int:
    if isinstance(value, str):
        label = _ITEM9_BY_KEY.get(" ".join(value.split()).casefold())
        if label is not None:
            return int(label in START_BACK_ITEM9_SCORING_LABELS)
    raise ValueError(
        f"STarT Back item 9: expected one of {', '.join(START_BACK_ITEM9_LABELS)}; got {value!r}"
    )


def _classify_start_back(total: int, psychosocial: int) -> str:
    # §3: check high first; only then split low/medium on the total.
    if psychosocial >= _HIGH_RISK_SUBSCALE:
        return "high"
    if total <= _LOW_RISK_MAX_TOTAL:
        return "low"
    return "medium"


def start_back(answers: Sequence[object]) -> StartBackResult:
    """Score the 9-item STarT Back tool (§3).

    ``answers[0..7]`` are items 1-8 (0/1 or booleans); ``answers[8]`` is the
    item 9 label, matched case-insensitively.
    """
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ValueError("STarT Back answers must be a sequence of 9 answers")
    if len(answers) != _START_BACK_ITEM_COUNT:
        raise ValueError(
            f"STarT Back needs exactly {_START_BACK_ITEM_COUNT} answers, got {len(answers)}"
        )
    scores = [_binary_item(number, answers[number - 1]) for number in range(1, 9)]
    scores.append(_item9(answers[8]))
    total = sum(scores)
    psychosocial = sum(scores[number - 1] for number in _PSYCHOSOCIAL_ITEMS)
    return StartBackResult(
        total=total,
        psychosocial=psychosocial,
        risk=_classify_start_back(total, psychosocial),
    )


# ---------------------------------------------------------------------------
# §4 Oswestry Disability Index v2.1a. Statement texts are licensed: names only.
# ---------------------------------------------------------------------------

ODI_SECTIONS: Final[tuple[str, ...]] = (
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

ODI_SECTION_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "pain_intensity": "Pain intensity",
        "personal_care": "Personal care (washing, dressing etc.)",
        "lifting": "Lifting",
        "walking": "Walking",
        "sitting": "Sitting",
        "standing": "Standing",
        "sleeping": "Sleeping",
        "sex_life": "Sex life (if applicable)",
        "social_life": "Social life",
        "travelling": "Travelling",
    }
)

ODI_STATEMENTS_PER_SECTION: Final = 6
_ODI_MAX_SECTION_SCORE: Final = ODI_STATEMENTS_PER_SECTION - 1

# §4 project rule [L]: up to 2 sections missing (e.g. sex life n/a plus one omission).
ODI_MIN_ANSWERED: Final = 8

# §4 [L]: upper bound (inclusive) of each band; anything above the last is the final band.
ODI_BANDS: Final[tuple[tuple[Decimal, str], ...]] = (
    (Decimal(20), "minimal"),
    (Decimal(40), "moderate"),
    (Decimal(60), "severe"),
    (Decimal(80), "crippled"),
)
_ODI_TOP_BAND: Final = "bed_bound_or_exaggerating"
_ONE_DP: Final = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class OswestryResult:
    score: float | None
    band: str | None
    answered: int


def _odi_section_score(section: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        # §4: two (or more) boxes ticked -> take the higher; none ticked -> unanswered.
        ticked = [_odi_single_score(section, item) for item in value]
        return max(ticked) if ticked else None
    return _odi_single_score(section, value)


def _odi_single_score(section: str, value: object) -> int:
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value <= _ODI_MAX_SECTION_SCORE
    ):
        return value
    raise ValueError(
        f"Oswestry section {section!r}: score must be an int 0-{_ODI_MAX_SECTION_SCORE}, "
        f"got {value!r}"
    )


def _odi_band(score: Decimal) -> str:
    for upper, band in ODI_BANDS:
        if score <= upper:
            return band
    return _ODI_TOP_BAND


def oswestry(
    sections: Mapping[str, int | list[int] | None],
    *,
    min_answered: int = ODI_MIN_ANSWERED,
) -> OswestryResult:
    """Score the ODI v2.1a (§4): 100 x sum / (5 x sections answered), 1 dp half up.

    Missing keys and None are unanswered sections. With fewer than
    ``min_answered`` answered sections there is no score and no band.
    """
    if not isinstance(sections, Mapping):
        raise ValueError("Oswestry sections must be a mapping of section name to score")
    if (
        not isinstance(min_answered, int)
        or isinstance(min_answered, bool)
        or not 1 <= min_answered <= len(ODI_SECTIONS)
    ):
        raise ValueError(f"min_answered must be an int 1-{len(ODI_SECTIONS)}, got {min_answered!r}")
    unknown = [name for name in sections if name not in ODI_SECTIONS]
    if unknown:
        raise ValueError(f"unknown Oswestry section(s): {', '.join(map(repr, unknown))}")

    scores = [
        score
        for name in ODI_SECTIONS
        if (score := _odi_section_score(name, sections.get(name))) is not None
    ]
    answered = len(scores)
    if answered < min_answered:
        return OswestryResult(score=None, band=None, answered=answered)

    # Decimal so that e.g. 16/45 = 35.555... reports 35.6 (§4: half up, not truncated).
    percent = Decimal(100 * sum(scores)) / Decimal(_ODI_MAX_SECTION_SCORE * answered)
    rounded = percent.quantize(_ONE_DP, rounding=ROUND_HALF_UP)
    # The band follows the reported (rounded) score so display and band agree.
    return OswestryResult(score=float(rounded), band=_odi_band(rounded), answered=answered)


# ---------------------------------------------------------------------------
# §5.2 Minimal important change (Ostelo et al 2008).
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MicMeasure:
    name: str
    range_max: Decimal
    absolute_mic: Decimal


MIC_MEASURES: Final[Mapping[str, MicMeasure]] = MappingProxyType(
    {
        "nrs": MicMeasure("NRS pain", Decimal(10), Decimal(2)),
        "odi": MicMeasure("Oswestry Disability Index", Decimal(100), Decimal(10)),
        "rmdq": MicMeasure("Roland-Morris Disability Questionnaire", Decimal(24), Decimal(5)),
    }
)

RELATIVE_MIC: Final = Decimal("0.30")


@dataclass(frozen=True, slots=True)
class ImportantChange:
    improvement: float
    meets_absolute_mic: bool
    meets_30pct: bool
    clinically_important: bool


def _score_in_range(measure: str, label: str, value: object, range_max: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{measure} {label} must be a finite number, got {value!r}")
    # Shortest decimal form of a float, so 16.4 - 6.4 is exactly 10, not 9.999...
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    if not 0 <= number <= range_max:
        raise ValueError(f"{measure} {label} must be within 0-{range_max}, got {value!r}")
    return number


def important_change(measure: str, baseline: float, followup: float) -> ImportantChange:
    """Compare baseline and follow-up against Ostelo 2008 MICs (§5.2).

    Lower is better on every supported measure, so improvement = baseline - follow-up.
    """
    spec = MIC_MEASURES.get(measure) if isinstance(measure, str) else None
    if spec is None:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MIC_MEASURES)}")
    before = _score_in_range(measure, "baseline", baseline, spec.range_max)
    after = _score_in_range(measure, "follow-up", followup, spec.range_max)
    improvement = before - after
    # §5.2: a worsening (or no change) is never an improvement.
    improved = improvement > 0
    meets_absolute = improved and improvement >= spec.absolute_mic
    # A baseline of 0 cannot improve, so it can never meet 30 %.
    meets_relative = improved and improvement >= RELATIVE_MIC * before
    return ImportantChange(
        improvement=float(improvement),
        meets_absolute_mic=meets_absolute,
        meets_30pct=meets_relative,
        clinically_important=meets_absolute or meets_relative,
    )


# ---------------------------------------------------------------------------
# §5.1 NRS descriptive bands. DISPLAY ONLY: never use for triage.
# ---------------------------------------------------------------------------

# (upper bound inclusive, band) per physiotherapy.ca.
NRS_BANDS: Final[tuple[tuple[int, str], ...]] = (
    (0, "none"),
    (3, "mild"),
    (6, "moderate"),
    (10, "severe"),
)


def nrs_band(score: int) -> str:
    """Describe an NRS-11 score (0-10) as none/mild/moderate/severe. Display only (§5.1)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"NRS score must be an integer 0-10, got {score!r}")
    return next(band for upper, band in NRS_BANDS if score <= upper)
