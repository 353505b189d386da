"""Model -> charts: Vega-Lite specs, alt texts and SVGs for the figures in the note."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from reportgen.errors import RenderError
from reportgen.model.forecast import Forecast
from reportgen.model.line import Line
from reportgen.model.market import Market
from reportgen.model.ratios import NotMeaningful, Ratio
from reportgen.model.valuation import Valuation
from reportgen.prices import PriceHistory
from reportgen.schema import House
from reportgen.theme import chart_config, colour, palette

#: Cloud build rows the AI and MaaS charts are about.
AI_KEY = "ai"
MAAS_KEY = "maas"
#: Figure sizes in px at 96 dpi: a 17 cm A4 column, and half of one with a gutter.
FULL = (620, 240)
HALF = (300, 200)
#: The sum-of-the-parts chart grows with the number of parts.
SOTP_HEIGHT_PER_BAR = 30
#: Vega-Lite version vl-convert compiles with; pinned so output does not drift on upgrade.
VL_VERSION = "6.4"
#: d3 formats: bn with one decimal on labels, none on axes; percentages whole.
BN_LABEL = ",.1f"
BN_AXIS = ",.0f"
PCT = ".0%"
#: Leave this much of the plot above the tallest bar, so its label is not clipped.
HEADROOM = 1.12
#: With a line on the right axis, bars and their labels keep to the lower part of the plot
#: and the line to a band above them, so the line never crosses a data label.
BAR_TOP = 0.5
LINE_BAND = (0.62, 0.95)
#: Tick steps (x 10^k) that print cleanly with whole-number formats.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)

Row = dict[str, Any]


@dataclass(frozen=True)
class Chart:
    """One figure: the caption title, its text alternative, the spec and the rendered SVG."""

    key: str
    title: str
    alt: str
    spec: dict[str, Any]
    svg: str


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


# --------------------------------------------------------------------------- public API


def build_chart_specs(
    forecast: Forecast, market: Market, valuation: Valuation, house: House, *, symbol: str = "Rmb"
) -> dict[str, dict[str, Any]]:
    """Every chart's Vega-Lite spec by key. Pure and deterministic: tests compare these."""
    return {d.key: d.spec for d in _drafts(forecast, market, valuation, house, symbol)}


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


def build_charts(
    forecast: Forecast,
    market: Market,
    valuation: Valuation,
    house: House,
    *,
    symbol: str = "Rmb",
    prices: PriceHistory | None = None,
) -> Charts:
    """Specs, alt texts and SVGs for every chart, in the order the note shows them."""
    drafts = _drafts(forecast, market, valuation, house, symbol)
    if prices is not None:
        drafts.append(_price(prices, valuation, house))
    return Charts(tuple(Chart(d.key, d.title, d.alt, d.spec, render_svg(d.spec)) for d in drafts))


def _price(prices: PriceHistory, valuation: Valuation, house: House) -> _Draft:
    """The lead listing's closing price over the history, with its target as a dashed rule."""
    target = next(iter(valuation.targets.values()))
    lst = target.listing
    series = prices.closes[lst.key]
    index = pd.DatetimeIndex(series.index)
    rows: list[Row] = [
        {"date": day.date().isoformat(), "close": round(float(v), 4)}
        for day, v in zip(index, series, strict=True)
    ]
    line = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(strokeWidth=1.4, color=colour(house, "series1", "#000000"))
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %y", tickCount=6, grid=False)),
            y=alt.Y("close:Q", title=f"{lst.symbol} per {lst.security}", scale=alt.Scale(zero=False)),
        )
    )
    tp = (
        alt.Chart(
            alt.Data(
                values=[{"tp": target.fair_value, "label": f"Target {lst.symbol}{target.fair_value:,.0f}"}]
            )
        )
        .mark_rule(strokeDash=[4, 3], color=colour(house, "accent", "#000000"))
        .encode(y="tp:Q")
    )
    tp_label = tp.mark_text(align="left", dx=4, dy=-6, color=colour(house, "accent", "#000000")).encode(
        x=alt.value(0), text="label:N"
    )
    spec = _spec(alt.layer(line, tp, tp_label), 300, 125)
    first, last = series.index[0].date(), series.index[-1].date()
    alt_text = (
        f"Line of {lst.ticker} closing prices from {first:%-d %b %Y} to {last:%-d %b %Y}, between "
        f"{lst.symbol}{series.min():,.2f} and {lst.symbol}{series.max():,.2f}, ending at "
        f"{lst.symbol}{series.iloc[-1]:,.2f}; a dashed line marks the target of "
        f"{lst.symbol}{target.fair_value:,.0f}."
    )
    return _draft("price", f"{lst.ticker} share price ({lst.symbol}) and target", alt_text, spec, house)


