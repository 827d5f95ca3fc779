"""Writes of the spasm diary: record, edit, soft-delete and offline sync of episodes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import followups
from .models import Episode, EpisodeRelief, EpisodeTrigger, Patient
from .signals import episode_saved
from .vocabulary import EPISODE_RED_FLAGS

# A bad spasm (peak 7 or more) gets a check-in email at 09:00 local the next morning; an
# episode synced more than a day after that moment is history, not something to ask about.
EPISODE_CHECK_MIN_INTENSITY = 7
EPISODE_CHECK_AT = time(9, 0)
EPISODE_CHECK_STALE_AFTER = timedelta(days=1)


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    if "red_flags" in fields:
        given = fields["red_flags"] or {}
        fields["red_flags"] = {name: bool(given.get(name, False)) for name in EPISODE_RED_FLAGS}
    if fields.get("ended_at") is not None and fields.get("started_at") is not None:
        seconds = (fields["ended_at"] - fields["started_at"]).total_seconds()
        fields["duration_minutes"] = round(seconds / 60)
    if "medicines" in fields:
        fields["medicines"] = [
            {**m, "taken_at": m["taken_at"].isoformat() if m.get("taken_at") else None}
            for m in fields["medicines"] or []
        ]
    return fields


def _set_children(
    episode: Episode,
    triggers: Iterable[str] | None,
    relief: Iterable[Mapping[str, str]] | None,
) -> None:
    if triggers is not None:
        episode.triggers.all().delete()
        EpisodeTrigger.objects.bulk_create(
            EpisodeTrigger(episode=episode, code=code) for code in dict.fromkeys(triggers)
        )
    if relief is not None:
        episode.relief.all().delete()
        EpisodeRelief.objects.bulk_create(
            EpisodeRelief(episode=episode, method=r["method"], effect=r["effect"]) for r in relief
        )


def _schedule_episode_check(episode: Episode) -> None:
    if episode.peak_intensity < EPISODE_CHECK_MIN_INTENSITY:
        return
    now = timezone.now()
    due = followups.next_local_time(episode.patient, episode.started_at, EPISODE_CHECK_AT)
    if due < now - EPISODE_CHECK_STALE_AFTER:
        return
    followups.followup_schedule(
        patient=episode.patient,
        kind="episode_check",
        due_at=max(due, now),
        dedupe_key=f"episode_check:{episode.pk}",
        context={"episode_id": episode.pk},
    )


def _add_new_red_flags(episode: Episode, reported: Mapping[str, bool] | None) -> Episode:
    """Flags are only ever added by a resend: a "yes" once reported stays on the record."""
    new = {
        name for name, yes in (reported or {}).items() if yes and not episode.red_flags.get(name)
    }
    if not new:
        return episode
    return episode_update(
        episode=episode, red_flags={**episode.red_flags, **dict.fromkeys(new, True)}
    )


@dataclass(frozen=True)
class Recorded:
    episode: Episode
    created: bool

    @property
    def deleted(self) -> bool:
        """The client_id names an episode the patient deleted: it stays deleted."""
        return self.episode.deleted_at is not None


def episode_record(
    *,
    patient: Patient,
    client_id: uuid.UUID,
    triggers: Iterable[str] = (),
    relief: Iterable[Mapping[str, str]] = (),
    **fields: Any,
) -> Recorded:
    """Store a new episode, or return the one already stored under this client_id.

    A resend is not ignored wholesale: a red flag it reports that the stored episode lacks is
    added (and re-triaged), since the phone may have sent a corrected copy. That holds for an
    episode the patient has since deleted too: it stays deleted (Recorded.deleted), but a red
    flag is never dropped because of where it was sent.
    """
    existing = Episode.objects.filter(patient=patient, client_id=client_id).first()
    if existing is not None:
        return Recorded(_add_new_red_flags(existing, fields.get("red_flags")), created=False)
    try:
        with transaction.atomic():
            episode = Episode(patient=patient, client_id=client_id, **_normalise(dict(fields)))
            # Uniqueness is the database's job: a racing twin surfaces as IntegrityError below.
            episode.full_clean(validate_unique=False, validate_constraints=False)
            episode.save()
            _set_children(episode, triggers, relief)
            _schedule_episode_check(episode)
            episode_saved.send(sender=Episode, episode=episode, created=True)
    except IntegrityError:
        # The same episode arrived twice at once (a retry racing the original): keep the first.
        twin = Episode.objects.filter(patient=patient, client_id=client_id).first()
        if twin is None:
            raise
        return Recorded(_add_new_red_flags(twin, fields.get("red_flags")), created=False)
    return Recorded(episode, created=True)


@transaction.atomic
def episode_update(
    *,
    episode: Episode,
    triggers: Iterable[str] | None = None,
    relief: Iterable[Mapping[str, str]] | None = None,
    **fields: Any,
) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    merged = {name: getattr(episode, name) for name in ("started_at", "ended_at")}
    merged.update(fields)
    if "ended_at" not in fields and "duration_minutes" in fields:
        merged["ended_at"] = None  # a new duration replaces an earlier end time
    for name, value in _normalise(merged).items():
        setattr(episode, name, value)
    episode.full_clean(validate_unique=False, validate_constraints=False)
    episode.save()
    _set_children(episode, triggers, relief)
    _schedule_episode_check(episode)
    episode_saved.send(sender=Episode, episode=episode, created=False)
    return episode


@transaction.atomic
def episode_delete(*, episode: Episode, now: datetime | None = None) -> None:
    """Soft delete: hidden from the patient and the statistics, kept (with its history)."""
    episode.deleted_at = now or timezone.now()
    episode.save(update_fields=["deleted_at", "updated_at"])
