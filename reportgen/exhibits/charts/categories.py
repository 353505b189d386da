"""Dataset chart kinds over categories: category_bars (leaderboards, shares, app usage), donut, scatter.

Each draws a dataset's columns (``x`` the category, ``y`` the values) in the house style, sets the
covered company apart in the accent colour (``highlight``) and says in its alternative text what
a reader would see: the leader, the covered company's place, the shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import altair as alt

from reportgen.exhibits.charts.frame import Drawn, Frame, Row
from reportgen.exhibits.charts.marks import CHAR_PX, bar_colours, left_axis, top_legend, vega_spec
from reportgen.exhibits.charts.numbers import left_scale
from reportgen.exhibits.charts.tabular import Point, chart_table, typed
from reportgen.exhibits.charts.theme import colour
from reportgen.exhibits.charts.words import and_list
from reportgen.exhibits.table import caption_unit
from reportgen.inputs.units import parse_unit
from reportgen.registry import CHART_KINDS

PERCENT = parse_unit("%")

#: Horizontal bars grow with their number unless the spec gives a height.
ROW_PX = 22
#: Share of a donut under which a slice is not labelled on the ring (the legend still names it).
MIN_LABELLED = 0.06


def _order(frame: Frame, points: list[Point], categories: list[str]) -> list[str]:
    """Categories as the dataset lists them, or by their first series' value, then the first N."""
    spec = frame.spec
    if spec.sort is not None:
        first = {p.label: p.value for p in points if p.series == points[0].series}
        categories = sorted(
            categories, key=lambda c: first.get(c, -math.inf), reverse=spec.sort == "descending"
        )
    return categories[: spec.limit] if spec.limit else categories


def _category_bars(frame: Frame) -> Drawn:
    """Bars over categories: one series (a leaderboard) or several, grouped, stacked or to 100%."""
    spec = frame.spec
    table = chart_table(frame)
    names = list(table.series)
    labels = _order(frame, list(table.points), [str(p.label) for p in _first_of_each(table.points)])
    points = [p for p in table.points if p.label in labels]
    if not points:
        raise frame.fail("the dataset has no values to draw")
    normalised = spec.stack == "normalised" and len(names) > 1
    if normalised:
        totals = {c: math.fsum(p.value for p in points if p.label == c) for c in labels}
        points = [Point(p.x, p.label, p.series, p.value / totals[p.label]) for p in points if totals[p.label]]
    numbers = frame.numbers(table.unit, [p.value for p in points])
    if normalised:
        numbers = frame.numbers(PERCENT, [p.value for p in points])
    single = len(names) == 1
    label: Callable[..., str] = (lambda v, d=None: f"{v:.0%}") if normalised else typed(frame)
    accent = colour(frame.house, "accent", "#c8102e")
    plain_colour = colour(frame.house, "series1", "#1f3864")
    rows: list[Row] = [
        {
            "category": p.label,
            "series": p.series,
            "value": p.value,
            "label": label(p.value, p.decimals),
            "colour": accent if (p.label in spec.highlight or p.series in spec.highlight) else plain_colour,
        }
        for p in points
    ]
    stacked = spec.stack in ("stacked", "normalised") and not single
    values = [r["value"] for r in rows]
    if stacked:
        sums = [math.fsum(r["value"] for r in rows if r["category"] == c) for c in labels]
        low, high = 0.0, max(sums)
    else:
        low, high = min(0.0, *values), max(0.0, *values)
    horizontal = spec.orientation == "horizontal"
    y_scale, ticks = left_scale(low, high, False, numbers.tick_unit([low, high]))
    cat = alt.X if not horizontal else alt.Y
    val = alt.Y if not horizontal else alt.X
    width, height = frame.size
    if horizontal and spec.height is None:
        height = max(80, ROW_PX * len(labels) * (1 if single or stacked else len(names)))
    category = cat(
        "category:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelAngle=0, labelLimit=220 if horizontal else 90, labelPadding=4, grid=False),
    )
    value_axis = left_axis(numbers, ticks, [low, high]) if not horizontal else None
    value = val("value:Q", scale=y_scale, axis=value_axis, stack="zero" if stacked else None)
    base = alt.Chart(alt.Data(values=rows)).encode(category, value)
    if single:
        bars = base.mark_bar().encode(color=alt.Color("colour:N", scale=None, legend=None))
        # Labels beyond the end of each bar: past the tip of a positive one, before a negative one.
        up, down = base.transform_filter("datum.value >= 0"), base.transform_filter("datum.value < 0")
        if horizontal:
            texts = [up.mark_text(align="left", dx=3), down.mark_text(align="right", dx=-3)]
        else:
            texts = [up.mark_text(baseline="bottom", dy=-2), down.mark_text(baseline="top", dy=2)]
        layers = [bars, *(t.encode(text="label:N") for t in texts)]
    else:
        colours = alt.Scale(domain=names, range=bar_colours(frame.house, len(names)))
        enc: dict[str, Any] = {
            "color": alt.Color("series:N", scale=colours, sort=names, legend=top_legend(frame, names))
        }
        if not stacked:
            offset = alt.YOffset if horizontal else alt.XOffset
            enc["yOffset" if horizontal else "xOffset"] = offset("series:N", sort=names)
        layers = [base.mark_bar().encode(**enc)]
        if not stacked:
            # Each bar labelled at its tip, side by side as the bars are.
            place = {k: v for k, v in enc.items() if k != "color"}
            tip = (
                base.mark_text(align="left", dx=3) if horizontal else base.mark_text(baseline="bottom", dy=-2)
            )
            layers.append(tip.encode(text="label:N", **place))
        elif not normalised:
            # A stack is labelled with its total (the parts are in the legend and the HTML's data).
            stack_ends: list[Row] = [
                {"category": c, "value": t, "label": label(t)} for c, t in zip(labels, sums, strict=True)
            ]
            ends = alt.Chart(alt.Data(values=stack_ends)).encode(category, val("value:Q", scale=y_scale))
            tip = (
                ends.mark_text(align="left", dx=3) if horizontal else ends.mark_text(baseline="bottom", dy=-2)
            )
            layers.append(tip.encode(text="label:N"))
    if horizontal:
        # Room for the value labels to the right of the longest bar.
        room = min(0.3, (CHAR_PX * max(len(r["label"]) for r in rows) + 8) / (0.6 * width))
        pad = (high - low) * room / (1 - 2 * room)
        low -= pad if low < 0 else 0.0
        layers = [
            layer.encode(
                x=alt.X(
                    "value:Q",
                    scale=alt.Scale(domain=[low, high + pad], nice=False),
                    axis=None,
                    stack="zero" if stacked else None,
                )
            )
            for layer in layers
        ]
    body = vega_spec(alt.layer(*layers), width, height)
    return body, _bars_text(frame, points, names, numbers.caption, label, normalised)


