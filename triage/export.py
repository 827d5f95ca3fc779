"""Triage's part of a patient's data export: intakes, assessments, red flags, reassessments."""

from __future__ import annotations

from typing import Any

from patients.export import PAIN_SCORE, SURVEY, ExportPart, patient_ref
from patients.models import Patient

from .models import Assessment, Intake, Reassessment

QUESTIONNAIRE = "urn:clinic:questionnaire:intake"
PROGRESS_QUESTIONNAIRE = "urn:clinic:questionnaire:progress-check|1"
# The project's own code system for what LOINC does not code (STarT Back, its risk groups).
CODE_SYSTEM = "urn:clinic:codesystem:instruments"
# LOINC 97909-6 "Oswestry disability index score ODI" (loinc.org/97909-6), reported in percent.
OSWESTRY_SCORE = {
    "coding": [
        {
            "system": "http://loinc.org",
            "code": "97909-6",
            "display": "Oswestry disability index score ODI",
        }
    ],
    "text": "Oswestry Disability Index (0-100)",
}
START_BACK_SCORE = {
    "coding": [
        {
            "system": CODE_SYSTEM,
            "code": "start-back-total",
            "display": "Keele STarT Back Screening Tool total score",
        }
    ],
    "text": "STarT Back total (0-9)",
}


def _instrument_items(start_back: Any, oswestry: Any) -> list[dict[str, Any]]:
    """The STarT Back answers and the Oswestry section scores as questionnaire items."""
    items = []
    for number, value in enumerate(start_back or [], start=1):
        items.append({"linkId": f"start-back-{number}", "answer": [_answer(value)]})
    for section, value in (oswestry or {}).items():
        if isinstance(value, list):
            value = max(value) if value else None
        if value is not None:
            items.append({"linkId": f"oswestry-{section}", "answer": [_answer(value)]})
    return items


def _observation(
    patient: Patient, ident: str, code: dict[str, Any], when: Any, source: str, **value: Any
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "category": SURVEY,
        "code": code,
        "subject": patient_ref(patient),
        "effectiveDateTime": when.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{source}"}],
        **value,
    }


def _odi_value(score: Any) -> dict[str, Any]:
    return {
        "valueQuantity": {
            "value": float(score),
            "unit": "%",
            "system": "http://unitsofmeasure.org",
            "code": "%",
        }
    }


def _answer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    return {"valueString": str(value)}


