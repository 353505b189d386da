"""The right axis: a declared series (a line, its growth, or a share) drawn as a line over the bars.

Bar, line and stacked charts all take an optional ``rhs``; reading it, scaling it onto the left
axis's gridlines from a shared zero and wording it for the alt text is one job, done here for all.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from reportgen.exhibits.charts.frame import Frame, Series
from reportgen.exhibits.charts.marks import vega_spec
from reportgen.exhibits.charts.numbers import right_ticks
from reportgen.exhibits.charts.theme import colour
from reportgen.exhibits.charts.words import moves, plain
from reportgen.inputs.units import PERCENT


def rhs_series(frame: Frame) -> Series | None:
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


def rhs_sentence(frame: Frame, rhs: Series | None) -> str:
    """The alt text's sentence on the right-axis line, or nothing without one."""
    if rhs is None:
        return ""
    fmt = frame.numbers(rhs.unit, (v for _, v in rhs.points)).text
    return f" A line on the right axis shows {plain(rhs.name)}, which {moves(rhs.points, fmt)}."


def _rhs_layer(frame: Frame, rhs: Series, x: alt.X, left: list[float]) -> alt.LayerChart:
    """A line with points on a right axis whose ticks sit on the left axis's gridlines, from zero."""
    rows = [{"period": p, "series": rhs.name, "value": v} for p, v in rhs.points]
    values = [v for _, v in rhs.points]
    numbers = frame.numbers(rhs.unit, values)
    ticks = right_ticks(left, min(0.0, *values), max(0.0, *values), numbers.tick_unit(values))
    fmt = numbers.axis_format(ticks[1] - ticks[0] if len(ticks) > 1 else numbers.tick_unit(values))
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=False),
        axis=alt.Axis(title=None, format=fmt, orient="right", grid=False, values=ticks),
    )
    scale = alt.Scale(domain=[rhs.name], range=[colour(frame.house, "accent", "#000000")])
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=x, y=y, color=alt.Color("series:N", scale=scale, legend=legend)
    )
    return base.mark_line() + base.mark_point(filled=True, stroke="#FFFFFF", strokeWidth=1)


def with_rhs(
    frame: Frame,
    left: alt.LayerChart | alt.FacetChart,
    rhs: Series | None,
    x: alt.X,
    left_ticks: list[float] | None = None,
) -> dict[str, Any]:
    """The left-axis layers and, if there are points, the right-axis line.

    Layered with independent y scales and shared x. Colour is independent too, so the line
    gets its own legend entry, drawn as a stroke rather than a square. ``left_ticks`` are the
    left axis's (``numbers.left_scale`` with a right axis): the right axis takes as many steps.
    """
    if rhs is None:
        return vega_spec(left, *frame.size)
    ticks = left_ticks or [0.0, 1.0]
    layered = alt.layer(left, _rhs_layer(frame, rhs, x, ticks)).resolve_scale(
        y="independent", color="independent"
    )
    return vega_spec(layered, *frame.size)
