"""Declared chart specs + model -> Vega-Lite specs, alt texts and SVGs for the note's figures."""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import altair as alt
import pandas as pd
import vl_convert

from reportgen.errors import RenderError
from reportgen.exhibits.charts.theme import chart_config, colour, palette
from reportgen.inputs.periods import Period, PeriodError, Timeline
from reportgen.inputs.prices import PriceHistory
from reportgen.inputs.schema import ChartSpec, CompanyFile, House
from reportgen.inputs.units import PERCENT, SCALE_WORDS, Unit, parse_unit
from reportgen.model.engine import ModelRun
from reportgen.model.line import Line
from reportgen.model.ratios import NotMeaningful, Ratio
from reportgen.model.valuation import MethodRange, Valuation, listing_value
from reportgen.record.history import HistoryRow
from reportgen.registry import CHART_KINDS

#: Figure sizes in px at 96 dpi: a 17 cm A4 column, and half of one with a gutter.
FULL = (620, 240)
HALF = (300, 200)
#: The share-price chart sits in the cover's side column.
PRICE_SIZE = (300, 125)
#: Horizontal bar charts grow with the number of bars unless the spec gives a height.
BAR_ROW_HEIGHT = 30
#: Vega-Lite version vl-convert compiles with; pinned so output does not drift on upgrade.
VL_VERSION = "6.4"
PCT = ".0%"
#: Leave this much of the plot above the tallest bar, so its label is not clipped.
HEADROOM = 1.12
#: With a series on the right axis, the left-axis marks keep to the lower part of the plot
#: and the right-axis line to a band above them, so the line never crosses a data label.
BAR_TOP = 0.5
LINE_BAND = (0.62, 0.95)
#: Tick steps (x 10^k) that print cleanly with whole-number formats.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
#: Waterfall axis labels wrap at this many characters so long names do not collide.
WRAP = 16
#: Rough width of a 10 px chart character and of a legend symbol with its gap, to size
#: legends and label room without measuring text.
CHAR_PX = 6.0
SYMBOL_PX = 30.0
#: Colour roles of waterfall bars, in legend order.
WATERFALL_KINDS = ("total", "increase", "decrease")

Row = dict[str, Any]
Point = tuple[str, float]
Width = Literal["full", "half"]


@dataclass(frozen=True)
class Chart:
    """One figure: caption title, text alternative, spec, SVG, column width and source line."""

    key: str
    title: str
    alt: str
    spec: dict[str, Any]
    svg: str
    width: Width = "full"
    source: str = ""


@dataclass(frozen=True)
class Charts:
    """All figures in a fixed order; looked up by key from the templates."""

    items: tuple[Chart, ...]

    def __getitem__(self, key: str) -> Chart:
        for chart in self.items:
            if chart.key == key:
                return chart
        raise KeyError(f"no chart {key!r}; have {', '.join(c.key for c in self.items)}")

    def __iter__(self) -> Iterator[Chart]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        """Chart keys in order."""
        return tuple(c.key for c in self.items)


@dataclass(frozen=True)
class _Draft:
    """A chart before rendering: everything but the SVG."""

    key: str
    title: str
    alt: str
    spec: dict[str, Any]
    width: Width
    source: str


# --------------------------------------------------------------------------- public API


def build_chart_specs(
    specs: Mapping[str, ChartSpec], run: ModelRun, valuation: Valuation, company: CompanyFile, house: House
) -> dict[str, dict[str, Any]]:
    """Every declared chart's Vega-Lite spec by key. Pure and deterministic: tests compare these."""
    return {d.key: d.spec for d in _drafts(specs, run, valuation, company, house)}


def build_charts(
    specs: Mapping[str, ChartSpec],
    run: ModelRun,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    *,
    prices: PriceHistory | None = None,
    illustrative_prices: bool = False,
    calls: tuple[HistoryRow, ...] = (),
    render: Callable[[Mapping[str, Any]], str] | None = None,
) -> Charts:
    """Drafts and SVGs for every declared chart in order, then the share-price chart if priced.

    ``calls`` are the note's published calls (``history.py``), drawn over the price history.
    ``render`` turns a spec into SVG (default ``render_svg``); the build passes a cached one.
    """
    render = render or render_svg
    drafts = _drafts(specs, run, valuation, company, house)
    if prices is not None:
        drafts.append(_price(prices, valuation, company, house, illustrative_prices, calls))
    return Charts(
        tuple(Chart(d.key, d.title, d.alt, d.spec, render(d.spec), d.width, d.source) for d in drafts)
    )


def render_svg(spec: Mapping[str, Any]) -> str:
    """Render a spec with vl-convert; a failure names the chart so the user can find it."""
    key = spec.get("usermeta", {}).get("key", "<unnamed>")
    try:
        svg = vl_convert.vegalite_to_svg(dict(spec), vl_version=VL_VERSION)
    except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError
        raise RenderError(f"chart {key}: Vega-Lite could not render it: {exc}") from exc
    if "<svg" not in svg:
        raise RenderError(f"chart {key}: the renderer returned no SVG")
    return svg


_FONT_DIRS: set[str] = set()


def register_fonts(folder: Path) -> None:
    """Measure and draw chart text with the fonts the note ships, on every machine alike."""
    key = str(folder.resolve())
    if key not in _FONT_DIRS:
        vl_convert.register_font_directory(key)
        _FONT_DIRS.add(key)