# --------------------------------------------------------------------------- labels and numbers


def fy_label(year: int, last_actual: int) -> str:
    """Fiscal year as printed: FY25A for reported years, FY26E for estimates."""
    return f"FY{year % 100:02d}{'A' if year <= last_actual else 'E'}"


def cy_label(year: int, last_actual: int) -> str:
    """Calendar year as printed: 2025A, 2026E."""
    return f"{year}{'A' if year <= last_actual else 'E'}"


def short_label(label: str) -> str:
    """Legend-sized segment name: 'Non-AI-related cloud revenues' -> 'Non-AI'."""
    text = re.sub(r"\s+revenues?$", "", label.strip(), flags=re.IGNORECASE)
    return re.sub(r"-related cloud$", "", text, flags=re.IGNORECASE)


def _value(x: Ratio | float | None) -> float | None:
    """A plottable float, or None for missing (NaN) and not-meaningful (NM) values."""
    if x is None or isinstance(x, NotMeaningful):
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _bn(symbol: str, v: float) -> str:
    return f"{symbol}{v:,.1f}bn"


def _pct(v: float) -> str:
    return f"{v:.0%}"


def _bn_of(symbol: str) -> Callable[[float], str]:
    return lambda v: _bn(symbol, v)


def _moves(rows: list[Row], fmt: Callable[[float], str]) -> str:
    """Trend wording ('rises from X in FY26E to Y in FY31E', or a peak or low between) taken
    from the points themselves, so the alt text can never contradict the chart."""
    first, last = rows[0], rows[-1]
    a, b = fmt(first["value"]), fmt(last["value"])
    peak = max(rows, key=lambda r: r["value"])
    trough = min(rows, key=lambda r: r["value"])
    for turn, word, back in ((peak, "peak", "falls"), (trough, "low", "rises")):
        if turn is not first and turn is not last and fmt(turn["value"]) not in (a, b):
            return (
                f"goes from {a} in {first['year']} to a {word} of {fmt(turn['value'])} in "
                f"{turn['year']}, then {back} to {b} in {last['year']}"
            )
    if a == b:
        return f"stays at {a} from {first['year']} to {last['year']}"
    verb = "rises" if last["value"] > first["value"] else "falls"
    return f"{verb} from {a} in {first['year']} to {b} in {last['year']}"


def _span(labels: list[str]) -> str:
    return f"{labels[0]}-{labels[-1]}" if len(labels) > 1 else labels[0]


# --------------------------------------------------------------------------- the charts


def _drafts(
    forecast: Forecast, market: Market, valuation: Valuation, house: House, symbol: str
) -> list[_Draft]:
    """All charts in note order. Every number comes from the model objects."""
    years = [y for y in forecast.years if y > forecast.last_actual]
    fy: Callable[[int], str] = partial(fy_label, last_actual=forecast.last_actual)
    return [
        _cloud_revenue(forecast, years, fy, house, symbol),
        _ai_revenue(forecast, years, fy, house, symbol),
        _maas_revenue(forecast, years, fy, house, symbol),
        _capex(forecast, years, fy, house, symbol),
        _market(market, forecast.last_actual, house, symbol),
        _sotp(valuation, fy, house, symbol),
    ]


