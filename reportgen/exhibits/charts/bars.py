"""Bar chart kinds: stacked_bars, bars_line, grouped_bars (periods along x) and horizontal_bars.

The vertical kinds share one way of laying bars per period, labelling them and adding the right
axis; horizontal bars list items at one period. Each kind registers itself in CHART_KINDS.
"""

from __future__ import annotations

import math

import altair as alt

from reportgen.exhibits.charts.frame import (
    Drawn,
    Frame,
    Row,
    Series,
    at_period,
    per_share,
    per_share_text,
)
from reportgen.exhibits.charts.marks import (
    CHAR_PX,
    bar_colours,
    labels_above,
    left_axis,
    period_x,
    top_legend,
    value_labels,
    vega_spec,
)
from reportgen.exhibits.charts.numbers import compact, left_scale
from reportgen.exhibits.charts.rhs import rhs_sentence, rhs_series, with_rhs
from reportgen.exhibits.charts.theme import colour
from reportgen.exhibits.charts.words import and_list, moves, plain, span
from reportgen.registry import CHART_KINDS

#: Horizontal bar charts grow with the number of bars unless the spec gives a height.
BAR_ROW_HEIGHT = 30


def _stacked_bars(frame: Frame) -> Drawn:
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
    rhs = rhs_series(frame)
    x = period_x(frame.labels)
    low, high = min(0.0, *downs), max(0.0, *ups, *(v for _, v in totals))
    y_scale, ticks = left_scale(low, high, rhs is not None, numbers.tick_unit([low, high]))
    colours = alt.Scale(domain=names, range=bar_colours(frame.house, len(names)))
    stacked = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("value:Q", stack="zero", scale=y_scale, axis=left_axis(numbers, ticks, [low, high])),
            color=alt.Color("series:N", scale=colours, sort=names, legend=top_legend(frame, names)),
            order=alt.Order("order:Q", sort="ascending"),
        )
    )
    label_rows = [{"period": p, "value": max(v, 0.0), "label": numbers.label(v)} for p, v in totals]
    labels = labels_above(label_rows, x, y_scale)
    body = with_rhs(frame, alt.layer(stacked, labels), rhs, x, ticks)
    alt_text = (
        f"Stacked bars of {and_list(names)} ({numbers.caption}), {span(frame.labels)}, labelled with "
        f"{plain(total_name)}, which {moves(totals, numbers.text)}; "
        f"{names[0]} {moves(stacks[0].points, numbers.text)}.{rhs_sentence(frame, rhs)}"
    )
    return body, alt_text


def _bars_line(frame: Frame) -> Drawn:
    """Bars of one line (grouped if several) with value labels, and a series on the right axis."""
    return _bars(frame, [frame.of_line(k) for k in frame.spec.lines], compact_labels=False)


def _grouped_bars(frame: Frame) -> Drawn:
    """One line across cases (a bar per case per period), or several lines side by side."""
    spec = frame.spec
    if not spec.scenarios:
        return _bars(frame, [frame.of_line(k) for k in spec.lines], compact_labels=True)
    series: list[Series] = []
    for key in spec.lines:
        for case in spec.scenarios:
            name = frame.case(case) if len(spec.lines) == 1 else f"{frame.name(key)}, {frame.case(case)}"
            series.append(frame.of_line(key, case, name))
    cases = f"{and_list([frame.name(k) for k in spec.lines])} in {len(spec.scenarios)} cases"
    return _bars(frame, series, compact_labels=True, subject=cases)


def _bars(frame: Frame, series: list[Series], *, compact_labels: bool, subject: str | None = None) -> Drawn:
    """Bars per period, side by side when there are several series, each with its value label.

    ``compact_labels`` labels many narrow bars without decimals from 100 up; ``subject`` names
    what the bars show in the alt text when the series names alone would not (cases of one line).
    """
    if not series:
        raise frame.fail("a bar chart needs at least one line")
    values = [v for s in series for _, v in s.points]
    numbers = frame.numbers(series[0].unit, values)
    label = compact if compact_labels else numbers.label
    names = [s.name for s in series]
    rows: list[Row] = [
        {"period": p, "series": s.name, "order": i, "value": v, "label": label(v)}
        for p in frame.labels
        for i, s in enumerate(series)
        for q, v in s.points
        if q == p
    ]
    rhs = rhs_series(frame)
    x = period_x(frame.labels)
    low, high = min(0.0, *values), max(0.0, *values)
    y_scale, ticks = left_scale(low, high, rhs is not None, numbers.tick_unit([low, high]))
    base = alt.Chart(alt.Data(values=rows)).encode(x=x)
    if len(series) > 1:
        base = base.encode(xOffset=alt.XOffset("series:N", sort=names, scale=alt.Scale(paddingInner=0.08)))
    colours = alt.Scale(domain=names, range=bar_colours(frame.house, len(names)))
    bars = base.mark_bar().encode(
        y=alt.Y("value:Q", scale=y_scale, axis=left_axis(numbers, ticks, [low, high])),
        color=alt.Color("series:N", scale=colours, sort=names, legend=top_legend(frame, names)),
    )
    layers: list[alt.Chart] = [bars, *value_labels(base, y_scale, low < 0)]
    body = with_rhs(frame, alt.layer(*layers), rhs, x, ticks)
    head = f"of {subject or and_list(names)} ({numbers.caption}), {span(frame.labels)}"
    if len(series) == 1:
        said = f"Bars {head}, which {moves(series[0].points, numbers.text)}"
    else:
        said = f"Grouped bars {head}; " + "; ".join(
            f"{s.name} {moves(s.points, numbers.text)}" for s in series
        )
    return body, f"{said}.{rhs_sentence(frame, rhs)}"


def _horizontal_bars(frame: Frame) -> Drawn:
    """One bar per item, labelled with its value: the parts of the valuation, or lines at one period."""
    by_valuation = frame.spec.data == "valuation"
    points, numbers, period = per_share(frame) if by_valuation else at_period(frame)
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
    body = vega_spec(chart, frame.size[0], height)
    listed = "; ".join(f"{name} {numbers.text(v)}" for name, v in points)
    if by_valuation:
        alt_text = per_share_text(frame, "Horizontal bars", numbers, listed, frame.valuation.lead.per_share)
    else:
        alt_text = f"Horizontal bars of {and_list(order)} in {period} ({numbers.caption}): {listed}."
    return body, alt_text


CHART_KINDS.register("stacked_bars", _stacked_bars)
CHART_KINDS.register("bars_line", _bars_line)
CHART_KINDS.register("grouped_bars", _grouped_bars)
CHART_KINDS.register("horizontal_bars", _horizontal_bars)