# --------------------------------------------------------------------------- numbers and words


@dataclass(frozen=True)
class _Numbers:
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


def _numbers(unit: Unit, company: CompanyFile, values: Iterable[float]) -> _Numbers:
    """Wording for a unit: money with its printed symbol and scale word ('US$ bn'), % as %."""
    top = max((abs(v) for v in values), default=0.0)
    # Whole numbers for large values, and for millions from the thousands (US$3,000mn, not 3,000.0).
    decimals = 0 if top >= 10_000 or (unit.scale <= 1e6 and top >= 1_000) else 1
    if unit.display == "pct":
        return _Numbers(None, suffix="%", pct=True, decimals=0)
    if unit.display == "mult":
        return _Numbers("x", suffix="x", decimals=1)
    currency = unit.currency
    if currency is not None:
        symbol = company.symbol(currency)
        if unit.is_money and (unit.scale == 1 or unit.scale in SCALE_WORDS):
            word = SCALE_WORDS.get(unit.scale, "")
            return _Numbers(" ".join(f"{symbol} {word}".split()), symbol.strip(), word, decimals=decimals)
        if unit.per is not None and unit.scale == 1:
            return _Numbers(
                f"{symbol.strip()} per {unit.per}", symbol.strip(), decimals=2 if top < 10_000 else 0
            )
    text = str(unit) if str(unit) not in ("", "number", "count") else ""
    return _Numbers(text or None, suffix=f" {text}" if text else "", decimals=decimals)


def _value(x: Ratio | float | None) -> float | None:
    """A plottable float, or None for missing (NaN) and not-meaningful (NM) values."""
    if x is None or isinstance(x, NotMeaningful):
        return None
    v = float(x)
    return None if math.isnan(v) or math.isinf(v) else v


def _moves(points: list[Point], fmt: Callable[[float], str]) -> str:
    """Trend wording ('rises from X in FY26E to Y in FY31E', or a peak or low between) taken
    from the points themselves, so the alt text can never contradict the chart."""
    (p0, v0), (p1, v1) = points[0], points[-1]
    a, b = fmt(v0), fmt(v1)
    if len(points) == 1:
        return f"is {a} in {p0}"
    last = len(points) - 1
    peak = max(range(len(points)), key=lambda i: points[i][1])
    trough = min(range(len(points)), key=lambda i: points[i][1])
    for turn, word, back in ((peak, "peak", "falls"), (trough, "low", "rises")):
        if 0 < turn < last and fmt(points[turn][1]) not in (a, b):
            return (
                f"goes from {a} in {p0} to a {word} of {fmt(points[turn][1])} in "
                f"{points[turn][0]}, then {back} to {b} in {p1}"
            )
    if a == b:
        return f"stays at {a} from {p0} to {p1}"
    verb = "rises" if v1 > v0 else "falls"
    return f"{verb} from {a} in {p0} to {b} in {p1}"


def _span(labels: list[str]) -> str:
    return f"{labels[0]}-{labels[-1]}" if len(labels) > 1 else labels[0]


