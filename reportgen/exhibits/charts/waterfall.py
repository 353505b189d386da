"""Waterfalls: bars stepping up and down from a start to a total, and the waterfall chart kind.

One implementation for every waterfall in the note: the chart kind (the valuation's building
blocks, or lines at one period) and the target-price bridge (``compare.bridge_exhibits``) both
build their bars with ``steps`` and draw them with ``waterfall``, passing only what differs:
labels, where totals rise from, the y scale and axis, and the size.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from reportgen.exhibits.charts.frame import Drawn, Frame, Row, at_period, per_share, per_share_text
from reportgen.exhibits.charts.marks import bar_colours, left_axis, vega_spec
from reportgen.exhibits.charts.numbers import HEADROOM
from reportgen.exhibits.charts.theme import colour
from reportgen.exhibits.charts.words import Point
from reportgen.inputs.schema import House
from reportgen.registry import CHART_KINDS

#: Waterfall axis labels wrap at this many characters so long names do not collide.
WRAP = 16
#: Colour roles of waterfall bars, in legend order.
WATERFALL_KINDS = ("total", "increase", "decrease")


@dataclass(frozen=True)
class Bar:
    """One bar from ``start`` to ``end``; a total has no start and rises from the axis floor."""

    item: str
    start: float | None
    end: float
    kind: str
    label: str

    def row(self, floor: float) -> Row:
        """The bar as a data row; ``top`` is where its label sits."""
        start = floor if self.start is None else self.start
        top = max(float(start), float(self.end))
        return {
            "item": self.item,
            "start": start,
            "end": self.end,
            "top": top,
            "kind": self.kind,
            "label": self.label,
        }


def total(item: str, end: float, label: str) -> Bar:
    """A total bar (a start or an end level), drawn up from the axis floor."""
    return Bar(item, None, end, "total", label)


def steps(level: float, moves: Iterable[tuple[str, float, str]]) -> tuple[list[Bar], float]:
    """A bar per (item, amount, label) stepping up or down from ``level``, and the level reached."""
    bars: list[Bar] = []
    for item, amount, label in moves:
        bars.append(Bar(item, level, level + amount, "increase" if amount >= 0 else "decrease", label))
        level += amount
    return bars, level


def levels(bars: Sequence[Bar]) -> list[float]:
    """Every level a bar starts or ends at (a total's start is the floor, not a level)."""
    return [float(v) for b in bars for v in (b.start, b.end) if v is not None]


def waterfall(
    bars: Sequence[Bar],
    house: House,
    y_scale: alt.Scale,
    axis: alt.Axis,
    size: tuple[int, int],
    *,
    floor: float = 0.0,
    clip: bool = False,
) -> dict[str, Any]:
    """The waterfall's Vega-Lite JSON: bars coloured total/increase/decrease, each labelled on top.

    ``floor`` is where totals rise from (zero, or just below the lowest level when the moves are
    small against the totals); ``clip`` keeps bars inside a y scale that does not reach zero.
    """
    rows = [b.row(floor) for b in bars]
    order = [b.item for b in bars]
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
            colour(house, "series1", "#000000"),
            bar_colours(house, 2)[-1],
            colour(house, "accent", "#000000"),
        ],
    )
    base = alt.Chart(alt.Data(values=rows)).encode(x=x)
    bar_marks = base.mark_bar(clip=True) if clip else base.mark_bar()
    drawn = bar_marks.encode(
        y=alt.Y("start:Q", scale=y_scale, axis=axis),
        y2="end:Q",
        color=alt.Color("kind:N", scale=kinds, legend=None),
    )
    labels = base.mark_text(baseline="bottom", dy=-2).encode(y=alt.Y("top:Q", scale=y_scale), text="label:N")
    return vega_spec(alt.layer(drawn, labels), *size)


def _waterfall(frame: Frame) -> Drawn:
    """A start bar, steps up or down, and a total bar at the sum: the valuation or lines at one period."""
    by_valuation = frame.spec.data == "valuation"
    if by_valuation:
        moves, numbers, period = per_share(frame)
        start: Point | None = None
        total_name = "Fair value per share"
    else:
        points, numbers, period = at_period(frame)
        start, moves = points[0], points[1:]
        total_name = frame.name(frame.spec.total) if frame.spec.total else "Total"
    first = [] if start is None else [total(start[0], start[1], numbers.label(start[1]))]
    middle, level = steps(0.0 if start is None else start[1], ((n, v, numbers.signed(v)) for n, v in moves))
    bars = [*first, *middle, total(total_name, level, numbers.label(level))]
    found = levels(bars)
    low, high = min(0.0, *found), max(0.0, *found)
    y_scale = alt.Scale(domain=[low * HEADROOM, high * HEADROOM or 1.0])
    body = waterfall(bars, frame.house, y_scale, left_axis(numbers, None, [low, high]), frame.size)
    said = "; ".join(f"{name} {numbers.signed_text(v)}" for name, v in moves)
    if by_valuation:
        alt_text = per_share_text(frame, "Waterfall", numbers, said, level)
    else:
        assert start is not None
        alt_text = (
            f"Waterfall in {period} ({numbers.caption}) from {start[0]} at "
            f"{numbers.text(start[1])}: {said}; ending at {total_name} of {numbers.text(level)}."
        )
    return body, alt_text


CHART_KINDS.register("waterfall", _waterfall)
