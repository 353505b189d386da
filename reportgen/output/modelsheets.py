"""The model's sheets: one per timeline, one more per scenario that changes it, and the conversions.

A timeline sheet has the periods as columns (labelled FY27E, with a row marking each actual or
estimate) and one row per line in model.yaml's order: label, unit, key, definition, then a cell
per period. Typed values are blue inputs; every derived period is a formula
(:mod:`reportgen.output.formulas`). A growth line has a row of growth rates under it, a ratio
with rates by period a row of rates, so what the analyst typed sits in cells beside what it
drives. Each line's row is a defined name (its key; see :func:`~reportgen.output.formulas.excel_name`).

Scenarios get a sheet of their own per timeline they change (``fy (bull)``), rather than one set of
sheets with a case selector: a scenario may change how a line is defined (growth in the base case,
a share of the market in another), which a selector could only express as a CHOOSE over different
formulas in every such cell; separate sheets keep each case's formulas plain, show every case at
once (as the note's scenario tables do) and need no recalculation to compare them. On a case sheet
only what the scenario changes is typed; every other input links to the base sheet's cell (green),
so a change to a shared assumption flows through every case.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from xlsxwriter.worksheet import Worksheet

from reportgen.inputs.periods import Period, Timeline
from reportgen.inputs.schema import CompanyFile, ModelFile
from reportgen.model.engine import Case, CompiledModel, LineDef, ModelRun
from reportgen.output.formulas import (
    SCALE_WORDS,
    LineGrid,
    UntranslatableError,
    cell,
    excel_name,
    fx_name,
    growth_formula,
    ratio_formula,
    scale_name,
    scales_used,
    sum_formula,
    translate_formula,
)
from reportgen.output.xlsxbook import PERCENT_FORMAT, Book, NumberFormat, unit_format

#: Columns of a model sheet before the periods.
LABEL, UNIT, KEY, DEFINITION, FIRST_PERIOD = 0, 1, 2, 3, 4
HEADER_ROW, MARK_ROW, FIRST_LINE_ROW = 3, 4, 5
SCALE_LABELS = {"1": "unit (1)", "K": "thousand (k)", "MN": "million (mn)", "BN": "billion (bn)"}


@dataclass
class ModelSheets:
    """Where every line's period sits: (case, key, period) -> (sheet, row, col)."""

    base: str
    cells: dict[tuple[str, str, Period], tuple[str, int, int]] = field(default_factory=dict)
    #: Typed cells: (kind, case, key, period) -> (sheet, row, col); kind is line, growth or rate.
    inputs: dict[tuple[str, str, str, Period], tuple[str, int, int]] = field(default_factory=dict)
    #: Sheet names by (timeline key, case key), in the order they were written.
    sheets: dict[tuple[str, str], str] = field(default_factory=dict)

    def ref(self, key: str, period: Period, case: str | None = None) -> str:
        """Absolute reference, with its sheet, of a line's period (the base case by default)."""
        sheet, row, col = self.cells[(case or self.base, key, period)]
        return cell(row, col, sheet=sheet, absolute=True)

    def has(self, key: str, period: Period, case: str | None = None) -> bool:
        return (case or self.base, key, period) in self.cells


def write_conversions(book: Book, ws: Worksheet, company: CompanyFile, scales: Iterable[float]) -> None:
    """FX rates (reporting currency per unit, named FX_USD) and scales (SCALE_BN = 10^9)."""
    book.text(ws, 0, 0, "Conversions", "title")
    book.text(ws, 1, 0, "Named cells every convert() and fx() in the model reads.", "subtitle")
    book.text(ws, 3, 0, "Currency", "header_left")
    book.text(ws, 3, 1, f"{company.company.reporting_currency} per unit", "header")
    book.text(ws, 3, 2, "Name", "header")
    row = 4
    reporting = company.company.reporting_currency
    for currency in company.currencies:
        rate = company.fx_rate(currency)
        book.text(ws, row, 0, currency + (" (reporting currency)" if currency == reporting else ""))
        fmt = NumberFormat("0.0000", 4)
        book.number(ws, row, 1, rate, ("fx", currency), fmt, "label" if currency == reporting else "input")
        book.text(
            ws, row, 2, book.define(fx_name(currency), cell(row, 1, sheet=ws.name, absolute=True)), "muted"
        )
        row += 1
    row += 1
    book.text(ws, row, 0, "Scale", "header_left")
    book.text(ws, row, 1, "Value", "header")
    book.text(ws, row, 2, "Name", "header")
    row += 1
    for scale in sorted(set(SCALE_WORDS) | set(scales)):
        name = scale_name(scale)
        book.text(
            ws, row, 0, SCALE_LABELS.get(name.removeprefix("SCALE_"), name.removeprefix("SCALE_").lower())
        )
        book.number(ws, row, 1, scale, ("scale", scale), NumberFormat("#,##0.########", 8), "label")
        book.text(ws, row, 2, book.define(name, cell(row, 1, sheet=ws.name, absolute=True)), "muted")
        row += 1
    ws.set_column(0, 0, 28)
    ws.set_column(1, 2, 18)


