"""Dataset -> Table: text tables (product lists, price lists, availability) and comparison tables.

A text table prints a dataset's columns as typed: text wraps, numbers align on the right with the
decimals they were typed with, dates print as dates. A comparison table is entities x metrics with
the covered company's row set apart and the best value of each metric column marked.
"""

from __future__ import annotations

import math
from typing import Any

from reportgen.exhibits.table import Column, Kind, Row, Table, TableInputs, caption_unit
from reportgen.inputs.datasets import Dataset, date_label
from reportgen.inputs.schema import TableSpec
from reportgen.registry import TABLE_KINDS

KINDS: dict[str, Kind] = {"number": "num", "percent": "pct", "rank": "num"}


def _header(ds: Dataset, name: str, spec: TableSpec, inputs: TableInputs) -> str:
    """A column's header: its label, with its unit (US$ bn) when the caption does not give one."""
    column = ds.column(name)
    if column.type == "number" and column.unit is not None and not spec.unit:
        return f"{column.label} ({caption_unit(str(column.unit), inputs.company)})"
    return column.label


def _cell(value: Any, kind: str) -> float | str:
    """A number as a float (a missing one as NaN: the table prints n/a, aligned with the figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan if kind in KINDS else ""
    if kind in KINDS:
        return float(value)
    if kind in ("date", "week", "month", "quarter"):
        return date_label(value, kind)
    return str(value)


def dataset_table(key: str, spec: TableSpec, inputs: TableInputs, *, compare: bool) -> Table:
    """The declared columns of the dataset (the first labels the rows), in the dataset's row order."""
    ds = inputs.datasets[str(spec.dataset)]
    shown = spec.columns or [c.key for c in ds.columns]
    stub, values = shown[0], shown[1:]
    columns = tuple(
        Column(
            _header(ds, name, spec, inputs),
            kind=KINDS.get(ds.column(name).type, "text"),
            decimals=ds.decimals(name) if ds.column(name).numeric else 0,
        )
        for name in values
    )
    rows = []
    for r, row in enumerate(ds.rows):
        label = _cell(row[ds.index(stub)], ds.column(stub).type)
        cells = tuple(_cell(row[ds.index(name)], ds.column(name).type) for name in values)
        style = ("highlight",) if str(label) in spec.highlight else ()
        places = tuple(ds.decimals_at(r, name) if ds.column(name).numeric else 0 for name in values)
        rows.append(Row(str(label), cells, kind="text", style=style, cell_decimals=places))
    marks = _best(spec, values, rows) if compare else ()
    notes = [*spec.notes, *ds.notes]
    if ds.symbols:
        notes.append("; ".join(f"{symbol} {meaning}" for symbol, meaning in ds.symbols.items()))
    if marks:
        notes.append("Bold: the best value in each column.")
    return Table(
        key,
        spec.title,
        caption_unit(spec.unit, inputs.company) if spec.unit else "",
        columns,
        tuple(rows),
        ds.source_line,
        tuple(notes),
        stub=ds.column(stub).label,
        marks=marks,
        mark_class="best",
        widths=tuple(spec.widths),
        css="evidence",
    )


def _best(spec: TableSpec, values: list[str], rows: list[Row]) -> tuple[tuple[int, int], ...]:
    """(row, column) of the best value in each column the spec rates, ties all marked."""
    marks = []
    for j, name in enumerate(values):
        if name not in spec.best:
            continue
        numbers = [
            (i, c) for i, r in enumerate(rows) if isinstance(c := r.cells[j], float) and not math.isnan(c)
        ]
        if not numbers:
            continue
        pick = max if spec.best[name] == "max" else min
        best = pick(v for _, v in numbers)
        marks += [(i, j) for i, v in numbers if v == best]
    return tuple(sorted(marks))


@TABLE_KINDS.register("text")
def text_table(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """Text and numbers as typed: product lists, price lists, availability with symbols."""
    return dataset_table(key, spec, inputs, compare=False)


@TABLE_KINDS.register("comparison")
def comparison_table(key: str, spec: TableSpec, inputs: TableInputs) -> Table:
    """Entities x metrics: our company's row set apart, each metric's best value marked."""
    return dataset_table(key, spec, inputs, compare=True)
