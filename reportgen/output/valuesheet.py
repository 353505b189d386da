"""The valuation sheet: each method's workings, the blend and each listing's target, as formulas.

Everything is read from the model sheets of the base case (the case the note is valued on) and
follows ``reportgen.model.valuation`` and ``reportgen.model.dcf`` step by step: a part's value is
metric x multiple (a yield divides), enterprise values pass through the bridge once, the DCF
discounts each year's free cash flow by whole months from the valuation date, and a target is the
blended fair value per share in the listing's currency and unit, rounded half up to its step. The
multiples, bridge amounts and haircuts, WACC inputs, terminal assumptions, weights, prices and
rating thresholds are typed inputs, so a change to any of them moves the targets as the model would.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from reportgen.inputs.schema import BridgeItem, CompanyFile, House, MethodSpec, ValuationFile
from reportgen.model.engine import ModelRun
from reportgen.model.methods import method
from reportgen.model.valuation import SUBTRACT, BridgeValue, Valuation
from reportgen.output.cursor import LABEL, VALUE, Cursor
from reportgen.output.dcfsheet import write_dcf
from reportgen.output.formulas import fx_name, scale_name
from reportgen.output.modelsheets import ModelSheets
from reportgen.output.targetsheet import ValuationCells, write_blend_and_targets
from reportgen.output.xlsxbook import (
    MULTIPLE_FORMAT,
    PERCENT_FORMAT,
    PRICE_FORMAT,
    RATIO_FORMAT,
    Book,
    NumberFormat,
    unit_format,
)


def write_valuation(
    book: Book,
    ws: Worksheet,
    models: ModelSheets,
    spec: ValuationFile,
    val: Valuation,
    run: ModelRun,
    company: CompanyFile,
    house: House,
) -> ValuationCells:
    """Basis, bridge, each method, the blend and the targets, top to bottom."""
    s = Cursor(book, ws, models)
    lines = run.lines
    shares_line = lines[spec.shares]
    unit = lines[money_line(spec)].unit
    money = unit_format(unit)
    year = shares_line.timeline.label(val.year)
    book.text(ws, 0, LABEL, f"{company.company.name}: valuation on {year} metrics", "title")
    book.text(
        ws,
        1,
        LABEL,
        f"Values in {unit}; per-share values in {company.company.reporting_currency} per share. "
        "Blue: inputs. Black: formulas. Green: links to the model sheets.",
        "subtitle",
    )
    s.row = 2
    s.section("Basis")
    book.text(ws, s.row, LABEL, "Valuation year")
    book.text(ws, s.row, VALUE, year, "muted")
    s.row += 1
    shares = s.put(
        f"Diluted shares ({shares_line.unit})",
        ("valuation", "shares"),
        unit_format(shares_line.unit),
        formula="=" + models.ref(spec.shares, val.year),
        cached=val.shares,
        role="link",
        name="shares",
    )
    factor_text = f"({scale_name(unit.scale)}/{scale_name(shares_line.unit.scale)})"
    if unit.currency:
        factor_text += f"*{fx_name(unit.currency)}"
    factor = s.put(
        f"Per-share factor ({unit} / {shares_line.unit} to {company.company.reporting_currency} per share)",
        ("valuation", "per_share_factor"),
        RATIO_FORMAT,
        formula="=" + factor_text,
        cached=val.per_share_factor,
        name="per_share_factor",
    )
    s.refs["shares"], s.refs["factor"] = shares, factor
    applied = next((m.bridge for m in val.methods if m.bridge), ())
    bridge = _bridge(s, spec.bridge, applied, run, money) if spec.bridge and applied else None
    equities: list[tuple[str, str, MethodSpec]] = []
    for spec_m in spec.methods:
        if spec_m.kind == "dcf":
            weight, equity = write_dcf(s, spec_m, val, run, bridge, money)
        else:
            weight, equity = _multiples(s, spec_m, val, bridge, money)
        equities.append((weight, equity, spec_m))
    return write_blend_and_targets(s, equities, val, company, house, money)


def money_line(spec: ValuationFile) -> str:
    """The line whose unit every value is in (as the valuation picks it)."""
    first = spec.methods[0]
    if first.parts:
        return first.parts[0].metric
    assert first.fcf is not None
    return first.fcf.line or first.fcf.ebit or ""


def _bridge(
    s: Cursor, items: list[BridgeItem], applied: tuple[BridgeValue, ...], run: ModelRun, money: NumberFormat
) -> str:
    """The bridge table; returns the address of its total (what every EV method adds)."""
    s.section("Bridge from enterprise value to equity (applied once to every method that gives EV)")
    heads = ("Item", "Kind", "Amount", "Haircut", "Effect on equity", "Per share")
    for col, head in enumerate(heads):
        s.book.text(s.ws, s.row, col, head, "header_left" if col == 0 else "header")
    s.row += 1
    first = s.row
    values = {b.key: b for b in applied}
    book, ws = s.book, s.ws
    for item in items:
        b, r = values[item.key], s.row
        what = ("bridge", item.key)
        book.text(ws, r, 0, item.label)
        book.text(ws, r, 1, item.kind, "muted")
        if item.line is not None:
            tl = run.lines[item.line].timeline
            period = tl.normalise(item.period) if item.period is not None else tl.last_actual
            assert period is not None  # the valuation read it
            ref = "=" + s.models.ref(item.line, period)
            book.formula(ws, r, 2, ref, b.amount, (*what, "amount"), money, "link")
        else:
            book.number(ws, r, 2, b.amount, (*what, "amount"), money)
        book.number(ws, r, 3, item.discount, (*what, "discount"), PERCENT_FORMAT)
        signed = f"-{s.at(r, 2)}" if item.kind in SUBTRACT else s.at(r, 2)
        effect = f"=IF({signed}>0,{signed}*(1-{s.at(r, 3)}),{signed})"
        book.formula(ws, r, 4, effect, b.value, (*what, "value"), money)
        book.formula(ws, r, 5, s.per_share(s.at(r, 4)), b.per_share, (*what, "per_share"), PRICE_FORMAT)
        s.row += 1
    book.text(ws, s.row, 0, "Bridge, total", "total")
    total = f"=SUM({s.at(first, 4)}:{s.at(s.row - 1, 4)})"
    book.formula(ws, s.row, 4, total, sum(b.value for b in applied), ("bridge_total",), money, "total")
    ref = s.at(s.row, 4)
    s.row += 1
    return ref


def _multiples(
    s: Cursor, spec: MethodSpec, val: Valuation, bridge: str | None, money: NumberFormat
) -> tuple[str, str]:
    """A multiples method: parts, holding discount, EV through the bridge, equity, per share."""
    m = val.method(spec.key)
    book, ws = s.book, s.ws
    s.section(f"{spec.label}: sum of the parts")
    heads = (
        "Part",
        "Method",
        "Basis",
        "Metric line",
        "Metric",
        "Multiple",
        "Value",
        "Per share",
        "Share of equity",
    )
    for col, head in enumerate(heads):
        book.text(ws, s.row, col, head, "header_left" if col == 0 else "header")
    s.row += 1
    rows: list[tuple[int, str]] = []
    for part, pv in zip(spec.parts, m.parts, strict=True):
        r = s.row
        book.text(ws, r, 0, part.name)
        book.text(ws, r, 1, part.method, "muted")
        book.text(ws, r, 2, method(part.method).basis, "muted")
        book.text(ws, r, 3, part.metric, "muted")
        what = ("part", spec.key, part.key)
        book.formula(
            ws, r, 4, "=" + s.models.ref(part.metric, val.year), pv.metric, (*what, "metric"), money, "link"
        )
        mult_fmt = PERCENT_FORMAT if method(part.method).divides else MULTIPLE_FORMAT
        book.number(ws, r, 5, part.multiple, (*what, "multiple"), mult_fmt)
        op = "/" if method(part.method).divides else "*"
        book.formula(ws, r, 6, f"={s.at(r, 4)}{op}{s.at(r, 5)}", pv.value, (*what, "value"), money)
        book.formula(ws, r, 7, s.per_share(s.at(r, 6)), pv.per_share, (*what, "per_share"), PRICE_FORMAT)
        rows.append((r, method(part.method).basis))
        s.row += 1
    hd = s.put(
        "Holding-company discount",
        ("method", spec.key, "holding_discount"),
        PERCENT_FORMAT,
        value=spec.holding_discount,
    )
    keep = f"(1-{hd})"
    ev_rows = [s.at(r, 6) for r, basis in rows if basis == "enterprise"]
    eq_rows = [s.at(r, 6) for r, basis in rows if basis == "equity"]
    parts_ev = sum(p.value for p in m.enterprise_parts)
    parts_eq = sum(p.value for p in m.equity_parts)
    terms: list[str] = []
    if ev_rows:
        ev_sum = s.put(
            "Enterprise-value parts",
            ("method", spec.key, "enterprise_parts"),
            money,
            formula=f"=SUM({','.join(ev_rows)})",
            cached=parts_ev,
        )
        ev = s.put(
            "Enterprise value",
            ("method", spec.key, "enterprise_value"),
            money,
            formula=f"={ev_sum}*{keep}",
            cached=m.enterprise_value or 0.0,
            name=f"ev.{spec.key}",
        )
        terms.append(ev)
        if bridge is not None:
            terms.append(
                s.put(
                    "Bridge to equity",
                    ("bridge_total",),
                    money,
                    formula=f"={bridge}",
                    cached=sum(b.value for b in m.bridge),
                )
            )
    if eq_rows:
        eq = s.put(
            "Equity-value parts, after the discount",
            ("method", spec.key, "equity_parts"),
            money,
            formula=f"=SUM({','.join(eq_rows)})*{keep}",
            cached=parts_eq * (1 - spec.holding_discount),
        )
        terms.append(eq)
    equity = s.put(
        "Equity value",
        ("method", spec.key, "equity_value"),
        money,
        formula="=" + "+".join(terms),
        cached=m.equity_value,
        role="total",
        name=f"equity.{spec.key}",
    )
    s.put(
        "Per share",
        ("method", spec.key, "per_share"),
        PRICE_FORMAT,
        formula=s.per_share(equity),
        cached=m.per_share,
    )
    for (r, _), pv in zip(rows, m.parts, strict=True):
        book.formula(
            ws,
            r,
            8,
            f"={s.at(r, 6)}*{keep}/{equity}",
            pv.share,
            ("part", spec.key, pv.key, "share"),
            PERCENT_FORMAT,
        )
    weight = s.put("Weight in the blend", ("method", spec.key, "weight"), PERCENT_FORMAT, value=spec.weight)
    return weight, equity