def model_scales(compiled: CompiledModel) -> set[float]:
    """Every scale the model's conversions name, across all cases."""
    found: set[float] = set()
    for case in compiled.cases:
        units = {k: d.unit for k, d in case.defs.items()}
        for d in case.defs.values():
            if d.formula is not None:
                found |= scales_used(d.formula, units)
    return found


def write_model_sheets(
    book: Book, model: ModelFile, compiled: CompiledModel, run: ModelRun, company: CompanyFile
) -> ModelSheets:
    """Every timeline's base sheet, then each scenario's sheets for the timelines it changes."""
    base = compiled.cases[0]
    out = ModelSheets(base.key)
    overrides = {s.key: set(s.lines) for s in model.scenarios}
    for tl in compiled.timelines.values():
        _write_sheet(book, out, tl.key, base, base, run, company, tl.key)
    for case in compiled.cases[1:]:
        changed = overrides.get(case.key, set())
        for tl in compiled.timelines.values():
            if any(case.defs[k].timeline.key == tl.key for k in changed if k in case.defs):
                try:
                    _write_sheet(book, out, tl.key, case, base, run, company, f"{tl.key} ({case.key})")
                except UntranslatableError as exc:
                    exc.case = case.key  # named at the scenario when it wrote the formula
                    raise
    return out


def _definition(d: LineDef) -> str:
    if d.growth:
        text = "growth: previous period x (1 + growth below)"
    elif d.ratio_of:
        text = f"ratio: {d.ratio_of} x {d.rate_line or 'rate below'}"
    elif d.children:
        text = "sum: " + " + ".join(d.children)
    elif d.formula is not None:
        text = "formula: " + d.formula.text
    else:
        return "input"
    typed = [d.timeline.label(p) for p in d.timeline.periods if p in d.values]
    return text + (f" (typed: {', '.join(typed)})" if typed else "")


def _write_sheet(
    book: Book,
    out: ModelSheets,
    tl_key: str,
    case: Case,
    base: Case,
    run: ModelRun,
    company: CompanyFile,
    title: str,
) -> None:
    tl: Timeline = run.timelines[tl_key]
    ws = book.sheet(title)
    out.sheets[(tl_key, case.key)] = ws.name
    periods = tl.periods
    keys = [k for k, d in case.defs.items() if d.timeline.key == tl_key]
    book.text(
        ws, 0, 0, f"{company.company.name}: {case.label}, timeline '{tl_key}' ({tl.span_label})", "title"
    )
    book.text(
        ws,
        1,
        0,
        "Blue: typed inputs. Black: formulas. Green: links to another sheet. "
        "Empty: the model has no value for the period.",
        "subtitle",
    )
    for col, head in ((LABEL, "Line"), (UNIT, "Unit"), (KEY, "Key"), (DEFINITION, "Definition")):
        book.text(ws, HEADER_ROW, col, head, "header_left")
    for i, p in enumerate(periods):
        actual = tl.is_actual(p)
        book.text(ws, HEADER_ROW, FIRST_PERIOD + i, tl.label(p), "header")
        book.text(
            ws,
            MARK_ROW,
            FIRST_PERIOD + i,
            "Actual" if actual else "Estimate",
            "actual" if actual else "estimate",
        )
    # Rows first: a formula may read a line declared below it.
    rows: dict[str, int] = {}
    extra: dict[str, int] = {}
    row = FIRST_LINE_ROW
    for key in keys:
        d = case.defs[key]
        rows[key] = row
        row += 1
        if d.growth or (d.ratio_of and not d.rate_line):
            extra[key] = row
            row += 1
    scenario = run.cases[case.key]
    grid = LineGrid(
        rows=rows,
        first_col=FIRST_PERIOD,
        units={k: d.unit for k, d in case.defs.items()},
        values={k: scenario.lines[k].values for k in keys},
        per_year=tl.per_year,
        fx_rate=company.fx_rate,
    )
    for key in keys:
        _write_line(book, ws, out, case, base, grid, key, rows[key], extra.get(key))
    last_col = FIRST_PERIOD + len(periods) - 1
    for key in keys:
        target = (
            f"{cell(rows[key], FIRST_PERIOD, sheet=ws.name, absolute=True)}:${_col(last_col)}${rows[key] + 1}"
        )
        prefix = "" if case.key == base.key else f"{case.key}."
        book.define(excel_name(prefix + key), target)
    ws.freeze_panes(FIRST_LINE_ROW, FIRST_PERIOD)
    ws.set_column(LABEL, LABEL, 44)
    ws.set_column(UNIT, UNIT, 16)
    ws.set_column(KEY, KEY, 22)
    ws.set_column(DEFINITION, DEFINITION, 40)
    ws.set_column(FIRST_PERIOD, last_col, 12)