def _leaves(forecast: Forecast) -> list[str]:
    """Cloud segments with no children, in build order: they stack to the total."""
    parents = {r.parent for r in forecast.cloud_rows if r.parent is not None}
    return [r.key for r in forecast.cloud_rows if r.key not in parents]


def _cloud_revenue(
    forecast: Forecast, years: list[int], fy: Callable[[int], str], house: House, symbol: str
) -> _Draft:
    """Stacked leaf segments with the total on top and total growth on the right axis."""
    total = forecast.cloud_line("total")
    leaves = [forecast.cloud_line(k) for k in _leaves(forecast)]
    names = [short_label(s.label) for s in leaves]
    bars: list[Row] = [
        {"year": fy(y), "segment": name, "order": i, "value": v}
        for y in years
        for i, (name, seg) in enumerate(zip(names, leaves, strict=True))
        if (v := _value(seg[y])) is not None
    ]
    totals: list[Row] = [{"year": fy(y), "value": v} for y in years if (v := _value(total[y])) is not None]
    growth_name = "Total growth yoy (RHS)"
    growth = _ratio_rows(total.yoy, years, fy, growth_name)

    x = _x_years([fy(y) for y in years])
    y_scale, ticks = _left_scale(max(float(r["value"]) for r in totals), bool(growth))
    segment_colour = alt.Scale(domain=names, range=_bar_colours(house, len(names)))
    stacked = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("value:Q", stack="zero", scale=y_scale, axis=_bn_axis(symbol, ticks)),
            color=alt.Color("segment:N", scale=segment_colour, sort=names),
            order=alt.Order("order:Q", sort="ascending"),
        )
    )
    spec = _with_line(stacked + _bar_labels(totals, x, y_scale), growth, x, house, FULL)
    lead_rows = [r for r in bars if r["order"] == 0]
    alt_text = (
        f"Stacked bars of cloud revenue by segment ({', '.join(names)}), "
        f"{_span([fy(y) for y in years])}, labelled with the total, which "
        f"{_moves(totals, _bn_of(symbol))}; {names[0]} {_moves(lead_rows, _bn_of(symbol))}."
    )
    if growth:
        alt_text += f" A line on the right axis shows total growth, which {_moves(growth, _pct)}."
    title = f"Cloud revenue by segment ({symbol} bn) and growth"
    return _draft("cloud-revenue", title, alt_text, spec, house)


def _ai_revenue(
    forecast: Forecast, years: list[int], fy: Callable[[int], str], house: House, symbol: str
) -> _Draft:
    """AI-related revenue bars with its share of cloud revenue on the right axis."""
    ai = forecast.cloud_line(AI_KEY)
    name = short_label(ai.label)
    bar_name = f"{name} revenue"
    share_name = "Share of cloud (RHS)"
    spec, bars, line = _bars_and_line(ai, ai.share, years, fy, house, symbol, bar_name, share_name)
    alt_text = (
        f"Bars of {name}-related cloud revenue, {_span([fy(y) for y in years])}, which "
        f"{_moves(bars, _bn_of(symbol))}; a line on the right axis shows its share of cloud "
        f"revenue, which {_moves(line, _pct)}."
    )
    title = f"{name}-related cloud revenue ({symbol} bn) and share of cloud revenue"
    return _draft("ai-revenue", title, alt_text, spec, house)


def _maas_revenue(
    forecast: Forecast, years: list[int], fy: Callable[[int], str], house: House, symbol: str
) -> _Draft:
    """MaaS revenue bars; growth on the right axis only where it means something."""
    maas = forecast.cloud_line(MAAS_KEY)
    name = short_label(maas.label)
    spec, bars, line = _bars_and_line(
        maas, maas.yoy, years, fy, house, symbol, f"{name} revenue", "Growth yoy (RHS)"
    )
    growth_text = (
        f"; a line on the right axis shows year-on-year growth, which {_moves(line, _pct)}" if line else ""
    )
    alt_text = (
        f"Bars of {name} revenue, {_span([fy(y) for y in years])}, which "
        f"{_moves(bars, _bn_of(symbol))}{growth_text}."
    )
    title = f"{name} revenue ({symbol} bn) and growth"
    return _draft("maas-revenue", title, alt_text, spec, house)


