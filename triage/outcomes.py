"""Outcomes arithmetic: plain data in, plain data out (no ORM, no settings, no clock).

Per patient, the trajectory of pain (NRS) and Oswestry from the first screening through each
progress check, each point judged against the first screening with
`triage.instruments.important_change` (REFERENCE.md §5.2: absolute and 30 %, either one makes it
clinically important). Per clinic, the report a clinic lead sends commissioners: for the patients
whose 12-week check falls in a period, the share reaching the minimal important change at 12
weeks, the median change with its interquartile range and the response rate, overall and by
STarT Back risk group, pathway, physiotherapist and exercise adherence.

- The outcome of a patient is their 12-week check against their first screening. A patient
  without one counts in the response rate but not in the shares or medians.
- Response rate = progress checks done / progress checks due (2, 6 and 12 weeks, those whose
  due time has passed when the report is made).
- Quartiles interpolate linearly between order statistics (PostgreSQL's percentile_cont,
  Python's statistics.quantiles(method="inclusive")).
- A figure computed from fewer than MIN_REPORTABLE patients is withheld ("too few to report"):
  its n is still shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

# An identity function that marks text for makemessages (as in engine.py): the caller passes
# its gettext, so the patient reads their progress in their language.
from django.utils.translation import gettext_noop

from .instruments import PATHWAYS, ImportantChange, important_change

MIN_REPORTABLE = 5
ADHERENCE_THRESHOLD = 70  # percent of prescribed exercise
OUTCOME_WEEKS = 12
TOO_FEW = "too few to report"

RISK_LABELS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk", "": "Not screened"}
PATHWAY_LABELS = {p.code: p.label for p in PATHWAYS.values()} | {"": "No pathway"}
ADHERENCE_LABELS = {
    "at_or_above": f"Adherence {ADHERENCE_THRESHOLD}% or more",
    "below": f"Adherence below {ADHERENCE_THRESHOLD}%",
    "no_program": "No exercise program",
}


# --- one patient's trajectory ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measurement:
    """Scores taken at one time: the first screening (weeks None) or a progress check."""

    when: dt.datetime
    weeks: int | None
    nrs: int | None
    odi: float | None


@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    when: dt.datetime
    weeks: int | None
    nrs: int | None
    odi: float | None
    nrs_change: ImportantChange | None  # None at the first screening or without both scores
    odi_change: ImportantChange | None

    @property
    def label(self) -> str:
        return point_label(self.weeks)


def _identity(text: str) -> str:
    return text


def point_label(weeks: int | None, gettext: Callable[[str], str] = _identity) -> str:
    if weeks is None:
        return gettext(gettext_noop("First screening"))
    return gettext(gettext_noop("%(weeks)s-week check")) % {"weeks": weeks}


def trajectory(baseline: Measurement, checks: Iterable[Measurement]) -> list[TrajectoryPoint]:
    """The first screening, then each check in time order, judged against the first screening."""
    points = [
        TrajectoryPoint(baseline.when, None, baseline.nrs, baseline.odi, None, None),
    ]
    for check in sorted(checks, key=lambda c: (c.when, c.weeks or 0)):
        points.append(
            TrajectoryPoint(
                check.when,
                check.weeks,
                check.nrs,
                check.odi,
                _change("nrs", baseline.nrs, check.nrs),
                _change("odi", baseline.odi, check.odi),
            )
        )
    return points


def _change(measure: str, before: float | None, after: float | None) -> ImportantChange | None:
    if before is None or after is None:
        return None
    return important_change(measure, before, after)


def day_month(when: dt.date, *, year: bool = False) -> str:
    text = f"{when.day} {when.strftime('%B')}"
    return f"{text} {when.year}" if year else text


def _points(amount: float, gettext: Callable[[str], str]) -> str:
    number = Decimal(repr(abs(amount))).normalize()
    # Singular for exactly 1, as in English and Spanish, the languages shipped.
    text = gettext_noop("%(n)s point") if number == 1 else gettext_noop("%(n)s points")
    return gettext(text) % {"n": f"{number:f}"}


def sentence(
    points: Sequence[TrajectoryPoint],
    *,
    measure: str = "nrs",
    today: dt.date | None = None,
    tz: dt.tzinfo | None = None,
    gettext: Callable[[str], str] = _identity,
    day: Callable[[dt.date, bool], str] = lambda when, year: day_month(when, year=year),
) -> str:
    """One plain sentence: the latest check against the first screening.

    "Pain down 4 points since 3 March: a clinically important improvement."
    `tz` gives the reader's calendar day; `gettext` and `day` word it in their language.
    """
    if not points:
        return gettext(gettext_noop("No screening yet."))
    first = points[0]
    since = (first.when.astimezone(tz) if tz else first.when).date()
    when = day(since, today is not None and since.year != today.year)
    latest = next(
        (p for p in reversed(points[1:]) if (p.nrs_change if measure == "nrs" else p.odi_change)),
        None,
    )
    if latest is None:
        text = (
            gettext_noop("No progress check with a pain score yet since %(when)s.")
            if measure == "nrs"
            else gettext_noop("No progress check with an Oswestry score yet since %(when)s.")
        )
        return gettext(text) % {"when": when}
    change = latest.nrs_change if measure == "nrs" else latest.odi_change
    assert change is not None  # noqa: S101 - selected above
    name = gettext_noop("Pain") if measure == "nrs" else gettext_noop("Oswestry disability")
    values = {
        "name": gettext(name),
        "points": _points(change.improvement, gettext),
        "when": when,
    }
    if change.improvement > 0:
        text = (
            gettext_noop(
                "%(name)s down %(points)s since %(when)s: a clinically important improvement."
            )
            if change.clinically_important
            else gettext_noop(
                "%(name)s down %(points)s since %(when)s: not yet a clinically important change."
            )
        )
    elif change.improvement < 0:
        text = gettext_noop("%(name)s up %(points)s since %(when)s: worse, not an improvement.")
    else:
        text = gettext_noop("%(name)s unchanged since %(when)s.")
    return gettext(text) % values


# --- the clinic report ----------------------------------------------------------------------


@dataclass(frozen=True)
class PatientOutcome:
    """What the selector fetched about one patient whose 12-week check falls in the period."""

    patient_id: int
    clinic_id: int
    risk: str  # STarT Back risk group at the first screening ("" not screened)
    pathway: str  # pathway code ("" none)
    physio_id: int | None
    physio_name: str
    checks_due: int
    checks_done: int
    baseline_nrs: int | None
    week12_nrs: int | None
    baseline_odi: float | None
    week12_odi: float | None
    adherence: int | None  # percent of prescribed exercise up to the 12-week check; None: none

    # Computed once: the report reads them for every section the patient falls in.
    @cached_property
    def nrs_change(self) -> ImportantChange | None:
        return _change("nrs", self.baseline_nrs, self.week12_nrs)

    @cached_property
    def odi_change(self) -> ImportantChange | None:
        return _change("odi", self.baseline_odi, self.week12_odi)

    @property
    def adherence_group(self) -> str:
        if self.adherence is None:
            return "no_program"
        return "at_or_above" if self.adherence >= ADHERENCE_THRESHOLD else "below"


def round1(value: Fraction | Decimal | float) -> float:
    """One decimal place, half up (as the Oswestry score is reported)."""
    if isinstance(value, Decimal):
        exact = value
    elif isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(repr(value))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def quantile(ordered: Sequence[Decimal], q: Decimal) -> Decimal:
    """Linear interpolation between order statistics (percentile_cont).

    Exact: the scores carry a decimal or two and q is a quarter, so every step fits the
    decimal context's 28 digits (and decimals cost far less than fractions)."""
    position = q * (len(ordered) - 1)
    lower = int(position)
    weight = position - lower
    if lower + 1 >= len(ordered):
        return ordered[lower]
    return ordered[lower] + (ordered[lower + 1] - ordered[lower]) * weight


