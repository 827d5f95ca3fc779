"""The adherence nudge: a friendly email when an active program has had no session for 3 days.

At most one a week per program. Beat runs `adherence_nudges_schedule` hourly; it selects the
programs that qualify in one query and schedules their emails through the patients' follow-up
rules (opt-outs, quiet hours, inactive patients).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, Max, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from clinic.models import Notification
from patients import followups

from .models import Program

QUIET_FOR = dt.timedelta(days=3)
AT_MOST_EVERY = dt.timedelta(days=7)


def programs_needing_a_nudge(now: dt.datetime) -> list[Program]:
    # Compared as text: a JSON key and an integer column are different types on PostgreSQL.
    recent_nudge = (
        Notification.objects.filter(kind="adherence_nudge", created_at__gte=now - AT_MOST_EVERY)
        .annotate(program_key=KT("context__program_id"))
        .filter(program_key=Cast(OuterRef("pk"), CharField()))
    )
    return list(
        Program.objects.filter(
            status=Program.Status.ACTIVE,
            patient__is_active=True,
            # A program that has not started yet (or only just) is not being neglected.
            current_revision__start_date__lte=(now - QUIET_FOR).date(),
        )
        .annotate(last_activity=Coalesce(Max("sessions__performed_at"), "created_at"))
        .filter(last_activity__lt=now - QUIET_FOR)
        .filter(~Q(Exists(recent_nudge)))
        .select_related("patient__clinic", "patient__user")
        .order_by("pk")
    )


def adherence_nudges_schedule(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    scheduled = 0
    for program in programs_needing_a_nudge(now):
        notification = followups.followup_schedule(
            patient=program.patient,
            kind="adherence_nudge",
            due_at=now,
            dedupe_key=f"adherence_nudge:{program.pk}:{now.date().isoformat()}",
            context={"program_id": program.pk},
        )
        scheduled += notification is not None
    return scheduled