def _capex(
    forecast: Forecast, years: list[int], fy: Callable[[int], str], house: House, symbol: str
) -> _Draft:
    """Capex bars with capex as a share of cloud revenue on the right axis."""
    capex_years = [y for y in years if y in forecast.capex]
    ratio = forecast.capex_ratio
    spec, bars, line = _bars_and_line(
        forecast.capex,
        {y: ratio[y] for y in capex_years},
        capex_years,
        fy,
        house,
        symbol,
        "Capex",
        "% of cloud revenue (RHS)",
        size=(FULL[0], 200),
    )
    alt_text = (
        f"Bars of annual capital expenditure, {_span([fy(y) for y in capex_years])}, which "
        f"{_moves(bars, _bn_of(symbol))}; a line on the right axis shows capex as a "
        f"share of cloud revenue, which {_moves(line, _pct)}."
    )
    title = f"Capital expenditure ({symbol} bn) and as % of cloud revenue"
    return _draft("capex", title, alt_text, spec, house)


def _market(market: Market, last_actual_fy: int, house: House, symbol: str) -> _Draft:
    """Market size per case over the years the cases differ: grouped bars, one per case."""
    cases = list(market.cases.values())
    first = _first_estimate(market, last_actual_fy)
    years = [y for y in market.years if y >= first]
    cy: Callable[[int], str] = partial(cy_label, last_actual=first - 1)
    rows: list[Row] = [
        {"year": cy(y), "case": c.name, "order": i, "value": v, "label": _compact(v)}
        for y in years
        for i, c in enumerate(cases)
        if (v := _value(c.size[y])) is not None
    ]
    names = [c.name for c in cases]
    x = _x_years([cy(y) for y in years])
    top = max(float(r["value"]) for r in rows) * HEADROOM
    colour_scale = alt.Scale(domain=names, range=palette(house)[: len(names)])
    base = alt.Chart().encode(
        x=x, xOffset=alt.XOffset("case:N", sort=names, scale=alt.Scale(paddingInner=0.08))
    )
    bars = base.mark_bar().encode(
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, top]), axis=_bn_axis(symbol)),
        color=alt.Color("case:N", scale=colour_scale, sort=names),
    )
    labels = base.mark_text(baseline="bottom", dy=-2).encode(
        y=alt.Y("value:Q", scale=alt.Scale(domain=[0, top])), text="label:N"
    )
    spec = _spec(alt.layer(bars, labels, data=alt.Data(values=rows)), FULL[0], FULL[1])
    last = years[-1]
    sizes = ", ".join(f"{c.name.split(' (')[0].lower()} {_bn(symbol, c.size[last])}" for c in cases)
    alt_text = (
        f"Grouped bars of the {market.name} market size in {len(cases)} cases, "
        f"{cy(years[0])}-{cy(last)}; by {cy(last)} the market reaches {sizes}."
    )
    title = f"{market.name} market size by scenario ({symbol} bn)"
    return _draft("market-scenarios", title, alt_text, spec, house)


