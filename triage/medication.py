"""Medication-safety notes for low-back pain (REFERENCE.md §8, rules MED1-MED11).

Surfaces information for the patient and prompts for the clinician from the
recorded medicine list. It never prescribes, doses or advises stopping a medicine.
Pure module: no Django, no settings, no clock (callers pass ``reference_time``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

__all__ = [
    "DrugClass",
    "MedicationNote",
    "medication_notes",
    "medicine_classes",
    "unclassified",
]


class DrugClass(StrEnum):
    MUSCLE_RELAXANT = "muscle_relaxant"
    BENZODIAZEPINE = "benzodiazepine"
    OPIOID = "opioid"
    NSAID = "nsaid"  # oral / systemic
    TOPICAL_NSAID = "topical_nsaid"
    LOW_DOSE_ASPIRIN = "low_dose_aspirin"  # antiplatelet, not an analgesic
    PARACETAMOL = "paracetamol"
    GABAPENTINOID = "gabapentinoid"
    ANTIEPILEPTIC = "antiepileptic"  # other than gabapentinoids
    SSRI = "ssri"
    SNRI = "snri"
    TCA = "tca"
    SYSTEMIC_CORTICOSTEROID = "systemic_corticosteroid"
    LOCAL_CORTICOSTEROID = "local_corticosteroid"  # topical, inhaled, epidural...
    CANNABIS = "cannabis"
    ALCOHOL = "alcohol"


_C = DrugClass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Generic and brand names (single words), matched case-insensitively as whole words.
_CLASS_TERMS: Final[Mapping[DrugClass, tuple[str, ...]]] = {
    _C.MUSCLE_RELAXANT: _words(
        "cyclobenzaprine flexeril amrix metaxalone skelaxin methocarbamol robaxin "
        "carisoprodol soma orphenadrine norflex tizanidine zanaflex baclofen lioresal "
        "chlorzoxazone"
    ),
    _C.BENZODIAZEPINE: _words(
        "diazepam valium lorazepam ativan clonazepam klonopin rivotril alprazolam "
        "xanax temazepam restoril chlordiazepoxide librium oxazepam nitrazepam "
        "midazolam clobazam triazolam flurazepam estazolam clorazepate"
    ),
    _C.OPIOID: _words(
        "codeine dihydrocodeine tramadol ultram zydol hydrocodone oxycodone oxycontin "
        "morphine oramorph zomorph tapentadol nucynta buprenorphine butrans subutex "
        "suboxone fentanyl duragesic hydromorphone dilaudid oxymorphone methadone "
        "pethidine meperidine diamorphine"
    ),
    _C.NSAID: _words(
        "ibuprofen advil motrin nurofen brufen naproxen aleve naprosyn diclofenac "
        "voltaren voltarol celecoxib celebrex etoricoxib arcoxia meloxicam mobic "
        "ketoprofen dexketoprofen ketorolac toradol indometacin indomethacin "
        "piroxicam etodolac nabumetone aceclofenac flurbiprofen sulindac mefenamic "
        "aspirin acetylsalicylic"
    ),
    _C.PARACETAMOL: _words("paracetamol acetaminophen tylenol panadol calpol"),
    _C.GABAPENTINOID: _words("gabapentin neurontin pregabalin lyrica"),
    _C.ANTIEPILEPTIC: _words(
        "carbamazepine tegretol topiramate topamax valproate valproic depakote epilim "
        "lamotrigine lamictal levetiracetam keppra oxcarbazepine trileptal phenytoin "
        "dilantin lacosamide zonisamide phenobarbital"
    ),
    _C.SSRI: _words(
        "fluoxetine prozac sertraline zoloft citalopram celexa escitalopram lexapro "
        "cipralex paroxetine paxil seroxat fluvoxamine"
    ),
    _C.SNRI: _words(
        "duloxetine cymbalta venlafaxine effexor desvenlafaxine pristiq milnacipran levomilnacipran"
    ),
    _C.TCA: _words(
        "amitriptyline nortriptyline imipramine clomipramine dosulepin dothiepin "
        "doxepin desipramine trimipramine lofepramine"
    ),
    _C.SYSTEMIC_CORTICOSTEROID: _words(
        "prednisolone prednisone dexamethasone decadron methylprednisolone medrol deflazacort"
    ),
    # CBD-only products are left unclassified: §8 MED4 concerns *sedating* cannabis.
    _C.CANNABIS: _words("cannabis marijuana marihuana thc dronabinol nabilone nabiximols sativex"),
    _C.ALCOHOL: _words("alcohol ethanol beer wine whisky whiskey vodka"),
}

# Fixed-dose combinations carry every ingredient's class.
_COMBINATION_TERMS: Final[Mapping[str, frozenset[DrugClass]]] = {
    "co-codamol": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "cocodamol": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "co-dydramol": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "codydramol": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "tylenol 3": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "tylenol 4": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "vicodin": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "norco": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "percocet": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "tramacet": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "ultracet": frozenset({_C.OPIOID, _C.PARACETAMOL}),
    "nurofen plus": frozenset({_C.OPIOID, _C.NSAID}),
}

_ASPIRIN_TERMS: Final = frozenset({("aspirin",), ("acetylsalicylic",)})
# Aspirin at <= 150 mg is cardioprotective, not the "analgesic dose" NSAID (§8 MED5).
_LOW_DOSE_ASPIRIN_MAX_MG: Final = 150.0
_LOW_DOSE_WORDS: Final = frozenset({("low", "dose"), ("baby",)})
_MG_PATTERN: Final = re.compile(r"(\d+(?:\.\d+)?)\s*mg\b", re.IGNORECASE)

# Non-systemic forms: MED5 is about oral NSAIDs and MED9/MED11 about systemic
# steroids (NG59 even suggests epidural steroid injections for acute severe sciatica).
_LOCAL_FORM_WORDS: Final = frozenset(
    (word,)
    for word in _words(
        "gel emulgel cream ointment lotion spray foam patch patches plaster plasters topical "
        "drops inhaler inhaled nasal epidural caudal facet intraarticular block"
    )
) | {("intra", "articular")}
# Oral capsules named like a topical form ("Advil Liqui-Gel") stay systemic.
_ORAL_GEL_WORDS: Final = frozenset({("liqui", "gel"), ("liquid", "gel")})
_LOCALISED: Final[Mapping[DrugClass, DrugClass]] = {
    _C.NSAID: _C.TOPICAL_NSAID,
    _C.SYSTEMIC_CORTICOSTEROID: _C.LOCAL_CORTICOSTEROID,
}

_TOKEN: Final = re.compile(r"[^\W_]+")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.casefold()))


def _build_vocabulary() -> dict[tuple[str, ...], frozenset[DrugClass]]:
    vocabulary: dict[tuple[str, ...], frozenset[DrugClass]] = {}
    for drug_class, terms in _CLASS_TERMS.items():
        for term in terms:
            key = _tokens(term)
            vocabulary[key] = vocabulary.get(key, frozenset()) | {drug_class}
    for term, classes in _COMBINATION_TERMS.items():
        vocabulary[_tokens(term)] = classes
    return vocabulary


_VOCABULARY: Final = _build_vocabulary()


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(tokens[i : i + width] == phrase for i in range(len(tokens) - width + 1))


def _contains_any(tokens: tuple[str, ...], phrases: Iterable[tuple[str, ...]]) -> bool:
    return any(_contains(tokens, phrase) for phrase in phrases)


def _is_low_dose_aspirin(text: str, tokens: tuple[str, ...]) -> bool:
    doses_mg = [float(match) for match in _MG_PATTERN.findall(text)]
    if doses_mg:
        return max(doses_mg) <= _LOW_DOSE_ASPIRIN_MAX_MG
    return _contains_any(tokens, _LOW_DOSE_WORDS)


def _term_classes(term: tuple[str, ...], text: str, tokens: tuple[str, ...]) -> set[DrugClass]:
    if term in _ASPIRIN_TERMS and _is_low_dose_aspirin(text, tokens):
        return {_C.LOW_DOSE_ASPIRIN}
    classes = set(_VOCABULARY[term])
    if _contains_any(tokens, _LOCAL_FORM_WORDS) and not _contains_any(tokens, _ORAL_GEL_WORDS):
        classes = {_LOCALISED.get(drug_class, drug_class) for drug_class in classes}
    return classes


def medicine_classes(name: str, dose: str | None = None) -> frozenset[DrugClass]:
    """Classes a recorded medicine belongs to; empty when the name is not recognised."""
    text = name if dose is None else f"{name} {dose}"
    tokens = _tokens(text)
    name_tokens = _tokens(name)
    classes: set[DrugClass] = set()
    for term in _VOCABULARY:
        if _contains(name_tokens, term):
            classes |= _term_classes(term, text, tokens)
    return frozenset(classes)


# ---------------------------------------------------------------------------
# Input parsing
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Medicine:
    name: str
    since: date | None
    classes: frozenset[DrugClass]


def _require_aware(label: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{label} must be a timezone-aware datetime, got {value!r}")
    return value


def _parse_medicine(index: int, medicine: object) -> _Medicine:
    if not isinstance(medicine, Mapping):
        raise ValueError(f"medicine {index}: expected a mapping, got {medicine!r}")
    name = medicine.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"medicine {index}: 'name' must be a non-empty string")
    dose = medicine.get("dose")
    if dose is not None and not isinstance(dose, str):
        raise ValueError(f"medicine {name!r}: 'dose' must be a string, got {dose!r}")
    since = medicine.get("since")
    if isinstance(since, datetime):
        _require_aware(f"medicine {name!r}: 'since'", since)
    elif since is not None and not isinstance(since, date):
        raise ValueError(f"medicine {name!r}: 'since' must be a date or datetime")
    return _Medicine(name=name.strip(), since=since, classes=medicine_classes(name, dose))


def _parse_medicines(medicines: Sequence[Mapping[str, Any]]) -> list[_Medicine]:
    if isinstance(medicines, (str, bytes)) or not isinstance(medicines, Sequence):
        raise ValueError("medicines must be a sequence of mappings")
    return [_parse_medicine(index, medicine) for index, medicine in enumerate(medicines)]


def _optional_count(label: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{label} must be a non-negative int or None, got {value!r}")
    return value


def unclassified(medicines: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names that match no class, so a clinician can review them by hand."""
    return [medicine.name for medicine in _parse_medicines(medicines) if not medicine.classes]


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MedicationNote:
    id: str
    medicines: tuple[str, ...]
    clinician_message: str
    patient_message: str | None
    source: str