def _and(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _plain(name: str) -> str:
    """A legend name as prose: without the '(RHS)' marker."""
    return re.sub(r"\s*\(RHS\)\s*$", "", name, flags=re.IGNORECASE)


# --------------------------------------------------------------------------- the chart's frame


@dataclass(frozen=True)
class _Series:
    """One named series of (period label, value) points, NaN and NM points already dropped."""

    name: str
    points: list[Point]
    unit: Unit


@dataclass(frozen=True)
class _Frame:
    """What every kind needs: the declared spec, the model objects and the periods shown."""

    key: str
    spec: ChartSpec
    run: ModelRun
    valuation: Valuation
    company: CompanyFile
    house: House
    timeline: Timeline
    periods: tuple[Period, ...]

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

    def series(self, name: str, unit: Unit, at: Callable[[Period], Ratio | float]) -> _Series:
        """Points over the chart's periods; a period with no meaningful value has no point."""
        points = [(self.timeline.label(p), v) for p in self.periods if (v := _value(at(p))) is not None]
        return _Series(name, points, unit)

    def of_line(self, key: str, case: str | None = None, name: str | None = None) -> _Series:
        line = self.line(key, case)
        found = self.series(name or self.name(key), line.unit, line.value)
        if not found.points:
            raise self.fail(f"'{key}' has no values in {_span(self.labels)}")
        return found

    def numbers(self, unit: Unit, values: Iterable[float]) -> _Numbers:
        return _numbers(unit, self.company, values)

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


def _frame(
    key: str, spec: ChartSpec, run: ModelRun, valuation: Valuation, company: CompanyFile, house: House
) -> _Frame:
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
    return _Frame(key, spec, run, valuation, company, house, tl, periods)


def _drafts(
    specs: Mapping[str, ChartSpec], run: ModelRun, valuation: Valuation, company: CompanyFile, house: House
) -> list[_Draft]:
    """Every declared chart, in the order declared."""
    out: list[_Draft] = []
    for key, spec in specs.items():
        if spec.data == "bridge":
            continue  # needs a previous version: drawn by bridge_exhibits when there is one
        frame = _frame(key, spec, run, valuation, company, house)
        body, alt_text = KINDS[spec.kind](frame)
        out.append(_draft(frame, body, alt_text))
    return out


def _draft(frame: _Frame, body: dict[str, Any], alt_text: str) -> _Draft:
    """Finish a spec: house config, the key for error messages, the alt text as description."""
    spec = dict(body)
    spec["description"] = alt_text
    spec["usermeta"] = {"key": frame.key}
    spec["config"] = chart_config(frame.house)
    source = f"Source: {frame.spec.source}" if frame.spec.source else ""
    return _Draft(frame.key, frame.spec.title, alt_text, spec, frame.spec.width, source)


# --------------------------------------------------------------------------- the right axis


def _rhs(frame: _Frame) -> _Series | None:
    """The declared right-axis series, or None when it has no meaningful point to draw."""
    rhs = frame.spec.rhs
    if rhs is None:
        return None
    given = [k for k in ("line", "yoy", "share") if getattr(rhs, k) is not None]
    if len(given) != 1:
        raise frame.fail("rhs: give exactly one of line, yoy or share")
    if rhs.line is not None:
        line = frame.line(rhs.line)
        found = frame.series(rhs.label or f"{line.label} (RHS)", line.unit, line.value)
    elif rhs.yoy is not None:
        line = frame.line(rhs.yoy)
        found = frame.series(rhs.label or f"{frame.name(rhs.yoy)} growth yoy (RHS)", PERCENT, line.growth_at)
    else:
        if len(rhs.share or []) != 2:
            raise frame.fail("rhs: share is [part, whole]")
        part, whole = (frame.line(k) for k in rhs.share or [])
        name = rhs.label or f"{frame.name(part.key)} as % of {frame.name(whole.key)} (RHS)"
        found = frame.series(name, PERCENT, lambda p: part.share_at(p, whole))
    return found if found.points else None


def _rhs_sentence(frame: _Frame, rhs: _Series | None) -> str:
    if rhs is None:
        return ""
    fmt = frame.numbers(rhs.unit, (v for _, v in rhs.points)).text
    return f" A line on the right axis shows {_plain(rhs.name)}, which {_moves(rhs.points, fmt)}."


def _rhs_layer(frame: _Frame, rhs: _Series, x: alt.X) -> alt.LayerChart:
    """A line with points on a right axis scaled so the line fills LINE_BAND."""
    rows = [{"period": p, "series": rhs.name, "value": v} for p, v in rhs.points]
    values = [v for _, v in rhs.points]
    numbers = frame.numbers(rhs.unit, values)
    ticks = bracket_ticks(min(values), max(values), 4, numbers.tick_unit(values))
    unit = (ticks[-1] - ticks[0]) / (LINE_BAND[1] - LINE_BAND[0])
    lo = ticks[0] - LINE_BAND[0] * unit
    fmt = numbers.axis_format(ticks[1] - ticks[0] if len(ticks) > 1 else numbers.tick_unit(values))
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[lo, lo + unit], nice=False, zero=False),
        axis=alt.Axis(title=None, format=fmt, orient="right", grid=False, values=ticks),
    )
    scale = alt.Scale(domain=[rhs.name], range=[colour(frame.house, "accent", "#000000")])
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x, y=y, color=alt.Color("series:N", scale=scale, legend=legend)
    )
    return base.mark_line() + base.mark_point(filled=True, stroke="#FFFFFF", strokeWidth=1)


def _finish(
    frame: _Frame, left: alt.LayerChart | alt.FacetChart, rhs: _Series | None, x: alt.X
) -> dict[str, Any]:
    """The left-axis layers and, if there are points, the right-axis line.

    Layered with independent y scales and shared x. Colour is independent too, so the line
    gets its own legend entry, drawn as a stroke rather than a square.
    """
    if rhs is None:
        return _spec(left, *frame.size)
    layered = alt.layer(left, _rhs_layer(frame, rhs, x)).resolve_scale(y="independent", color="independent")
    return _spec(layered, *frame.size)


# --------------------------------------------------------------------------- the kinds


def _stacked_bars(frame: _Frame) -> tuple[dict[str, Any], str]:
    """Lines stacked per period, each stack labelled with its total; optional right axis."""
    spec = frame.spec
    stacks = [frame.of_line(k) for k in spec.lines]
    names = [s.name for s in stacks]
    bars: list[Row] = [
        {"period": p, "series": s.name, "order": i, "value": v}
        for p in frame.labels
        for i, s in enumerate(stacks)
        for q, v in s.points
        if q == p
    ]
    if spec.total:
        total = frame.line(spec.total)
        totals = frame.series(frame.name(spec.total), total.unit, total.value).points
        total_name = frame.name(spec.total)
    else:
        sums = {p: math.fsum(r["value"] for r in bars if r["period"] == p) for p in frame.labels}
        totals = [(p, sums[p]) for p in frame.labels if any(r["period"] == p for r in bars)]
        total_name = "the total"
    unit = stacks[0].unit
    ups = [math.fsum(r["value"] for r in bars if r["period"] == p and r["value"] > 0) for p in frame.labels]
    downs = [math.fsum(r["value"] for r in bars if r["period"] == p and r["value"] < 0) for p in frame.labels]
    numbers = frame.numbers(unit, [*ups, *downs, *(v for _, v in totals)])
    rhs = _rhs(frame)
    x = _x(frame.labels)
    low, high = min(0.0, *downs), max(0.0, *ups, *(v for _, v in totals))
    y_scale, ticks = _left_scale(low, high, rhs is not None, numbers.tick_unit([low, high]))
    colours = alt.Scale(domain=names, range=_bar_colours(frame.house, len(names)))
    stacked = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("value:Q", stack="zero", scale=y_scale, axis=_axis(numbers, ticks, [low, high])),
            color=alt.Color("series:N", scale=colours, sort=names, legend=_legend(frame, names)),
            order=alt.Order("order:Q", sort="ascending"),
        )
    )
    label_rows = [{"period": p, "value": max(v, 0.0), "label": numbers.label(v)} for p, v in totals]
    labels = _labels(label_rows, x, y_scale)
    body = _finish(frame, alt.layer(stacked, labels), rhs, x)
    alt_text = (
        f"Stacked bars of {_and(names)} ({numbers.caption}), {_span(frame.labels)}, labelled with "
        f"{_plain(total_name)}, which {_moves(totals, numbers.text)}; "
        f"{names[0]} {_moves(stacks[0].points, numbers.text)}.{_rhs_sentence(frame, rhs)}"
    )
    return body, alt_text


