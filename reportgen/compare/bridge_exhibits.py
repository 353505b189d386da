"""Bridge -> the note's exhibits: a table of each listing's target move by driver, and a waterfall.

Both are declared like any exhibit (a table of ``kind: bridge``, a waterfall chart of
``data: bridge``) and placed by the section plan, but they print only when the note is
compared with a previous version and a target moved; otherwise the section goes on
without them and the figure numbers close up (an initiation has nothing to bridge).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt

from reportgen.compare.bridge import Bridge
from reportgen.exhibits.charts.build import Chart
from reportgen.exhibits.charts.svg import render_svg
from reportgen.exhibits.charts.theme import chart_config
from reportgen.exhibits.charts.waterfall import levels, steps, total, waterfall
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
    if not isinstance(bridge, Bridge) or not shows(bridge):
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
    """A waterfall of the lead listing's target: previous, one bar per driver, new.

    Drawn by the charts' one waterfall, with what a target's bridge needs: totals rise from
    the axis floor, not from zero (a target's move is a few percent of it, and from zero every
    step would be a sliver), the bars are clipped to that floor, and steps print to the cent.
    """
    lb = next(b for b in bridge.listings if b.listing is not None)
    assert lb.listing is not None
    symbol = lb.listing.symbol
    moves = ((step.label, step.amount, _signed(step.amount)) for step in lb.steps)
    middle, _ = steps(lb.old_target, moves)
    bars = [
        total("Previous target", lb.old_target, fmt_money(lb.old_target, symbol, DECIMALS)),
        *middle,
        total("New target", lb.new_target, fmt_money(lb.new_target, symbol, DECIMALS)),
    ]
    found = levels(bars)
    low, high = min(found), max(found)
    pad = max((high - low) * 0.25, abs(high) * 0.01)
    floor = low - pad
    y_scale = alt.Scale(domain=[floor, high + pad], zero=False, nice=False)
    axis = alt.Axis(title=f"{symbol} per {lb.listing.security}", tickCount=5, format=",.0f")
    body = waterfall(bars, house, y_scale, axis, SIZE, floor=floor, clip=True)
    said = "; ".join(f"{b.item} {b.label}" for b in middle)
    alt_text = (
        f"Waterfall of the {lb.listing.ticker} target ({symbol} per {lb.listing.security}) from the "
        f"previous {fmt_money(lb.old_target, symbol, DECIMALS)}: {said}; "
        f"to the new {fmt_money(lb.new_target, symbol, DECIMALS)}."
    )
    full = {**body, "description": alt_text, "usermeta": {"key": key}, "config": chart_config(house)}
    source = f"Source: {spec.source}" if spec.source else ""
    return Chart(key, spec.title, alt_text, full, render_svg(full), spec.width, source)


def _signed(amount: float) -> str:
    """A driver's step to the cent, its sign always shown (a true minus sign)."""
    sign = "+" if amount >= 0 else "\u2212"
    return f"{sign}{fmt_money(abs(amount), '', DECIMALS)}"
