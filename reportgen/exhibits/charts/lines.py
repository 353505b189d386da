"""The lines chart kind: one polyline per line, or per case of one line, with an optional right axis.

Its own module because a line's axis is bracketed by its data (not anchored at zero as bars are)
and its legend draws strokes; it registers itself in CHART_KINDS.
"""

from __future__ import annotations

import altair as alt

from reportgen.exhibits.charts.frame import Drawn, Frame, Row
from reportgen.exhibits.charts.marks import left_axis, line_colours, period_x, top_legend
from reportgen.exhibits.charts.numbers import bracket_ticks
from reportgen.exhibits.charts.rhs import rhs_sentence, rhs_series, with_rhs
from reportgen.exhibits.charts.words import and_list, moves, span
from reportgen.registry import CHART_KINDS


def _lines(frame: Frame) -> Drawn:
    """One polyline per line, or per case of one line; optional right axis."""
    spec = frame.spec
    if spec.scenarios:
        key = spec.lines[0] if spec.lines else ""
        series = [frame.of_line(key, case, frame.case(case)) for case in spec.scenarios]
        subject = f"{frame.name(key)} in {len(series)} cases"
    else:
        series = [frame.of_line(k) for k in spec.lines]
        subject = and_list([s.name for s in series]) if series else ""
    if not series:
        raise frame.fail("a line chart needs at least one line")
    values = [v for s in series for _, v in s.points]
    numbers = frame.numbers(series[0].unit, values)
    names = [s.name for s in series]
    rows: list[Row] = [{"period": p, "series": s.name, "value": v} for s in series for p, v in s.points]
    rhs = rhs_series(frame)
    x = period_x(frame.labels)
    low, high = min(values), max(values)
    # From zero: a flat ratio reads flat (an axis from 11% to 12% makes it look volatile).
    ticks = bracket_ticks(min(low, 0.0), max(high, 0.0), 6, numbers.tick_unit(values))
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=False),
        axis=left_axis(numbers, ticks, values),
    )
    colours = alt.Scale(domain=names, range=line_colours(frame.house, len(names)))
    legend = top_legend(frame, names, symbolType="stroke", symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x, y=y, color=alt.Color("series:N", scale=colours, sort=names, legend=legend)
    )
    lines = base.mark_line() + base.mark_point(filled=True, stroke="#FFFFFF", strokeWidth=1)
    body = with_rhs(frame, lines, rhs, x, ticks)
    said = "; ".join(f"{s.name} {moves(s.points, numbers.text)}" for s in series)
    kind = "Line" if len(series) == 1 else "Lines"
    alt_text = (
        f"{kind} of {subject} ({numbers.caption}), {span(frame.labels)}; {said}.{rhs_sentence(frame, rhs)}"
    )
    return body, alt_text


CHART_KINDS.register("lines", _lines)
