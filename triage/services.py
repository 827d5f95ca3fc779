"""Writes of the triage capability: intakes, assessments, escalations and their acknowledgement."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.errors import Conflict, DomainError
from clinic.formats import patient_date
from clinic.models import User
from clinic.selectors import clinic_contacts
from clinic.services import notification_cancel, notification_schedule
from patients import followups
from patients.models import Episode, Patient
from patients.vocabulary import EPISODE_RED_FLAGS

from . import engine, instruments, medication
from .models import Assessment, AssessmentReview, Escalation, Intake, Reassessment
from .questionnaire import QUESTIONNAIRE_VERSION
from .rules import EMERGENCY, URGENT, urgency_rank
from .safety import safety_numbers

ESCALATING = (EMERGENCY, URGENT)
log = logging.getLogger(__name__)


def _medicines_for_rules(medicines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored medicines carry ISO dates; the medication rules want date objects."""
    parsed = []
    for m in medicines:
        since = m.get("since")
        parsed.append(
            {**m, "since": date.fromisoformat(since) if isinstance(since, str) else since}
        )
    return parsed


def assessment_record(
    *,
    patient: Patient,
    answers: Mapping[str, Any],
    source: str = Assessment.Source.INTAKE,
    intake: Intake | None = None,
    episode: Episode | None = None,
    start_back: Sequence[Any] | None = None,
    oswestry: Mapping[str, Any] | None = None,
    medicines: Sequence[Mapping[str, Any]] = (),
    now: datetime | None = None,
) -> Assessment:
    """Run the rules engine and the instruments; store the result and escalate if needed."""
    now = now or timezone.now()
    with translation.override(patient.language_code):
        result = engine.assess(
            answers, numbers=safety_numbers(patient.clinic), gettext=translation.gettext
        )
    fields: dict[str, Any] = {}
    if start_back is not None:
        sb = instruments.start_back(start_back)
        fields.update(
            start_back_total=sb.total,
            start_back_psychosocial=sb.psychosocial,
            start_back_risk=sb.risk,
            pathway=instruments.pathway_for_risk(sb.risk).code,
        )
    if oswestry is not None:
        odi = instruments.oswestry(oswestry)
        fields.update(oswestry_score=odi.score, oswestry_band=odi.band or "")
    notes = medication.medication_notes(
        _medicines_for_rules(medicines),
        age=answers.get("age"),
        duration_days=answers.get("duration_days"),
        sciatica=bool(answers.get("radiating_leg_pain")),
        reference_time=now,
    )
    assessment = Assessment.objects.create(
        patient=patient,
        source=source,
        intake=intake,
        episode=episode,
        urgency=result.urgency,
        urgency_rank=urgency_rank(result.urgency),
        flags=sorted(result.flags),
        fired_rules=[rule.to_dict() for rule in result.fired],
        ruleset_version=result.ruleset_version,
        patient_message=result.patient_message,
        clinician_summary=result.clinician_summary,
        medication_notes=[dataclasses.asdict(n) for n in notes],
        created_at=now,
        **fields,
    )
    if result.urgency in ESCALATING:
        escalation_raise(assessment=assessment, now=now)
    return assessment


@transaction.atomic
def intake_submit(
    *,
    patient: Patient,
    submitted_by: User,
    answers: Mapping[str, Any],
    start_back: Sequence[Any] | None = None,
    oswestry: Mapping[str, Any] | None = None,
    description: str = "",
    medicines: Sequence[Mapping[str, Any]] = (),
) -> Intake:
    """Store an intake with its assessment, escalation and alerts, all in one transaction."""
    if not patient.is_active:
        raise DomainError("This patient record is inactive.")
    stored_medicines = [
        {**m, "since": m["since"].isoformat() if m.get("since") else None} for m in medicines
    ]
    intake = Intake.objects.create(
        patient=patient,
        submitted_by=submitted_by,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        answers=dict(answers),
        pain_nrs=answers.get("pain_nrs"),
        start_back=list(start_back) if start_back is not None else None,
        oswestry=dict(oswestry) if oswestry is not None else None,
        description=description,
        medicines=stored_medicines,
    )
    assessment_record(
        patient=patient,
        answers=answers,
        intake=intake,
        start_back=start_back,
        oswestry=oswestry,
        medicines=stored_medicines,
        now=intake.created_at,
    )
    _schedule_followups(intake)
    return intake


def realert_interval(escalation: Escalation) -> timedelta:
    clinic = escalation.patient.clinic
    minutes = (
        clinic.emergency_realert_minutes
        if escalation.level == Escalation.Level.EMERGENCY
        else clinic.urgent_realert_minutes
    )
    return timedelta(minutes=minutes)


def _alert_recipients(patient: Patient, *, include_physio: bool) -> list[User]:
    physio = patient.physiotherapist if include_physio else None
    return clinic_contacts(patient.clinic_id, physiotherapist=physio)


