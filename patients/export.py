"""A patient's data as one document: plain JSON, or a FHIR R4 Bundle (type "collection").

Apps above `patients` add their parts (intakes, programs...) with `register`, from their
AppConfig.ready, so this module never imports them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .models import Episode, Patient
from .vocabulary import EPISODE_RED_FLAGS

# LOINC 72514-3: pain severity, 0-10 verbal numeric rating, reported.
PAIN_SCORE = {
    "coding": [
        {
            "system": "http://loinc.org",
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ],
    "text": "Pain score (0-10)",
}
SURVEY = [
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
            }
        ]
    }
]


@dataclass
class ExportPart:
    key: str
    records: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


Contributor = Callable[[Patient], ExportPart]


@dataclass(frozen=True)
class Contribution:
    key: str
    contributor: Contributor
    # The output serializer of one record: the API declares and renders the part with it.
    records: type[Any]


_contributions: list[Contribution] = []


def register(key: str, contributor: Contributor, *, records: type[Any]) -> None:
    if all(c.key != key for c in _contributions):
        _contributions.append(Contribution(key, contributor, records))


def contributions() -> tuple[Contribution, ...]:
    return tuple(_contributions)


def patient_ref(patient: Patient) -> dict[str, str]:
    return {"reference": f"Patient/{patient.pk}"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "clinic": patient.clinic.name,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "email": patient.email,
        "phone": patient.phone,
        "timezone": str(patient.timezone),
        "email_opt_in": patient.email_opt_in,
        "muted_kinds": patient.muted_kinds,
    }


def _patient_resource(patient: Patient) -> dict[str, Any]:
    telecom = [{"system": "email", "value": patient.email}] if patient.email else []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    return {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "active": patient.is_active,
        "name": [{"family": patient.last_name, "given": [patient.first_name]}],
        "birthDate": patient.date_of_birth.isoformat(),
        "telecom": telecom,
    }


def episodes(patient: Patient) -> ExportPart:
    part = ExportPart("episodes")
    episodes = (
        Episode.objects.filter(patient=patient, deleted_at__isnull=True)
        .prefetch_related("triggers", "relief")
        .order_by("started_at")
    )
    for e in episodes:
        triggers = [t.code for t in e.triggers.all()]
        relief = [{"method": r.method, "effect": r.effect} for r in e.relief.all()]
        part.records.append(
            {
                "id": e.pk,
                "client_id": str(e.client_id),
                "started_at": _iso(e.started_at),
                "ended_at": _iso(e.ended_at),
                "duration_minutes": e.duration_minutes,
                "peak_intensity": e.peak_intensity,
                "side": e.side,
                "region": e.region,
                "triggers": triggers,
                "trigger_notes": e.trigger_notes,
                "activity": e.activity,
                "relief": relief,
                "medicines": e.medicines,
                "function": e.function,
                "notes": e.notes,
                "red_flags": e.red_flags,
            }
        )
        components = [{"code": {"text": "trigger"}, "valueString": code} for code in triggers] + [
            {"code": {"text": f"relief: {r['method']}"}, "valueString": r["effect"]} for r in relief
        ]
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"episode-{e.pk}",
            "status": "final",
            "category": SURVEY,
            "code": PAIN_SCORE,
            "subject": patient_ref(patient),
            "effectivePeriod": {"start": _iso(e.started_at)},
            "valueInteger": e.peak_intensity,
            "component": components,
        }
        if e.ended_at:
            resource["effectivePeriod"]["end"] = _iso(e.ended_at)
        if e.notes:
            resource["note"] = [{"text": e.notes}]
        part.resources.append(resource)
        for flag, field_name in EPISODE_RED_FLAGS.items():
            if e.red_flags.get(flag):
                part.resources.append(
                    {
                        "resourceType": "Flag",
                        "id": f"episode-{e.pk}-{flag}".replace("_", "-"),
                        "status": "active",
                        "code": {"text": f"Red flag reported in a spasm episode: {field_name}"},
                        "subject": patient_ref(patient),
                        "period": {"start": _iso(e.started_at)},
                    }
                )
    return part


def patient_export_json(patient: Patient) -> dict[str, Any]:
    document: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "format": "clinic-export/1",
        "patient": _profile(patient),
    }
    for c in _contributions:
        document[c.key] = c.contributor(patient).records
    return document


def _entry_uuid(resource: dict[str, Any]) -> uuid.UUID:
    """Stable per resource, so two exports of the same data name entries alike."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{resource['resourceType']}/{resource['id']}")


def patient_export_fhir(patient: Patient) -> dict[str, Any]:
    resources = [_patient_resource(patient)]
    for c in _contributions:
        resources.extend(c.contributor(patient).resources)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {
                "fullUrl": f"urn:uuid:{_entry_uuid(r)}",
                "resource": r,
            }
            for r in resources
        ],
    }