@dataclass(frozen=True, slots=True)
class Share:
    """k of n patients reached the minimal important change."""

    n: int
    k: int

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_REPORTABLE

    @property
    def percent(self) -> float | None:
        return round1(Fraction(100 * self.k, self.n)) if self.reportable else None


@dataclass(frozen=True, slots=True)
class Spread:
    """Median change (baseline minus 12 weeks: above zero is better) and its IQR."""

    n: int
    median: float | None
    q1: float | None
    q3: float | None

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_REPORTABLE


HALF, QUARTER, THREE_QUARTERS = Decimal("0.5"), Decimal("0.25"), Decimal("0.75")


class _Exact(Sequence[Decimal]):
    """Sorted floats read back as exact decimals, only where a quantile looks."""

    def __init__(self, values: list[float]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, i: int) -> Decimal:  # type: ignore[override]
        return Decimal(repr(self.values[i]))


def spread(values: Iterable[float]) -> Spread:
    ordered = _Exact(sorted(values))
    if len(ordered) < MIN_REPORTABLE:
        return Spread(len(ordered), None, None, None)
    return Spread(
        len(ordered),
        round1(quantile(ordered, HALF)),
        round1(quantile(ordered, QUARTER)),
        round1(quantile(ordered, THREE_QUARTERS)),
    )


