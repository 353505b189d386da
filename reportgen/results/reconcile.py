"""Do the figures stated on a call agree with each other? Growth vs levels, totals vs parts.

Figures on a call are rounded: '45 billion' is anything from 44.5 to 45.5, '27%' is
26.5% to 27.5%. Each stated figure is therefore an interval of half a unit in the last
place written, and a check only fails when no figures inside the intervals agree. A
check that holds only thanks to rounding says so; one that fails is a warning the build
prints and the reviewer-only section lists, never a silent correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Status = Literal["agrees", "within rounding", "disagrees"]


def written_step(value: float, percent: bool = False) -> float:
    """Half a unit in the last place written: 242.6 -> 0.05; 45 -> 0.5; 0.27 (27%) -> 0.005."""
    x = round(value * 100 if percent else value, 9)
    exponent = Decimal(repr(x)).normalize().as_tuple().exponent
    places = max(0, -int(exponent))
    step = 0.5 * 10.0**-places
    return step / 100 if percent else step


@dataclass(frozen=True)
class Approx:
    """A stated figure: its value and how far the truth may lie from it (rounding)."""

    value: float
    error: float = 0.0

    @classmethod
    def stated(cls, value: float, percent: bool = False) -> Approx:
        return cls(value, written_step(value, percent))

    @property
    def low(self) -> float:
        return self.value - self.error

    @property
    def high(self) -> float:
        return self.value + self.error

    def __add__(self, other: Approx) -> Approx:
        return Approx(self.value + other.value, self.error + other.error)

    def __sub__(self, other: Approx) -> Approx:
        return Approx(self.value - other.value, self.error + other.error)

    def __neg__(self) -> Approx:
        return Approx(-self.value, self.error)


def growth_range(current: Approx, previous: Approx) -> tuple[float, float] | None:
    """Lowest and highest growth the two rounded levels allow; None if the base may be zero or negative."""
    if previous.low <= 0:
        return None
    ends = [c / p - 1 for c in (current.low, current.high) for p in (previous.low, previous.high)]
    return min(ends), max(ends)


@dataclass(frozen=True)
class Check:
    """One reconciliation: what was compared, how it came out, and the figures in a sentence."""

    key: str
    label: str
    status: Status
    detail: str

    @property
    def warning(self) -> bool:
        return self.status == "disagrees"


def judge_growth(stated: Approx, current: Approx, previous: Approx) -> tuple[Status, float]:
    """Stated growth against the growth of the levels; returns the status and the point growth."""
    point = current.value / previous.value - 1
    if abs(point - stated.value) <= stated.error + 1e-12:
        return "agrees", point
    allowed = growth_range(current, previous)
    if allowed is not None and allowed[0] <= stated.high and stated.low <= allowed[1]:
        return "within rounding", point
    return "disagrees", point


def judge_equal(left: Approx, right: Approx) -> Status:
    """Two ways to the same figure: equal as written, equal within their rounding, or not."""
    if abs(left.value - right.value) <= 1e-9 * max(1.0, abs(left.value)):
        return "agrees"
    if abs(left.value - right.value) <= left.error + right.error + 1e-9:
        return "within rounding"
    return "disagrees"
