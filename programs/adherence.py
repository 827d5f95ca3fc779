"""Adherence arithmetic: plain data in, plain data out (no ORM, no settings, no clock).

The database counts what was done (per local day and exercise); this module works out what was
prescribed and compares. Days are the patient's local dates and weeks run Monday to Sunday.

- An exercise dosed `times_per_day` x `days_per_week` is prescribed that many times a full week,
  spread evenly over the days: a partial week (the program's first or last, or the current week
  up to and including today) is prorated by the days it covers.
- The dose in effect on a day is the latest revision made (local date) on or before that day;
  the first revision also covers the days before it was made.
- Adherence is done/prescribed with each exercise capped at its prescription (doing one exercise
  twice as often does not make up for skipping another), as an integer percentage.
- An exercise is flagged for review when, in the window, at least FLAG_MIN_COUNT and at least
  FLAG_MIN_SHARE of the times it was done were followed by more pain (after minus before >= 2)
  or by a spasm episode within 2 hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PAIN_INCREASE = 2  # pain after minus pain before, on the 0-10 scale
EPISODE_WINDOW = timedelta(hours=2)
FLAG_MIN_COUNT = 2
FLAG_MIN_SHARE = Fraction(1, 3)


@dataclass(frozen=True, slots=True)
class Dose:
    times_per_day: int
    days_per_week: int

    @property
    def per_week(self) -> int:
        return self.times_per_day * self.days_per_week


@dataclass(frozen=True, slots=True)
class Period:
    """The doses of one revision, in effect from `start` until the next period starts."""

    start: date
    doses: Mapping[int, Dose]  # exercise id -> dose


@dataclass(frozen=True, slots=True)
class DayCount:
    """What the database counted for one local day and one exercise."""

    day: date
    exercise_id: int
    done: int
    pain_increased: int = 0
    episode_after: int = 0


@dataclass(frozen=True, slots=True)
class DaySessions:
    """What the database counted of one local day's sessions."""

    day: date
    sessions: int
    pain_rated: int = 0  # sessions with both pain scores
    pain_change_total: int = 0  # sum of (after - before) over those


@dataclass(slots=True)
class ExerciseTally:
    exercise_id: int
    prescribed: Fraction = Fraction(0)
    done: int = 0

    @property
    def capped_done(self) -> Fraction:
        return min(Fraction(self.done), self.prescribed)

    @property
    def adherence_percent(self) -> int | None:
        return percent(self.capped_done, self.prescribed)


@dataclass(slots=True)
class Week:
    start: date
    days: int  # days of this week within the program and up to today
    sessions: int = 0
    pain_rated: int = 0
    pain_change_total: int = 0
    exercises: dict[int, ExerciseTally] = field(default_factory=dict)

    @property
    def mean_pain_change(self) -> Fraction | None:
        """Pain after minus before, on average: below zero, sessions eased the pain."""
        return Fraction(self.pain_change_total, self.pain_rated) if self.pain_rated else None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def prescribed(self) -> Fraction:
        return sum((t.prescribed for t in self.exercises.values()), Fraction(0))

    @property
    def done(self) -> int:
        return sum(t.done for t in self.exercises.values())

    @property
    def adherence_percent(self) -> int | None:
        capped = sum((t.capped_done for t in self.exercises.values()), Fraction(0))
        return percent(capped, self.prescribed)


@dataclass(slots=True)
class ReviewStat:
    exercise_id: int
    done: int = 0
    pain_increased: int = 0
    episode_after: int = 0

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if often(self.pain_increased, self.done):
            reasons.append("pain_increase")
        if often(self.episode_after, self.done):
            reasons.append("spasm_episode")
        return reasons


@dataclass(slots=True)
class Summary:
    first_day: date | None
    last_day: date | None
    weeks: list[Week]
    exercises: dict[int, ExerciseTally]
    mean_pain_change: Fraction | None
    review: dict[int, ReviewStat]
    current_streak_days: int
    longest_streak_days: int

    @property
    def prescribed(self) -> Fraction:
        return sum((t.prescribed for t in self.exercises.values()), Fraction(0))

    @property
    def done(self) -> int:
        return sum(t.done for t in self.exercises.values())

    @property
    def adherence_percent(self) -> int | None:
        capped = sum((t.capped_done for t in self.exercises.values()), Fraction(0))
        return percent(capped, self.prescribed)

    @property
    def flagged(self) -> list[ReviewStat]:
        return [stat for stat in self.review.values() if stat.reasons]


