"""Line: one computed model row over a timeline, with the views analysts quote.

Indexing a Line gives a Quantity (value and unit), so prose filters know how to print
it ('US$833.4bn', '39%'); tables and charts read plain floats with ``value()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from reportgen.inputs.periods import Period, Timeline
from reportgen.inputs.units import DIMENSIONLESS, PERCENT, Unit, UnitError, check_add
from reportgen.model.ratios import NM, NotMeaningful, Ratio, cagr, growth, share


@dataclass(frozen=True)
class Quantity:
    """A number with its unit. Arithmetic follows the unit rules of formulas."""

    value: float
    unit: Unit = DIMENSIONLESS

    def __float__(self) -> float:
        return self.value

    def _other(self, other: object) -> Quantity:
        if isinstance(other, Quantity):
            return other
        if isinstance(other, int | float) and not isinstance(other, bool):
            return Quantity(float(other))
        raise TypeError(f"cannot combine a quantity with {type(other).__name__}")

    def __add__(self, other: object) -> Quantity:
        o = self._other(other)
        return Quantity(self.value + o.value, check_add(self.unit, o.unit, "+"))

    def __sub__(self, other: object) -> Quantity:
        o = self._other(other)
        return Quantity(self.value - o.value, check_add(self.unit, o.unit, "-"))

    def __mul__(self, other: object) -> Quantity:
        o = self._other(other)
        return Quantity(self.value * o.value, self.unit * o.unit)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Quantity:
        o = self._other(other)
        if o.value == 0:
            raise ZeroDivisionError("division by zero in the prose")
        unit = self.unit / o.unit
        if unit.dimensionless:  # CNY bn / CNY bn: a plain ratio, printed with | pct or | mult
            return Quantity(self.value / o.value * unit.scale, DIMENSIONLESS)
        return Quantity(self.value / o.value, unit)

    def __neg__(self) -> Quantity:
        return Quantity(-self.value, self.unit)

    def __lt__(self, other: object) -> bool:
        return self.value < self._other(other).value

    def __gt__(self, other: object) -> bool:
        return self.value > self._other(other).value


def as_quantity(value: Ratio, unit: Unit) -> Quantity | NotMeaningful:
    """Wrap a float for prose, keeping NM as NM."""
    return value if isinstance(value, NotMeaningful) else Quantity(float(value), unit)


@dataclass(frozen=True, eq=False)
class Line(Mapping[Period, "Quantity"]):
    """A named series over a timeline; periods without a value read as NaN.

    ``total`` is the top of the sum tree the line belongs to, for its share of the whole.
    """

    key: str
    label: str
    unit: Unit
    timeline: Timeline
    values: tuple[float, ...]  # type: ignore[assignment]  # the series, by timeline position
    total: Line | None = field(default=None, repr=False)
    note: str | None = None
    assumed: bool = False

    def value(self, period: Period) -> float:
        """The plain float (NaN when the model has none or the period is not on the timeline)."""
        i = self.timeline.index.get(period)
        return math.nan if i is None else self.values[i]

    def __getitem__(self, period: Period) -> Quantity:
        return Quantity(self.value(period), self.unit)

    def __iter__(self) -> Iterator[Period]:
        return iter(self.timeline.periods)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def defined(self) -> tuple[Period, ...]:
        """Periods with a value."""
        return tuple(p for p, v in zip(self.timeline.periods, self.values, strict=True) if not math.isnan(v))

    def growth_at(self, period: Period) -> Ratio:
        """Growth over the same period a year earlier; NaN if missing, NM on a base <= 0."""
        before = self.timeline.offset(period, -self.timeline.per_year) if period in self.timeline else None
        return math.nan if before is None else growth(self.value(period), self.value(before))

    def share_at(self, period: Period, whole: Line | None = None) -> Ratio:
        """Share of ``whole`` (default: the top of the line's sum tree, or itself)."""
        base = whole or self.total or self
        return share(self.value(period), base.value(period))

    @property
    def yoy(self) -> Mapping[Period, Quantity | NotMeaningful]:
        return {p: as_quantity(self.growth_at(p), PERCENT) for p in self}

    @property
    def share(self) -> Mapping[Period, Quantity | NotMeaningful]:
        return {p: as_quantity(self.share_at(p), PERCENT) for p in self}

    def cagr_ratio(self, start: Period, end: Period) -> Ratio:
        years = self.timeline.years_between(start, end)
        if years <= 0:
            raise ValueError(f"CAGR needs end after start, got {start} to {end}")
        return cagr(self.value(start), self.value(end), years)  # type: ignore[arg-type]

    def cagr(self, start: Period, end: Period) -> Quantity | NotMeaningful:
        """Compound annual growth from ``start`` to ``end`` (a percentage)."""
        return as_quantity(self.cagr_ratio(start, end), PERCENT)

    def total_over(self, start: Period, end: Period) -> float:
        """Sum over start..end inclusive (NaN if any period is missing)."""
        return float(sum(self.value(p) for p in self.timeline.span(start, end)))

    def sum(self, start: Period, end: Period) -> Quantity:
        if self.unit.display == "pct":
            raise UnitError("percentages cannot be summed over periods")
        return Quantity(self.total_over(start, end), self.unit)

    def min(self, start: Period, end: Period) -> Quantity:
        return Quantity(min(self.value(p) for p in self.timeline.span(start, end)), self.unit)

    def max(self, start: Period, end: Period) -> Quantity:
        return Quantity(max(self.value(p) for p in self.timeline.span(start, end)), self.unit)


__all__ = ["NM", "Line", "Quantity", "as_quantity"]