@dataclass(frozen=True, slots=True)
class _Context:
    medicines: tuple[_Medicine, ...]
    age: int | None
    duration_days: int | None
    sciatica: bool
    reference_time: datetime | None

    def names(self, *classes: DrugClass) -> tuple[str, ...]:
        wanted = set(classes)
        found = (m.name for m in self.medicines if m.classes & wanted)
        return tuple(dict.fromkeys(found))


_SEDATING_WITH_OPIOID: Final = (
    _C.BENZODIAZEPINE,
    _C.MUSCLE_RELAXANT,
    _C.GABAPENTINOID,
    _C.CANNABIS,
    _C.ALCOHOL,
)
# MED6: everything recorded is taken for the back pain, so any other classified
# medicine (alcohol and low-dose aspirin aside) means paracetamol is not alone.
_OTHER_PAIN_MEDICINES: Final = tuple(
    drug_class
    for drug_class in DrugClass
    if drug_class not in {_C.PARACETAMOL, _C.ALCOHOL, _C.LOW_DOSE_ASPIRIN}
)
_MUSCLE_RELAXANT_MAX: Final = timedelta(hours=72)
# §8 MED7/MED8/MED11: "> 12 weeks" is chronic; 12 weeks = 84 days.
_CHRONIC_AFTER_DAYS: Final = 84