def _bars_line(frame: _Frame) -> tuple[dict[str, Any], str]:
    """Bars of one line (grouped if several) with value labels, and a series on the right axis."""
    return _bars(frame, [frame.of_line(k) for k in frame.spec.lines], compact=False)


def _grouped_bars(frame: _Frame) -> tuple[dict[str, Any], str]:
    """One line across cases (a bar per case per period), or several lines side by side."""
    spec = frame.spec
    if not spec.scenarios:
        return _bars(frame, [frame.of_line(k) for k in spec.lines], compact=True)
    series: list[_Series] = []
    for key in spec.lines:
        for case in spec.scenarios:
            name = _case(frame, case) if len(spec.lines) == 1 else f"{frame.name(key)}, {_case(frame, case)}"
            series.append(frame.of_line(key, case, name))
    cases = f"{_and([frame.name(k) for k in spec.lines])} in {len(spec.scenarios)} cases"
    return _bars(frame, series, compact=True, subject=cases)


def _case(frame: _Frame, case: str) -> str:
    if case not in frame.run.cases:
        raise frame.fail(f"unknown scenario '{case}'")
    return frame.run.cases[case].label


def _bars(
    frame: _Frame, series: list[_Series], *, compact: bool, subject: str | None = None
) -> tuple[dict[str, Any], str]:
    """Bars per period, side by side when there are several series, each with its value label.

    ``compact`` labels many narrow bars without decimals from 100 up; ``subject`` names what
    the bars show in the alt text when the series names alone would not (cases of one line).
    """
    if not series:
        raise frame.fail("a bar chart needs at least one line")
    values = [v for s in series for _, v in s.points]
    numbers = frame.numbers(series[0].unit, values)
    label = _compact if compact else numbers.label
    names = [s.name for s in series]
    rows: list[Row] = [
        {"period": p, "series": s.name, "order": i, "value": v, "label": label(v)}
        for p in frame.labels
        for i, s in enumerate(series)
        for q, v in s.points
        if q == p
    ]
    rhs = _rhs(frame)
    x = _x(frame.labels)
    low, high = min(0.0, *values), max(0.0, *values)
    y_scale, ticks = _left_scale(low, high, rhs is not None, numbers.tick_unit([low, high]))
    base = alt.Chart(alt.Data(values=rows)).encode(x=x)
    if len(series) > 1:
        base = base.encode(xOffset=alt.XOffset("series:N", sort=names, scale=alt.Scale(paddingInner=0.08)))
    colours = alt.Scale(domain=names, range=_bar_colours(frame.house, len(names)))
    bars = base.mark_bar().encode(
        y=alt.Y("value:Q", scale=y_scale, axis=_axis(numbers, ticks, [low, high])),
        color=alt.Color("series:N", scale=colours, sort=names, legend=_legend(frame, names)),
    )
    layers: list[alt.Chart] = [bars, *_value_labels(base, y_scale, low < 0)]
    body = _finish(frame, alt.layer(*layers), rhs, x)
    head = f"of {subject or _and(names)} ({numbers.caption}), {_span(frame.labels)}"
    if len(series) == 1:
        said = f"Bars {head}, which {_moves(series[0].points, numbers.text)}"
    else:
        said = f"Grouped bars {head}; " + "; ".join(
            f"{s.name} {_moves(s.points, numbers.text)}" for s in series
        )
    return body, f"{said}.{_rhs_sentence(frame, rhs)}"


