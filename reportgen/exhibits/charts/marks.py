"""Building blocks every chart kind draws with: the spec at its size, colours, legends, axes, labels.

So that two kinds showing the same thing (a period axis, a value label, a series colour) show it
the same way, and a change of style is made in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import altair as alt

from reportgen.exhibits.charts.frame import Frame, Row
from reportgen.exhibits.charts.numbers import Numbers
from reportgen.exhibits.charts.theme import colour, palette
from reportgen.inputs.schema import House

#: Rough width of a 10 px chart character and of a legend symbol with its gap, to size
#: legends and label room without measuring text.
CHAR_PX = 6.0
SYMBOL_PX = 30.0


def vega_spec(chart: alt.TopLevelMixin, width: int, height: int) -> dict[str, Any]:
    """The chart's own Vega-Lite JSON at a fixed size.

    Converted as a non-top-level chart so that whatever Altair theme the process has
    enabled is not merged in: the house config added when the draft is finished is the only
    styling. All data is inline, so nothing is lost by skipping Altair's top-level datasets.
    Schema validation (a third of the spec-building time) is left to the tests, which validate
    every shipped chart's spec against the Vega-Lite schema.
    """
    body = chart.properties(width=width, height=height).to_dict(validate=False, context={"top_level": False})
    return {"$schema": alt.SCHEMA_URL, **body}


def bar_colours(house: House, n: int) -> list[str]:
    """Series colours for bars, skipping the accent: the accent is kept for right-axis lines."""
    accent = colour(house, "accent", "")
    pool = [c for c in palette(house) if c.lower() != accent.lower()] or palette(house) or ["#000000"]
    return [pool[i % len(pool)] for i in range(n)]


def line_colours(house: House, n: int) -> list[str]:
    """Series colours for lines: the whole palette, in order."""
    pool = palette(house) or ["#000000"]
    return [pool[i % len(pool)] for i in range(n)]


def top_legend(frame: Frame, names: list[str], **style: Any) -> alt.Legend:
    """A legend across the top, broken into columns when the names would not fit in one row."""
    rhs = frame.spec.rhs.label or "" if frame.spec.rhs else ""
    need = sum(CHAR_PX * len(n) + SYMBOL_PX for n in [*names, *([rhs] if rhs else [])])
    if need <= frame.size[0]:
        return alt.Legend(**style)
    columns = max(1, int(frame.size[0] // (CHAR_PX * max(map(len, names)) + SYMBOL_PX)))
    return alt.Legend(columns=columns, **style)


def period_x(labels: list[str]) -> alt.X:
    """The periods along the bottom, in order, labels level."""
    return alt.X("period:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0))


def left_axis(numbers: Numbers, ticks: list[float] | None, values: Iterable[float]) -> alt.Axis:
    """Left axis titled with the unit ('US$ bn'); explicit ticks when a right axis shares the plot."""
    if ticks is None:
        fmt = numbers.axis_format(numbers.tick_unit(values))
        return alt.Axis(title=numbers.title, format=fmt, orient="left", tickCount=5)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else numbers.tick_unit(values)
    return alt.Axis(title=numbers.title, format=numbers.axis_format(step), orient="left", values=ticks)


def labels_above(rows: list[Row], x: alt.X, y_scale: alt.Scale) -> alt.Chart:
    """Value labels just above the bars (rows carry 'value' and the printed 'label')."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(baseline="bottom", dy=-2)
        .encode(x=x, y=alt.Y("value:Q", scale=y_scale), text="label:N")
    )


def value_labels(base: alt.Chart, y_scale: alt.Scale, negatives: bool) -> list[alt.Chart]:
    """Labels above positive bars, and below negative ones when there are any."""
    y = alt.Y("value:Q", scale=y_scale)
    if not negatives:
        return [base.mark_text(baseline="bottom", dy=-2).encode(y=y, text="label:N")]
    up = base.transform_filter("datum.value >= 0").mark_text(baseline="bottom", dy=-2)
    down = base.transform_filter("datum.value < 0").mark_text(baseline="top", dy=2)
    return [up.encode(y=y, text="label:N"), down.encode(y=y, text="label:N")]
