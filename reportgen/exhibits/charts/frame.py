"""A chart's frame: the declared spec with the model objects and periods it draws, its series and points.

Every chart kind starts from the same question (which timeline, which periods, which lines, with
what names and units), so it is answered once here and each kind only decides how to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reportgen.errors import RenderError
from reportgen.exhibits.charts.numbers import Numbers, plottable, unit_numbers
from reportgen.exhibits.charts.words import Point, span
from reportgen.inputs.datasets import Dataset
from reportgen.inputs.periods import Period, PeriodError, Timeline
from reportgen.inputs.schema import ChartSpec, CompanyFile, House
from reportgen.inputs.units import Unit, parse_unit
from reportgen.model.engine import ModelRun
from reportgen.model.line import Line
from reportgen.model.ratios import Ratio
from reportgen.model.valuation import Valuation

#: Figure sizes in px at 96 dpi: a 17 cm A4 column, and half of one with a gutter.
FULL = (620, 240)
HALF = (300, 200)

Row = dict[str, Any]
Width = Literal["full", "half"]
#: What a chart kind returns: the Vega-Lite spec before house styling, and its alt text.
Drawn = tuple[dict[str, Any], str]


@dataclass(frozen=True)
class Series:
    """One named series of (period label, value) points, NaN and NM points already dropped."""

    name: str
    points: list[Point]
    unit: Unit


@dataclass(frozen=True)
class Frame:
    """What every kind needs: the declared spec, the model objects and the periods shown."""

    key: str
    spec: ChartSpec
    run: ModelRun
    valuation: Valuation
    company: CompanyFile
    house: House
    timeline: Timeline
    periods: tuple[Period, ...]
    #: The note's datasets, for the kinds that draw one (``spec.dataset``).
    datasets: Mapping[str, Dataset] = field(default_factory=dict)

    @property
    def dataset(self) -> Dataset:
        """The dataset the spec names (the exhibits checks guarantee it exists)."""
        if self.spec.dataset is None or self.spec.dataset not in self.datasets:
            raise self.fail(f"no dataset '{self.spec.dataset}'")
        return self.datasets[self.spec.dataset]

    @property
    def labels(self) -> list[str]:
        return [self.timeline.label(p) for p in self.periods]

    @property
    def size(self) -> tuple[int, int]:
        width, height = FULL if self.spec.width == "full" else HALF
        return width, self.spec.height or height

    def fail(self, message: str) -> RenderError:
        return RenderError(f"chart {self.key}: {message}")

    def line(self, key: str, case: str | None = None) -> Line:
        if case is not None and case not in self.run.cases:
            raise self.fail(f"unknown scenario '{case}'")
        lines = self.run.cases[case].lines if case else self.run.lines
        if key not in lines:
            raise self.fail(f"unknown line '{key}'")
        return lines[key]

    def name(self, key: str) -> str:
        return self.spec.labels.get(key) or self.line(key).label

    def case(self, case: str) -> str:
        """A scenario's label."""
        if case not in self.run.cases:
            raise self.fail(f"unknown scenario '{case}'")
        return self.run.cases[case].label

    def series(self, name: str, unit: Unit, at: Callable[[Period], Ratio | float]) -> Series:
        """Points over the chart's periods; a period with no meaningful value has no point."""
        points = [(self.timeline.label(p), v) for p in self.periods if (v := plottable(at(p))) is not None]
        return Series(name, points, unit)

    def of_line(self, key: str, case: str | None = None, name: str | None = None) -> Series:
        line = self.line(key, case)
        found = self.series(name or self.name(key), line.unit, line.value)
        if not found.points:
            raise self.fail(f"'{key}' has no values in {span(self.labels)}")
        return found

    def numbers(self, unit: Unit, values: Iterable[float]) -> Numbers:
        return unit_numbers(unit, self.company, values)

    def period_label(self, period: Period) -> str:
        return self.timeline.label(period) if period in self.timeline else str(period)

    def one_period(self) -> Period:
        """The single period of a horizontal_bars or waterfall chart of lines."""
        if self.spec.period is None:
            raise self.fail(f"a {self.spec.kind} chart of lines needs period")
        try:
            return self.timeline.normalise(self.spec.period)
        except PeriodError as exc:
            raise self.fail(str(exc)) from None


def make_frame(
    key: str,
    spec: ChartSpec,
    run: ModelRun,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    datasets: Mapping[str, Dataset] | None = None,
) -> Frame:
    """Resolve the spec's timeline and periods: declared [first, last], else the estimates."""
    if spec.timeline is not None and spec.timeline not in run.timelines:
        raise RenderError(f"chart {key}: unknown timeline '{spec.timeline}'")
    tl = run.timelines[spec.timeline] if spec.timeline else next(iter(run.timelines.values()))
    if spec.periods:
        try:
            first, last = (tl.normalise(p) for p in (spec.periods[0], spec.periods[-1]))
        except PeriodError as exc:
            raise RenderError(f"chart {key}: {exc}") from None
        periods = tl.span(first, last)
    else:
        periods = tuple(p for p in tl.periods if not tl.is_actual(p)) or tl.periods
    if not periods:
        raise RenderError(f"chart {key}: periods {spec.periods} select nothing")
    return Frame(key, spec, run, valuation, company, house, tl, periods, datasets or {})


def per_share(frame: Frame) -> tuple[list[Point], Numbers, str]:
    """The lead method's building blocks per share, in the reporting currency: its parts (or
    the DCF's discounted cash flows and terminal value), then each bridge step."""
    val = frame.valuation
    m = val.lead
    scale = val.per_share_factor / val.shares
    if m.dcf is not None:
        points = [
            ("PV of forecast cash flows", m.dcf.pv_fcf * scale),
            ("PV of terminal value", m.dcf.pv_terminal * scale),
        ]
    else:
        points = [(p.name, p.per_share) for p in m.parts]
        if m.holding_discount:
            points.append(("Holding-company discount", -m.holding_discount * m.gross_value * scale))
    points += [(b.display_label, b.per_share) for b in m.bridge]
    unit = parse_unit(f"{frame.company.company.reporting_currency} per share")
    return points, frame.numbers(unit, [v for _, v in points]), frame.period_label(val.year)


def per_share_text(frame: Frame, kind: str, numbers: Numbers, listed: str, together: float) -> str:
    """Alt text of a chart of the lead method's building blocks per share (``per_share``)."""
    return (
        f"{kind} of {frame.valuation.lead.name_in_text} value per share ({numbers.title}): "
        f"{listed}; together {numbers.text(together)} per share."
    )


def at_period(frame: Frame) -> tuple[list[Point], Numbers, str]:
    """Each declared line's value in the chart's one period."""
    period = frame.one_period()
    points: list[Point] = []
    for key in frame.spec.lines:
        v = plottable(frame.line(key).value(period))
        if v is None:
            raise frame.fail(f"'{key}' has no value in {frame.period_label(period)}")
        points.append((frame.name(key), v))
    if not points:
        raise frame.fail("the chart needs at least one line")
    unit = frame.line(frame.spec.lines[0]).unit
    return points, frame.numbers(unit, [v for _, v in points]), frame.period_label(period)
