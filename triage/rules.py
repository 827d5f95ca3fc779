"""Red-flag triage rules as versioned data (clinical/REFERENCE.md §0.2, §0.3, §1).

Pure Python: no Django, no I/O. A rule set is an immutable tuple of `Rule`s under a version
string; stored assessments name their version, so a published version is never edited. Add
a new tuple and a new `RULESETS` entry instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Literal

Urgency = Literal["routine", "soon", "urgent", "emergency"]
Confidence = Literal["H", "M", "L"]
Onset = Literal["sudden", "gradual"]
Sex = Literal["male", "female"]

# §0.2, lowest first: the index is the rank.
URGENCY_LEVELS: tuple[Urgency, ...] = ("routine", "soon", "urgent", "emergency")
ROUTINE: Urgency = "routine"
SOON: Urgency = "soon"
URGENT: Urgency = "urgent"
EMERGENCY: Urgency = "emergency"

# §0.3 condition flags.
CAUDA_EQUINA = "cauda_equina"
NEURO_COMPROMISE = "neuro_compromise"
MALIGNANCY = "malignancy"
INFECTION = "infection"
FRACTURE = "fracture"
AAA = "aaa"
SYNCOPE = "syncope"
CARDIOPULMONARY = "cardiopulmonary"
INFLAMMATORY = "inflammatory"
RADICULOPATHY = "radiculopathy"
FLAGS: frozenset[str] = frozenset(
    {
        CAUDA_EQUINA,
        NEURO_COMPROMISE,
        MALIGNANCY,
        INFECTION,
        FRACTURE,
        AAA,
        SYNCOPE,
        CARDIOPULMONARY,
        INFLAMMATORY,
        RADICULOPATHY,
    }
)

CONFIDENCE_LEVELS: tuple[Confidence, ...] = ("H", "M", "L")

# Plain words for the dashboard, where the codes above are only a second line.
FLAG_LABELS: Mapping[str, str] = MappingProxyType(
    {
        CAUDA_EQUINA: "cauda equina syndrome",
        NEURO_COMPROMISE: "neurological compromise",
        MALIGNANCY: "possible cancer",
        INFECTION: "spinal infection",
        FRACTURE: "vertebral fracture",
        AAA: "abdominal aortic aneurysm",
        SYNCOPE: "fainting",
        CARDIOPULMONARY: "heart or lung cause",
        INFLAMMATORY: "inflammatory back pain",
        RADICULOPATHY: "sciatica (radicular pain)",
    }
)


def urgency_rank(level: str) -> int:
    """Position of `level` in URGENCY_LEVELS (routine = 0); ValueError if unknown."""
    try:
        return URGENCY_LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown urgency level: {level!r}") from None


def max_urgency(levels: Iterable[Urgency]) -> Urgency:
    """Highest urgency in `levels`; "routine" when empty (§1)."""
    return max(levels, key=urgency_rank, default=ROUTINE)


@dataclass(frozen=True)
class Answers:
    """Normalised intake answers (§0.1): missing booleans are False, missing numbers None."""

    age: int | None = None
    sex: Sex | None = None
    onset: Onset | None = None
    duration_days: int | None = None
    trauma: bool = False
    major_trauma: bool = False
    pain_nrs: int | None = None
    night_pain: bool = False
    thoracic_pain: bool = False
    fever: bool = False
    unexplained_weight_loss: bool = False
    history_of_cancer: bool = False
    iv_drug_use: bool = False
    immunosuppressed: bool = False
    recent_infection_or_spinal_procedure: bool = False
    steroid_use: bool = False
    osteoporosis: bool = False
    bladder_dysfunction: bool = False
    bowel_dysfunction: bool = False
    saddle_numbness: bool = False
    sexual_dysfunction: bool = False
    bilateral_leg_symptoms: bool = False
    radiating_leg_pain: bool = False
    leg_weakness: bool = False
    progressive_leg_weakness: bool = False
    difficulty_walking: bool = False
    loss_of_consciousness: bool = False
    pulsatile_abdominal_mass: bool = False
    abdominal_pain: bool = False
    rapid_heartbeat: bool = False
    low_blood_pressure: bool = False
    dizziness: bool = False
    chest_pain_or_breathlessness: bool = False
    back_pain_onset_age: int | None = None
    night_waking_second_half: bool = False
    buttock_pain: bool = False
    improves_with_movement: bool = False
    improves_with_nsaids_48h: bool = False
    family_history_spa: bool = False
    arthritis_history: bool = False
    enthesitis_history: bool = False
    psoriasis: bool = False
    morning_stiffness_over_30min: bool = False


Condition = Callable[[Answers], bool]
ANSWER_FIELDS: frozenset[str] = frozenset(f.name for f in fields(Answers))


@dataclass(frozen=True)
class Rule:
    """One row of the §1 table.

    `escalate_to` / `escalate_when` raise the rule's urgency when a further condition holds
    (R5b); the fired rule keeps its id. `confidence` is the weakest tag the row carries.
    """

    id: str
    urgency: Urgency
    flags: frozenset[str]
    reason: str
    source: str
    confidence: Confidence
    condition: Condition
    # Every answer the condition (and escalate_when) reads, so the dashboard can show which
    # answers fired the rule; tests/triage check no other answer changes the outcome.
    reads: frozenset[str] = frozenset()
    escalate_to: Urgency | None = None
    escalate_when: Condition | None = None
    escalation_reason: str = ""

    def __post_init__(self) -> None:
        if self.urgency not in URGENCY_LEVELS:
            raise ValueError(f"{self.id}: unknown urgency {self.urgency!r}")
        if not self.flags <= FLAGS:
            raise ValueError(f"{self.id}: unknown flags {sorted(self.flags - FLAGS)}")
        if self.confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"{self.id}: unknown confidence {self.confidence!r}")
        if not self.reads <= ANSWER_FIELDS:
            raise ValueError(f"{self.id}: reads must name answer fields")
        if (self.escalate_to is None) != (self.escalate_when is None):
            raise ValueError(f"{self.id}: escalate_to and escalate_when go together")
        escalates_up = self.escalate_to is None or (
            urgency_rank(self.escalate_to) > urgency_rank(self.urgency)
        )
        if not escalates_up:
            raise ValueError(f"{self.id}: escalate_to must be above {self.urgency!r}")

    def urgency_for(self, answers: Answers) -> Urgency:
        """Urgency of this rule for answers that satisfy its condition."""
        escalate = self.escalate_when is not None and self.escalate_when(answers)
        if escalate and self.escalate_to is not None:
            return self.escalate_to
        return self.urgency


# Conditions of version 2026.1. Ages are strict: "over 50" is age > 50 (§1).


_CES_FIELDS = ("bladder_dysfunction", "bowel_dysfunction", "saddle_numbness",
               "bilateral_leg_symptoms")  # fmt: skip
_CANCER_NEURO_FIELDS = ("radiating_leg_pain", "leg_weakness", "progressive_leg_weakness",
                        "difficulty_walking", *_CES_FIELDS)  # fmt: skip
_CANCER_METASTASIS_FIELDS = ("night_pain", "thoracic_pain", "unexplained_weight_loss")
_MOTOR_FIELDS = ("progressive_leg_weakness", "leg_weakness", "difficulty_walking")
_NG65_FIELDS = ("back_pain_onset_age", "night_waking_second_half", "buttock_pain",
                "improves_with_movement", "improves_with_nsaids_48h", "family_history_spa",
                "arthritis_history", "enthesitis_history", "psoriasis")  # fmt: skip


def _reads(*names: str) -> frozenset[str]:
    return frozenset(names)


def _older_than(age: int | None, years: int) -> bool:
    # Unknown age never satisfies an age threshold (§0.1).
    return age is not None and age > years


def _ces_indicator(a: Answers) -> bool:
    return (
        a.bladder_dysfunction
        or a.bowel_dysfunction
        or a.saddle_numbness
        or a.bilateral_leg_symptoms
    )


def _r1b(a: Answers) -> bool:
    # GIRFT: sexual dysfunction as the only other feature is unlikely to be CES.
    return a.sexual_dysfunction and (_ces_indicator(a) or a.radiating_leg_pain)


def _cancer_neuro_feature(a: Answers) -> bool:
    return (
        a.radiating_leg_pain
        or a.leg_weakness
        or a.progressive_leg_weakness
        or a.difficulty_walking
        or a.bilateral_leg_symptoms
        or a.bladder_dysfunction
        or a.bowel_dysfunction
        or a.saddle_numbness
    )


def _cancer_metastasis_feature(a: Answers) -> bool:
    return a.night_pain or a.thoracic_pain or a.unexplained_weight_loss


def _r3a(a: Answers) -> bool:
    return a.history_of_cancer and _cancer_neuro_feature(a)


def _r3b(a: Answers) -> bool:
    return a.history_of_cancer and not _cancer_neuro_feature(a) and _cancer_metastasis_feature(a)


def _r3c(a: Answers) -> bool:
    return (
        a.history_of_cancer and not _cancer_neuro_feature(a) and not _cancer_metastasis_feature(a)
    )


def _r3d(a: Answers) -> bool:
    return not a.history_of_cancer and a.unexplained_weight_loss


def _r3e(a: Answers) -> bool:
    return not a.history_of_cancer and _older_than(a.age, 50) and a.night_pain


def _motor_deficit(a: Answers) -> bool:
    return a.progressive_leg_weakness or a.leg_weakness or a.difficulty_walking


def _r4a(a: Answers) -> bool:
    return a.fever and _motor_deficit(a)


def _r4b(a: Answers) -> bool:
    return a.fever and not _motor_deficit(a)


def _r4c(a: Answers) -> bool:
    return not a.fever and (
        a.iv_drug_use or a.immunosuppressed or a.recent_infection_or_spinal_procedure
    )


def _r5b(a: Answers) -> bool:
    if a.major_trauma:
        return False
    trauma_at_risk = a.trauma and (a.osteoporosis or a.steroid_use or _older_than(a.age, 70))
    sudden_osteoporotic = a.osteoporosis and a.onset == "sudden"
    return trauma_at_risk or sudden_osteoporotic or a.steroid_use


def _r6b(a: Answers) -> bool:
    return _older_than(a.age, 50) and (a.loss_of_consciousness or a.low_blood_pressure)


def _r6c(a: Answers) -> bool:
    return (
        _older_than(a.age, 50)
        and a.onset == "sudden"
        and (a.abdominal_pain or a.rapid_heartbeat or a.dizziness)
    )


def ng65_criteria_count(a: Answers) -> int:
    """Number of NICE NG65 1.1 criteria met; onset before 35 counts only when known."""
    early_onset = a.back_pain_onset_age is not None and a.back_pain_onset_age < 35
    return sum(
        (
            early_onset,
            a.night_waking_second_half,
            a.buttock_pain,
            a.improves_with_movement,
            a.improves_with_nsaids_48h,
            a.family_history_spa,
            a.arthritis_history,
            a.enthesitis_history,
            a.psoriasis,
        )
    )


def _r9(a: Answers) -> bool:
    if a.back_pain_onset_age is None or a.duration_days is None:
        return False
    return a.back_pain_onset_age < 45 and a.duration_days > 90 and ng65_criteria_count(a) >= 3


RULES_2026_1: tuple[Rule, ...] = (
    Rule(
        id="R1a",
        urgency=EMERGENCY,
        flags=frozenset({CAUDA_EQUINA}),
        reason=(
            "New bladder dysfunction, bowel dysfunction, saddle numbness or bilateral "
            "leg symptoms: possible cauda equina syndrome."
        ),
        source=(
            "GIRFT CES pathway; Greenhalgh 2018 CES card; NICE CKS; seeds 002/003 "
            "[H]. Bilateral leg symptoms alone: [M] (Greenhalgh/Finucane call it "
            "a CES warning; GIRFT's emergency list names \"severe or progressive "
            'neurological deficit of both legs")'
        ),
        confidence="M",
        condition=_ces_indicator,
        reads=_reads(*_CES_FIELDS),
    ),
    Rule(
        id="R1b",
        urgency=EMERGENCY,
        flags=frozenset({CAUDA_EQUINA}),
        reason=(
            "New sexual dysfunction with another cauda equina indicator or radiating "
            "leg pain: possible cauda equina syndrome."
        ),
        source=(
            'GIRFT note: "LBP with sexual dysfunction as the only other feature '
            'is unlikely to be due to CES" [H] → sexual dysfunction alone does '
            "not fire"
        ),
        confidence="H",
        condition=_r1b,
        reads=_reads("sexual_dysfunction", "radiating_leg_pain", *_CES_FIELDS),
    ),
    Rule(
        id="R2a",
        urgency=EMERGENCY,
        flags=frozenset({NEURO_COMPROMISE}),
        reason=(
            "New difficulty standing or walking because of weakness, numbness or "
            "unsteadiness: possible neurological compromise."
        ),
        source=(
            'seed 003 ("difficulty standing or walking"); Community Red Flags '
            "2023 (deteriorating cord pathology, gait disturbance → emergency "
            "spinal referral) [H]"
        ),
        confidence="H",
        condition=lambda a: a.difficulty_walking,
        reads=_reads("difficulty_walking"),
    ),
    Rule(
        id="R2b",
        urgency=URGENT,
        flags=frozenset({NEURO_COMPROMISE}),
        reason="Progressive leg weakness: new or worsening neurological deficit.",
        source=(
            'regional acute back-pain pathway: "new or progressive neurological '
            'deficit: urgent same day" [M]'
        ),
        confidence="M",
        condition=lambda a: a.progressive_leg_weakness,
        reads=_reads("progressive_leg_weakness"),
    ),
    Rule(
        id="R2c",
        urgency=SOON,
        flags=frozenset({NEURO_COMPROMISE}),
        reason="Stable leg weakness: motor deficit needing priority assessment.",
        source="Community Red Flags 2023: major motor loss → priority ≤ 2 weeks [H]",
        confidence="H",
        condition=lambda a: a.leg_weakness,
        reads=_reads("leg_weakness"),
    ),
    Rule(
        id="R3a",
        urgency=EMERGENCY,
        flags=frozenset({MALIGNANCY}),
        reason=(
            "History of cancer with neurological symptoms (radiating leg pain, leg "
            "weakness, difficulty walking, bilateral leg, bladder, bowel or saddle "
            "symptoms): possible metastatic spinal cord compression."
        ),
        source=(
            'NICE CG75 (now NG234): cancer + neurological symptoms "including '
            "radicular pain, any limb weakness, difficulty in walking, sensory "
            'loss or bladder or bowel dysfunction" → contact MSCC coordinator '
            "immediately, oncological emergency [H]"
        ),
        confidence="H",
        condition=_r3a,
        reads=_reads("history_of_cancer", *_CANCER_NEURO_FIELDS),
    ),
    Rule(
        id="R3b",
        urgency=URGENT,
        flags=frozenset({MALIGNANCY}),
        reason=(
            "History of cancer with night pain, thoracic pain or unexplained weight "
            "loss: possible spinal metastases."
        ),
        source=(
            "CG75: cancer + thoracic pain / nocturnal pain preventing sleep / "
            "progressive or unremitting pain → MSCC coordinator within 24 h "
            "[H]; weight loss added to match the brief's \"cancer + age > 50 + "
            'weight loss = urgent" and Deyo-style combinations [L]'
        ),
        confidence="L",
        condition=_r3b,
        reads=_reads("history_of_cancer", *_CANCER_NEURO_FIELDS, *_CANCER_METASTASIS_FIELDS),
    ),
    Rule(
        id="R3c",
        urgency=SOON,
        flags=frozenset({MALIGNANCY}),
        reason="History of cancer with back pain: spinal malignancy to be excluded.",
        source=(
            'Community Red Flags 2023: "past history of cancer (new onset spinal '
            'pain)" → priority ≤ 2 weeks [H]'
        ),
        confidence="H",
        condition=_r3c,
        reads=_reads("history_of_cancer", *_CANCER_NEURO_FIELDS, *_CANCER_METASTASIS_FIELDS),
    ),
    Rule(
        id="R3d",
        urgency=SOON,
        flags=frozenset({MALIGNANCY}),
        reason="Unexplained weight loss: possible malignancy.",
        source='Community Red Flags 2023 ("recent unexplained weight loss") [H]',
        confidence="H",
        condition=_r3d,
        reads=_reads("history_of_cancer", "unexplained_weight_loss"),
    ),
    Rule(
        id="R3e",
        urgency=SOON,
        flags=frozenset({MALIGNANCY}),
        reason="Age over 50 with persistent night pain: possible malignancy.",
        source=(
            "NHS Gloucestershire / CKS red flags (new onset > 50; persistent "
            "night pain) [M], combination rule [L]"
        ),
        confidence="L",
        condition=_r3e,
        reads=_reads("history_of_cancer", "age", "night_pain"),
    ),
    Rule(
        id="R4a",
        urgency=EMERGENCY,
        flags=frozenset({INFECTION}),
        reason=(
            "Fever with leg weakness or difficulty walking: possible spinal infection "
            "such as an epidural abscess."
        ),
        source="Finucane 2020; suspected epidural abscess with deficit [M]",
        confidence="M",
        condition=_r4a,
        reads=_reads("fever", *_MOTOR_FIELDS),
    ),
    Rule(
        id="R4b",
        urgency=URGENT,
        flags=frozenset({INFECTION}),
        reason="Fever with back pain: possible spinal infection.",
        source=(
            'Community Red Flags 2023: suspected spinal infection → "immediate or '
            'same day"; regional pathway "urgent same day" [H]'
        ),
        confidence="H",
        condition=_r4b,
        reads=_reads("fever", *_MOTOR_FIELDS),
    ),
    Rule(
        id="R4c",
        urgency=SOON,
        flags=frozenset({INFECTION}),
        reason=(
            "Injecting drug use, immunosuppression, or a recent infection or spinal "
            "procedure, without fever: risk of spinal infection."
        ),
        source=(
            'Community Red Flags 2023: "possible immunosuppression with new '
            'spinal pain (IVDU, HIV, chemotherapy, steroids)" → priority [H]'
        ),
        confidence="H",
        condition=_r4c,
        reads=_reads(
            "fever", "iv_drug_use", "immunosuppressed", "recent_infection_or_spinal_procedure"
        ),
    ),
    Rule(
        id="R5a",
        urgency=EMERGENCY,
        flags=frozenset({FRACTURE}),
        reason="Major (high-energy) trauma: possible vertebral fracture.",
        source=(
            'NHS Glos/CKS ("sudden onset of back pain associated with major '
            'trauma"); Downie 2013 (severe trauma) [M on "emergency" vs "urgent"]'
        ),
        confidence="M",
        condition=lambda a: a.major_trauma,
        reads=_reads("major_trauma"),
    ),
    Rule(
        id="R5b",
        urgency=SOON,
        flags=frozenset({FRACTURE}),
        reason=(
            "Fracture risk (trauma with osteoporosis, steroid use or age over 70; "
            "osteoporosis with sudden onset; or prolonged steroid use): possible "
            "vertebral fracture."
        ),
        source=(
            "Downie 2013 BMJ (older age, prolonged corticosteroids, severe "
            'trauma, contusion); Community Red Flags ("known osteoporosis with '
            'new severe spinal pain", "prolonged steroid use" → priority); '
            "regional pathway (suspected osteoporotic fracture → GP X-ray); age > "
            "70 from Henschke 2009 [M]"
        ),
        confidence="M",
        condition=_r5b,
        reads=_reads(
            "major_trauma", "trauma", "osteoporosis", "steroid_use", "age", "onset", *_MOTOR_FIELDS
        ),
        escalate_to=EMERGENCY,
        escalate_when=_motor_deficit,
        escalation_reason=("Escalated to emergency because of leg weakness or difficulty walking."),
    ),
    Rule(
        id="R6a",
        urgency=EMERGENCY,
        flags=frozenset({AAA}),
        reason="Pulsatile abdominal mass: possible abdominal aortic aneurysm.",
        source='NICE NG156; seed 003 ("pulsing sensation in the abdomen") [H]',
        confidence="H",
        condition=lambda a: a.pulsatile_abdominal_mass,
        reads=_reads("pulsatile_abdominal_mass"),
    ),
    Rule(
        id="R6b",
        urgency=EMERGENCY,
        flags=frozenset({AAA}),
        reason=(
            "Age over 50 with loss of consciousness or low blood pressure: possible "
            "ruptured abdominal aortic aneurysm."
        ),
        source=(
            'NG156: "think about the possibility of ruptured AAA in people with '
            "new abdominal and/or back pain, cardiovascular collapse, or loss of "
            'consciousness" [H]; the age cut-off is [L]'
        ),
        confidence="L",
        condition=_r6b,
        reads=_reads("age", "loss_of_consciousness", "low_blood_pressure"),
    ),
    Rule(
        id="R6c",
        urgency=EMERGENCY,
        flags=frozenset({AAA}),
        reason=(
            "Age over 50 with sudden onset and abdominal pain, rapid heartbeat or "
            "dizziness: possible ruptured abdominal aortic aneurysm."
        ),
        source=(
            "seed 003 AAA list (sudden severe pain in the lower back/abdomen, "
            'rapid heartbeat, low BP, dizziness); Devon AAA guidance ("first '
            "episode of renal colic over 55 is a ruptured AAA until proved "
            'otherwise") [M/L]'
        ),
        confidence="L",
        condition=_r6c,
        reads=_reads("age", "onset", "abdominal_pain", "rapid_heartbeat", "dizziness"),
    ),
    Rule(
        id="R7",
        urgency=EMERGENCY,
        flags=frozenset({SYNCOPE}),
        reason="Fainted or blacked out in connection with the back pain.",
        source=(
            'seed 003 "Lost consciousness" in the emergency list [H for the seed; '
            "L as clinical rule]"
        ),
        confidence="L",
        condition=lambda a: a.loss_of_consciousness,
        reads=_reads("loss_of_consciousness"),
    ),
    Rule(
        id="R8",
        urgency=EMERGENCY,
        flags=frozenset({CARDIOPULMONARY}),
        reason=(
            "New chest pain, chest tightness or breathlessness: possible "
            "cardiopulmonary cause such as a collapsed lung."
        ),
        source=(
            'seed 001 (back "spasm" was a collapsed lung, SpO2 65 %); '
            "pneumothorax presents with sudden sharp chest pain and "
            'breathlessness (BSUH ED leaflet) [M]. "urgent" is also defensible'
        ),
        confidence="M",
        condition=lambda a: a.chest_pain_or_breathlessness,
        reads=_reads("chest_pain_or_breathlessness"),
    ),
    Rule(
        id="R9",
        urgency=SOON,
        flags=frozenset({INFLAMMATORY}),
        reason=(
            "Back pain that began before age 45, more than 90 days in this episode, "
            "with at least 3 NICE NG65 criteria: possible axial spondyloarthritis."
        ),
        source=(
            "NICE NG65 1.1: ≥ 4 → refer to rheumatology; exactly 3 → HLA-B27, "
            'refer if positive [H]. Both map to "soon" [L]'
        ),
        confidence="L",
        condition=_r9,
        reads=_reads("duration_days", *_NG65_FIELDS),
    ),
    Rule(
        id="R10",
        urgency=ROUTINE,
        flags=frozenset({RADICULOPATHY}),
        reason=(
            "Pain spreading below the knee: radicular pain (sciatica), managed in "
            "physiotherapy unless red flags are present."
        ),
        source="NG59 (sciatica is managed in primary care unless red flags) [H]",
        confidence="H",
        condition=lambda a: a.radiating_leg_pain,
        reads=_reads("radiating_leg_pain"),
    ),
)

CURRENT_VERSION = "2026.1"

# Stored assessments name their version, so a published tuple and the condition functions it
# uses are never edited: a change is a new tuple (with new functions) under a new key.
RULESETS: Mapping[str, tuple[Rule, ...]] = MappingProxyType({"2026.1": RULES_2026_1})


class UnknownRulesetVersion(LookupError):
    """No rule set is registered under this version."""

    def __init__(self, version: str) -> None:
        super().__init__(f"unknown triage rule-set version: {version!r}")
        self.version = version


def get_ruleset(version: str | None = None) -> tuple[Rule, ...]:
    """Rules of `version` (current when None); UnknownRulesetVersion if not registered."""
    key = CURRENT_VERSION if version is None else version
    try:
        return RULESETS[key]
    except KeyError:
        raise UnknownRulesetVersion(key) from None
