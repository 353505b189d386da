"""Line tables (model lines over periods) and revisions tables: the rows and columns, as raw numbers.

Templates only format what these functions put in cells; they never compute. Nothing
here knows a company: rows come from exhibits.yaml and values from the model's lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.exhibits.table import (
    Cell,
    Column,
    Row,
    Table,
    TableInputs,
    caption_unit,
    default_decimals,
    footnote,
    unit_label,
)
from reportgen.inputs.periods import Period, Timeline
from reportgen.inputs.schema import CompanyFile, RowSpec, TableSpec
from reportgen.model.engine import ModelRun
from reportgen.model.line import Line
from reportgen.model.ratios import growth, share
from reportgen.registry import TABLE_KINDS


@dataclass(frozen=True)
class _Frame:
    """What every row of one table shares: timeline, periods, summary columns, the case."""

    run: ModelRun
    company: CompanyFile
    tl: Timeline
    periods: tuple[Period, ...]
    cagr: tuple[Period, Period] | None
    total: bool
    case: str | None = None

    def line(self, key: str, case: str | None = None) -> Line:
        return self.run.line(key, case or self.case)


@TABLE_KINDS.register("lines")
def lines_table(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """Model lines over periods: levels, growth, shares, ratios, CAGR and total columns."""
    run, company = inputs.run, inputs.company
    tl = run.timelines[spec.timeline] if spec.timeline else run.timeline
    periods = _periods(tl, spec.periods)
    cagr = (tl.normalise(spec.cagr[0]), tl.normalise(spec.cagr[1])) if spec.cagr else None
    cols = [Column(tl.label(p), actual=tl.is_actual(p)) for p in periods]
    if cagr:
        cols.append(Column(f"{tl.label(cagr[0])}\u2013{tl.label(cagr[1])[-3:]} CAGR", kind="pct"))
    if spec.total:
        cols.append(Column("Total"))
    rows: list[Row] = []
    notes: list[str] = []
    units: set[str] = set()
    cases: list[str | None] = list(spec.scenarios) if spec.scenarios else [None]
    for case in cases:
        if case is not None:
            rows.append(Row(run.cases[case].label, tuple("" for _ in cols), "text", style=("head",)))
        framed = _Frame(run, company, tl, periods, cagr, spec.total, case)
        for row in spec.rows:
            rows += _rows(row, framed)
            if row.line:
                line = framed.line(row.line)
                units.add(unit_label(line.unit, company))
                note = footnote(line, row.label) if spec.line_notes else None
                if note and note not in notes:
                    notes.append(note)
    unit = (
        caption_unit(spec.unit, company)
        if spec.unit is not None
        else (units.pop() if len(units) == 1 else "")
    )
    source = spec.source or ""
    return Table(key, spec.title, unit, tuple(cols), tuple(rows), source, (*notes, *spec.notes), stub=unit)


@TABLE_KINDS.register("revisions")
def revisions_table(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """Old vs new estimates: the previous version's own model run against this one's."""
    return _revisions(key, spec, inputs.run, inputs.company, inputs.previous)


def _periods(tl: Timeline, raw: list[int | str] | None) -> tuple[Period, ...]:
    if raw is None:
        return tuple(p for p in tl.periods if not tl.is_actual(p)) or tl.periods
    return tl.span(tl.normalise(raw[0]), tl.normalise(raw[1]))


def _indent(row: RowSpec) -> tuple[str, ...]:
    return (f"indent{row.indent}",) if row.indent else ()


def _rows(row: RowSpec, f: _Frame) -> list[Row]:
    """A declared row, plus the yoy and share rows it asks for."""
    case = row.scenario
    indent = _indent(row)
    if row.heading is not None:
        return [
            Row(
                row.heading,
                tuple("" for _ in _summary(f, None)) + tuple("" for _ in f.periods),
                "text",
                style=("head",),
            )
        ]
    if row.yoy is not None:
        return [_yoy_row(f.line(row.yoy, case), f, row.label, row.decimals, indent)]
    if row.ratio is not None:
        num, den = f.line(row.ratio[0], case), f.line(row.ratio[1], case)
        cells = tuple(share(num.value(p), den.value(p)) for p in f.periods)
        extra: list[Cell] = []
        if f.cagr:
            extra.append("")
        if f.total:
            extra.append(
                share(
                    num.total_over(f.periods[0], f.periods[-1]), den.total_over(f.periods[0], f.periods[-1])
                )
            )
        label = row.label or f"{num.label} / {den.label}"
        return [Row(label, (*cells, *extra), "pct", row.decimals or 0, ("pct", *indent))]
    if row.price_multiple is not None:
        return [_price_multiple_row(f.line(row.price_multiple, case), f, row)]
    assert row.line is not None
    line = f.line(row.line, case)
    if line.unit.display == "pct":
        level = Row(
            row.label or line.label,
            (*(line.value(p) for p in f.periods), *("" for _ in _summary(f, None))),
            "pct",
            row.decimals or 0,
            ("pct", *indent),
        )
        return [level]
    style = {"total": ("total",), "subtotal": ("subtotal",), "memo": ("memo",)}.get(row.style, indent)
    decimals = row.decimals if row.decimals is not None else default_decimals(line.unit)
    rows = [
        Row(
            row.label or line.label,
            (*(line.value(p) for p in f.periods), *_summary(f, line if row.summary else None)),
            decimals=decimals,
            style=style,
        )
    ]
    if row.with_yoy:
        rows.append(_yoy_row(line, f, None, None, indent))
    if row.with_share:
        whole = f.line(row.with_share, case)
        cells = tuple(line.share_at(p, whole) for p in f.periods)
        shares: list[Cell] = ["" for _ in _summary(f, None)]
        if f.total and shares:
            shares[-1] = share(
                line.total_over(f.periods[0], f.periods[-1]), whole.total_over(f.periods[0], f.periods[-1])
            )
        rows.append(
            Row(
                f"% of {whole.label[:1].lower()}{whole.label[1:]}",
                (*cells, *shares),
                "pct",
                0,
                ("pct", *indent),
            )
        )
    return rows


def _summary(f: _Frame, line: Line | None) -> list[Cell]:
    """CAGR and total cells for a level row ('' for rows that have none)."""
    out: list[Cell] = []
    if f.cagr:
        out.append(line.cagr_ratio(*f.cagr) if line is not None else "")
    if f.total:
        out.append(line.total_over(f.periods[0], f.periods[-1]) if line is not None else "")
    return out


def _yoy_row(line: Line, f: _Frame, label: str | None, decimals: int | None, indent: tuple[str, ...]) -> Row:
    cells = tuple(line.growth_at(p) for p in f.periods)
    return Row(
        label or "yoy growth",
        (*cells, *("" for _ in _summary(f, None))),
        "pct",
        decimals or 0,
        ("pct", *indent),
    )


def _price_multiple_row(line: Line, f: _Frame, row: RowSpec) -> Row:
    """Today's price of the lead listing over a per-unit line (P/E on EPS, P/B on BVPS)."""
    lead = f.company.listings[0]
    currency = line.unit.currency or f.company.company.reporting_currency
    price = lead.price * f.company.fx_rate(lead.currency) / f.company.fx_rate(currency)
    cells = tuple(share(price, line.value(p)) for p in f.periods)
    label = row.label or f"P/E at {lead.symbol}{lead.price:,.2f}"
    return Row(
        label,
        (*cells, *("" for _ in _summary(f, None))),
        "multiple",
        row.decimals if row.decimals is not None else 1,
    )