def _send_alerts(escalation: Escalation, round_: int, recipients: list[User]) -> None:
    for user in recipients:
        try:
            notification_schedule(
                kind="escalation_alert",
                recipient=user.email,
                recipient_user=user,
                clinic=escalation.patient.clinic,
                context={"escalation_id": escalation.pk, "round": round_},
                dedupe_key=f"escalation:{escalation.pk}:round:{round_}:user:{user.pk}",
                queue="escalations",
            )
        except ValidationError:
            # One unusable staff address must never stop the intake or the other alerts.
            log.error("escalation %s: user %s has an invalid email", escalation.pk, user.pk)


def escalation_raise(*, assessment: Assessment, now: datetime) -> Escalation:
    """Open an escalation for an emergency/urgent assessment and alert the clinic at once."""
    escalation = Escalation(
        patient=assessment.patient,
        assessment=assessment,
        level=assessment.urgency,
        created_at=now,
    )
    escalation.next_alert_at = now + realert_interval(escalation)
    escalation.save()
    _send_alerts(escalation, 0, _alert_recipients(assessment.patient, include_physio=True))
    return escalation


def escalations_realert(*, now: datetime | None = None) -> int:
    """Alert the admins again about every open escalation whose wait has run out."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = (
            Escalation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("patient__clinic", "patient__physiotherapist")
            .filter(status=Escalation.Status.OPEN, next_alert_at__lte=now)
            .order_by("next_alert_at")[:500]
        )
        for escalation in due:
            _send_alerts(
                escalation,
                escalation.alerts_sent,
                _alert_recipients(escalation.patient, include_physio=False),
            )
            Escalation.objects.filter(pk=escalation.pk).update(
                alerts_sent=F("alerts_sent") + 1,
                next_alert_at=now + realert_interval(escalation),
            )
            count += 1
    return count


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, user: User) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.status != Escalation.Status.OPEN:
        raise Conflict(f"This escalation is already {escalation.status}.")
    escalation.status = Escalation.Status.ACKNOWLEDGED
    escalation.acknowledged_by = user
    escalation.acknowledged_at = timezone.now()
    escalation.next_alert_at = None
    escalation.save()
    return escalation


@transaction.atomic
def escalation_resolve(
    *, escalation: Escalation, user: User, note: str, mark_reviewed: bool = False
) -> Escalation:
    """Resolve with a note; `mark_reviewed` also signs off the screening in the same step."""
    if not note.strip():
        raise DomainError("Say how it was resolved.", fields={"note": ["This field is required."]})
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.status == Escalation.Status.RESOLVED:
        raise Conflict("This escalation is already resolved.")
    now = timezone.now()
    if escalation.acknowledged_at is None:  # resolving also acknowledges
        escalation.acknowledged_by, escalation.acknowledged_at = user, now
    escalation.status = Escalation.Status.RESOLVED
    escalation.resolved_by, escalation.resolved_at = user, now
    escalation.resolution_note = note.strip()
    escalation.next_alert_at = None
    escalation.save()
    if mark_reviewed:
        AssessmentReview.objects.get_or_create(
            assessment_id=escalation.assessment_id,
            defaults={"reviewed_by": user, "note": escalation.resolution_note, "created_at": now},
        )
    return escalation


@transaction.atomic
def assessment_review(*, assessment: Assessment, user: User, note: str) -> AssessmentReview:
    if AssessmentReview.objects.filter(assessment=assessment).exists():
        raise Conflict("This assessment has already been reviewed.")
    return AssessmentReview.objects.create(assessment=assessment, reviewed_by=user, note=note)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def episode_answers(episode: Episode, *, now: datetime) -> dict[str, Any]:
    """The patient's latest intake answers with the episode's red flags laid over them."""
    patient = episode.patient
    latest = Intake.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    answers: dict[str, Any] = dict(latest.answers) if latest is not None else {}
    answers["age"] = _age_on(patient.date_of_birth, timezone.localdate(now, patient.timezone))
    for flag, field in EPISODE_RED_FLAGS.items():
        if episode.red_flags.get(flag):
            answers[field] = True
    return answers


def _episode_medicines(episode: Episode) -> tuple[list[dict[str, Any]], datetime | None]:
    """One entry per medicine, `since` its first dose in the episode; and the last dose time."""
    first: dict[str, dict[str, Any]] = {}
    last_dose: datetime | None = None
    for m in episode.medicines:
        taken = datetime.fromisoformat(m["taken_at"]) if m.get("taken_at") else None
        key = m["name"].strip().lower()
        entry = first.setdefault(
            key, {"name": m["name"], "dose": m.get("dose", ""), "since": taken}
        )
        if taken is not None:
            if entry["since"] is None or taken < entry["since"]:
                entry["since"] = taken
            last_dose = max(last_dose, taken) if last_dose else taken
    return list(first.values()), last_dose


def episode_assess(*, episode: Episode, now: datetime | None = None) -> Assessment | None:
    """Medication notes for the episode; a red flag re-runs the rules and may escalate.

    A re-sent or edited episode escalates again only if its urgency rises above what it
    already reached.
    """
    now = now or timezone.now()
    medicines, last_dose = _episode_medicines(episode)
    answers = episode_answers(episode, now=now)
    notes = medication.medication_notes(
        medicines,
        age=answers["age"],
        duration_days=answers.get("duration_days"),
        sciatica=bool(answers.get("radiating_leg_pain")),
        reference_time=last_dose,
    )
    note_dicts = [{**dataclasses.asdict(n), "medicines": list(n.medicines)} for n in notes]
    if note_dicts != episode.medication_notes:
        episode.medication_notes = note_dicts
        episode.save(update_fields=["medication_notes"])
    if not episode.has_red_flag:
        return None
    result = engine.assess(answers)
    reached = max((a.urgency_rank for a in episode.assessments.all()), default=-1)
    if urgency_rank(result.urgency) <= reached:
        return None
    return assessment_record(
        patient=episode.patient,
        answers=answers,
        source=Assessment.Source.EPISODE,
        episode=episode,
        now=now,
    )


# --- follow-ups ----------------------------------------------------------------------------

INTAKE_CHECKIN_AFTER = timedelta(hours=48)
REASSESSMENT_WEEKS = (2, 6, 12)


def _schedule_followups(intake: Intake) -> None:
    patient = intake.patient
    followups.followup_schedule(
        patient=patient,
        kind="intake_checkin",
        due_at=intake.created_at + INTAKE_CHECKIN_AFTER,
        dedupe_key=f"intake_checkin:{intake.pk}",
        context={"intake_id": intake.pk},
    )
    if Intake.objects.filter(patient=patient).exclude(pk=intake.pk).exists():
        return  # reassessments count from the first assessment only
    for weeks in REASSESSMENT_WEEKS:
        followups.followup_schedule(
            patient=patient,
            kind="reassessment_due",
            due_at=intake.created_at + timedelta(weeks=weeks),
            dedupe_key=f"reassessment_due:{patient.pk}:{weeks}",
            context={"weeks": weeks},
        )


def first_intake(patient: Patient) -> Intake | None:
    return Intake.objects.filter(patient=patient).order_by("created_at", "id").first()


# A reassessment may be done up to a week before its milestone (the reminder is at the
# milestone itself), never earlier: scores from day 1 are not a 12-week outcome.
REASSESSMENT_EARLY = timedelta(weeks=1)


def reassessment_milestone(baseline: Intake, *, now: datetime, done: set[int]) -> int | None:
    """The milestone a reassessment made now answers: the nearest due one not done yet."""
    elapsed = now - baseline.created_at
    due = [
        w
        for w in REASSESSMENT_WEEKS
        if w not in done and elapsed >= timedelta(weeks=w) - REASSESSMENT_EARLY
    ]
    if not due:
        return None
    elapsed_weeks = elapsed / timedelta(weeks=1)
    return min(due, key=lambda w: (abs(w - elapsed_weeks), w))


def _comparison(baseline: Intake, pain_nrs: int, odi: Decimal | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if baseline.pain_nrs is not None:
        change = instruments.important_change("nrs", baseline.pain_nrs, pain_nrs)
        result["nrs"] = {"baseline": baseline.pain_nrs, "followup": pain_nrs, **_as_dict(change)}
    base_odi = getattr(getattr(baseline, "assessment", None), "oswestry_score", None)
    if base_odi is not None and odi is not None:
        change = instruments.important_change("odi", float(base_odi), float(odi))
        result["odi"] = {"baseline": float(base_odi), "followup": float(odi), **_as_dict(change)}
    return result


def _as_dict(change: instruments.ImportantChange) -> dict[str, Any]:
    data = dataclasses.asdict(change)
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in data.items()}


@transaction.atomic
def reassessment_record(
    *, patient: Patient, pain_nrs: int, oswestry: Mapping[str, Any] | None
) -> Reassessment:
    baseline = first_intake(patient)
    if baseline is None:
        raise DomainError(_("There is no first assessment to compare with yet."))
    now = timezone.now()
    done = set(patient.reassessments.values_list("milestone_weeks", flat=True))
    weeks = reassessment_milestone(baseline, now=now, done=done)
    if weeks is None:
        upcoming = [w for w in REASSESSMENT_WEEKS if w not in done]
        if not upcoming:
            raise Conflict(_("All reassessments (2, 6 and 12 weeks) are already done."))
        opens = timezone.localdate(
            baseline.created_at + timedelta(weeks=upcoming[0]) - REASSESSMENT_EARLY,
            patient.timezone,
        )
        raise Conflict(
            _("The next progress check opens on %(date)s.") % {"date": patient_date(opens)}
        )
    odi = instruments.oswestry(oswestry).score if oswestry is not None else None
    odi_score = Decimal(str(odi)) if odi is not None else None
    reassessment = Reassessment.objects.create(
        patient=patient,
        baseline=baseline,
        milestone_weeks=weeks,
        pain_nrs=pain_nrs,
        oswestry=dict(oswestry) if oswestry is not None else None,
        oswestry_score=odi_score,
        comparison=_comparison(baseline, pain_nrs, odi_score),
        created_at=now,
    )
    # Done: the reminder for this milestone stops.
    notification_cancel(dedupe_key=f"reassessment_due:{patient.pk}:{weeks}")
    return reassessment
