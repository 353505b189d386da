"""Timelines: fiscal or calendar years and quarters, each period actual or estimate.

Periods are written in YAML as analysts write them: a year (``2027``, meaning the fiscal
year that ends in 2027) or a quarter (``3QFY26``, ``4Q25``). Inside the model a period
is that key (an int for a year, the normalised text for a quarter), so lines are plain
mappings from period to value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

Period = int | str
#: Months as written in company files; the fiscal year is named after its end.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_QUARTER = re.compile(r"([1-4])Q(FY)?(\d{2}|\d{4})")


class PeriodError(ValueError):
    """A period that is not on a timeline, or a key that is not a period."""


class TimelineBoundError(PeriodError):
    """A timeline whose ``last`` period is before its first, or too far after it."""


#: Most periods a timeline may have: a century of quarters.
MAX_PERIODS = 400


def parse_quarter(key: Period) -> tuple[int, int, bool]:
    """'3QFY26' -> (2026, 3, True); '4Q25' -> (2025, 4, False)."""
    match = _QUARTER.fullmatch(str(key).strip().upper())
    if not match:
        raise PeriodError(f"expected a quarter such as 3QFY26 or 4Q25, got {key!r}")
    year = int(match.group(3))
    return (year + 2000 if year < 100 else year), int(match.group(1)), bool(match.group(2))


@dataclass(frozen=True)
class Timeline:
    """An ordered run of periods. ``kind`` is 'annual' or 'quarterly'.

    ``fiscal`` names years 'FY27' (a fiscal year that does not end in December) rather
    than '2027'. ``last_actual`` is the last reported period; later ones are estimates.
    """

    key: str
    kind: str
    periods: tuple[Period, ...]
    last_actual: Period | None
    fiscal: bool = True
    year_end: str = "December"

    @cached_property
    def index(self) -> dict[Period, int]:
        return {p: i for i, p in enumerate(self.periods)}

    @property
    def per_year(self) -> int:
        """Periods in a year: growth 'yoy' looks this many periods back."""
        return 4 if self.kind == "quarterly" else 1

    def __contains__(self, period: object) -> bool:
        return period in self.index

    def normalise(self, key: Period) -> Period:
        """A YAML key as this timeline's period, or PeriodError."""
        if self.kind == "quarterly":
            if isinstance(key, bool) or not isinstance(key, str):
                raise PeriodError(f"expected a quarter such as {self.periods[0]}, got {key!r}")
            year, quarter, _fy = parse_quarter(key)
            key = _quarter_key(year, quarter, self.fiscal)
        elif isinstance(key, bool) or not isinstance(key, int):
            raise PeriodError(f"expected a year such as {self.periods[0]}, got {key!r}")
        if key not in self.index:
            raise PeriodError(f"{self.label(key)} is not on the timeline {self.span_label}")
        return key

    def is_actual(self, period: Period) -> bool:
        return self.last_actual is not None and self.index[period] <= self.index[self.last_actual]

    def offset(self, period: Period, steps: int) -> Period | None:
        """The period ``steps`` later (negative: earlier), or None off the timeline."""
        i = self.index[period] + steps
        return self.periods[i] if 0 <= i < len(self.periods) else None

    def span(self, start: Period, end: Period) -> tuple[Period, ...]:
        """Periods from start to end inclusive (start after end gives nothing)."""
        return self.periods[self.index[start] : self.index[end] + 1]

    def years_between(self, start: Period, end: Period) -> float:
        """Elapsed years, for CAGR: quarters count a quarter each."""
        return (self.index[end] - self.index[start]) / self.per_year

    def label(self, period: Period, *, suffix: bool = True) -> str:
        """'FY27E', '2027A', '3QFY26A', '4Q25E' as the note prints them."""
        tail = ("A" if self.is_actual(period) else "E") if suffix and period in self.index else ""
        if self.kind == "quarterly":
            return f"{period}{tail}"
        year = int(period)
        return f"FY{year % 100:02d}{tail}" if self.fiscal else f"{year}{tail}"

    @property
    def span_label(self) -> str:
        return f"{self.label(self.periods[0], suffix=False)}-{self.label(self.periods[-1], suffix=False)}"


def _quarter_key(year: int, quarter: int, fiscal: bool) -> str:
    return f"{quarter}Q{'FY' if fiscal else ''}{year % 100:02d}"


def make_timeline(
    key: str,
    kind: str,
    first: Period,
    last: Period,
    last_actual: Period | None,
    *,
    fiscal: bool,
    year_end: str = "December",
) -> Timeline:
    """Build a timeline from its first and last periods; PeriodError if they do not make one.

    The number of periods is worked out from ``first`` and ``last`` before any list is built, so
    ``last: 300000000`` is refused at once instead of after allocating gigabytes.
    """
    if kind == "quarterly":
        (y0, q0, _), (y1, q1, _) = parse_quarter(first), parse_quarter(last)
        count = (y1 * 4 + q1) - (y0 * 4 + q0) + 1
    else:
        if (
            isinstance(first, bool)
            or isinstance(last, bool)
            or not isinstance(first, int)
            or not isinstance(last, int)
        ):
            raise PeriodError("annual timelines run between years, e.g. first: 2024, last: 2030")
        count = last - first + 1
    if count < 1:
        raise TimelineBoundError(f"the timeline ends ({last}) before it starts ({first})")
    if count > MAX_PERIODS:
        raise TimelineBoundError(
            f"a timeline of {count} periods is longer than any note needs (at most {MAX_PERIODS})"
        )
    periods: list[Period] = []
    if kind == "quarterly":
        y, q = y0, q0
        while (y, q) <= (y1, q1):
            periods.append(_quarter_key(y, q, fiscal))
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    else:
        assert isinstance(first, int) and isinstance(last, int)
        periods = list(range(first, last + 1))
    line = Timeline(key, kind, tuple(periods), None, fiscal, year_end)
    actual = line.normalise(last_actual) if last_actual is not None else None
    return Timeline(key, kind, tuple(periods), actual, fiscal, year_end)