def _lines(frame: _Frame) -> tuple[dict[str, Any], str]:
    """One polyline per line, or per case of one line; optional right axis."""
    spec = frame.spec
    if spec.scenarios:
        key = spec.lines[0] if spec.lines else ""
        series = [frame.of_line(key, case, _case(frame, case)) for case in spec.scenarios]
        subject = f"{frame.name(key)} in {len(series)} cases"
    else:
        series = [frame.of_line(k) for k in spec.lines]
        subject = _and([s.name for s in series]) if series else ""
    if not series:
        raise frame.fail("a line chart needs at least one line")
    values = [v for s in series for _, v in s.points]
    numbers = frame.numbers(series[0].unit, values)
    names = [s.name for s in series]
    rows: list[Row] = [{"period": p, "series": s.name, "value": v} for s in series for p, v in s.points]
    rhs = _rhs(frame)
    x = _x(frame.labels)
    low, high = min(values), max(values)
    ticks = bracket_ticks(low, high, 5, numbers.tick_unit(values))
    top = ticks[0] + (ticks[-1] - ticks[0]) / (BAR_TOP if rhs is not None else 1.0)
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[ticks[0], top], nice=False, zero=False),
        axis=_axis(numbers, ticks, values),
    )
    colours = alt.Scale(domain=names, range=_line_colours(frame.house, len(names)))
    legend = _legend(frame, names, symbolType="stroke", symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x, y=y, color=alt.Color("series:N", scale=colours, sort=names, legend=legend)
    )
    lines = base.mark_line() + base.mark_point(filled=True, stroke="#FFFFFF", strokeWidth=1)
    body = _finish(frame, lines, rhs, x)
    moves = "; ".join(f"{s.name} {_moves(s.points, numbers.text)}" for s in series)
    kind = "Line" if len(series) == 1 else "Lines"
    alt_text = (
        f"{kind} of {subject} ({numbers.caption}), {_span(frame.labels)}; {moves}.{_rhs_sentence(frame, rhs)}"
    )
    return body, alt_text


def _per_share(frame: _Frame) -> tuple[list[Point], _Numbers, str]:
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


def _at_period(frame: _Frame) -> tuple[list[Point], _Numbers, str]:
    """Each declared line's value in the chart's one period."""
    period = frame.one_period()
    points: list[Point] = []
    for key in frame.spec.lines:
        v = _value(frame.line(key).value(period))
        if v is None:
            raise frame.fail(f"'{key}' has no value in {frame.period_label(period)}")
        points.append((frame.name(key), v))
    if not points:
        raise frame.fail("the chart needs at least one line")
    unit = frame.line(frame.spec.lines[0]).unit
    return points, frame.numbers(unit, [v for _, v in points]), frame.period_label(period)


def _horizontal_bars(frame: _Frame) -> tuple[dict[str, Any], str]:
    """One bar per item, labelled with its value: the parts of the valuation, or lines at one period."""
    by_valuation = frame.spec.data == "valuation"
    points, numbers, period = _per_share(frame) if by_valuation else _at_period(frame)
    rows: list[Row] = [{"item": name, "value": v, "label": numbers.label(v)} for name, v in points]
    order = [name for name, _ in points]
    values = [v for _, v in points]
    low, high = min(0.0, *values), max(0.0, *values)
    # Room for the value labels beyond the longest bars, as a share of the plot's width.
    room = min(0.3, (CHAR_PX * max(len(r["label"]) for r in rows) + 8) / (0.6 * frame.size[0]))
    pad = (high - low) * room / (1 - 2 * room)
    x = alt.X(
        "value:Q",
        scale=alt.Scale(domain=[low - (pad if low < 0 else 0.0), high + pad], nice=False),
        axis=None,
    )
    y = alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, grid=False, labelPadding=6))
    base = alt.Chart().encode(x=x, y=y)
    bars = base.mark_bar(color=colour(frame.house, "series1", "#000000"), height={"band": 0.68})
    right = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=4).encode(text="label:N")
    left = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-4).encode(text="label:N")
    zero = (
        alt.Chart(alt.Data(values=[{"value": 0.0}]))
        .mark_rule(color=colour(frame.house, "muted", "#666666"), strokeWidth=0.75)
        .encode(x=alt.X("value:Q"))
    )
    chart = alt.layer(alt.layer(bars, right, left, data=alt.Data(values=rows)), zero)
    height = frame.spec.height or BAR_ROW_HEIGHT * len(rows)
    body = _spec(chart, frame.size[0], height)
    listed = "; ".join(f"{name} {numbers.text(v)}" for name, v in points)
    if by_valuation:
        alt_text = (
            f"Horizontal bars of {frame.valuation.lead.name_in_text} value per share ({numbers.title}): "
            f"{listed}; together {numbers.text(frame.valuation.lead.per_share)} per share."
        )
    else:
        alt_text = f"Horizontal bars of {_and(order)} in {period} ({numbers.caption}): {listed}."
    return body, alt_text


