"""The results note's growth chart: each chosen item's growth on the year-ago quarter."""

from __future__ import annotations

from typing import Any

import altair as alt

from reportgen.exhibits.charts.bars import BAR_ROW_HEIGHT
from reportgen.exhibits.charts.build import Chart
from reportgen.exhibits.charts.frame import FULL
from reportgen.exhibits.charts.marks import CHAR_PX
from reportgen.exhibits.charts.svg import render_svg
from reportgen.exhibits.charts.theme import chart_config, colour
from reportgen.inputs.schema import House
from reportgen.results.review import Results

KEY = "results_growth"


def build_growth_chart(results: Results, house: House) -> Chart | None:
    """Horizontal bars of yoy growth, labelled; None when no item asks to be drawn."""
    figures = results.chart_figures
    if not figures:
        return None
    rows: list[dict[str, Any]] = []
    for f in figures:
        value = f.growth
        assert value is not None
        rows.append(
            {"item": f.item.label, "value": value, "label": f"{value * 100:+.0f}%".replace("-", "\u2212")}
        )
    values = [r["value"] for r in rows]
    low, high = min(0.0, *values), max(0.0, *values)
    width = FULL[0]
    room = min(0.3, (CHAR_PX * max(len(r["label"]) for r in rows) + 8) / (0.6 * width))
    pad = (high - low) * room / (1 - 2 * room)
    x = alt.X(
        "value:Q",
        scale=alt.Scale(domain=[low - (pad if low < 0 else 0.0), high + pad], nice=False),
        axis=None,
    )
    order = [r["item"] for r in rows]
    y = alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, grid=False, labelPadding=6))
    base = alt.Chart().encode(x=x, y=y)
    bars = base.mark_bar(color=colour(house, "series1", "#000000"), height={"band": 0.68})
    right = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=4).encode(text="label:N")
    left = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-4).encode(text="label:N")
    zero = (
        alt.Chart(alt.Data(values=[{"value": 0.0}]))
        .mark_rule(color=colour(house, "muted", "#666666"), strokeWidth=0.75)
        .encode(x=alt.X("value:Q"))
    )
    chart = alt.layer(alt.layer(bars, right, left, data=alt.Data(values=rows)), zero)
    body = chart.properties(width=width, height=BAR_ROW_HEIGHT * len(rows)).to_dict(
        context={"top_level": False}
    )
    listed = "; ".join(f"{r['item']} {r['label']}" for r in rows)
    alt_text = f"Horizontal bars of growth on the year-ago quarter in {results.quarter_label}: {listed}."
    spec = {"$schema": alt.SCHEMA_URL, **body}
    spec["description"] = alt_text
    spec["usermeta"] = {"key": KEY}
    spec["config"] = chart_config(house)
    title = f"{results.quarter_label}: revenue growth on the year-ago quarter, by segment"
    source = (
        "Source: company earnings call; growth recomputed from the stated levels where the call gives both"
    )
    return Chart(KEY, title, alt_text, spec, render_svg(spec), "full", source)