def _start_of(since: date, reference_time: datetime) -> datetime:
    if isinstance(since, datetime):
        return since
    # MED1: a bare date counts from the start of that day, in the reference time's zone.
    return datetime.combine(since, time.min, tzinfo=reference_time.tzinfo)


def _med1(ctx: _Context) -> MedicationNote | None:
    reference_time = ctx.reference_time
    if reference_time is None:
        return None
    names = tuple(
        dict.fromkeys(
            m.name
            for m in ctx.medicines
            if _C.MUSCLE_RELAXANT in m.classes
            and m.since is not None
            and reference_time - _start_of(m.since, reference_time) > _MUSCLE_RELAXANT_MAX
        )
    )
    return _note("MED1", names)


def _med2(ctx: _Context) -> MedicationNote | None:
    return _note("MED2", ctx.names(_C.MUSCLE_RELAXANT, _C.BENZODIAZEPINE))


def _med3(ctx: _Context) -> MedicationNote | None:
    # MED3: ">= 65" as §8 says (Beers "older adults"), unlike the strict triage ages.
    if ctx.age is None or ctx.age < 65:
        return None
    return _note("MED3", ctx.names(_C.MUSCLE_RELAXANT, _C.BENZODIAZEPINE))


def _med4(ctx: _Context) -> MedicationNote | None:
    opioids = ctx.names(_C.OPIOID)
    depressants = ctx.names(*_SEDATING_WITH_OPIOID)
    if not opioids or not depressants:
        return None
    return _note("MED4", ctx.names(_C.OPIOID, *_SEDATING_WITH_OPIOID))