def _revisions(
    key: str, spec: TableSpec, run: ModelRun, company: CompanyFile, previous: ModelRun | None
) -> Table:
    """Old vs new estimates and the change, per period, for the lines listed.

    Old figures come from running the previous version's own model (never typed). With no
    previous version (a first publication) the Old and Change cells are blank and a note
    says so; a line the previous version lacks, or held in another unit, is blank likewise.
    """
    first = run.lines[spec.lines[0]]
    tl = first.timeline
    periods = _periods(tl, spec.periods)
    cols: list[Column] = []
    for p in periods:
        cols += [
            Column("Old", group=tl.label(p)),
            Column("New", group=tl.label(p)),
            Column("Change", group=tl.label(p), kind="pct", decimals=1),
        ]
    rows: list[Row] = []
    units: set[str] = set()
    notes: list[str] = []
    if previous is None:
        notes.append("No previous version to compare with: these are our first published estimates.")
    for line_key in spec.lines:
        new = run.lines[line_key]
        old = previous.lines.get(line_key) if previous is not None else None
        if previous is not None and (old is None or old.unit != new.unit):
            old = None
            notes.append(f"{new.label}: not comparable with the previous version (new line or new unit).")
        units.add(unit_label(new.unit, company))
        cells: list[Cell] = []
        for p in periods:
            if old is None:
                cells += ["", new.value(p), ""]
            else:
                cells += [old.value(p), new.value(p), growth(new.value(p), old.value(p))]
        rows.append(Row(new.label, tuple(cells), style=("revision",)))
    unit = spec.unit if spec.unit is not None else (units.pop() if len(units) == 1 else "")
    return Table(
        key,
        spec.title,
        unit,
        tuple(cols),
        tuple(rows),
        spec.source or "",
        (*notes, *spec.notes),
        stub=unit,
    )