def _first_of_each(points: tuple[Point, ...]) -> list[Point]:
    seen: set[str] = set()
    out = []
    for p in points:
        if p.label not in seen:
            seen.add(p.label)
            out.append(p)
    return out


def _bars_text(
    frame: Frame,
    points: list[Point],
    names: list[str],
    caption: str,
    label: Callable[..., str],
    normalised: bool,
) -> str:
    """The leaders, the last, and where each highlighted category stands."""
    ds, spec = frame.dataset, frame.spec
    what = and_list(names) if len(names) > 1 else names[0]
    unit = "% of each total" if normalised else caption
    head = f"Bars of {what} by {ds.column(str(spec.x)).label.lower()} ({unit})"
    ranked = sorted((p for p in points if p.series == names[0]), key=lambda p: -p.value)
    text = f"{head}: highest " + "; ".join(f"{p.label} {label(p.value, p.decimals)}" for p in ranked[:3])
    if len(ranked) > 3:
        text += f"; lowest {ranked[-1].label} {label(ranked[-1].value, ranked[-1].decimals)}"
    for h in spec.highlight:
        hit = next((i for i, p in enumerate(ranked) if p.label == h), None)
        if hit is not None and hit >= 3:
            text += (
                f"; {h} ranks {hit + 1} of {len(ranked)} at {label(ranked[hit].value, ranked[hit].decimals)}"
            )
    return text + "."