def _med5(ctx: _Context) -> MedicationNote | None:
    return _note("MED5", ctx.names(_C.NSAID))


def _med6(ctx: _Context) -> MedicationNote | None:
    paracetamol = ctx.names(_C.PARACETAMOL)
    if not paracetamol or ctx.names(*_OTHER_PAIN_MEDICINES):
        return None
    return _note("MED6", paracetamol)


def _med7(ctx: _Context) -> MedicationNote | None:
    # MED7: "acute" = duration known and not > 12 weeks (so subacute is included).
    if ctx.duration_days is None or ctx.duration_days > _CHRONIC_AFTER_DAYS:
        return None
    return _note("MED7", ctx.names(_C.OPIOID))


def _med8(ctx: _Context) -> MedicationNote | None:
    # MED8: chronic sciatica is also > 12 weeks, so duration alone decides.
    if ctx.duration_days is None or ctx.duration_days <= _CHRONIC_AFTER_DAYS:
        return None
    return _note("MED8", ctx.names(_C.OPIOID))


def _med9(ctx: _Context) -> MedicationNote | None:
    if not ctx.sciatica:
        return None
    return _note(
        "MED9",
        ctx.names(
            _C.GABAPENTINOID,
            _C.ANTIEPILEPTIC,
            _C.SYSTEMIC_CORTICOSTEROID,
            _C.BENZODIAZEPINE,
        ),
    )


def _med10(ctx: _Context) -> MedicationNote | None:
    # MED10: indication is not recorded; every listed medicine is taken as being for LBP.
    return _note(
        "MED10",
        ctx.names(
            _C.SSRI,
            _C.SNRI,
            _C.TCA,
            _C.GABAPENTINOID,
            _C.ANTIEPILEPTIC,
        ),
    )


def _med11(ctx: _Context) -> MedicationNote | None:
    if ctx.duration_days is None or ctx.duration_days > _CHRONIC_AFTER_DAYS:
        return None
    return _note("MED11", ctx.names(_C.SYSTEMIC_CORTICOSTEROID))


@dataclass(frozen=True, slots=True)
class _NoteText:
    clinician: str
    patient: str | None
    source: str


