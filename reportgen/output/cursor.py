"""A cursor down a sheet of labelled values: the valuation sheet's blocks are written with it.

Each ``put`` writes one row, a label and a typed value or a formula, and returns the value's
absolute address so later rows can read it; ``refs`` keeps the addresses every block needs (the
share count and the per-share factor).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsxwriter.worksheet import Worksheet

from reportgen.output.formulas import cell, excel_name, quote_sheet
from reportgen.output.modelsheets import ModelSheets
from reportgen.output.xlsxbook import Book, NumberFormat

#: The label column and the value column of a sheet of labelled values.
LABEL, VALUE = 0, 1


@dataclass
class Cursor:
    """A cursor over the valuation sheet, and the addresses later blocks read."""

    book: Book
    ws: Worksheet
    models: ModelSheets
    row: int = 0
    refs: dict[str, str] = field(default_factory=dict)

    def at(self, row: int, col: int) -> str:
        return cell(row, col, absolute=True)

    def full(self, ref: str) -> str:
        """An address of this sheet as another sheet reads it."""
        return f"{quote_sheet(self.ws.name)}!{ref}"

    def per_share(self, ref: str) -> str:
        """=value / shares x factor: a value in the valuation's unit per share, reporting currency."""
        return f"={ref}/{self.refs['shares']}*{self.refs['factor']}"

    def section(self, title: str) -> None:
        self.row += 1
        self.book.text(self.ws, self.row, LABEL, title, "section")
        self.row += 1

    def put(
        self,
        label: str,
        what: tuple[object, ...],
        fmt: NumberFormat,
        *,
        value: float | None = None,
        formula: str | None = None,
        cached: float = 0.0,
        role: str = "formula",
        name: str | None = None,
    ) -> str:
        """One labelled row: a typed ``value`` or a ``formula``; returns the value cell's address."""
        self.book.text(self.ws, self.row, LABEL, label, "total" if role == "total" else "label")
        if formula is None:
            assert value is not None
            self.book.number(self.ws, self.row, VALUE, value, what, fmt)
        else:
            self.book.formula(self.ws, self.row, VALUE, formula, cached, what, fmt, role)
        ref = self.at(self.row, VALUE)
        if name:
            self.book.define(excel_name(name), cell(self.row, VALUE, sheet=self.ws.name, absolute=True))
        self.row += 1
        return ref