def _col(col: int) -> str:
    return cell(0, col).rstrip("0123456789")


def _write_line(
    book: Book,
    ws: Worksheet,
    out: ModelSheets,
    case: Case,
    base: Case,
    grid: LineGrid,
    key: str,
    row: int,
    extra: int | None,
) -> None:
    d = case.defs[key]
    tl = d.timeline
    fmt = unit_format(d.unit)
    values = grid.values[key]
    book.text(ws, row, LABEL, d.label, "label")
    book.text(ws, row, UNIT, str(d.unit), "muted")
    book.text(ws, row, KEY, key, "muted")
    book.text(ws, row, DEFINITION, _definition(d), "muted")
    bd = base.defs.get(key)
    if extra is not None:
        what = "growth" if d.growth else "rate"
        book.text(ws, extra, LABEL, "growth" if d.growth else f"rate (of {d.ratio_of})", "sublabel")
        book.text(ws, extra, UNIT, "%", "muted")
        rates = d.growth if d.growth else d.rates
        base_rates = (bd.growth if d.growth else bd.rates) if bd is not None else {}
        for i, p in enumerate(tl.periods):
            if p in rates:
                where = (what, case.key, key, p)
                _typed(
                    book,
                    ws,
                    out,
                    case,
                    base,
                    extra,
                    FIRST_PERIOD + i,
                    rates[p],
                    base_rates.get(p),
                    where,
                    PERCENT_FORMAT,
                )
    for i, p in enumerate(tl.periods):
        col = FIRST_PERIOD + i
        value = values[i]
        if math.isnan(value):
            continue
        out.cells[(case.key, key, p)] = (ws.name, row, col)
        meaning = ("line", case.key, key, p)
        if p in d.values:
            base_value = bd.values.get(p) if bd is not None else None
            _typed(book, ws, out, case, base, row, col, d.values[p], base_value, meaning, fmt)
            continue
        book.formula(ws, row, col, _derived(d, grid, i, extra), value, meaning, fmt)


def _typed(
    book: Book,
    ws: Worksheet,
    out: ModelSheets,
    case: Case,
    base: Case,
    row: int,
    col: int,
    value: float,
    base_value: float | None,
    what: tuple[str, str, str, Period],
    fmt: NumberFormat,
) -> None:
    """A typed value; on a case sheet, a link to the base sheet's cell when the case types the same."""
    kind, _, key, period = what
    source = (
        out.inputs.get((kind, base.key, key, period))
        if case.key != base.key and base_value == value
        else None
    )
    if source is not None:
        book.formula(
            ws, row, col, "=" + cell(source[1], source[2], sheet=source[0]), value, what, fmt, "link"
        )
    else:
        book.number(ws, row, col, value, what, fmt)
    out.inputs[(kind, case.key, key, period)] = (ws.name, row, col)


def _derived(d: LineDef, grid: LineGrid, i: int, extra: int | None) -> str:
    """The formula of a derived period, as the engine computes it."""
    row = grid.rows[d.key]
    if d.growth:
        assert extra is not None and i > 0
        return growth_formula(cell(row, grid.first_col + i - 1), cell(extra, grid.first_col + i))
    if d.children:
        return sum_formula(d.key, [grid.ref(c, i) for c in d.children])
    if d.ratio_of:
        rate = grid.ref(d.rate_line, i) if d.rate_line else cell(extra or 0, grid.first_col + i)
        return ratio_formula(grid.ref(d.ratio_of, i), rate)
    assert d.formula is not None
    return translate_formula(d.key, d.formula, i, grid)