_TEXT: Final[Mapping[str, _NoteText]] = {
    "MED1": _NoteText(
        clinician=(
            "Flag: muscle relaxant taken for more than 72 hours in this episode. Muscle "
            "relaxants are usually advised for 72 hours or less; review with the prescriber."
        ),
        patient=(
            "Muscle relaxants are usually advised for 72 hours or less; "
            "review with your prescriber."
        ),
        source="Seed 002 [H as seed claim; M clinically]",
    ),
    "MED2": _NoteText(
        clinician=(
            "Info: muscle relaxants and benzodiazepines can cause drowsiness; advise taking "
            "them at night or when not driving or operating machinery."
        ),
        patient=(
            "Take at night or when not driving or operating machinery; they can cause drowsiness."
        ),
        source="Seed 002 [H]",
    ),
    "MED3": _NoteText(
        clinician=(
            "Flag for prescriber review: listed as potentially inappropriate for older "
            "adults (AGS Beers 2023): anticholinergic effects, sedation, falls and "
            "fracture risk."
        ),
        patient=None,
        source="AGS Beers Criteria 2023 [H]",
    ),
    "MED4": _NoteText(
        clinician=(
            "Flag: opioid with another sedating medicine (benzodiazepine, muscle relaxant, "
            "gabapentinoid, cannabis or alcohol). Combining sedating medicines can slow "
            "breathing; check with the prescriber."
        ),
        patient=None,
        source=(
            "FDA 2016 boxed warning on opioids + benzodiazepines [H]; "
            "extension to other CNS depressants [M]"
        ),
    ),
    "MED5": _NoteText(
        clinician=(
            "Info: use the lowest effective dose for the shortest time; the prescriber "
            "should consider stomach, kidney, heart and liver risks, age and stomach "
            "protection. Check for a high dose or a long course."
        ),
        patient=None,
        source="NICE NG59 [H]",
    ),
    "MED6": _NoteText(
        clinician="Info: NICE NG59 does not recommend paracetamol alone for low back pain.",
        patient=None,
        source="NICE NG59 [H]",
    ),
    "MED7": _NoteText(
        clinician=(
            "Info: NICE NG59 says do not routinely offer opioids for acute low back pain; "
            "weak opioids only if an NSAID is contraindicated, not tolerated or ineffective."
        ),
        patient=None,
        source="NICE NG59 [H]",
    ),
    "MED8": _NoteText(
        clinician=(
            "Flag: NICE NG59 says do not offer opioids for chronic low back pain "
            "(more than 12 weeks) or chronic sciatica."
        ),
        patient=None,
        source="NICE NG59 (2016/2020) [H]",
    ),
    "MED9": _NoteText(
        clinician=(
            "Flag: NICE NG59 (2020) says do not offer gabapentinoids, other antiepileptics, "
            "oral corticosteroids or benzodiazepines for sciatica (no overall benefit, risk "
            "of harm). If already taking one, explain withdrawal issues."
        ),
        patient=None,
        source="NICE NG59 2020 update (MIMS/NECSU summaries) [H]",
    ),
    "MED10": _NoteText(
        clinician=(
            "Flag: NICE NG59 says do not offer SSRIs, SNRIs, tricyclic antidepressants or "
            "anticonvulsants for low back pain."
        ),
        patient=None,
        source="NICE NG59 [H]",
    ),
    "MED11": _NoteText(
        clinician=(
            "Info: ACP 2017 found no benefit from systemic corticosteroids for acute or "
            "subacute low back pain, even with radicular pain."
        ),
        patient=None,
        source="ACP 2017 (Qaseem et al, Ann Intern Med 166:514-30) [H]",
    ),
}


def _note(rule_id: str, names: tuple[str, ...]) -> MedicationNote | None:
    if not names:
        return None
    text = _TEXT[rule_id]
    return MedicationNote(
        id=rule_id,
        medicines=names,
        clinician_message=text.clinician,
        patient_message=text.patient,
        source=text.source,
    )


_RULES: Final[tuple[Callable[[_Context], MedicationNote | None], ...]] = (
    _med1,
    _med2,
    _med3,
    _med4,
    _med5,
    _med6,
    _med7,
    _med8,
    _med9,
    _med10,
    _med11,
)


def medication_notes(
    medicines: Sequence[Mapping[str, Any]],
    *,
    age: int | None,
    duration_days: int | None,
    sciatica: bool,
    reference_time: datetime | None = None,
) -> list[MedicationNote]:
    """Evaluate MED1-MED11 (§8) and return the notes that fire, in rule order.

    Unrecognised medicine names produce no note; list them with ``unclassified``.
    """
    if not isinstance(sciatica, bool):
        raise ValueError(f"sciatica must be a bool, got {sciatica!r}")
    if reference_time is not None:
        if not isinstance(reference_time, datetime):
            raise ValueError(f"reference_time must be a datetime, got {reference_time!r}")
        _require_aware("reference_time", reference_time)
    ctx = _Context(
        medicines=tuple(_parse_medicines(medicines)),
        age=_optional_count("age", age),
        duration_days=_optional_count("duration_days", duration_days),
        sciatica=sciatica,
        reference_time=reference_time,
    )
    return [note for rule in _RULES if (note := rule(ctx)) is not None]