@dataclass(frozen=True, slots=True)
class Response:
    """Progress checks done against due, among n patients with a check due."""

    n: int
    done: int
    due: int

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_REPORTABLE

    @property
    def percent(self) -> float | None:
        if not self.reportable or not self.due:
            return None
        return round1(Fraction(100 * self.done, self.due))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the report: a group of patients and its figures."""

    section: str  # overall, risk, pathway, physiotherapist, adherence
    key: str
    label: str
    patients: int
    response: Response
    nrs_mic: Share
    odi_mic: Share
    nrs_change: Spread
    odi_change: Spread


def row(section: str, key: str, label: str, outcomes: Sequence[PatientOutcome]) -> Row:
    due = [o for o in outcomes if o.checks_due]
    nrs = [c for o in outcomes if (c := o.nrs_change) is not None]
    odi = [c for o in outcomes if (c := o.odi_change) is not None]
    return Row(
        section=section,
        key=key,
        label=label,
        patients=len(outcomes),
        response=Response(
            len(due), sum(o.checks_done for o in due), sum(o.checks_due for o in due)
        ),
        nrs_mic=Share(len(nrs), sum(c.clinically_important for c in nrs)),
        odi_mic=Share(len(odi), sum(c.clinically_important for c in odi)),
        nrs_change=spread(c.improvement for c in nrs),
        odi_change=spread(c.improvement for c in odi),
    )


@dataclass(frozen=True, slots=True)
class Report:
    start: dt.date
    end: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def overall(self) -> Row:
        return self.rows[0]

    def section(self, name: str) -> list[Row]:
        return [r for r in self.rows if r.section == name]


SECTIONS = ("overall", "risk", "pathway", "physiotherapist", "adherence")
SECTION_TITLES = {
    "overall": "All patients",
    "risk": "By STarT Back risk group",
    "pathway": "By pathway",
    "physiotherapist": "By physiotherapist",
    "adherence": "By exercise adherence",
}


def _grouped(
    section: str,
    outcomes: Sequence[PatientOutcome],
    key_of: Callable[[PatientOutcome], str],
    labels: dict[str, str],
) -> list[Row]:
    groups: dict[str, list[PatientOutcome]] = {}
    for o in outcomes:
        groups.setdefault(key_of(o), []).append(o)
    order = {key: i for i, key in enumerate(labels)}
    keys = sorted(groups, key=lambda k: (order.get(k, len(order)), labels.get(k, k), k))
    return [row(section, k, labels.get(k, k), groups[k]) for k in keys]


def report(outcomes: Sequence[PatientOutcome], *, start: dt.date, end: dt.date) -> Report:
    """Every row of the report, overall first, then each section's groups in a fixed order."""
    outcomes = sorted(outcomes, key=lambda o: o.patient_id)
    physios = {
        (str(o.physio_id) if o.physio_id is not None else ""): (o.physio_name or "Unassigned")
        for o in outcomes
    }
    physio_labels = dict(sorted(physios.items(), key=lambda kv: (kv[0] == "", kv[1], kv[0])))
    rows = [row("overall", "all", "All patients", outcomes)]
    rows += _grouped("risk", outcomes, lambda o: o.risk, RISK_LABELS)
    rows += _grouped("pathway", outcomes, lambda o: o.pathway, PATHWAY_LABELS)
    rows += _grouped(
        "physiotherapist",
        outcomes,
        lambda o: str(o.physio_id) if o.physio_id is not None else "",
        physio_labels,
    )
    rows += _grouped("adherence", outcomes, lambda o: o.adherence_group, ADHERENCE_LABELS)
    return Report(start=start, end=end, rows=rows)


# --- the table as text (page and CSV share it) ----------------------------------------------

CSV_HEADER = (
    "section",
    "group",
    "patients",
    "checks_done",
    "checks_due",
    "response_rate_percent",
    "nrs_n",
    "nrs_mic_patients",
    "nrs_mic_percent",
    "nrs_median_change",
    "nrs_change_q1",
    "nrs_change_q3",
    "odi_n",
    "odi_mic_patients",
    "odi_mic_percent",
    "odi_median_change",
    "odi_change_q1",
    "odi_change_q3",
)


def number(value: float | None) -> str:
    if value is None:
        return TOO_FEW
    return f"{value:.1f}"


def csv_rows(result: Report) -> list[list[str]]:
    """The report as CSV lines: a withheld figure reads "too few to report", counts stay."""
    lines = [list(CSV_HEADER)]
    for r in result.rows:
        withheld_counts = not r.response.reportable
        lines.append(
            [
                r.section,
                r.label,
                str(r.patients),
                TOO_FEW if withheld_counts else str(r.response.done),
                TOO_FEW if withheld_counts else str(r.response.due),
                number(r.response.percent),
                str(r.nrs_mic.n),
                str(r.nrs_mic.k) if r.nrs_mic.reportable else TOO_FEW,
                number(r.nrs_mic.percent),
                number(r.nrs_change.median),
                number(r.nrs_change.q1),
                number(r.nrs_change.q3),
                str(r.odi_mic.n),
                str(r.odi_mic.k) if r.odi_mic.reportable else TOO_FEW,
                number(r.odi_mic.percent),
                number(r.odi_change.median),
                number(r.odi_change.q1),
                number(r.odi_change.q3),
            ]
        )
    return lines


def report_csv(result: Report) -> str:
    """RFC 4180: CRLF line ends, fields quoted when they need it (the csv module's default)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(result))
    return out.getvalue()
