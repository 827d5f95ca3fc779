"""Programs' part of a patient's data export: each program (a FHIR CarePlan) and its sessions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from patients.export import ExportPart, patient_ref
from patients.models import Patient

from .models import ExerciseSession, Program, ProgramItem, ProgramRevision


def _dosage(item: ProgramItem) -> str:
    parts = [
        f"{item.sets} sets" if item.sets else "",
        f"{item.reps} reps" if item.reps else "",
        f"hold {item.hold_seconds} s" if item.hold_seconds else "",
        f"{item.duration_minutes} min" if item.duration_minutes else "",
        f"{item.times_per_day}x a day, {item.days_per_week} days a week",
    ]
    return ", ".join(p for p in parts if p)


def programs(patient: Patient) -> ExportPart:
    part = ExportPart("programs")
    revisions = ProgramRevision.objects.order_by("number").prefetch_related(
        Prefetch("items", queryset=ProgramItem.objects.select_related("exercise").order_by("order"))
    )
    rows = (
        Program.objects.filter(patient=patient)
        .prefetch_related(Prefetch("revisions", queryset=revisions))
        .order_by("created_at")
    )
    for program in rows:
        history = list(program.revisions.all())
        current = history[-1] if history else None
        part.records.append(
            {
                "id": program.pk,
                "status": program.status,
                "created_at": program.created_at.isoformat(),
                "ended_at": program.ended_at.isoformat() if program.ended_at else None,
                "revisions": [
                    {
                        "number": r.number,
                        "start_date": r.start_date.isoformat(),
                        "end_date": r.end_date.isoformat() if r.end_date else None,
                        "notes": r.notes,
                        "items": [
                            {"exercise": i.exercise.name, "dosage": _dosage(i), "notes": i.notes}
                            for i in r.items.all()
                        ],
                    }
                    for r in history
                ],
            }
        )
        if current is None:
            continue
        period: dict[str, Any] = {"start": current.start_date.isoformat()}
        if current.end_date:
            period["end"] = current.end_date.isoformat()
        part.resources.append(
            {
                "resourceType": "CarePlan",
                "id": f"program-{program.pk}",
                "status": "active" if program.status == Program.Status.ACTIVE else "completed",
                "intent": "plan",
                "title": "Home exercise program",
                "subject": patient_ref(patient),
                "period": period,
                "created": program.created_at.isoformat(),
                "activity": [
                    {
                        "detail": {
                            "kind": "ServiceRequest",
                            "status": "in-progress" if program.status == "active" else "completed",
                            "code": {"text": i.exercise.name},
                            "description": _dosage(i),
                        }
                    }
                    for i in current.items.all()
                ],
            }
        )
    return part


def sessions(patient: Patient) -> ExportPart:
    part = ExportPart("exercise_sessions")
    for s in ExerciseSession.objects.filter(patient=patient).order_by("performed_at"):
        part.records.append(
            {
                "id": s.pk,
                "program": s.program_id,
                "performed_at": s.performed_at.isoformat(),
                "pain_before": s.pain_before,
                "pain_after": s.pain_after,
                "difficulty": s.difficulty,
                "comment": s.comment,
            }
        )
    return part