def _donut(frame: Frame) -> Drawn:
    """Shares of a whole as typed, in the dataset's order; the remainder to 100% computed as 'Others'.

    The legend is drawn as marks beside the ring (a square and the share as typed per slice), so
    it sits where a reader looks for it whatever the house theme says about legends.
    """
    spec = frame.spec
    table = chart_table(frame)
    label = typed(frame)
    shares = [(p.label, p.value, p.decimals) for p in table.points]
    if spec.others:
        rest = 1.0 - math.fsum(v for _, v, _ in shares)
        if rest > 1e-9:
            # The remainder is known to the precision of the least precise share.
            shares.append((spec.others, rest, min(d for _, _, d in shares)))
    total = math.fsum(v for _, v, _ in shares)
    palette = bar_colours(frame.house, len(shares))
    accent = colour(frame.house, "accent", "#c8102e")
    muted = colour(frame.house, "muted", "#999999")
    ink = colour(frame.house, "text", "#222222")
    colours = [
        accent if name in spec.highlight else (muted if name == spec.others else palette[i])
        for i, (name, _, _) in enumerate(shares)
    ]
    width, height = frame.size
    radius = min(height / 2 - 6, width * 0.22)
    cx, cy = radius + 6, height / 2
    rows: list[Row] = [
        {
            "name": name,
            "value": v,
            "order": i,
            "colour": colours[i],
            "inner": label(v, d) if v / total >= MIN_LABELLED else "",
            "legend": f"{name}  {label(v, d)}",
            "ly": cy - 8 * (len(shares) - 1) + 16 * i,
        }
        for i, (name, v, d) in enumerate(shares)
    ]
    base = alt.Chart(alt.Data(values=rows))
    ring = base.encode(
        theta=alt.Theta("value:Q", stack=True),
        order=alt.Order("order:Q", sort="ascending"),
        x=alt.value(cx),
        y=alt.value(cy),
    )
    arcs = ring.mark_arc(
        innerRadius=radius * 0.56, outerRadius=radius, stroke="#ffffff", strokeWidth=1
    ).encode(color=alt.Color("colour:N", scale=None, legend=None))
    inner = ring.mark_text(radius=radius * 0.78, fontWeight="bold", fill="#ffffff", fontSize=9).encode(
        text="inner:N"
    )
    left = 2 * radius + 24
    keys = base.mark_square(size=70, opacity=1).encode(
        x=alt.value(left), y=alt.Y("ly:Q", scale=None), color=alt.Color("colour:N", scale=None, legend=None)
    )
    names = base.mark_text(align="left", baseline="middle", dx=10, color=ink).encode(
        x=alt.value(left), y=alt.Y("ly:Q", scale=None), text="legend:N"
    )
    body = vega_spec(alt.layer(arcs, inner, keys, names), width, height)
    said = "; ".join(f"{name} {label(v, d)}" for name, v, d in shares)
    what = table.value_column.label.lower()
    return body, f"Donut of {what} by {table.x_column.label.lower()}: {said}."


def _scatter(frame: Frame) -> Drawn:
    """One point per row, x against y, each named by the label column; the covered company in accent."""
    ds, spec = frame.dataset, frame.spec
    assert spec.x is not None and spec.y
    xi, yi = ds.index(spec.x), ds.index(spec.y[0])
    li = ds.index(spec.label) if spec.label else None
    accent = colour(frame.house, "accent", "#c8102e")
    plain_colour = colour(frame.house, "series1", "#1f3864")
    rows: list[Row] = []
    for row in ds.rows:
        x, y = row[xi], row[yi]
        if not isinstance(x, int | float) or not isinstance(y, int | float):
            continue
        name = str(row[li]) if li is not None else ""
        rows.append(
            {
                "x": float(x),
                "y": float(y),
                "name": name,
                "colour": accent if name in spec.highlight else plain_colour,
            }
        )
    if not rows:
        raise frame.fail("the dataset has no points to draw")
    x_col, y_col = ds.column(spec.x), ds.column(spec.y[0])
    xn = frame.numbers(x_col.unit or PERCENT, [r["x"] for r in rows])
    yn = frame.numbers(y_col.unit or PERCENT, [r["y"] for r in rows])
    x_unit = caption_unit(str(x_col.unit), frame.company) if x_col.unit else "%"
    y_unit = caption_unit(str(y_col.unit), frame.company) if y_col.unit else "%"

    def domain(values: list[float]) -> list[float]:
        low, high = min(values), max(values)
        pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
        return [low - pad, high + pad]

    xs = [r["x"] for r in rows]
    split = min(xs) + 0.7 * (max(xs) - min(xs))  # names of the rightmost points go to their left
    for r in rows:
        r["side"] = "left" if r["x"] > split else "right"
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("x:Q", title=f"{x_col.label} ({x_unit})", scale=alt.Scale(domain=domain(xs), nice=False)),
        y=alt.Y(
            "y:Q",
            title=f"{y_col.label} ({y_unit})",
            scale=alt.Scale(domain=domain([r["y"] for r in rows]), nice=False),
        ),
    )
    dots = base.mark_point(filled=True, size=36).encode(color=alt.Color("colour:N", scale=None, legend=None))
    right = base.transform_filter("datum.side == 'right'").mark_text(align="left", dx=5, dy=-4, fontSize=8)
    left = base.transform_filter("datum.side == 'left'").mark_text(align="right", dx=-5, dy=-4, fontSize=8)
    names = alt.layer(right.encode(text="name:N"), left.encode(text="name:N"))
    body = vega_spec(alt.layer(dots, names), *frame.size)
    listed = "; ".join(f"{r['name']} {xn.text(r['x'])}, {yn.text(r['y'])}" for r in rows[:8])
    more = f" and {len(rows) - 8} more" if len(rows) > 8 else ""
    return body, f"Scatter of {y_col.label.lower()} against {x_col.label.lower()}: {listed}{more}."


CHART_KINDS.register("category_bars", _category_bars)
CHART_KINDS.register("donut", _donut)
CHART_KINDS.register("scatter", _scatter)
