"""Behaviour of the medication-safety notes MED1-MED11 (REFERENCE.md §8)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from triage.medication import (
    DrugClass,
    MedicationNote,
    medication_notes,
    medicine_classes,
    unclassified,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def notes(
    *medicines: Mapping[str, Any] | str,
    age: int | None = 40,
    duration_days: int | None = 10,
    sciatica: bool = False,
    reference_time: datetime | None = NOW,
) -> dict[str, MedicationNote]:
    given: Sequence[Mapping[str, Any]] = [
        {"name": medicine} if isinstance(medicine, str) else medicine for medicine in medicines
    ]
    result = medication_notes(
        given,
        age=age,
        duration_days=duration_days,
        sciatica=sciatica,
        reference_time=reference_time,
    )
    assert [note.id for note in result] == sorted(
        (note.id for note in result), key=lambda rule_id: int(rule_id[3:])
    )
    return {note.id: note for note in result}


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "drug_class"),
    [
        ("Flexeril", DrugClass.MUSCLE_RELAXANT),
        ("Soma", DrugClass.MUSCLE_RELAXANT),
        ("Zanaflex 4 mg", DrugClass.MUSCLE_RELAXANT),
        ("Valium", DrugClass.BENZODIAZEPINE),
        ("Neurontin", DrugClass.GABAPENTINOID),
        ("Lyrica", DrugClass.GABAPENTINOID),
        ("Aleve", DrugClass.NSAID),
        ("Advil Liqui-Gels", DrugClass.NSAID),
        ("Advil Liqui-Gel", DrugClass.NSAID),
        ("Nurofen", DrugClass.NSAID),
        ("Celebrex", DrugClass.NSAID),
        ("Tylenol", DrugClass.PARACETAMOL),
        ("acetaminophen", DrugClass.PARACETAMOL),
        ("Cymbalta", DrugClass.SNRI),
        ("amitriptyline", DrugClass.TCA),
        ("sertraline", DrugClass.SSRI),
        ("topiramate", DrugClass.ANTIEPILEPTIC),
        ("prednisolone", DrugClass.SYSTEMIC_CORTICOSTEROID),
        ("cannabis edibles", DrugClass.CANNABIS),
        ("Alcohol", DrugClass.ALCOHOL),
    ],
)
def test_generic_and_brand_names_are_classified(name: str, drug_class: DrugClass) -> None:
    assert drug_class in medicine_classes(name)


@pytest.mark.parametrize("name", ["CYCLOBENZAPRINE", "cyclobenzaprine", "CycloBenzaprine 10mg"])
def test_names_match_case_insensitively(name: str) -> None:
    assert medicine_classes(name) == {DrugClass.MUSCLE_RELAXANT}


def test_names_match_whole_words_only() -> None:
    assert medicine_classes("somatropin") == frozenset()


@pytest.mark.parametrize("name", ["Co-codamol 30/500", "co codamol", "Tylenol #3"])
def test_combination_products_carry_every_ingredient_class(name: str) -> None:
    assert medicine_classes(name) == {DrugClass.OPIOID, DrugClass.PARACETAMOL}


@pytest.mark.parametrize(
    ("name", "dose"), [("aspirin", "75 mg"), ("Aspirin 81mg", None), ("low-dose aspirin", None)]
)
def test_low_dose_aspirin_is_not_an_nsaid(name: str, dose: str | None) -> None:
    assert medicine_classes(name, dose) == {DrugClass.LOW_DOSE_ASPIRIN}


@pytest.mark.parametrize(("name", "dose"), [("aspirin", "600 mg"), ("aspirin", None)])
def test_analgesic_dose_aspirin_is_an_nsaid(name: str, dose: str | None) -> None:
    assert medicine_classes(name, dose) == {DrugClass.NSAID}


def test_topical_nsaid_is_not_an_oral_nsaid() -> None:
    assert medicine_classes("Voltarol Emulgel") == {DrugClass.TOPICAL_NSAID}
    assert medicine_classes("diclofenac", "1% gel") == {DrugClass.TOPICAL_NSAID}


def test_epidural_steroid_is_not_systemic() -> None:
    classes = medicine_classes("methylprednisolone epidural injection")
    assert classes == {DrugClass.LOCAL_CORTICOSTEROID}


def test_unknown_names_produce_no_note_and_are_listed_as_unclassified() -> None:
    medicines = [{"name": "Magnesium glycinate"}, {"name": "ibuprofen"}, {"name": "Epsom salts"}]
    result = medication_notes(medicines, age=40, duration_days=3, sciatica=False)
    assert [note.id for note in result] == ["MED5"]
    assert unclassified(medicines) == ["Magnesium glycinate", "Epsom salts"]


def test_no_medicines_give_no_notes() -> None:
    assert medication_notes([], age=80, duration_days=200, sciatica=True) == []


def test_low_dose_aspirin_is_classified_but_raises_no_note() -> None:
    medicines = [{"name": "aspirin", "dose": "75 mg"}]
    assert unclassified(medicines) == []
    assert medication_notes(medicines, age=40, duration_days=3, sciatica=False) == []


# ---------------------------------------------------------------------------
# MED1: muscle relaxant > 72 h
# ---------------------------------------------------------------------------


def test_med1_does_not_fire_at_exactly_72_hours() -> None:
    since = NOW - timedelta(hours=72)
    assert "MED1" not in notes({"name": "cyclobenzaprine", "since": since})


def test_med1_fires_at_73_hours() -> None:
    since = NOW - timedelta(hours=73)
    note = notes({"name": "cyclobenzaprine", "since": since})["MED1"]
    assert note.medicines == ("cyclobenzaprine",)
    assert note.patient_message == (
        "Muscle relaxants are usually advised for 72 hours or less; review with your prescriber."
    )


def test_med1_counts_a_since_date_from_the_start_of_that_day() -> None:
    # 7 March 00:00 to 10 March 12:00 is 84 h; 9 March 00:00 is 36 h.
    assert "MED1" in notes({"name": "baclofen", "since": date(2026, 3, 7)})
    assert "MED1" not in notes({"name": "baclofen", "since": date(2026, 3, 9)})
    reference = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    assert "MED1" not in notes(
        {"name": "baclofen", "since": date(2026, 3, 7)}, reference_time=reference
    )
    assert "MED1" in notes(
        {"name": "baclofen", "since": date(2026, 3, 7)},
        reference_time=reference + timedelta(minutes=1),
    )


def test_med1_compares_aware_datetimes_across_time_zones() -> None:
    since = datetime(2026, 3, 7, 13, 0, tzinfo=timezone(timedelta(hours=2)))  # 11:00 UTC
    assert "MED1" in notes({"name": "tizanidine", "since": since})


def test_med1_needs_since_and_reference_time() -> None:
    assert "MED1" not in notes({"name": "methocarbamol"})
    assert "MED1" not in notes(
        {"name": "methocarbamol", "since": NOW - timedelta(days=10)}, reference_time=None
    )


def test_med1_is_for_muscle_relaxants_not_benzodiazepines() -> None:
    assert "MED1" not in notes({"name": "diazepam", "since": NOW - timedelta(days=10)})


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        notes({"name": "baclofen", "since": datetime(2026, 3, 1, 9, 0)})  # noqa: DTZ001
    with pytest.raises(ValueError):
        notes("baclofen", reference_time=datetime(2026, 3, 1, 9, 0))  # noqa: DTZ001


# ---------------------------------------------------------------------------
# MED2 and MED3: sedation, Beers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Soma", "lorazepam"])
def test_med2_fires_for_any_muscle_relaxant_or_benzodiazepine(name: str) -> None:
    note = notes(name)["MED2"]
    assert note.medicines == (name,)
    assert note.patient_message == (
        "Take at night or when not driving or operating machinery; they can cause drowsiness."
    )


def test_med2_does_not_fire_for_other_medicines() -> None:
    assert "MED2" not in notes("ibuprofen", "paracetamol")


def test_med3_does_not_fire_at_64() -> None:
    assert "MED3" not in notes("diazepam", age=64)


def test_med3_fires_at_65() -> None:
    note = notes("diazepam", "metaxalone", "naproxen", age=65)["MED3"]
    assert note.medicines == ("diazepam", "metaxalone")
    assert "Beers" in note.clinician_message


def test_med3_needs_a_known_age_and_a_sedative() -> None:
    assert "MED3" not in notes("diazepam", age=None)
    assert "MED3" not in notes("ibuprofen", age=90)


# ---------------------------------------------------------------------------
# MED4: opioid + CNS depressant
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "depressant", ["Xanax", "carisoprodol", "pregabalin", "cannabis", "alcohol"]
)
def test_med4_fires_for_opioid_with_a_depressant(depressant: str) -> None:
    note = notes("hydrocodone", depressant)["MED4"]
    assert note.medicines == ("hydrocodone", depressant)


def test_med4_does_not_fire_for_an_opioid_alone_or_a_depressant_alone() -> None:
    assert "MED4" not in notes("oxycodone", "ibuprofen")
    assert "MED4" not in notes("diazepam", "gabapentin")


# ---------------------------------------------------------------------------
# MED5 and MED6: NSAID, paracetamol alone
# ---------------------------------------------------------------------------


def test_med5_fires_for_any_oral_nsaid() -> None:
    note = notes("Naproxen 500 mg", "celecoxib")["MED5"]
    assert note.medicines == ("Naproxen 500 mg", "celecoxib")
    assert "lowest effective dose" in note.clinician_message


def test_med5_does_not_fire_for_a_topical_nsaid_or_paracetamol() -> None:
    assert "MED5" not in notes("ibuprofen gel", "paracetamol")


def test_med6_fires_when_paracetamol_is_the_only_analgesic() -> None:
    note = notes("Paracetamol 1 g qds", "magnesium")["MED6"]
    assert note.medicines == ("Paracetamol 1 g qds",)


def test_med6_does_not_fire_with_an_nsaid() -> None:
    assert "MED6" not in notes("paracetamol", "ibuprofen")


@pytest.mark.parametrize("other", ["co-codamol", "tramadol", "diazepam", "amitriptyline"])
def test_med6_does_not_fire_with_any_other_pain_medicine(other: str) -> None:
    assert "MED6" not in notes("paracetamol", other)


def test_med6_still_fires_alongside_alcohol_or_low_dose_aspirin() -> None:
    assert "MED6" in notes("Tylenol", "beer", {"name": "aspirin", "dose": "75 mg"})


# ---------------------------------------------------------------------------
# MED7 and MED8: opioids by duration
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 42, 84])
def test_med7_fires_for_an_opioid_in_acute_lbp(days: int) -> None:
    result = notes("codeine", duration_days=days)
    assert result["MED7"].medicines == ("codeine",)
    assert "MED8" not in result


@pytest.mark.parametrize("days", [85, 365])
def test_med8_fires_for_an_opioid_after_12_weeks(days: int) -> None:
    result = notes("tapentadol", duration_days=days)
    assert result["MED8"].medicines == ("tapentadol",)
    assert "MED7" not in result


def test_med7_and_med8_need_a_known_duration() -> None:
    result = notes("morphine", duration_days=None)
    assert "MED7" not in result
    assert "MED8" not in result


def test_med7_and_med8_need_an_opioid() -> None:
    assert not {"MED7", "MED8"} & notes("ibuprofen", duration_days=10).keys()
    assert not {"MED7", "MED8"} & notes("ibuprofen", duration_days=100).keys()


# ---------------------------------------------------------------------------
# MED9: for sciatica
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gabapentin", "carbamazepine", "prednisone", "diazepam"])
def test_med9_fires_for_listed_medicines_with_sciatica(name: str) -> None:
    assert notes(name, sciatica=True)["MED9"].medicines == (name,)


def test_med9_does_not_fire_without_sciatica() -> None:
    assert "MED9" not in notes("pregabalin", "prednisolone", sciatica=False)


def test_med9_does_not_fire_for_other_medicines_with_sciatica() -> None:
    assert "MED9" not in notes("naproxen", "duloxetine", sciatica=True)


# ---------------------------------------------------------------------------
# MED10 and MED11
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["fluoxetine", "venlafaxine", "nortriptyline", "Lyrica", "lamotrigine"]
)
def test_med10_fires_for_antidepressants_and_anticonvulsants(name: str) -> None:
    assert notes(name)["MED10"].medicines == (name,)


def test_med10_does_not_fire_for_other_medicines() -> None:
    assert "MED10" not in notes("ibuprofen", "diazepam", "prednisolone")


@pytest.mark.parametrize("days", [0, 84])
def test_med11_fires_for_systemic_steroid_in_acute_or_subacute_lbp(days: int) -> None:
    assert notes("dexamethasone", duration_days=days)["MED11"].medicines == ("dexamethasone",)


def test_med11_does_not_fire_after_12_weeks_or_with_unknown_duration() -> None:
    assert "MED11" not in notes("prednisolone", duration_days=85)
    assert "MED11" not in notes("prednisolone", duration_days=None)


def test_med11_does_not_fire_for_a_local_steroid_injection() -> None:
    assert "MED11" not in notes("methylprednisolone epidural", duration_days=10)


# ---------------------------------------------------------------------------
# Note shape and input validation
# ---------------------------------------------------------------------------


def test_patient_message_is_only_set_on_med1_and_med2() -> None:
    result = notes(
        {"name": "cyclobenzaprine", "since": NOW - timedelta(days=5)},
        "oxycodone",
        "ibuprofen",
        "gabapentin",
        "prednisolone",
        "sertraline",
        age=70,
        duration_days=30,
        sciatica=True,
    )
    assert set(result) == {"MED1", "MED2", "MED3", "MED4", "MED5", "MED7", "MED9", "MED10", "MED11"}
    for rule_id, note in result.items():
        assert (note.patient_message is not None) == (rule_id in {"MED1", "MED2"})
        assert note.clinician_message
        assert note.source


def test_every_rule_id_can_fire() -> None:
    fired = set(
        notes(
            {"name": "baclofen", "since": NOW - timedelta(days=4)},
            "fentanyl",
            "naproxen",
            "pregabalin",
            "dexamethasone",
            age=70,
            duration_days=20,
            sciatica=True,
        )
    )
    fired |= set(notes("paracetamol"))
    fired |= set(notes("tramadol", duration_days=120))
    assert fired == {f"MED{n}" for n in range(1, 12)}


def test_a_medicine_is_listed_once_per_note() -> None:
    note = notes("diazepam", "diazepam")["MED2"]
    assert note.medicines == ("diazepam",)


def test_notes_are_frozen() -> None:
    note = notes("ibuprofen")["MED5"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.id = "MED6"  # type: ignore[misc]


@pytest.mark.parametrize(
    "medicines",
    [[{"dose": "10 mg"}], [{"name": ""}], [{"name": 42}], ["ibuprofen"], "ibuprofen"],
)
def test_malformed_medicines_are_rejected(medicines: Any) -> None:
    with pytest.raises(ValueError):
        medication_notes(medicines, age=40, duration_days=3, sciatica=False)


@pytest.mark.parametrize(
    ("age", "duration_days", "sciatica"),
    [(-1, 3, False), (40, -1, False), (True, 3, False), (40, 3, None)],
)
def test_invalid_context_is_rejected(age: Any, duration_days: Any, sciatica: Any) -> None:
    with pytest.raises(ValueError):
        medication_notes([], age=age, duration_days=duration_days, sciatica=sciatica)
