"""Intake questionnaire vocabulary (clinical/REFERENCE.md §0.1) and answer validation.

Pure Python: no Django, no I/O. Field names are the keys the triage engine reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, TypedDict

from . import instruments

QUESTIONNAIRE_VERSION = "2026.1"

FieldType = Literal["bool", "int", "choice"]

ABOUT_YOU = "about_you"
THIS_EPISODE = "this_episode"
BLADDER_BOWEL_SENSATION = "bladder_bowel_sensation"
LEGS = "legs"
GENERAL_HEALTH = "general_health"
HEART_AND_BREATHING = "heart_and_breathing"
INFLAMMATORY_FEATURES = "inflammatory_features"

GROUPS: tuple[str, ...] = (
    ABOUT_YOU,
    THIS_EPISODE,
    BLADDER_BOWEL_SENSATION,
    LEGS,
    GENERAL_HEALTH,
    HEART_AND_BREATHING,
    INFLAMMATORY_FEATURES,
)

REQUIRED = "This question must be answered."
NOT_BOOL = "Must be true or false."
NOT_INT = "Must be a whole number."
NOT_TEXT = "Must be text."


@dataclass(frozen=True)
class FieldSpec:
    """One intake field: its type, allowed values, patient wording and form group."""

    name: str
    type: FieldType
    question: str
    group: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"{self.name}: unknown group {self.group!r}")
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(f"{self.name}: choices go with type 'choice' only")


def _yes_no(name: str, group: str, question: str) -> FieldSpec:
    return FieldSpec(name=name, type="bool", question=question, group=group)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("age", "int", "How old are you, in whole years?", ABOUT_YOU, 0, 120),
    FieldSpec("sex", "choice", "What is your sex?", ABOUT_YOU, choices=("male", "female")),
    FieldSpec(
        "onset",
        "choice",
        "Did this episode of back pain start suddenly or gradually?",
        THIS_EPISODE,
        choices=("sudden", "gradual"),
    ),
    FieldSpec(
        "duration_days",
        "int",
        "How many days ago did this episode of back pain start? (0 means today.)",
        THIS_EPISODE,
        minimum=0,
        maximum=36500,  # a lifetime; larger numbers are typing errors
    ),
    _yes_no(
        "trauma",
        THIS_EPISODE,
        "Did you have any injury before the pain started, such as a fall, a knock "
        "or straining while lifting?",
    ),
    _yes_no(
        "major_trauma",
        THIS_EPISODE,
        "Was it a high-energy injury, such as a road collision, a fall from higher "
        "than 1 metre or down more than 5 stairs, or being hit at speed?",
    ),
    FieldSpec(
        "pain_nrs",
        "int",
        "How bad is your pain now, or at its worst in the last 24 hours, from 0 "
        "(no pain) to 10 (the worst pain you can imagine)?",
        THIS_EPISODE,
        0,
        10,
    ),
    _yes_no(
        "night_pain",
        THIS_EPISODE,
        "Do you have constant pain at night that does not ease when you change "
        "position, or pain that stops you sleeping?",
    ),
    _yes_no(
        "thoracic_pain",
        THIS_EPISODE,
        "Do you have pain in your middle or upper back, between or below your shoulder blades?",
    ),
    _yes_no(
        "fever",
        GENERAL_HEALTH,
        "Have you felt feverish, or had sweats, chills or shaking attacks, or a "
        "temperature of 38 °C or higher?",
    ),
    _yes_no(
        "unexplained_weight_loss",
        GENERAL_HEALTH,
        "Have you lost weight that you cannot explain (you have not been dieting)?",
    ),
    _yes_no(
        "history_of_cancer",
        GENERAL_HEALTH,
        "Do you have cancer now, or have you ever had cancer? (Do not count "
        "non-melanoma skin cancer.)",
    ),
    _yes_no(
        "iv_drug_use",
        GENERAL_HEALTH,
        "Do you inject drugs now, or have you done so recently?",
    ),
    _yes_no(
        "immunosuppressed",
        GENERAL_HEALTH,
        "Do you have HIV, or take medicines that weaken the immune system, such as "
        "transplant medicines, chemotherapy, biologic medicines or other "
        "immunosuppressants?",
    ),
    _yes_no(
        "recent_infection_or_spinal_procedure",
        GENERAL_HEALTH,
        "In the last 3 months, have you had a bacterial infection (including a "
        "urine infection), or spinal surgery or a spinal injection?",
    ),
    _yes_no(
        "steroid_use",
        GENERAL_HEALTH,
        "Have you taken steroid tablets or other steroid medicines that act on the "
        "whole body for 3 months or longer?",
    ),
    _yes_no(
        "osteoporosis",
        GENERAL_HEALTH,
        "Have you been told you have osteoporosis (thin bones), or have you broken "
        "a bone after a minor fall or knock?",
    ),
    _yes_no(
        "bladder_dysfunction",
        BLADDER_BOWEL_SENSATION,
        "Do you have any new or worsening problem passing urine: difficulty "
        "starting or stopping, a weak flow, less feeling when you pass urine, not "
        "knowing when your bladder is full or empty, leaking or needing pads, or "
        "being unable to pass urine?",
    ),
    _yes_no(
        "bowel_dysfunction",
        BLADDER_BOWEL_SENSATION,
        "Do you have any new problem with your bowels: being unable to stop a bowel "
        "movement or leaking, or less feeling when you pass a motion or when your "
        "back passage is full?",
    ),
    _yes_no(
        "saddle_numbness",
        BLADDER_BOWEL_SENSATION,
        "Do you have numbness or pins and needles between your inner thighs or "
        "genitals, around your back passage or buttocks, or a different feeling "
        "when you wipe after using the toilet?",
    ),
    _yes_no(
        "sexual_dysfunction",
        BLADDER_BOWEL_SENSATION,
        "Do you have any new trouble getting an erection or ejaculating, or loss of "
        "feeling in your genitals during sex?",
    ),
    _yes_no(
        "bilateral_leg_symptoms",
        LEGS,
        "Do you have pain, numbness, pins and needles or weakness in both legs?",
    ),
    _yes_no(
        "radiating_leg_pain",
        LEGS,
        "Does your pain spread down a leg to below the knee?",
    ),
    _yes_no(
        "leg_weakness",
        LEGS,
        "Do you have weakness in a leg (for example, your foot drops or catches) "
        "that is not getting worse?",
    ),
    _yes_no(
        "progressive_leg_weakness",
        LEGS,
        "Do you have weakness in a leg that is getting worse over hours or days?",
    ),
    _yes_no(
        "difficulty_walking",
        LEGS,
        "Do you have new difficulty standing or walking because of weakness, "
        "numbness or unsteadiness? (Answer no if only pain slows you down.)",
    ),
    _yes_no(
        "loss_of_consciousness",
        HEART_AND_BREATHING,
        "Have you fainted or blacked out since this back pain started?",
    ),
    _yes_no(
        "pulsatile_abdominal_mass",
        HEART_AND_BREATHING,
        "Have you noticed a pulsing feeling or a pulsing lump in your tummy?",
    ),
    _yes_no(
        "abdominal_pain",
        HEART_AND_BREATHING,
        "Do you have pain in your tummy or groin as well as your back?",
    ),
    _yes_no(
        "rapid_heartbeat",
        HEART_AND_BREATHING,
        "Is your heart racing or pounding?",
    ),
    _yes_no(
        "low_blood_pressure",
        HEART_AND_BREATHING,
        "Do you have low blood pressure (known or measured), or have you collapsed?",
    ),
    _yes_no(
        "dizziness",
        HEART_AND_BREATHING,
        "Do you feel light-headed or faint?",
    ),
    _yes_no(
        "chest_pain_or_breathlessness",
        HEART_AND_BREATHING,
        "Do you have new chest pain, chest tightness or shortness of breath?",
    ),
    FieldSpec(
        "back_pain_onset_age",
        "int",
        "How old were you when this back-pain problem first started?",
        INFLAMMATORY_FEATURES,
        0,
        120,
    ),
    _yes_no(
        "night_waking_second_half",
        INFLAMMATORY_FEATURES,
        "Do your back symptoms wake you in the second half of the night?",
    ),
    _yes_no(
        "buttock_pain",
        INFLAMMATORY_FEATURES,
        "Do you have pain in your buttocks?",
    ),
    _yes_no(
        "improves_with_movement",
        INFLAMMATORY_FEATURES,
        "Does your back feel better with movement or exercise?",
    ),
    _yes_no(
        "improves_with_nsaids_48h",
        INFLAMMATORY_FEATURES,
        "Does your back get clearly better within 48 hours of taking an "
        "anti-inflammatory painkiller (NSAID), such as ibuprofen or naproxen?",
    ),
    _yes_no(
        "family_history_spa",
        INFLAMMATORY_FEATURES,
        "Does a parent, brother, sister or child of yours have spondyloarthritis "
        "(ankylosing spondylitis)?",
    ),
    _yes_no(
        "arthritis_history",
        INFLAMMATORY_FEATURES,
        "Do you have, or have you had, arthritis in joints other than your spine?",
    ),
    _yes_no(
        "enthesitis_history",
        INFLAMMATORY_FEATURES,
        "Do you have, or have you had, pain where a tendon joins a bone, for "
        "example at the heel or the back of the ankle (enthesitis)?",
    ),
    _yes_no(
        "psoriasis",
        INFLAMMATORY_FEATURES,
        "Do you have, or have you had, psoriasis?",
    ),
    _yes_no(
        "morning_stiffness_over_30min",
        INFLAMMATORY_FEATURES,
        "Is your back stiff for more than 30 minutes after you get up in the morning?",
    ),
)

FIELDS_BY_NAME: Mapping[str, FieldSpec] = MappingProxyType({f.name: f for f in FIELDS})

# Every boolean that rules R1a..R8 read, plus age: a skipped red-flag question must not
# silently count as "no".
REQUIRED_FIELDS: tuple[str, ...] = (
    "age",
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
)

OPTIONAL_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.name not in REQUIRED_FIELDS)


def _value_problem(spec: FieldSpec, value: Any) -> str | None:
    if spec.type == "bool":
        return None if isinstance(value, bool) else NOT_BOOL
    if spec.type == "choice":
        if not isinstance(value, str):
            return NOT_TEXT
        return None if value in spec.choices else f"Must be one of: {', '.join(spec.choices)}."
    # bool is a subclass of int; True is not an age.
    if not isinstance(value, int) or isinstance(value, bool):
        return NOT_INT
    if spec.minimum is not None and value < spec.minimum:
        if spec.maximum is None:
            return f"Must be {spec.minimum} or more."
        return f"Must be between {spec.minimum} and {spec.maximum}."
    if spec.maximum is not None and value > spec.maximum:
        return f"Must be between {spec.minimum} and {spec.maximum}."
    return None


def validate_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Type and range problems of the known fields present in `data` (None = unanswered).

    Missing fields are not reported and unknown keys are ignored.
    """
    problems: dict[str, str] = {}
    for spec in FIELDS:
        value = data.get(spec.name)
        if value is None:
            continue
        problem = _value_problem(spec, value)
        if problem is not None:
            problems[spec.name] = problem
    age, onset_age = data.get("age"), data.get("back_pain_onset_age")
    if (
        "age" not in problems
        and "back_pain_onset_age" not in problems
        and isinstance(age, int)
        and isinstance(onset_age, int)
        and onset_age > age
    ):
        problems["back_pain_onset_age"] = "Cannot be more than your current age."
    return problems


