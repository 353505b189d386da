"""Bridge -> the note's exhibits: a table of each listing's target move by driver, and a waterfall.

Both are declared like any exhibit (a table of ``kind: bridge``, a waterfall chart of
``data: bridge``) and placed by the section plan, but they print only when the note is
compared with a previous version and a target moved; otherwise the section goes on
without them and the figure numbers close up (an initiation has nothing to bridge).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

import altair as alt

from reportgen.compare.bridge import Bridge
from reportgen.exhibits.charts.build import WRAP, Chart, render_svg
from reportgen.exhibits.charts.theme import chart_config, colour, palette
from reportgen.exhibits.formatting import fmt_money
from reportgen.exhibits.table import Cell, Column, Row, Table, TableInputs
from reportgen.inputs.schema import ChartSpec, CompanyFile, House, TableSpec
from reportgen.registry import TABLE_KINDS

#: Bridge steps print to the cent: the drivers of a few dollars' move are often cents apart.
DECIMALS = 2
SIZE = (620, 230)


def bridge_keys(tables: Mapping[str, TableSpec], charts: Mapping[str, ChartSpec]) -> frozenset[str]:
    """Keys of the declared bridge exhibits."""
    return frozenset(
        [
            *(k for k, s in tables.items() if s.kind == "bridge"),
            *(k for k, s in charts.items() if s.data == "bridge"),
        ]
    )


def shows(bridge: Bridge | None) -> bool:
    """A bridge is printed only when there is one and a target moved."""
    return bridge is not None and bridge.moved


@TABLE_KINDS.register("bridge")
def bridge_exhibit(key: str, spec: TableSpec, inputs: TableInputs) -> Table | None:
    """The bridge table, when the note is compared with a version whose target differs."""
    bridge = inputs.bridge
    if bridge is None or not shows(bridge):
        return None
    return build_bridge_table(key, spec, bridge, inputs.company)


def build_bridge_table(key: str, spec: TableSpec, bridge: Bridge, company: CompanyFile) -> Table:
    """Rows: previous target, one per driver, rounding, new target; a column per listing."""
    listings = [lb for lb in bridge.listings if lb.listing is not None]
    cols = tuple(
        Column(f"{lb.listing.security} ({lb.listing.symbol})", kind="num", decimals=DECIMALS)
        for lb in listings
        if lb.listing is not None
    )
    rows: list[Row] = [Row("Previous target", tuple(lb.old_target for lb in listings), decimals=DECIMALS)]
    for i, step in enumerate(listings[0].steps if listings else ()):
        cells: tuple[Cell, ...] = tuple(lb.steps[i].amount for lb in listings)
        rows.append(Row(step.label, cells, decimals=DECIMALS, style=("indent1",)))
    rows.append(
        Row("New target", tuple(lb.new_target for lb in listings), decimals=DECIMALS, style=("total",))
    )
    notes = (
        "Each driver's step is its Shapley value: its effect on the unrounded target averaged over "
        "every order in which the changes could be made, so the steps do not depend on an order "
        "and add up to the move. Rounding to the listing's target step is shown on its own.",
        *spec.notes,
    )
    return Table(key, spec.title, "", cols, tuple(rows), spec.source or "", notes, stub="Per listed unit")


def build_bridge_chart(
    key: str, spec: ChartSpec, bridge: Bridge, company: CompanyFile, house: House
) -> Chart:
    """A waterfall of the lead listing's target: previous, one bar per driver, new."""
    lb = next(b for b in bridge.listings if b.listing is not None)
    assert lb.listing is not None
    symbol = lb.listing.symbol
    rows: list[dict[str, object]] = []
    level = lb.old_target
    rows.append(_bar("Previous target", None, level, "total", fmt_money(level, symbol, DECIMALS)))
    for step in lb.steps:
        sign = "+" if step.amount >= 0 else "\u2212"
        label = f"{sign}{fmt_money(abs(step.amount), '', DECIMALS)}"
        rows.append(
            _bar(
                step.label, level, level + step.amount, "increase" if step.amount >= 0 else "decrease", label
            )
        )
        level += step.amount
    rows.append(_bar("New target", None, lb.new_target, "total", fmt_money(lb.new_target, symbol, DECIMALS)))
    body = _waterfall(rows, house, f"{symbol} per {lb.listing.security}")
    moves = "; ".join(f"{r['item']} {r['label']}" for r in rows[1:-1])
    alt_text = (
        f"Waterfall of the {lb.listing.ticker} target ({symbol} per {lb.listing.security}) from the "
        f"previous {fmt_money(lb.old_target, symbol, DECIMALS)}: {moves}; "
        f"to the new {fmt_money(lb.new_target, symbol, DECIMALS)}."
    )
    full = {**body, "description": alt_text, "usermeta": {"key": key}, "config": chart_config(house)}
    source = f"Source: {spec.source}" if spec.source else ""
    return Chart(key, spec.title, alt_text, full, render_svg(full), spec.width, source)


def _bar(item: str, start: float | None, end: float, kind: str, label: str) -> dict[str, object]:
    """A bar from ``start`` (None: from the axis floor, a total) to ``end``."""
    return {"item": item, "start": start, "end": end, "kind": kind, "label": label}


def _waterfall(rows: list[dict[str, object]], house: House, title: str) -> dict[str, object]:
    """The waterfall's Vega-Lite JSON. Totals rise from the axis floor, not from zero: a
    target's move is a few percent of it, and from zero every step would be a sliver."""
    levels = [float(v) for r in rows for v in (r["start"], r["end"]) if isinstance(v, int | float)]
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.25, abs(high) * 0.01)
    floor = low - pad
    for r in rows:
        if r["start"] is None:
            r["start"] = floor
        r["top"] = max(float(r["start"]), float(r["end"]))  # type: ignore[arg-type]
    order = [str(r["item"]) for r in rows]
    wrapped = {name: textwrap.wrap(name, WRAP) or [name] for name in order}
    x = alt.X(
        "item:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelAngle=0, labelExpr=f"{json.dumps(wrapped, sort_keys=True)}[datum.label]"),
    )
    y_scale = alt.Scale(domain=[floor, high + pad], zero=False, nice=False)
    bars_pool = [c for c in palette(house) if c.lower() != colour(house, "accent", "").lower()] or ["#000000"]
    kinds = alt.Scale(
        domain=["total", "increase", "decrease"],
        range=[
            colour(house, "series1", "#000000"),
            bars_pool[1 % len(bars_pool)],
            colour(house, "accent", "#000000"),
        ],
    )
    base = alt.Chart(alt.Data(values=rows)).encode(x=x)
    bars = base.mark_bar(clip=True).encode(
        y=alt.Y("start:Q", scale=y_scale, axis=alt.Axis(title=title, tickCount=5, format=",.0f")),
        y2="end:Q",
        color=alt.Color("kind:N", scale=kinds, legend=None),
    )
    labels = base.mark_text(baseline="bottom", dy=-2).encode(y=alt.Y("top:Q", scale=y_scale), text="label:N")
    chart = alt.layer(bars, labels).properties(width=SIZE[0], height=SIZE[1])
    return {"$schema": alt.SCHEMA_URL, **chart.to_dict(context={"top_level": False})}
