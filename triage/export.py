"""Triage's part of a patient's data export: intakes, assessments, red flags, reassessments."""

from __future__ import annotations

from typing import Any

from patients.export import PAIN_SCORE, SURVEY, ExportPart, patient_ref
from patients.models import Patient

from .models import Assessment, Intake, Reassessment

QUESTIONNAIRE = "urn:clinic:questionnaire:intake"


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
        if intake.pain_nrs is not None:
            part.resources.append(
                {
                    "resourceType": "Observation",
                    "id": f"intake-{intake.pk}-pain",
                    "status": "final",
                    "category": SURVEY,
                    "code": PAIN_SCORE,
                    "subject": patient_ref(patient),
                    "effectiveDateTime": intake.created_at.isoformat(),
                    "valueInteger": intake.pain_nrs,
                }
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
        part.resources.append(
            {
                "resourceType": "Observation",
                "id": f"reassessment-{r.pk}-pain",
                "status": "final",
                "category": SURVEY,
                "code": PAIN_SCORE,
                "subject": patient_ref(patient),
                "effectiveDateTime": r.created_at.isoformat(),
                "valueInteger": r.pain_nrs,
            }
        )
    return part