def validate_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """Field -> reason for every missing required field and every invalid value; {} if fine."""
    problems = {name: REQUIRED for name in REQUIRED_FIELDS if data.get(name) is None}
    problems.update(validate_values(data))
    return problems


class FormField(TypedDict):
    name: str
    type: FieldType
    question: str
    group: str
    required: bool
    minimum: int | None
    maximum: int | None
    choices: list[str]


class StartBackForm(TypedDict):
    preamble: str
    items: list[str]
    responses: list[str]
    item9_responses: list[str]
    copyright: str


class OswestrySection(TypedDict):
    name: str
    label: str


class OswestryForm(TypedDict):
    sections: list[OswestrySection]
    scores: list[int]


class IntakeForm(TypedDict):
    version: str
    groups: list[str]
    fields: list[FormField]
    start_back: StartBackForm
    oswestry: OswestryForm


def form_definition() -> IntakeForm:
    """The intake form as plain data, for the app to render (and to stay in step with)."""
    return {
        "version": QUESTIONNAIRE_VERSION,
        "groups": list(GROUPS),
        "fields": [
            {
                "name": f.name,
                "type": f.type,
                "question": f.question,
                "group": f.group,
                "required": f.name in REQUIRED_FIELDS,
                "minimum": f.minimum,
                "maximum": f.maximum,
                "choices": list(f.choices),
            }
            for f in FIELDS
        ],
        "start_back": {
            "preamble": instruments.START_BACK_PREAMBLE,
            "items": list(instruments.START_BACK_ITEMS),
            "responses": list(instruments.START_BACK_RESPONSE_LABELS),
            "item9_responses": list(instruments.START_BACK_ITEM9_LABELS),
            "copyright": instruments.START_BACK_COPYRIGHT,
        },
        # Section names only: the Oswestry statements are licensed text.
        "oswestry": {
            "sections": [
                {"name": name, "label": instruments.ODI_SECTION_LABELS[name]}
                for name in instruments.ODI_SECTIONS
            ],
            "scores": [0, 1, 2, 3, 4, 5],
        },
    }