def intakes(patient: Patient) -> ExportPart:
    part = ExportPart("intakes")
    rows = (
        Intake.objects.filter(patient=patient)
        .select_related("assessment__escalation")
        .order_by("created_at")
    )
    for intake in rows:
        a = getattr(intake, "assessment", None)
        part.records.append(
            {
                "id": intake.pk,
                "created_at": intake.created_at.isoformat(),
                "questionnaire_version": intake.questionnaire_version,
                "answers": intake.answers,
                "pain_nrs": intake.pain_nrs,
                "start_back": intake.start_back,
                "oswestry": intake.oswestry,
                "description": intake.description,
                "medicines": intake.medicines,
                "assessment": None
                if a is None
                else {
                    "urgency": a.urgency,
                    "flags": a.flags,
                    "rules": a.rule_ids,
                    "ruleset_version": a.ruleset_version,
                    "pathway": a.pathway,
                    "start_back_risk": a.start_back_risk,
                    "oswestry_score": float(a.oswestry_score)
                    if a.oswestry_score is not None
                    else None,
                    "medication_notes": [n["id"] for n in a.medication_notes],
                },
            }
        )
        items = [
            {"linkId": name, "answer": [_answer(value)]}
            for name, value in sorted(intake.answers.items())
        ]
        if intake.description:
            items.append({"linkId": "description", "answer": [{"valueString": intake.description}]})
        items += _instrument_items(intake.start_back, intake.oswestry)
        if intake.pain_nrs is not None and "pain_nrs" not in intake.answers:
            items.append({"linkId": "pain_nrs", "answer": [{"valueInteger": intake.pain_nrs}]})
        part.resources.append(
            {
                "resourceType": "QuestionnaireResponse",
                "id": f"intake-{intake.pk}",
                "questionnaire": f"{QUESTIONNAIRE}|{intake.questionnaire_version}",
                "status": "completed",
                "subject": patient_ref(patient),
                "authored": intake.created_at.isoformat(),
                "item": items,
            }
        )
        source = f"intake-{intake.pk}"
        if intake.pain_nrs is not None:
            part.resources.append(
                _observation(
                    patient,
                    f"{source}-pain",
                    PAIN_SCORE,
                    intake.created_at,
                    source,
                    valueInteger=intake.pain_nrs,
                )
            )
        if a is not None and a.oswestry_score is not None:
            part.resources.append(
                _observation(
                    patient,
                    f"{source}-oswestry",
                    OSWESTRY_SCORE,
                    intake.created_at,
                    source,
                    **_odi_value(a.oswestry_score),
                )
            )
        if a is not None and a.start_back_total is not None:
            part.resources.append(
                _observation(
                    patient,
                    f"{source}-start-back",
                    START_BACK_SCORE,
                    intake.created_at,
                    source,
                    valueInteger=a.start_back_total,
                    component=[
                        {
                            "code": {
                                "coding": [
                                    {"system": CODE_SYSTEM, "code": "start-back-psychosocial"}
                                ],
                                "text": "Psychosocial subscale (0-5)",
                            },
                            "valueInteger": a.start_back_psychosocial,
                        },
                        {
                            "code": {
                                "coding": [{"system": CODE_SYSTEM, "code": "start-back-risk"}],
                                "text": "Risk group",
                            },
                            "valueCodeableConcept": {
                                "coding": [
                                    {
                                        "system": CODE_SYSTEM,
                                        "code": f"start-back-risk-{a.start_back_risk}",
                                    }
                                ],
                                "text": f"{a.start_back_risk} risk",
                            },
                        },
                    ],
                )
            )
        if a is not None:
            part.resources.extend(_flags(patient, a))
    return part


def _flags(patient: Patient, a: Assessment) -> list[dict[str, Any]]:
    escalation = getattr(a, "escalation", None)
    active = escalation is None or escalation.status != "resolved"
    return [
        {
            "resourceType": "Flag",
            "id": f"assessment-{a.pk}-{flag}".replace("_", "-"),
            "status": "active" if active else "inactive",
            "code": {"text": f"Red flag: {flag} ({a.urgency})"},
            "subject": patient_ref(patient),
            "period": {"start": a.created_at.isoformat()},
        }
        for flag in a.flags
    ]


def reassessments(patient: Patient) -> ExportPart:
    part = ExportPart("reassessments")
    for r in Reassessment.objects.filter(patient=patient).order_by("created_at"):
        part.records.append(
            {
                "id": r.pk,
                "created_at": r.created_at.isoformat(),
                "weeks": r.milestone_weeks,
                "pain_nrs": r.pain_nrs,
                "oswestry": r.oswestry,
                "oswestry_score": float(r.oswestry_score) if r.oswestry_score is not None else None,
                "comparison": r.comparison,
            }
        )
        source = f"reassessment-{r.pk}"
        items = [
            {"linkId": "milestone_weeks", "answer": [{"valueInteger": r.milestone_weeks}]},
            {"linkId": "pain_nrs", "answer": [{"valueInteger": r.pain_nrs}]},
            *_instrument_items(None, r.oswestry),
        ]
        part.resources.append(
            {
                "resourceType": "QuestionnaireResponse",
                "id": source,
                "questionnaire": PROGRESS_QUESTIONNAIRE,
                "status": "completed",
                "subject": patient_ref(patient),
                "authored": r.created_at.isoformat(),
                "item": items,
            }
        )
        part.resources.append(
            _observation(
                patient, f"{source}-pain", PAIN_SCORE, r.created_at, source, valueInteger=r.pain_nrs
            )
        )
        if r.oswestry_score is not None:
            part.resources.append(
                _observation(
                    patient,
                    f"{source}-oswestry",
                    OSWESTRY_SCORE,
                    r.created_at,
                    source,
                    **_odi_value(r.oswestry_score),
                )
            )
    return part
