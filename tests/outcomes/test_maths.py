"""The outcomes arithmetic alone (triage.outcomes): quartiles, rounding, withholding, the
sentence, against values worked out by hand and Python's own statistics module."""

from __future__ import annotations

import datetime as dt
import statistics
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from triage import outcomes
from triage.outcomes import Measurement, round1, sentence, spread, trajectory

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def test_quartiles_interpolate_between_order_statistics():
    # 0 0 1 2 2 3 4 5: median at 3.5 -> 2; Q1 at 1.75 -> 0.75 -> 0.8 (half up); Q3 at 5.25 -> 3.25
    # -> 3.3 (half up, where round() would give 3.2).
    s = spread([4, 2, 0, 5, 2, 0, 3, 1])
    assert (s.n, s.median, s.q1, s.q3) == (8, 2.0, 0.8, 3.3)


@settings(deadline=None)
@given(st.lists(st.integers(min_value=-100, max_value=100), min_size=5, max_size=40))
def test_quartiles_agree_with_statistics_inclusive_quantiles(values):
    # Fractions in, so the oracle's interpolation is exact too (floats can land on x.x4999...).
    exact = [Fraction(v) for v in values]
    q1, median, q3 = statistics.quantiles(exact, n=4, method="inclusive")
    s = spread(values)
    assert (s.q1, s.median, s.q3) == (round1(q1), round1(median), round1(q3))


def test_fewer_than_five_are_withheld_but_counted():
    s = spread([1, 2, 3, 4])
    assert (s.n, s.median, s.reportable) == (4, None, False)
    assert outcomes.Share(4, 4).percent is None and outcomes.Share(5, 2).percent == 40.0
    assert outcomes.Response(4, 3, 12).percent is None
    assert outcomes.Response(5, 7, 15).percent == 46.7  # 46.666...


def test_the_sentence_names_the_change_and_the_verdict():
    first = Measurement(T0, None, 3, None)
    # 3 -> 2: 1 point, below 2, but 1 >= 30 % of 3 (0.9): clinically important.
    points = trajectory(first, [Measurement(T0 + dt.timedelta(weeks=2), 2, 2, None)])
    assert sentence(points, today=dt.date(2026, 12, 1)) == (
        "Pain down 1 point since 3 March: a clinically important improvement."
    )
    assert sentence(points, today=dt.date(2027, 1, 5)) == (
        "Pain down 1 point since 3 March 2026: a clinically important improvement."
    )
    assert sentence(points, measure="odi") == (
        "No progress check with an Oswestry score yet since 3 March."
    )