def _sotp(valuation: Valuation, fy: Callable[[int], str], house: House, symbol: str) -> _Draft:
    """Each part's value per share, then discounted net cash, in the order valued."""
    rows: list[Row] = [{"part": p.name, "value": p.per_share} for p in valuation.parts]
    cash_name = valuation.cash_label
    rows.append({"part": cash_name, "value": valuation.net_cash_value / valuation.shares})
    order = [r["part"] for r in rows]
    values = [r["value"] for r in rows]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = (high - low) * 0.1  # room for the value labels beyond the longest bars
    x = alt.X(
        "value:Q",
        scale=alt.Scale(domain=[low - (pad if low < 0 else 0.0), high + pad], nice=False),
        axis=None,
    )
    y = alt.Y("part:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, grid=False, labelPadding=6))
    base = alt.Chart().encode(x=x, y=y)
    bars = base.mark_bar(color=colour(house, "series1", "#000000"), height={"band": 0.68})
    text = alt.Text("value:Q", format=",.2f")  # per-share values, as the SOTP table prints them
    right = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=4)
    left = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-4)
    zero = (
        alt.Chart(alt.Data(values=[{"value": 0.0}]))
        .mark_rule(color=colour(house, "muted", "#666666"), strokeWidth=0.75)
        .encode(x=alt.X("value:Q"))
    )
    height = SOTP_HEIGHT_PER_BAR * len(rows)
    parts_layer = alt.layer(bars, right.encode(text=text), left.encode(text=text), data=alt.Data(values=rows))
    chart = alt.layer(parts_layer, zero)
    spec = _spec(chart, width=FULL[0], height=height)
    parts = "; ".join(f"{r['part']} {symbol}{r['value']:,.1f}" for r in rows)
    alt_text = (
        f"Horizontal bars of sum-of-the-parts value per share on {fy(valuation.year)} metrics "
        f"({symbol}): {parts}; together {symbol}{valuation.fair_value:,.1f} per share."
    )
    title = f"Sum-of-the-parts value per share ({symbol}, {fy(valuation.year)})"
    return _draft("sotp", title, alt_text, spec, house)


# --------------------------------------------------------------------------- building blocks


def _spec(chart: alt.TopLevelMixin, width: int, height: int) -> dict[str, Any]:
    """The chart's own Vega-Lite JSON at a fixed size.

    Converted as a non-top-level chart so that whatever Altair theme the process has
    enabled is not merged in: the house config added by ``_draft`` is the only styling.
    All data is inline, so nothing is lost by skipping Altair's top-level datasets.
    """
    body = chart.properties(width=width, height=height).to_dict(context={"top_level": False})
    return {"$schema": alt.SCHEMA_URL, **body}


def _draft(key: str, title: str, alt_text: str, spec: dict[str, Any], house: House) -> _Draft:
    """Finish a spec: house config, the key for error messages, the alt text as description."""
    spec = dict(spec)
    spec["description"] = alt_text
    spec["usermeta"] = {"key": key}
    spec["config"] = chart_config(house)
    return _Draft(key, title, alt_text, spec)


def _bar_colours(house: House, n: int) -> list[str]:
    """Series colours for bars, skipping the accent: the accent is kept for lines."""
    accent = colour(house, "accent", "")
    pool = [c for c in palette(house) if c.lower() != accent.lower()] or palette(house)
    return [pool[i % len(pool)] for i in range(n)]