def often(count: int, out_of: int) -> bool:
    return count >= FLAG_MIN_COUNT and out_of > 0 and Fraction(count, out_of) >= FLAG_MIN_SHARE


def percent(part: Fraction, whole: Fraction) -> int | None:
    if whole <= 0:
        return None
    return int(round_half_up(100 * part / whole, 0))


def round_half_up(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def dose_on(periods: Sequence[Period], day: date) -> Mapping[int, Dose]:
    """The doses of the latest period started on or before `day` (the first one before that)."""
    in_effect = periods[0]
    for period in periods[1:]:
        if period.start <= day:
            in_effect = period
    return in_effect.doses


def window(
    *, program_start: date, program_last_day: date | None, today: date, weeks: int
) -> tuple[date, date] | None:
    """First and last local day covered: the `weeks` weeks up to today or the program's end."""
    last = today if program_last_day is None else min(today, program_last_day)
    if last < program_start:
        return None
    first = max(program_start, monday(last) - timedelta(weeks=weeks - 1))
    return first, last


def streaks(session_days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with a session.

    The current run counts back from today, or from yesterday while today has none yet.
    """
    days = set(session_days)
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        current += 1
        day -= timedelta(days=1)
    longest = 0
    for d in days:
        if d - timedelta(days=1) not in days:
            run = 1
            while d + timedelta(days=run) in days:
                run += 1
            longest = max(longest, run)
    return current, longest


def summarise(
    *,
    periods: Sequence[Period],
    program_start: date,
    program_last_day: date | None,
    today: date,
    weeks: int,
    counts: Iterable[DayCount],
    sessions: Iterable[DaySessions],
) -> Summary:
    """Prescribed against done, per week and per exercise, for the window ending today.

    `program_last_day` is the end date or the day the program was stopped (None: open-ended).
    `sessions` may cover more days than the window: streaks look at all of them.
    """
    if not periods:
        raise ValueError("a program has at least one revision")
    sessions = list(sessions)
    current, longest = streaks((s.day for s in sessions if s.sessions), today)
    span = window(
        program_start=program_start, program_last_day=program_last_day, today=today, weeks=weeks
    )
    if span is None:
        return Summary(None, None, [], {}, None, {}, current, longest)
    first, last = span

    by_week: dict[date, Week] = {}
    totals: dict[int, ExerciseTally] = {}
    day = first
    while day <= last:
        week = by_week.setdefault(monday(day), Week(start=monday(day), days=0))
        week.days += 1
        for exercise_id, dose in dose_on(periods, day).items():
            share = Fraction(dose.per_week, 7)
            week.exercises.setdefault(exercise_id, ExerciseTally(exercise_id)).prescribed += share
            totals.setdefault(exercise_id, ExerciseTally(exercise_id)).prescribed += share
        day += timedelta(days=1)

    review: dict[int, ReviewStat] = {}
    for row in counts:
        if not first <= row.day <= last:
            continue
        week = by_week[monday(row.day)]
        week.exercises.setdefault(row.exercise_id, ExerciseTally(row.exercise_id)).done += row.done
        totals.setdefault(row.exercise_id, ExerciseTally(row.exercise_id)).done += row.done
        stat = review.setdefault(row.exercise_id, ReviewStat(row.exercise_id))
        stat.done += row.done
        stat.pain_increased += row.pain_increased
        stat.episode_after += row.episode_after
    for logged in sessions:
        if first <= logged.day <= last:
            week = by_week[monday(logged.day)]
            week.sessions += logged.sessions
            week.pain_rated += logged.pain_rated
            week.pain_change_total += logged.pain_change_total
    rated = sum(w.pain_rated for w in by_week.values())
    change = sum(w.pain_change_total for w in by_week.values())

    return Summary(
        first_day=first,
        last_day=last,
        weeks=[by_week[k] for k in sorted(by_week)],
        exercises=totals,
        mean_pain_change=Fraction(change, rated) if rated else None,
        review=review,
        current_streak_days=current,
        longest_streak_days=longest,
    )


def due_today(
    *, dose: Dose, done_today: int, days_done_earlier_this_week: int, active: bool
) -> int:
    """How many more times an exercise is due today (0: done, a rest day, or not running).

    A 3-days-a-week exercise is due on any day until it has been done on 3 days this week.
    """
    if not active:
        return 0
    if done_today == 0 and days_done_earlier_this_week >= dose.days_per_week:
        return 0
    return max(dose.times_per_day - done_today, 0)