def _waterfall(frame: _Frame) -> tuple[dict[str, Any], str]:
    """A start bar, steps up or down, and a total bar at the sum: the valuation or lines at one period."""
    by_valuation = frame.spec.data == "valuation"
    if by_valuation:
        steps, numbers, period = _per_share(frame)
        start: Point | None = None
        total_name = "Fair value per share"
    else:
        points, numbers, period = _at_period(frame)
        start, steps = points[0], points[1:]
        total_name = frame.name(frame.spec.total) if frame.spec.total else "Total"
    rows: list[Row] = []
    level = 0.0
    if start is not None:
        level = start[1]
        rows.append(_step(start[0], 0.0, level, "total", numbers.label(level)))
    for name, v in steps:
        kind = "increase" if v >= 0 else "decrease"
        rows.append(_step(name, level, level + v, kind, numbers.signed(v)))
        level += v
    rows.append(_step(total_name, 0.0, level, "total", numbers.label(level)))
    order = [r["item"] for r in rows]
    tops = [max(r["start"], r["end"]) for r in rows]
    bottoms = [min(r["start"], r["end"]) for r in rows]
    low, high = min(0.0, *bottoms), max(0.0, *tops)
    y_scale = alt.Scale(domain=[low * HEADROOM, high * HEADROOM or 1.0])
    wrapped = {name: textwrap.wrap(name, WRAP) or [name] for name in order}
    x = alt.X(
        "item:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelAngle=0, labelExpr=f"{json.dumps(wrapped, sort_keys=True)}[datum.label]"),
    )
    kinds = alt.Scale(
        domain=list(WATERFALL_KINDS),
        range=[
            colour(frame.house, "series1", "#000000"),
            _bar_colours(frame.house, 2)[-1],
            colour(frame.house, "accent", "#000000"),
        ],
    )
    base = alt.Chart(alt.Data(values=rows)).encode(x=x)
    bars = base.mark_bar().encode(
        y=alt.Y("start:Q", scale=y_scale, axis=_axis(numbers, None, [low, high])),
        y2="end:Q",
        color=alt.Color("kind:N", scale=kinds, legend=None),
    )
    labels = base.mark_text(baseline="bottom", dy=-2).encode(y=alt.Y("top:Q", scale=y_scale), text="label:N")
    body = _spec(alt.layer(bars, labels), *frame.size)
    moves = "; ".join(f"{name} {_signed_text(numbers, v)}" for name, v in steps)
    if by_valuation:
        alt_text = (
            f"Waterfall of {frame.valuation.lead.name_in_text} value per share ({numbers.title}): "
            f"{moves}; together {numbers.text(level)} per share."
        )
    else:
        assert start is not None
        alt_text = (
            f"Waterfall in {period} ({numbers.caption}) from {start[0]} at "
            f"{numbers.text(start[1])}: {moves}; ending at {total_name} of {numbers.text(level)}."
        )
    return body, alt_text


def _football_field(frame: _Frame) -> tuple[dict[str, Any], str]:
    """Each method's low-to-high value per unit of the lead listing, its base case as a tick,
    against today's price (dashed) and the target (solid)."""
    val, lst = frame.valuation, frame.company.listings[0]
    target = val.targets[lst.key]
    # Without add_sensitivities (no ranges yet), each method is drawn at its base value.
    ranges = val.ranges or tuple(
        MethodRange(m.key, m.label, v, v, v, "")
        for m in val.methods
        if (v := listing_value(m.per_share, lst, frame.company))
    )
    sym = lst.symbol

    def span_text(low: float, high: float) -> str:
        return f"{sym}{low:,.0f}\u2013{high:,.0f}" if round(high) > round(low) else f"{sym}{low:,.0f}"

    rows: list[Row] = [
        {"item": r.label, "low": r.low, "base": r.base, "high": r.high, "text": span_text(r.low, r.high)}
        for r in ranges
    ]
    order = [r["item"] for r in rows]
    values = [v for r in ranges for v in (r.low, r.high)] + [lst.price, target.fair_value]
    low, high = min(values), max(values)
    # The figure fits the column (names included); the plot keeps room for the range labels
    # on the right and the price and target labels beside their rules, sized from their length.
    width = frame.size[0]
    plot_px = width - (CHAR_PX * max(len(name) for name in order) + 16)
    text_px = CHAR_PX * max(len(r["text"]) for r in rows) + 12
    mark_px = CHAR_PX * 16
    span = (high - low) or abs(high) * 0.2 or 1.0
    per_px = span * 1.1 / max(plot_px - text_px - mark_px, 1.0)
    lo_mark, hi_mark = sorted((lst.price, target.fair_value))
    left = min(low - span * 0.05, lo_mark - mark_px * per_px)
    right = max(max(r.high for r in ranges) + text_px * per_px, hi_mark + mark_px * per_px)
    x_scale = alt.Scale(domain=[left, right], nice=False, zero=False)
    ink = colour(frame.house, "series1", "#000000")
    light = _bar_colours(frame.house, 3)[-1]
    accent = colour(frame.house, "accent", "#000000")
    muted = colour(frame.house, "muted", "#666666")
    per = "share" if lst.shares_per_unit == 1 else lst.security
    y = alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=400, grid=False, labelPadding=6))
    x = alt.X("low:Q", scale=x_scale, title=f"{sym.strip()} per {per}", axis=alt.Axis(tickCount=6))
    base = alt.Chart().encode(y=y)
    bars = base.mark_bar(color=light, height={"band": 0.5}).encode(x=x, x2="high:Q")
    tick = base.mark_tick(color=ink, thickness=2.5, size=16).encode(x=alt.X("base:Q", scale=x_scale))
    text = base.mark_text(align="left", dx=5).encode(x=alt.X("high:Q", scale=x_scale), text="text:N")
    price_first = lst.price <= target.fair_value
    marks = [
        {"value": lst.price, "label": f"Price {sym}{lst.price:,.2f}", "what": "price"},
        {"value": target.fair_value, "label": f"Target {sym}{target.fair_value:,.0f}", "what": "target"},
    ]
    rules = (
        alt.Chart(alt.Data(values=marks))
        .mark_rule(strokeWidth=1.4)
        .encode(
            x=alt.X("value:Q", scale=x_scale),
            color=alt.Color(
                "what:N", scale=alt.Scale(domain=["price", "target"], range=[muted, accent]), legend=None
            ),
            strokeDash=alt.StrokeDash(
                "what:N", scale=alt.Scale(domain=["price", "target"], range=[[4, 3], [1, 0]]), legend=None
            ),
        )
    )

    def label(mark: dict[str, Any], outward_left: bool) -> alt.Chart:
        return (
            alt.Chart(alt.Data(values=[mark]))
            .mark_text(
                baseline="bottom",
                fontWeight="bold",
                align="right" if outward_left else "left",
                dx=-3 if outward_left else 3,
                dy=-3,
                color=muted if mark["what"] == "price" else accent,
            )
            .encode(x=alt.X("value:Q", scale=x_scale), y=alt.value(0), text="label:N")
        )

    height = frame.spec.height or 40 + 30 * len(rows)
    chart = alt.layer(
        alt.layer(bars, tick, text, data=alt.Data(values=rows)),
        rules,
        label(marks[0], price_first),
        label(marks[1], not price_first),
    )
    body = _spec(chart, width, height)
    listed = "; ".join(
        f"{r.label} {sym}{r.low:,.0f} to {sym}{r.high:,.0f} (base {sym}{r.base:,.0f})" for r in ranges
    )
    alt_text = (
        f"Football field of value per {per} ({sym.strip()}) by method: {listed}; "
        f"price {sym}{lst.price:,.2f}, target {sym}{target.fair_value:,.0f}."
    )
    return body, alt_text


