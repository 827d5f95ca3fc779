"""programs.adherence against numbers worked out by hand (weeks run Monday to Sunday)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from programs.adherence import (
    DayCount,
    DaySessions,
    Dose,
    Period,
    due_today,
    round_half_up,
    streaks,
    summarise,
    window,
)

A, B = 1, 2  # exercise ids


def d(day: int, month: int = 3) -> date:
    return date(2026, month, day)  # 2 March 2026 is a Monday


def sessions_on(*rows: tuple[date, int]) -> list[DaySessions]:
    return [DaySessions(day=day, sessions=n) for day, n in rows]


def counts(*rows: tuple[date, int, int]) -> list[DayCount]:
    return [DayCount(day=day, exercise_id=ex, done=n) for day, ex, n in rows]


def test_partial_first_week_a_week_without_sessions_and_the_current_week():
    # Starts Thursday 5 March. A: 2 a day every day (14 a week); B: once, 3 days a week.
    # Today is Wednesday 18 March; three weeks asked for.
    summary = summarise(
        periods=[Period(d(5), {A: Dose(2, 7), B: Dose(1, 3)})],
        program_start=d(5),
        program_last_day=None,
        today=d(18),
        weeks=3,
        counts=counts(
            (d(5), A, 2),
            (d(6), A, 2),
            (d(8), A, 2),  # week 1: A 6 times
            (d(6), B, 1),
            (d(7), B, 1),
            (d(8), B, 1),  # week 1: B 3 times (1.7 due)
            (d(16), A, 3),
            (d(17), A, 2),
            (d(18), A, 2),  # week 3: A 7 times (6 due)
        ),
        sessions=sessions_on(
            (d(5), 1), (d(6), 2), (d(7), 1), (d(8), 2), (d(16), 2), (d(17), 1), (d(18), 1)
        ),
    )
    assert (summary.first_day, summary.last_day) == (d(5), d(18))
    week1, week2, week3 = summary.weeks
    # Week 1 covers Thu-Sun, 4 of 7 days: A 14 x 4/7 = 8, B 3 x 4/7 = 12/7 (1.7).
    assert (week1.start, week1.days, week1.sessions) == (d(2), 4, 6)
    assert week1.exercises[A].prescribed == 8
    assert week1.exercises[B].prescribed == Fraction(12, 7)
    assert round_half_up(week1.prescribed, 1) == Decimal("9.7")
    assert week1.done == 9
    # B is capped at what was due: (6 + 12/7) / (8 + 12/7) = 54/68 = 79.4 %.
    assert week1.exercises[A].adherence_percent == 75  # 6 of 8
    assert week1.exercises[B].adherence_percent == 100
    assert week1.adherence_percent == 79
    # Week 2: a full week with no sessions at all.
    assert (week2.start, week2.days, week2.sessions, week2.done) == (d(9), 7, 0, 0)
    assert week2.prescribed == 17 and week2.adherence_percent == 0
    # Week 3 is the current week, Mon-Wed: A 14 x 3/7 = 6, B 3 x 3/7 = 9/7.
    assert (week3.start, week3.days, week3.sessions) == (d(16), 3, 4)
    assert week3.exercises[A].prescribed == 6 and week3.exercises[B].prescribed == Fraction(9, 7)
    assert week3.adherence_percent == 82  # min(7, 6) / (6 + 9/7) = 42/51
    # The whole window: A 8+14+6 = 28, done 13; B 12/7+3+9/7 = 6, done 3.
    assert summary.exercises[A].prescribed == 28 and summary.exercises[A].done == 13
    assert summary.exercises[B].prescribed == 6 and summary.exercises[B].done == 3
    assert summary.exercises[A].adherence_percent == 46  # 13/28 = 46.4 %
    assert summary.exercises[B].adherence_percent == 50
    assert summary.adherence_percent == 47  # 16/34 = 47.1 %
    assert summary.done == 16


def test_the_window_counts_back_whole_weeks_from_today():
    # Started long ago; 2 weeks up to Sunday 15 March: 2-8 and 9-15 March.
    assert window(program_start=d(1, 1), program_last_day=None, today=d(15), weeks=2) == (
        d(2),
        d(15),
    )
    # Monday 16 March, 1 week: just today.
    assert window(program_start=d(1, 1), program_last_day=None, today=d(16), weeks=1) == (
        d(16),
        d(16),
    )
    # Not started yet.
    assert window(program_start=d(20), program_last_day=None, today=d(16), weeks=4) is None


def test_a_revision_changes_the_dose_from_the_day_it_was_made():
    # Revision 1: A once a day. Revision 2, made on Thursday 5 March: A twice a day, B added.
    periods = [Period(d(2), {A: Dose(1, 7)}), Period(d(5), {A: Dose(2, 7), B: Dose(1, 7)})]
    summary = summarise(
        periods=periods,
        program_start=d(2),
        program_last_day=None,
        today=d(8),
        weeks=1,
        counts=[],
        sessions=[],
    )
    (week,) = summary.weeks
    assert week.exercises[A].prescribed == 3 * 1 + 4 * 2
    assert week.exercises[B].prescribed == 4


def test_a_revision_made_before_the_start_covers_the_whole_program():
    periods = [Period(d(9), {A: Dose(1, 7)}), Period(d(4), {A: Dose(3, 7)})]
    summary = summarise(
        periods=periods,
        program_start=d(9),
        program_last_day=None,
        today=d(10),
        weeks=1,
        counts=[],
        sessions=[],
    )
    assert summary.exercises[A].prescribed == 6  # 2 days x 3


def test_a_program_that_ended_midweek_stops_counting_there():
    # Ended Wednesday 11 March; looked at on Friday 20 March: weeks of 2 and 9 March.
    summary = summarise(
        periods=[Period(d(2), {A: Dose(1, 5)})],
        program_start=d(2),
        program_last_day=d(11),
        today=d(20),
        weeks=2,
        counts=counts((d(3), A, 1), (d(10), A, 1), (d(12), A, 1)),  # the 12th: after the end
        sessions=sessions_on((d(3), 1), (d(10), 1), (d(12), 1)),
    )
    first, second = summary.weeks
    assert (first.days, first.exercises[A].prescribed, first.done) == (7, 5, 1)
    assert (second.days, second.exercises[A].prescribed, second.done) == (3, Fraction(15, 7), 1)
    assert second.sessions == 1
    assert summary.last_day == d(11)


def test_more_than_prescribed_caps_at_100_percent():
    summary = summarise(
        periods=[Period(d(2), {A: Dose(1, 7)})],
        program_start=d(2),
        program_last_day=None,
        today=d(8),
        weeks=1,
        counts=counts((d(2), A, 20)),
        sessions=sessions_on((d(2), 20)),
    )
    assert summary.adherence_percent == 100
    assert summary.done == 20


def test_an_exercise_no_longer_prescribed_counts_as_done_but_not_due():
    summary = summarise(
        periods=[Period(d(2), {A: Dose(1, 7)})],
        program_start=d(2),
        program_last_day=None,
        today=d(8),
        weeks=1,
        counts=counts((d(3), B, 2)),
        sessions=sessions_on((d(3), 1)),
    )
    assert summary.exercises[B].prescribed == 0
    assert summary.exercises[B].adherence_percent is None
    assert summary.adherence_percent == 0


def test_nothing_to_report_before_the_program_starts():
    summary = summarise(
        periods=[Period(d(20), {A: Dose(1, 7)})],
        program_start=d(20),
        program_last_day=None,
        today=d(16),
        weeks=4,
        counts=[],
        sessions=[],
    )
    assert summary.weeks == [] and summary.adherence_percent is None


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        ([d(1), d(2), d(3), d(5), d(6), d(8)], d(8), (1, 3)),
        ([d(1), d(2), d(3), d(5), d(6)], d(7), (2, 3)),  # none yet today: up to yesterday
        ([d(1), d(2), d(3), d(5), d(6)], d(8), (0, 3)),  # yesterday missed: the run is broken
        ([], d(8), (0, 0)),
        ([date(2026, 2, 27), date(2026, 2, 28), d(1)], d(1), (3, 3)),  # across a month end
    ],
)
def test_streaks(days, today, expected):
    assert streaks(days, today) == expected


def test_exercises_often_followed_by_more_pain_or_a_spasm_are_flagged():
    rows = [
        # A: 6 times, more pain twice: 2/6 = a third -> flagged.
        DayCount(d(2), A, done=3, pain_increased=1),
        DayCount(d(3), A, done=3, pain_increased=1),
        # B: 3 times, a spasm within 2 hours twice -> flagged; more pain once -> not for pain.
        DayCount(d(4), B, done=3, pain_increased=1, episode_after=2),
        # C: 7 times, more pain twice: 2/7 is under a third -> not flagged.
        DayCount(d(4), 3, done=7, pain_increased=2),
        # D: once, more pain once: too few to call it often.
        DayCount(d(5), 4, done=1, pain_increased=1, episode_after=1),
    ]
    summary = summarise(
        periods=[Period(d(2), {A: Dose(1, 7)})],
        program_start=d(2),
        program_last_day=None,
        today=d(8),
        weeks=1,
        counts=rows,
        sessions=[],
    )
    assert {s.exercise_id: s.reasons for s in summary.flagged} == {
        A: ["pain_increase"],
        B: ["spasm_episode"],
    }


@pytest.mark.parametrize(
    ("dose", "done_today", "earlier_days", "active", "due"),
    [
        (Dose(2, 7), 0, 0, True, 2),
        (Dose(2, 7), 1, 0, True, 1),
        (Dose(2, 7), 3, 0, True, 0),
        (Dose(1, 3), 0, 3, True, 0),  # three days done already: a rest day
        (Dose(1, 3), 0, 2, True, 1),
        (Dose(2, 3), 1, 3, True, 1),  # started today: finish today's
        (Dose(1, 7), 0, 0, False, 0),  # not running (before start, after end)
    ],
)
def test_due_today(dose, done_today, earlier_days, active, due):
    assert (
        due_today(
            dose=dose, done_today=done_today, days_done_earlier_this_week=earlier_days,
            active=active,
        )
        == due
    )  # fmt: skip


def test_mean_pain_change_counts_only_sessions_with_both_scores():
    summary = summarise(
        periods=[Period(d(2), {A: Dose(1, 7)})],
        program_start=d(2),
        program_last_day=None,
        today=d(11),
        weeks=2,
        counts=[],
        sessions=[
            DaySessions(d(3), sessions=2, pain_rated=2, pain_change_total=-3),  # eased
            DaySessions(d(4), sessions=1),  # no pain scores given
            DaySessions(d(10), sessions=1, pain_rated=1, pain_change_total=2),  # worse
        ],
    )
    first, second = summary.weeks
    assert (first.sessions, first.mean_pain_change) == (3, Fraction(-3, 2))
    assert (second.sessions, second.mean_pain_change) == (1, 2)
    assert summary.mean_pain_change == Fraction(-1, 3)
    assert round_half_up(summary.mean_pain_change, 1) == Decimal("-0.3")


def test_rounding_is_half_up():
    assert round_half_up(Fraction(1, 20), 1) == Decimal("0.1")
    assert round_half_up(Fraction(5, 2), 0) == Decimal("3")
    assert round_half_up(Fraction(12, 7), 1) == Decimal("1.7")
