"""Valuation -> Table: each method's workings in the layout analysts use, the blend, the grids.

A multiples method prints its parts, the enterprise value of the EV parts, the bridge
and the equity parts; a DCF prints the yearly FCF build, discount factors and PVs, the
terminal value, EV, bridge and equity; a sensitivity prints its grid with the base case
marked. Cells stay raw numbers: templates format them.
"""

from __future__ import annotations

from collections.abc import Callable

from reportgen.exhibits.formatting import fmt_money, fmt_multiple, fmt_num, fmt_pct, step_decimals
from reportgen.exhibits.table import Cell, Column, Row, Table, TableInputs, footnote, unit_label
from reportgen.inputs.schema import CompanyFile, TableSpec
from reportgen.inputs.units import parse_unit
from reportgen.model.dcf import Dcf
from reportgen.model.engine import ModelRun
from reportgen.model.methods import method
from reportgen.model.ratios import NotMeaningful
from reportgen.model.valuation import BridgeValue, MethodValue, PartValue, Sensitivity, Valuation
from reportgen.registry import TABLE_KINDS

NM = NotMeaningful()


@TABLE_KINDS.register("valuation")
def valuation_exhibit(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """A method's workings, or the blend of methods (``spec.method`` picks one)."""
    return valuation_table(key, spec, inputs.valuation, inputs.company, inputs.run)


@TABLE_KINDS.register("sensitivity")
def sensitivity_exhibit(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """A grid of the listing's target over two inputs (``spec.sensitivity`` names it)."""
    assert spec.sensitivity is not None
    return sensitivity_table(key, spec, inputs.valuation.sensitivity(spec.sensitivity), inputs.run)


def valuation_table(key: str, spec: TableSpec, val: Valuation, company: CompanyFile, run: ModelRun) -> Table:
    """The declared method's workings; with no method named, the one method or the blend."""
    if spec.method is not None:
        chosen = val.method(spec.method)
    elif len(val.methods) == 1:
        chosen = val.methods[0]
    else:
        return _blend(key, spec, val, company)
    if chosen.dcf is not None:
        return _dcf(key, spec, val, chosen, chosen.dcf, company)
    return _multiples(key, spec, val, chosen, company, run)


def _listing_notes(val: Valuation, company: CompanyFile) -> list[str]:
    reporting = company.company.reporting_symbol
    notes = []
    for t in val.targets.values():
        lst = t.listing
        fx = (
            ""
            if lst.currency == company.company.reporting_currency
            else f" at {reporting}{company.fx[lst.currency]:g} per {lst.currency}"
        )
        notes.append(
            f"{lst.security} ({lst.ticker}): {lst.shares_per_unit:g} "
            f"share{'s' if lst.shares_per_unit != 1 else ''} per {lst.security}{fx}, "
            f"rounded to the nearest {fmt_money(lst.rounding, lst.symbol, step_decimals(lst.rounding))}: "
            f"target {fmt_money(t.fair_value, lst.symbol, step_decimals(lst.rounding))}."
        )
    return notes


def _bridge_rows(bridge: tuple[BridgeValue, ...], width: int, at: int, equity: float | None) -> list[Row]:
    """Bridge steps: the signed effect in column ``at`` (and per share, share of equity after it)."""
    rows = []
    for b in bridge:
        label = b.display_label
        cells: list[Cell] = ["" for _ in range(width)]
        cells[at] = b.value
        cells[at + 1] = b.per_share
        if equity is not None:
            cells[at + 2] = b.value / equity
        rows.append(Row(label, tuple(cells), "text", style=("bridge",)))
    return rows


def _bridge_notes(bridge: tuple[BridgeValue, ...]) -> list[str]:
    return [f"{b.label}: {b.note}" for b in bridge if b.note]


def _multiples(
    key: str, spec: TableSpec, val: Valuation, m: MethodValue, company: CompanyFile, run: ModelRun
) -> Table:
    """Parts x multiples; EV parts summed and bridged; equity parts added; holding discount."""
    fy = run.lines[m.parts[0].metric_line].timeline.label(val.year)
    reporting = company.company.reporting_symbol
    cols = (
        Column("Method", kind="text"),
        Column(f"{fy} metric", kind="num"),
        Column("Multiple", kind="multiple", decimals=1),
        Column("Value", kind="num"),
        Column(f"Per share ({reporting})", kind="num", decimals=2),
        Column("% of equity", kind="pct"),
    )
    blank = ("", "", "", "", "", "")

    def part_row(p: PartValue) -> Row:
        reg = method(p.method)
        multiple: Cell = fmt_pct(p.multiple, 1) if reg.divides else p.multiple
        return Row(
            p.name,
            (f"{p.method} on {reg.metric}", p.metric, multiple, p.value, p.per_share, p.share),
            "text",
            style=("indent1",),
        )

    rows: list[Row] = []
    ev_parts, eq_parts = m.enterprise_parts, m.equity_parts
    if ev_parts:
        rows.append(Row("Valued on enterprise value", blank, "text", style=("head",)))
        rows += [part_row(p) for p in ev_parts]
        ev_gross = sum(p.value for p in ev_parts)
        rows.append(
            Row(
                "Enterprise value",
                ("", "", "", ev_gross, ev_gross / val.shares * val.per_share_factor, ""),
                "text",
                style=("subtotal",),
            )
        )
        rows += _bridge_rows(m.bridge, len(cols), 3, m.equity_value)
    if eq_parts:
        rows.append(Row("Valued on equity", blank, "text", style=("head",)))
        rows += [part_row(p) for p in eq_parts]
    if m.holding_discount:
        cut = -m.holding_discount * m.gross_value
        rows.append(
            Row(
                f"Holding-company discount ({fmt_pct(m.holding_discount)} of the parts)",
                ("", "", "", cut, cut / val.shares * val.per_share_factor, cut / m.equity_value),
                "text",
            )
        )
    rows.append(Row("Equity value", ("", "", "", m.equity_value, m.per_share, 1.0), "text", style=("total",)))
    rows.append(Row("Diluted shares (mn)", ("", "", "", val.shares, "", ""), "text"))
    notes = [f"Fair value per share: {reporting}{m.per_share:,.2f}."]
    if ev_parts and eq_parts:
        notes.append(
            "EV multiples value the business before its cash and claims, so the bridge applies to them "
            "once; P/E, P/B and P/S values are already equity and are added after it."
        )
    for p in m.parts:
        note = footnote(run.lines[p.metric_line], None)
        if note and note not in notes:
            notes.append(note)
    notes += _bridge_notes(m.bridge)
    if m.weight == 1.0:
        notes += _listing_notes(val, company)
    unit = unit_label(parse_unit(val.unit), company)
    title = spec.title if fy in spec.title else f"{spec.title}, {fy}"
    return Table(key, title, unit, cols, tuple(rows), spec.source or "", (*notes, *spec.notes))


def _dcf(key: str, spec: TableSpec, val: Valuation, m: MethodValue, dcf: Dcf, company: CompanyFile) -> Table:
    """Years across: FCF build, discounting and PV; then the terminal column; then EV to equity."""
    reporting = company.company.reporting_symbol
    cols = (*(Column(y.label) for y in dcf.years), Column("Terminal"))
    n = len(cols)
    last = dcf.years[-1]

    def row(label: str, values: list[Cell], terminal: Cell = "", **kw: object) -> Row:
        return Row(label, (*values, terminal), **kw)  # type: ignore[arg-type]

    def single(
        label: str, value: float, kind: str = "num", decimals: int = 0, style: tuple[str, ...] = ()
    ) -> Row:
        cells: list[Cell] = ["" for _ in range(n)]
        cells[-1] = value
        return Row(label, tuple(cells), kind, decimals, style)  # type: ignore[arg-type]

    rows: list[Row] = []
    ys = dcf.years
    if dcf.built:
        rows += [
            row("EBIT", [y.ebit for y in ys]),
            row("Tax rate", [y.tax_rate for y in ys], kind="pct", decimals=1, style=("pct",)),
            row("NOPAT: EBIT x (1 - tax)", [y.nopat for y in ys]),
            row("Add: depreciation and amortisation", [y.da for y in ys], style=("indent1",)),
            row("Less: capital expenditure", [-y.capex for y in ys], style=("indent1",)),
            row("Less: increase in working capital", [-y.wc_change for y in ys], style=("indent1",)),
        ]
    terminal_fcf: Cell = last.fcf * (1.0 + dcf.growth) if dcf.growth is not None else ""
    rows.append(row("Free cash flow to the firm", [y.fcf for y in ys], terminal_fcf, style=("subtotal",)))
    if any(y.fraction < 1.0 for y in ys):
        rows.append(
            row("Share of the year counted", [y.fraction for y in ys], kind="pct", decimals=0, style=("pct",))
        )
        rows.append(row("Cash flow discounted", [y.counted for y in ys]))
    rows.append(
        row("Discount period (years)", [y.years for y in ys], dcf.terminal_years, kind="num", decimals=2)
    )
    rows.append(row("Discount factor", [y.factor for y in ys], dcf.terminal_factor, kind="num", decimals=3))
    tv_label = (
        f"Terminal value ({fmt_pct(dcf.growth, 1)} growth)"
        if dcf.growth is not None
        else f"Terminal value ({fmt_multiple(dcf.exit_multiple or 0.0)} exit multiple)"
    )
    rows.append(row(tv_label, ["" for _ in ys], dcf.terminal_value))
    rows.append(row("Present value", [y.pv for y in ys], dcf.pv_terminal, style=("subtotal",)))
    rows.append(single("Sum of PV of free cash flow", dcf.pv_fcf, style=("summary-first",)))
    rows.append(single("PV of terminal value", dcf.pv_terminal))
    rows.append(single("Enterprise value", dcf.enterprise_value, style=("subtotal",)))
    for b in m.bridge:
        rows.append(single(b.display_label, b.value))
    rows.append(single("Equity value", m.equity_value, style=("total",)))
    rows.append(single("Diluted shares (mn)", val.shares))
    rows.append(single(f"Equity value per share ({reporting})", m.per_share, decimals=2, style=("total",)))
    w = dcf.wacc
    if w.build is not None:
        wb = w.build
        assert w.cost_of_equity is not None and w.after_tax_cost_of_debt is not None
        wacc_note = (
            f"WACC {fmt_pct(w.rate, 2)} = {fmt_pct(1 - wb.gearing)} x cost of equity "
            f"{fmt_pct(w.cost_of_equity, 2)} (risk-free {_rate(wb.risk_free)} + beta "
            f"{fmt_num(wb.beta, 2)} x equity risk premium {_rate(wb.equity_risk_premium)}) + "
            f"{fmt_pct(wb.gearing)} x after-tax cost of debt {fmt_pct(w.after_tax_cost_of_debt, 2)} "
            f"({_rate(wb.cost_of_debt)} x (1 - {_rate(wb.tax_rate)}))."
        )
    else:
        wacc_note = f"WACC {fmt_pct(w.rate, 1)}, as given."
    if dcf.growth is not None:
        tv_note = (
            f"Terminal value = {last.label} FCF x (1 + {fmt_pct(dcf.growth, 1)}) / "
            f"(WACC {fmt_pct(w.rate, 2)} - {fmt_pct(dcf.growth, 1)})"
        )
    else:
        tv_note = f"Terminal value = {fmt_multiple(dcf.exit_multiple or 0.0)} x {last.label} exit metric"
    when = dcf.valuation_date.strftime("%B %Y")
    timing = (
        "mid-year convention: each year's cash flow is discounted from the middle of the part "
        "of the year counted"
        if dcf.mid_year
        else "each year's cash flow is discounted from the year end"
    )
    notes = [
        wacc_note,
        f"{tv_note}; {fmt_pct(dcf.terminal_share)} of enterprise value.",
        f"Discounted to the end of {when} (the valuation date's month) in whole months; {timing}.",
    ]
    notes += _bridge_notes(m.bridge)
    if m.weight == 1.0:
        notes += _listing_notes(val, company)
    unit = unit_label(parse_unit(val.unit), company)
    return Table(
        key, spec.title, unit, cols, tuple(rows), spec.source or "", (*notes, *spec.notes), stub=unit
    )


def _blend(key: str, spec: TableSpec, val: Valuation, company: CompanyFile) -> Table:
    """Each method's equity value and value per share, its weight and its contribution."""
    reporting = company.company.reporting_symbol
    cols = (
        Column("Equity value", kind="num"),
        Column(f"Per share ({reporting})", kind="num", decimals=2),
        Column("Weight", kind="pct"),
        Column(f"Contribution ({reporting})", kind="num", decimals=2),
    )
    rows = [
        Row(m.label, (m.equity_value, m.per_share, m.weight, m.weight * m.per_share), "text")
        for m in val.methods
    ]
    rows.append(
        Row(
            "Blended fair value",
            (val.equity_value, val.fair_value, 1.0, val.fair_value),
            "text",
            style=("total",),
        )
    )
    unit = unit_label(parse_unit(val.unit), company)
    notes = [*_listing_notes(val, company), *spec.notes]
    return Table(key, spec.title, unit, cols, tuple(rows), spec.source or "", tuple(notes))


def _rate(value: float) -> str:
    """A rate as written: 4.0%, 6.25% (a second decimal only when it is not zero)."""
    two = fmt_pct(value, 2)
    return fmt_pct(value, 1) if two.endswith("0%") else two


def _axis_label(value: float, fmt: str, label: Callable[[int], str]) -> str:
    if fmt == "pct":
        return fmt_pct(value, 1)
    if fmt == "multiple":
        return fmt_multiple(value, 1)
    if fmt == "period":
        return label(int(value))
    return fmt_num(value, 0 if float(value).is_integer() else 2)


def sensitivity_table(key: str, spec: TableSpec, s: Sensitivity, run: ModelRun) -> Table:
    """Rows x columns of the listing's target; the inputs as written are the marked base case."""
    lst = s.listing
    decimals = step_decimals(lst.rounding)
    cols = tuple(
        Column(
            _axis_label(c, s.column_format, run.timeline.label),
            group=s.column_label,
            kind="num",
            decimals=decimals,
        )
        for c in s.column_values
    )
    rows = tuple(
        Row(
            _axis_label(r, s.row_format, run.timeline.label),
            tuple(NM if v is None else v for v in cells),
            "num",
            decimals,
        )
        for r, cells in zip(s.row_values, s.cells, strict=True)
    )
    notes = [
        f"Target price per {lst.security} ({lst.symbol.strip()}), rounded to the nearest "
        f"{fmt_money(lst.rounding, lst.symbol, decimals)}; each cell re-runs the whole valuation."
    ]
    if s.base is not None:
        notes.append("Boxed: the base case, our published target.")
    if any(v is None for cells in s.cells for v in cells):
        notes.append("NM: no finite value (terminal growth at or above WACC, or negative equity).")
    return Table(
        key,
        spec.title,
        lst.symbol.strip(),
        cols,
        rows,
        spec.source or "",
        (*notes, *spec.notes),
        stub=f"{s.row_label} \u2193",
        marks=(s.base,) if s.base is not None else (),
    )
