"""The football_field chart kind: each valuation method's range against today's price and the target.

Its own module because it draws the valuation, not lines over periods: ranges per method on a
value axis sized so the range, price and target labels fit the column. Registers in CHART_KINDS.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from reportgen.exhibits.charts.frame import Drawn, Frame, Row
from reportgen.exhibits.charts.marks import CHAR_PX, bar_colours, vega_spec
from reportgen.exhibits.charts.theme import colour
from reportgen.model.valuation import MethodRange, listing_value
from reportgen.registry import CHART_KINDS


def _football_field(frame: Frame) -> Drawn:
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
    light = bar_colours(frame.house, 3)[-1]
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
    body = vega_spec(chart, width, height)
    listed = "; ".join(
        f"{r.label} {sym}{r.low:,.0f} to {sym}{r.high:,.0f} (base {sym}{r.base:,.0f})" for r in ranges
    )
    alt_text = (
        f"Football field of value per {per} ({sym.strip()}) by method: {listed}; "
        f"price {sym}{lst.price:,.2f}, target {sym}{target.fair_value:,.0f}."
    )
    return body, alt_text


CHART_KINDS.register("football_field", _football_field)
