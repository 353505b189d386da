"""Chart numbers: how a unit prints on an axis and a label, and where an axis's ticks and top fall.

Kept apart from the marks so the arithmetic (tick steps, headroom, the split between a left and a
right axis) can be read and tested as plain numbers, without building a chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt

from reportgen.inputs.schema import CompanyFile
from reportgen.inputs.units import SCALE_WORDS, Unit
from reportgen.model.ratios import NotMeaningful, Ratio

#: Leave this much of the plot above the tallest bar, so its label is not clipped.
HEADROOM = 1.12
#: Tick steps (x 10^k) that print cleanly with whole-number formats.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)


@dataclass(frozen=True)
class Numbers:
    """How one unit prints on a chart: axis title, bar labels and alt-text wording."""

    title: str | None
    prefix: str = ""
    suffix: str = ""
    pct: bool = False
    decimals: int = 1

    @property
    def caption(self) -> str:
        """The unit as alt text names it: the axis title, or % for percentages."""
        return self.title or ("%" if self.pct else "values")

    def text(self, v: float) -> str:
        """Alt-text wording: symbol and scale word, at most one decimal (read aloud, not audited)."""
        if self.pct:
            return f"{v:.0%}"
        sign = "-" if v < 0 else ""
        return f"{sign}{self.prefix}{abs(v):,.{min(self.decimals, 1)}f}{self.suffix}"

    def label(self, v: float) -> str:
        """A bar's value label: the number alone, the axis title gives the unit."""
        return f"{v:.0%}" if self.pct else f"{v:,.{self.decimals}f}"

    def signed(self, v: float) -> str:
        """A waterfall step's label: its sign always shown."""
        return ("+" if v >= 0 else "") + self.label(v)

    def signed_text(self, v: float) -> str:
        """A step in alt text: its sign always shown."""
        return ("+" if v >= 0 else "") + self.text(v)

    def tick_unit(self, values: Iterable[float]) -> float:
        """Smallest tick step the axis format can show: whole percent, or a power of ten."""
        if self.pct:
            return 0.01
        top = max((abs(v) for v in values), default=0.0)
        return 1.0 if top >= 5 or top == 0 else 10.0 ** math.floor(math.log10(top / 5))

    def axis_format(self, step: float) -> str:
        """d3 format with just the decimals a tick step of ``step`` needs."""
        scaled = step * 100 if self.pct else step
        decimals = max(0, math.ceil(-math.log10(scaled) - 1e-9)) if scaled > 0 else 0
        return f".{decimals}%" if self.pct else f",.{decimals}f"


def unit_numbers(unit: Unit, company: CompanyFile, values: Iterable[float]) -> Numbers:
    """Wording for a unit: money with its printed symbol and scale word ('US$ bn'), % as %."""
    top = max((abs(v) for v in values), default=0.0)
    # Whole numbers for large values, and for millions from the thousands (US$3,000mn, not 3,000.0).
    decimals = 0 if top >= 10_000 or (unit.scale <= 1e6 and top >= 1_000) else 1
    if unit.display == "pct":
        return Numbers(None, suffix="%", pct=True, decimals=0)
    if unit.display == "mult":
        return Numbers("x", suffix="x", decimals=1)
    currency = unit.currency
    if currency is not None:
        symbol = company.symbol(currency)
        if unit.is_money and (unit.scale == 1 or unit.scale in SCALE_WORDS):
            word = SCALE_WORDS.get(unit.scale, "")
            return Numbers(" ".join(f"{symbol} {word}".split()), symbol.strip(), word, decimals=decimals)
        if unit.per is not None and unit.scale == 1:
            return Numbers(
                f"{symbol.strip()} per {unit.per}", symbol.strip(), decimals=2 if top < 10_000 else 0
            )
    text = str(unit) if str(unit) not in ("", "number", "count") else ""
    return Numbers(text or None, suffix=f" {text}" if text else "", decimals=decimals)


def plottable(x: Ratio | float | None) -> float | None:
    """A plottable float, or None for missing (NaN) and not-meaningful (NM) values."""
    if x is None or isinstance(x, NotMeaningful):
        return None
    v = float(x)
    return None if math.isnan(v) or math.isinf(v) else v


def compact(v: float) -> str:
    """Bar label for many narrow bars: whole numbers from 100 up, one decimal below."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def bracket_ticks(low: float, high: float, most: int, unit: float) -> list[float]:
    """The densest 1-2-2.5-5 ticks that enclose [low, high] in at most ``most`` ticks.

    The first tick is at or below ``low`` and the last at or above ``high``, so no plotted
    value sits beyond the labelled range of its axis. ``unit`` is the smallest step the
    axis format can show (1 for whole bn, 0.01 for whole percent): a 2.5% step would print
    as 3%, 5%, 8%, so such steps are skipped.
    """
    span = max(high - low, unit)
    exp = math.floor(math.log10(span / (10 * most)))
    for e in range(exp, exp + 5):
        for m in NICE_STEPS:
            step = m * 10.0**e
            if not _whole(step / unit):
                continue
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            if last == first:
                last += 1
            if last - first + 1 <= most:
                return [round(i * step, 12) for i in range(first, last + 1)]
    return [low, high]


def _whole(x: float) -> bool:
    return x >= 1 - 1e-9 and abs(x - round(x)) < 1e-9


def left_scale(low: float, high: float, dual: bool, unit: float) -> tuple[alt.Scale, list[float] | None]:
    """Bar scale and its ticks. With a right axis the two share one plot: the left axis runs from
    zero (or below it) in whole steps, and ``right_ticks`` gives the right axis as many steps."""
    if not dual:
        lo, hi = (low * HEADROOM if low < 0 else 0.0), (high * HEADROOM if high > 0 else 0.0)
        return alt.Scale(domain=[lo, hi if hi > lo else lo + 1.0]), None
    ticks = bracket_ticks(min(low, 0.0), max(high, 0.0), 6, unit)
    return alt.Scale(domain=[ticks[0], ticks[-1]], nice=False), ticks


def right_ticks(left: list[float], low: float, high: float, unit: float) -> list[float]:
    """Right-axis ticks on the left axis's gridlines: the same number of steps below and above
    zero, each a 1-2-2.5-5 step, the smallest that holds [low, high].

    Both axes then start from zero on one baseline, so a flat ratio reads flat and no line floats
    in a band of its own.
    """
    step_left = left[1] - left[0]
    below = round(-left[0] / step_left)
    above = round(left[-1] / step_left)
    span = max(high, -low, unit)
    exp = math.floor(math.log10(span / max(above + below, 1))) - 1
    for e in range(exp, exp + 6):
        for m in NICE_STEPS:
            step = m * 10.0**e
            if not _whole(step / unit):
                continue
            if high <= above * step + 1e-12 and -low <= below * step + 1e-12:
                return [round(i * step, 12) for i in range(-below, above + 1)]
    return [low, high]
