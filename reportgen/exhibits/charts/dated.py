"""The dated_series chart kind: lines or stacked areas over real dates (daily, weekly, monthly,
quarterly), several series, and dated annotations of events (a launch, a price cut).

Dates are drawn on a time axis in UTC, so a date typed as 2026-05-07 is that day everywhere; a
quarterly series reads as 1Q26, 2Q26 along the bottom.
"""

from __future__ import annotations

import datetime as dt

import altair as alt

from reportgen.exhibits.charts.frame import Drawn, Frame, Row
from reportgen.exhibits.charts.marks import line_colours, top_legend, vega_spec
from reportgen.exhibits.charts.tabular import chart_table
from reportgen.exhibits.charts.theme import colour
from reportgen.exhibits.charts.words import and_list, moves
from reportgen.inputs.datasets import CalendarQuarter, date_label
from reportgen.registry import CHART_KINDS

#: Axis label formats by the x column's type.
FORMATS = {"date": "%-d %b %y", "week": "%-d %b %y", "month": "%b %y"}


def _iso(x: object) -> str:
    if isinstance(x, CalendarQuarter):
        return dt.date(x.year, 3 * x.quarter - 2, 1).isoformat()
    assert isinstance(x, dt.date)
    return x.isoformat()


def _dated_series(frame: Frame) -> Drawn:
    spec = frame.spec
    table = chart_table(frame)
    names = list(table.series)
    if not table.points:
        raise frame.fail("the dataset has no values to draw")
    kind = table.x_column.type
    numbers = frame.numbers(table.unit, [p.value for p in table.points])
    rows: list[Row] = [
        {"date": _iso(p.x), "series": p.series, "value": p.value, "label": p.label} for p in table.points
    ]
    if kind == "quarter":
        quarters = [str(x) for x in table.xs]
        x = alt.X("label:O", sort=quarters, title=None, axis=alt.Axis(labelAngle=0))
    else:
        # A UTC time unit: the date typed is the date drawn and labelled, whatever the machine's zone.
        x = alt.X(
            "date:T",
            timeUnit="utcyearmonthdate",
            title=None,
            axis=alt.Axis(format=FORMATS[kind], labelAngle=0, tickCount=6),
        )
    stacked = spec.mark == "area"
    y = alt.Y(
        "value:Q",
        stack="zero" if stacked else None,
        axis=alt.Axis(
            title=numbers.title,
            format=numbers.axis_format(numbers.tick_unit([p.value for p in table.points])),
            tickCount=5,
        ),
    )
    colours = alt.Scale(domain=names, range=line_colours(frame.house, len(names)))
    legend = top_legend(frame, names) if len(names) > 1 else None
    base = alt.Chart(alt.Data(values=rows)).encode(x=x, y=y)
    colour_enc = alt.Color("series:N", scale=colours, sort=names, legend=legend)
    if stacked:
        marks = base.mark_area(opacity=0.85).encode(color=colour_enc, order=alt.Order("series:N"))
    else:
        marks = base.mark_line(strokeWidth=1.6).encode(color=colour_enc)
    layers = [marks]
    if spec.events and kind != "quarter":
        events = [{"date": e.date.isoformat(), "text": e.text} for e in spec.events]
        ink = colour(frame.house, "muted", "#666666")
        rule = alt.Chart(alt.Data(values=events)).mark_rule(color=ink, strokeDash=[3, 2], strokeWidth=0.75)
        text = alt.Chart(alt.Data(values=events)).mark_text(
            align="left", baseline="top", dx=3, dy=2, fontSize=8, color=ink
        )
        ex = alt.X("date:T", timeUnit="utcyearmonthdate")
        layers += [rule.encode(x=ex), text.encode(x=ex, y=alt.value(0), text="text:N")]
    body = vega_spec(alt.layer(*layers), *frame.size)
    first, last = table.points[0].label, table.points[-1].label
    said = "; ".join(
        f"{name} {moves([(p.label, p.value) for p in table.points if p.series == name], numbers.text)}"
        for name in names[:4]
    )
    what = "Stacked areas" if stacked else "Lines"
    text_events = ""
    if spec.events:
        text_events = "; marked: " + and_list(
            [f"{e.text} ({date_label(e.date, 'date')})" for e in spec.events]
        )
    alt_text = f"{what} of {and_list(names)} ({numbers.caption}), {first} to {last}: {said}{text_events}."
    return body, alt_text


CHART_KINDS.register("dated_series", _dated_series)