KINDS: dict[str, Callable[[_Frame], tuple[dict[str, Any], str]]] = {
    "stacked_bars": _stacked_bars,
    "bars_line": _bars_line,
    "grouped_bars": _grouped_bars,
    "lines": _lines,
    "horizontal_bars": _horizontal_bars,
    "waterfall": _waterfall,
    "football_field": _football_field,
}
for _name, _draw in KINDS.items():
    CHART_KINDS.register(_name, _draw)


# --------------------------------------------------------------------------- the share price


def _price(
    prices: PriceHistory,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    illustrative: bool,
    calls: tuple[HistoryRow, ...] = (),
) -> _Draft:
    """The lead listing's closing price over the history, with its target as a dashed rule.

    Earlier published calls inside the price history are drawn as the regulators ask: the
    target each call set, as a step from its date to the next call, and a marker labelled
    with the rating's initial and the target (the appendix table lists them in full).
    """
    lst = company.listings[0]
    if lst.key not in prices.closes or lst.key not in valuation.targets:
        raise RenderError(f"chart price: no prices or target for the lead listing '{lst.key}'")
    target = valuation.targets[lst.key]
    series = prices.closes[lst.key].dropna()
    if series.empty:
        raise RenderError(f"chart price: no closing prices for '{lst.key}'")
    index = pd.DatetimeIndex(series.index)
    rows: list[Row] = [
        {"date": day.date().isoformat(), "close": round(float(v), 4)}
        for day, v in zip(index, series, strict=True)
    ]
    ink = colour(house, "series1", "#000000")
    accent = colour(house, "accent", "#000000")
    line = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(strokeWidth=1.4, color=ink)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                # Dates are calendar days: read and label them in UTC, the same in every time zone.
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(format="%b %y", formatType="utc", tickCount=6, grid=False),
            ),
            y=alt.Y("close:Q", title=f"{lst.symbol} per {lst.security}", scale=alt.Scale(zero=False)),
        )
    )
    tp_rows = [{"tp": target.fair_value, "label": f"Target {lst.symbol}{target.fair_value:,.0f}"}]
    tp = alt.Chart(alt.Data(values=tp_rows)).mark_rule(strokeDash=[4, 3], color=accent).encode(y="tp:Q")
    tp_label = tp.mark_text(align="left", dx=4, dy=-6, color=accent).encode(x=alt.value(0), text="label:N")
    first, last = index[0].date(), index[-1].date()
    earlier = [c for c in calls if not c.current and first <= c.date <= last and not math.isnan(c.targets[0])]
    layers: list[Any] = [line, tp, tp_label]
    if earlier:
        ends = [c.date for c in earlier[1:]] + [last]
        steps = [
            {"date": day.isoformat(), "tp": c.targets[0], "call": i}
            for i, (c, end) in enumerate(zip(earlier, ends, strict=True))
            for day in (c.date, end)
        ]
        marks = [
            {
                "date": c.date.isoformat(),
                "tp": c.targets[0],
                "label": f"{c.rating} {lst.symbol}{c.targets[0]:,.0f}",
            }
            for c in earlier
        ]
        x = alt.X("date:T", scale=alt.Scale(type="utc"))
        layers.append(
            alt.Chart(alt.Data(values=steps))
            .mark_line(strokeWidth=1.0, color=accent, opacity=0.8)
            .encode(x=x, y="tp:Q", detail="call:N")
        )
        points = alt.Chart(alt.Data(values=marks)).encode(x=x, y="tp:Q")
        layers.append(points.mark_point(shape="triangle-up", filled=True, size=40, color=accent))
        layers.append(
            points.mark_text(align="left", dx=3, dy=-8, fontSize=7, color=accent).encode(text="label:N")
        )
    body = _spec(alt.layer(*layers), *PRICE_SIZE)
    history_text = "".join(
        f" On {_day(c.date)} we published {c.rating} with a target of {lst.symbol}{c.targets[0]:,.0f}."
        for c in earlier
    )
    alt_text = (
        f"Line of {lst.ticker} closing prices from {_day(first)} to {_day(last)}, between "
        f"{lst.symbol}{series.min():,.2f} and {lst.symbol}{series.max():,.2f}, ending at "
        f"{lst.symbol}{series.iloc[-1]:,.2f}; a dashed line marks the target of "
        f"{lst.symbol}{target.fair_value:,.0f}.{history_text}"
    )
    source = (
        "Illustrative prices (analyst's assumption), not market data"
        if illustrative
        else f"Source: exchange closing prices to {_day(last)}"
    )
    spec = {**body, "description": alt_text, "usermeta": {"key": "price"}, "config": chart_config(house)}
    title = f"{lst.ticker} share price ({lst.symbol}) and target"
    return _Draft("price", title, alt_text, spec, "half", source)