def _x_years(labels: list[str]) -> alt.X:
    return alt.X("year:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0))


def _bn_axis(symbol: str, ticks: list[float] | None = None) -> alt.Axis:
    if ticks is None:
        return alt.Axis(title=f"{symbol} bn", format=BN_AXIS, orient="left", tickCount=5)
    return alt.Axis(title=f"{symbol} bn", format=BN_AXIS, orient="left", values=ticks)


def _ratio_rows(
    ratios: Mapping[int, Ratio], years: list[int], fy: Callable[[int], str], series: str
) -> list[Row]:
    """Line points for a ratio, dropping NaN and NM years (no point is better than a fake one)."""
    return [
        {"year": fy(y), "series": series, "value": v}
        for y in years
        if (v := _value(ratios.get(y))) is not None
    ]


def _bar_labels(rows: list[Row], x: alt.X, y_scale: alt.Scale) -> alt.Chart:
    """Value labels just above the bars."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(baseline="bottom", dy=-2)
        .encode(
            x=x,
            y=alt.Y("value:Q", scale=y_scale),
            text=alt.Text("value:Q", format=BN_LABEL),
        )
    )


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


def _left_scale(top_value: float, dual: bool) -> tuple[alt.Scale, list[float] | None]:
    """Bar scale and its ticks: with a line above, bars stop at BAR_TOP of the height."""
    if not dual:
        return alt.Scale(domain=[0, top_value * HEADROOM]), None
    ticks = bracket_ticks(0.0, top_value, 5, 1.0)
    return alt.Scale(domain=[0, ticks[-1] / BAR_TOP], nice=False), ticks


def _line(rows: list[Row], x: alt.X, scale: alt.Scale) -> alt.LayerChart:
    """A ratio line with points, on a right axis scaled so the line fills LINE_BAND."""
    low, high = min(float(r["value"]) for r in rows), max(float(r["value"]) for r in rows)
    ticks = bracket_ticks(low, high, 4, 0.01)
    unit = (ticks[-1] - ticks[0]) / (LINE_BAND[1] - LINE_BAND[0])
    lo = ticks[0] - LINE_BAND[0] * unit
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[lo, lo + unit], nice=False, zero=False),
        axis=alt.Axis(title=None, format=PCT, orient="right", grid=False, values=ticks),
    )
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x, y=y, color=alt.Color("series:N", scale=scale, legend=legend)
    )
    return base.mark_line() + base.mark_point(filled=True, stroke="#FFFFFF", strokeWidth=1)


def _with_line(
    left: alt.LayerChart, line: list[Row], x: alt.X, house: House, size: tuple[int, int]
) -> dict[str, Any]:
    """Bars on the left axis and, if there are points, a line on the right axis.

    Layered with independent y scales and shared x. Colour is independent too, so the line
    gets its own legend entry, drawn as a stroke rather than a square.
    """
    if not line:
        return _spec(left, width=size[0], height=size[1])
    scale = alt.Scale(domain=[line[0]["series"]], range=[colour(house, "accent", "#000000")])
    layered = alt.layer(left, _line(line, x, scale))
    layered = layered.resolve_scale(y="independent", color="independent")
    return _spec(layered, width=size[0], height=size[1])


def _bars_and_line(
    bars_line: Line,
    ratios: Mapping[int, Ratio],
    years: list[int],
    fy: Callable[[int], str],
    house: House,
    symbol: str,
    bar_name: str,
    line_name: str,
    size: tuple[int, int] = HALF,
) -> tuple[dict[str, Any], list[Row], list[Row]]:
    """Bars with value labels (half width unless ``size`` says), and a ratio line on the right."""
    bars: list[Row] = [
        {"year": fy(y), "series": bar_name, "value": v}
        for y in years
        if (v := _value(bars_line[y])) is not None
    ]
    line = _ratio_rows(ratios, years, fy, line_name)
    x = _x_years([fy(y) for y in years])
    y_scale, ticks = _left_scale(max(float(r["value"]) for r in bars), bool(line))
    bar_colour = alt.Scale(domain=[bar_name], range=[colour(house, "series1", "#000000")])
    chart = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("value:Q", scale=y_scale, axis=_bn_axis(symbol, ticks)),
            color=alt.Color("series:N", scale=bar_colour),
        )
    )
    return _with_line(chart + _bar_labels(bars, x, y_scale), line, x, house, size), bars, line


def _first_estimate(market: Market, last_actual_fy: int) -> int:
    """First calendar year where the cases part: before it they share the tracker's actuals.

    With a single case nothing parts, so years after the last actual fiscal year count
    as estimates.
    """
    cases = list(market.cases.values())
    for year in market.years:
        values = {round(float(c.size[year]), 9) for c in cases}
        if len(values) > 1:
            return year
    return last_actual_fy + 1


def _compact(v: float) -> str:
    """Bar label for a wide-ranging series: whole numbers from 100 up, one decimal below."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"
