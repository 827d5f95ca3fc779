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


def _(text: str) -> str:
    """Marks a reason for translation (makemessages reads it); the API translates it."""
    return text


class Reason(str):
    """A reason in English that keeps its template and values, so the API can give it in the
    patient's language (gettext(reason.template) % reason.values) without this module
    importing Django."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Reason:
        reason = super().__new__(cls, template % values if values else template)
        reason.template = template
        reason.values = values
        return reason


REQUIRED = Reason(_("This question must be answered."))
NOT_BOOL = Reason(_("Must be true or false."))
NOT_INT = Reason(_("Must be a whole number."))
NOT_TEXT = Reason(_("Must be text."))


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
    FieldSpec("age", "int", _("How old are you, in whole years?"), ABOUT_YOU, 0, 120),
    FieldSpec("sex", "choice", _("What is your sex?"), ABOUT_YOU, choices=("male", "female")),
    FieldSpec(
        "onset",
        "choice",
        _("Did this episode of back pain start suddenly or gradually?"),
        THIS_EPISODE,
        choices=("sudden", "gradual"),
    ),
    FieldSpec(
        "duration_days",
        "int",
        _("How many days ago did this episode of back pain start? (0 means today.)"),
        THIS_EPISODE,
        minimum=0,
        maximum=36500,  # a lifetime; larger numbers are typing errors
    ),
    _yes_no(
        "trauma",
        THIS_EPISODE,
        _(
            "Did you have any injury before the pain started, such as a fall, a knock "
            "or straining while lifting?"
        ),
    ),
    _yes_no(
        "major_trauma",
        THIS_EPISODE,
        _(
            "Was it a high-energy injury, such as a road collision, a fall from higher "
            "than 1 metre or down more than 5 stairs, or being hit at speed?"
        ),
    ),
    FieldSpec(
        "pain_nrs",
        "int",
        _(
            "How bad is your pain now, or at its worst in the last 24 hours, from 0 "
            "(no pain) to 10 (the worst pain you can imagine)?"
        ),
        THIS_EPISODE,
        0,
        10,
    ),
    _yes_no(
        "night_pain",
        THIS_EPISODE,
        _(
            "Do you have constant pain at night that does not ease when you change "
            "position, or pain that stops you sleeping?"
        ),
    ),
    _yes_no(
        "thoracic_pain",
        THIS_EPISODE,
        _("Do you have pain in your middle or upper back, between or below your shoulder blades?"),
    ),
    _yes_no(
        "fever",
        GENERAL_HEALTH,
        _(
            "Have you felt feverish, or had sweats, chills or shaking attacks, or a "
            "temperature of 38 °C or higher?"
        ),
    ),
    _yes_no(
        "unexplained_weight_loss",
        GENERAL_HEALTH,
        _("Have you lost weight that you cannot explain (you have not been dieting)?"),
    ),
    _yes_no(
        "history_of_cancer",
        GENERAL_HEALTH,
        _(
            "Do you have cancer now, or have you ever had cancer? (Do not count "
            "non-melanoma skin cancer.)"
        ),
    ),
    _yes_no(
        "iv_drug_use",
        GENERAL_HEALTH,
        _("Do you inject drugs now, or have you done so recently?"),
    ),
    _yes_no(
        "immunosuppressed",
        GENERAL_HEALTH,
        _(
            "Do you have HIV, or take medicines that weaken the immune system, such as "
            "transplant medicines, chemotherapy, biologic medicines or other "
            "immunosuppressants?"
        ),
    ),
    _yes_no(
        "recent_infection_or_spinal_procedure",
        GENERAL_HEALTH,
        _(
            "In the last 3 months, have you had a bacterial infection (including a "
            "urine infection), or spinal surgery or a spinal injection?"
        ),
    ),
    _yes_no(
        "steroid_use",
        GENERAL_HEALTH,
        _(
            "Have you taken steroid tablets or other steroid medicines that act on the "
            "whole body for 3 months or longer?"
        ),
    ),
    _yes_no(
        "osteoporosis",
        GENERAL_HEALTH,
        _(
            "Have you been told you have osteoporosis (thin bones), or have you broken "
            "a bone after a minor fall or knock?"
        ),
    ),
    _yes_no(
        "bladder_dysfunction",
        BLADDER_BOWEL_SENSATION,
        _(
            "Do you have any new or worsening problem passing urine: difficulty "
            "starting or stopping, a weak flow, less feeling when you pass urine, not "
            "knowing when your bladder is full or empty, leaking or needing pads, or "
            "being unable to pass urine?"
        ),
    ),
    _yes_no(
        "bowel_dysfunction",
        BLADDER_BOWEL_SENSATION,
        _(
            "Do you have any new problem with your bowels: being unable to stop a bowel "
            "movement or leaking, or less feeling when you pass a motion or when your "
            "back passage is full?"
        ),
    ),
    _yes_no(
        "saddle_numbness",
        BLADDER_BOWEL_SENSATION,
        _(
            "Do you have numbness or pins and needles between your inner thighs or "
            "genitals, around your back passage or buttocks, or a different feeling "
            "when you wipe after using the toilet?"
        ),
    ),
    _yes_no(
        "sexual_dysfunction",
        BLADDER_BOWEL_SENSATION,
        _(
            "Do you have any new trouble getting an erection or ejaculating, or loss of "
            "feeling in your genitals during sex?"
        ),
    ),
    _yes_no(
        "bilateral_leg_symptoms",
        LEGS,
        _("Do you have pain, numbness, pins and needles or weakness in both legs?"),
    ),
    _yes_no(
        "radiating_leg_pain",
        LEGS,
        _("Does your pain spread down a leg to below the knee?"),
    ),
    _yes_no(
        "leg_weakness",
        LEGS,
        _(
            "Do you have weakness in a leg (for example, your foot drops or catches) "
            "that is not getting worse?"
        ),
    ),
    _yes_no(
        "progressive_leg_weakness",
        LEGS,
        _("Do you have weakness in a leg that is getting worse over hours or days?"),
    ),
    _yes_no(
        "difficulty_walking",
        LEGS,
        _(
            "Do you have new difficulty standing or walking because of weakness, "
            "numbness or unsteadiness? (Answer no if only pain slows you down.)"
        ),
    ),
    _yes_no(
        "loss_of_consciousness",
        HEART_AND_BREATHING,
        _("Have you fainted or blacked out since this back pain started?"),
    ),
    _yes_no(
        "pulsatile_abdominal_mass",
        HEART_AND_BREATHING,
        _("Have you noticed a pulsing feeling or a pulsing lump in your tummy?"),
    ),
    _yes_no(
        "abdominal_pain",
        HEART_AND_BREATHING,
        _("Do you have pain in your tummy or groin as well as your back?"),
    ),
    _yes_no(
        "rapid_heartbeat",
        HEART_AND_BREATHING,
        _("Is your heart racing or pounding?"),
    ),
    _yes_no(
        "low_blood_pressure",
        HEART_AND_BREATHING,
        _("Do you have low blood pressure (known or measured), or have you collapsed?"),
    ),
    _yes_no(
        "dizziness",
        HEART_AND_BREATHING,
        _("Do you feel light-headed or faint?"),
    ),
    _yes_no(
        "chest_pain_or_breathlessness",
        HEART_AND_BREATHING,
        _("Do you have new chest pain, chest tightness or shortness of breath?"),
    ),
    FieldSpec(
        "back_pain_onset_age",
        "int",
        _("How old were you when this back-pain problem first started?"),
        INFLAMMATORY_FEATURES,
        0,
        120,
    ),
    _yes_no(
        "night_waking_second_half",
        INFLAMMATORY_FEATURES,
        _("Do your back symptoms wake you in the second half of the night?"),
    ),
    _yes_no(
        "buttock_pain",
        INFLAMMATORY_FEATURES,
        _("Do you have pain in your buttocks?"),
    ),
    _yes_no(
        "improves_with_movement",
        INFLAMMATORY_FEATURES,
        _("Does your back feel better with movement or exercise?"),
    ),
    _yes_no(
        "improves_with_nsaids_48h",
        INFLAMMATORY_FEATURES,
        _(
            "Does your back get clearly better within 48 hours of taking an "
            "anti-inflammatory painkiller (NSAID), such as ibuprofen or naproxen?"
        ),
    ),
    _yes_no(
        "family_history_spa",
        INFLAMMATORY_FEATURES,
        _(
            "Does a parent, brother, sister or child of yours have spondyloarthritis "
            "(ankylosing spondylitis)?"
        ),
    ),
    _yes_no(
        "arthritis_history",
        INFLAMMATORY_FEATURES,
        _("Do you have, or have you had, arthritis in joints other than your spine?"),
    ),
    _yes_no(
        "enthesitis_history",
        INFLAMMATORY_FEATURES,
        _(
            "Do you have, or have you had, pain where a tendon joins a bone, for "
            "example at the heel or the back of the ankle (enthesitis)?"
        ),
    ),
    _yes_no(
        "psoriasis",
        INFLAMMATORY_FEATURES,
        _("Do you have, or have you had, psoriasis?"),
    ),
    _yes_no(
        "morning_stiffness_over_30min",
        INFLAMMATORY_FEATURES,
        _("Is your back stiff for more than 30 minutes after you get up in the morning?"),
    ),
)

FIELDS_BY_NAME: Mapping[str, FieldSpec] = MappingProxyType({f.name: f for f in FIELDS})

# What a clinician reads on the dashboard for each answer (a few words, not the question).
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "age": "Age",
        "sex": "Sex",
        "onset": "Onset",
        "duration_days": "Days since this episode began",
        "trauma": "Injury before the pain",
        "major_trauma": "High-energy injury",
        "pain_nrs": "Pain now (0-10)",
        "night_pain": "Constant night pain",
        "thoracic_pain": "Middle or upper back pain",
        "fever": "Fever, sweats or chills",
        "unexplained_weight_loss": "Unexplained weight loss",
        "history_of_cancer": "Cancer, now or in the past",
        "iv_drug_use": "Injects drugs",
        "immunosuppressed": "Weakened immune system",
        "recent_infection_or_spinal_procedure": "Infection or spinal procedure in 3 months",
        "steroid_use": "Steroids for 3 months or longer",
        "osteoporosis": "Osteoporosis or a fragility fracture",
        "bladder_dysfunction": "Bladder problem",
        "bowel_dysfunction": "Bowel problem",
        "saddle_numbness": "Saddle numbness",
        "sexual_dysfunction": "New sexual dysfunction",
        "bilateral_leg_symptoms": "Symptoms in both legs",
        "radiating_leg_pain": "Pain spreading below the knee",
        "leg_weakness": "Stable leg weakness",
        "progressive_leg_weakness": "Leg weakness getting worse",
        "difficulty_walking": "New difficulty standing or walking",
        "loss_of_consciousness": "Fainted or blacked out",
        "pulsatile_abdominal_mass": "Pulsing feeling in the tummy",
        "abdominal_pain": "Tummy or groin pain",
        "rapid_heartbeat": "Racing heart",
        "low_blood_pressure": "Low blood pressure or collapse",
        "dizziness": "Light-headed or faint",
        "chest_pain_or_breathlessness": "Chest pain or breathlessness",
        "back_pain_onset_age": "Age when back pain first started",
        "night_waking_second_half": "Woken in the second half of the night",
        "buttock_pain": "Buttock pain",
        "improves_with_movement": "Better with movement",
        "improves_with_nsaids_48h": "Better within 48 h of an NSAID",
        "family_history_spa": "Family history of spondyloarthritis",
        "arthritis_history": "Arthritis in other joints",
        "enthesitis_history": "Enthesitis",
        "psoriasis": "Psoriasis",
        "morning_stiffness_over_30min": "Morning stiffness over 30 minutes",
    }
)

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
        if value in spec.choices:
            return None
        return Reason(_("Must be one of: %(choices)s."), choices=", ".join(spec.choices))
    # bool is a subclass of int; True is not an age.
    if not isinstance(value, int) or isinstance(value, bool):
        return NOT_INT
    if spec.minimum is not None and value < spec.minimum:
        if spec.maximum is None:
            return Reason(_("Must be %(minimum)s or more."), minimum=spec.minimum)
        return _between(spec)
    if spec.maximum is not None and value > spec.maximum:
        return _between(spec)
    return None


def _between(spec: FieldSpec) -> Reason:
    return Reason(
        _("Must be between %(minimum)s and %(maximum)s."),
        minimum=spec.minimum,
        maximum=spec.maximum,
    )


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
        problems["back_pain_onset_age"] = Reason(_("Cannot be more than your current age."))
    return problems


def validate_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """Field -> reason for every missing required field and every invalid value; {} if fine."""
    problems: dict[str, str] = {
        name: REQUIRED for name in REQUIRED_FIELDS if data.get(name) is None
    }
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


# The same questions as a clinician asks or records them (the dashboard's intake form); the
# meaning is the patient wording's, field by field. Age is not asked there: it comes from the
# date of birth on the patient's record.
CLINICIAN_QUESTIONS: Mapping[str, str] = MappingProxyType(
    {
        "age": "Age in whole years",
        "sex": "Sex",
        "onset": "Onset of this episode",
        "duration_days": "Days since this episode started (0 = today)",
        "trauma": "Does the patient report an injury before the pain started "
        "(a fall, a knock, straining while lifting)?",
        "major_trauma": "Was it high-energy trauma (road collision, fall from over 1 m or "
        "more than 5 stairs, struck at speed)?",
        "pain_nrs": "Pain now or at its worst in the last 24 hours (NRS 0-10)",
        "night_pain": "Does the patient report constant night pain not eased by changing "
        "position, or pain that stops them sleeping?",
        "thoracic_pain": "Does the patient report thoracic pain (middle or upper back)?",
        "fever": "Does the patient report fever, sweats, chills or rigors, or a temperature "
        "of 38 °C or higher?",
        "unexplained_weight_loss": "Does the patient report unexplained weight loss?",
        "history_of_cancer": "Does the patient have a current or past cancer "
        "(not non-melanoma skin cancer)?",
        "iv_drug_use": "Does the patient inject drugs now or recently?",
        "immunosuppressed": "Is the patient immunosuppressed (HIV, transplant medicines, "
        "chemotherapy, biologics or other immunosuppressants)?",
        "recent_infection_or_spinal_procedure": "In the last 3 months: a bacterial infection "
        "(including a UTI), spinal surgery or a spinal injection?",
        "steroid_use": "Has the patient taken systemic steroids for 3 months or longer?",
        "osteoporosis": "Does the patient have osteoporosis, or a fragility fracture?",
        "bladder_dysfunction": "Does the patient report new or worsening bladder disturbance "
        "(hesitancy, poor stream, reduced sensation, incontinence or retention)?",
        "bowel_dysfunction": "Does the patient report new bowel disturbance (faecal "
        "incontinence, or reduced rectal or anal sensation)?",
        "saddle_numbness": "Does the patient report saddle or perianal numbness or "
        "paraesthesia, or altered sensation when wiping?",
        "sexual_dysfunction": "Does the patient report new sexual dysfunction (erectile or "
        "ejaculatory difficulty, or genital numbness)?",
        "bilateral_leg_symptoms": "Does the patient report pain, numbness, paraesthesia or "
        "weakness in both legs?",
        "radiating_leg_pain": "Does the pain radiate below the knee?",
        "leg_weakness": "Does the patient report leg weakness (foot drop or catching) that is "
        "not getting worse?",
        "progressive_leg_weakness": "Does the patient report leg weakness getting worse over "
        "hours or days?",
        "difficulty_walking": "Does the patient have new difficulty standing or walking from "
        "weakness, numbness or unsteadiness (not pain alone)?",
        "loss_of_consciousness": "Has the patient fainted or blacked out since the pain started?",
        "pulsatile_abdominal_mass": "Does the patient report a pulsatile abdominal mass or "
        "sensation?",
        "abdominal_pain": "Does the patient report abdominal or groin pain as well as back pain?",
        "rapid_heartbeat": "Does the patient report a racing or pounding heart?",
        "low_blood_pressure": "Is the patient's blood pressure low (known or measured), or "
        "have they collapsed?",
        "dizziness": "Does the patient feel light-headed or faint?",
        "chest_pain_or_breathlessness": "Does the patient report new chest pain, tightness "
        "or breathlessness?",
        "back_pain_onset_age": "Age when this back-pain problem first started",
        "night_waking_second_half": "Do back symptoms wake the patient in the second half "
        "of the night?",
        "buttock_pain": "Does the patient report buttock pain?",
        "improves_with_movement": "Do symptoms improve with movement or exercise?",
        "improves_with_nsaids_48h": "Do symptoms clearly improve within 48 hours of an NSAID?",
        "family_history_spa": "Does a first-degree relative have spondyloarthritis "
        "(ankylosing spondylitis)?",
        "arthritis_history": "Current or past arthritis in joints other than the spine?",
        "enthesitis_history": "Current or past enthesitis (for example heel or Achilles)?",
        "psoriasis": "Current or past psoriasis?",
        "morning_stiffness_over_30min": "Morning stiffness lasting more than 30 minutes?",
    }
)