def _day(day: Any) -> str:
    """'8 May 2026' on every platform (strftime's %-d is not portable)."""
    return f"{day.day} {day:%b %Y}"


# --------------------------------------------------------------------------- building blocks


def _spec(chart: alt.TopLevelMixin, width: int, height: int) -> dict[str, Any]:
    """The chart's own Vega-Lite JSON at a fixed size.

    Converted as a non-top-level chart so that whatever Altair theme the process has
    enabled is not merged in: the house config added by ``_draft`` is the only styling.
    All data is inline, so nothing is lost by skipping Altair's top-level datasets. Schema
    validation (a third of the spec-building time) is left to the tests, which validate every
    shipped chart's spec against the Vega-Lite schema.
    """
    body = chart.properties(width=width, height=height).to_dict(validate=False, context={"top_level": False})
    return {"$schema": alt.SCHEMA_URL, **body}


def _bar_colours(house: House, n: int) -> list[str]:
    """Series colours for bars, skipping the accent: the accent is kept for right-axis lines."""
    accent = colour(house, "accent", "")
    pool = [c for c in palette(house) if c.lower() != accent.lower()] or palette(house) or ["#000000"]
    return [pool[i % len(pool)] for i in range(n)]


def _line_colours(house: House, n: int) -> list[str]:
    pool = palette(house) or ["#000000"]
    return [pool[i % len(pool)] for i in range(n)]


def _legend(frame: _Frame, names: list[str], **style: Any) -> alt.Legend:
    """A legend across the top, broken into columns when the names would not fit in one row."""
    rhs = frame.spec.rhs.label or "" if frame.spec.rhs else ""
    need = sum(CHAR_PX * len(n) + SYMBOL_PX for n in [*names, *([rhs] if rhs else [])])
    if need <= frame.size[0]:
        return alt.Legend(**style)
    columns = max(1, int(frame.size[0] // (CHAR_PX * max(map(len, names)) + SYMBOL_PX)))
    return alt.Legend(columns=columns, **style)


def _x(labels: list[str]) -> alt.X:
    return alt.X("period:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0))


def _axis(numbers: _Numbers, ticks: list[float] | None, values: Iterable[float]) -> alt.Axis:
    """Left axis titled with the unit ('US$ bn'); explicit ticks when a right axis shares the plot."""
    if ticks is None:
        fmt = numbers.axis_format(numbers.tick_unit(values))
        return alt.Axis(title=numbers.title, format=fmt, orient="left", tickCount=5)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else numbers.tick_unit(values)
    return alt.Axis(title=numbers.title, format=numbers.axis_format(step), orient="left", values=ticks)


def _labels(rows: list[Row], x: alt.X, y_scale: alt.Scale) -> alt.Chart:
    """Value labels just above the bars (rows carry 'value' and the printed 'label')."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(baseline="bottom", dy=-2)
        .encode(x=x, y=alt.Y("value:Q", scale=y_scale), text="label:N")
    )


def _value_labels(base: alt.Chart, y_scale: alt.Scale, negatives: bool) -> list[alt.Chart]:
    """Labels above positive bars, and below negative ones when there are any."""
    y = alt.Y("value:Q", scale=y_scale)
    if not negatives:
        return [base.mark_text(baseline="bottom", dy=-2).encode(y=y, text="label:N")]
    up = base.transform_filter("datum.value >= 0").mark_text(baseline="bottom", dy=-2)
    down = base.transform_filter("datum.value < 0").mark_text(baseline="top", dy=2)
    return [up.encode(y=y, text="label:N"), down.encode(y=y, text="label:N")]


def _step(item: str, start: float, end: float, kind: str, label: str) -> Row:
    return {"item": item, "start": start, "end": end, "top": max(start, end), "kind": kind, "label": label}


def _signed_text(numbers: _Numbers, v: float) -> str:
    return ("+" if v >= 0 else "") + numbers.text(v)


def _compact(v: float) -> str:
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


def _left_scale(low: float, high: float, dual: bool, unit: float) -> tuple[alt.Scale, list[float] | None]:
    """Bar scale and its ticks: with a line above, bars stop at BAR_TOP of the height."""
    if not dual:
        lo, hi = (low * HEADROOM if low < 0 else 0.0), (high * HEADROOM if high > 0 else 0.0)
        return alt.Scale(domain=[lo, hi if hi > lo else lo + 1.0]), None
    ticks = bracket_ticks(low, high, 5, unit)
    return alt.Scale(domain=[ticks[0], ticks[0] + (ticks[-1] - ticks[0]) / BAR_TOP], nice=False), ticks
