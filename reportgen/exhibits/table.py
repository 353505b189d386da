"""The table model every table builder returns: columns, rows and raw cells, and their captions.

Builders (one module per family of table kinds) fill these; templates only format what is in
the cells. Kept apart from the builders so that each family imports the model, not another family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from reportgen.inputs.datasets import Dataset
from reportgen.inputs.schema import CompanyFile
from reportgen.inputs.units import Unit, UnitError, parse_unit
from reportgen.model.line import Line
from reportgen.model.ratios import NotMeaningful

if TYPE_CHECKING:
    from reportgen.model.engine import ModelRun
    from reportgen.model.valuation import Valuation

Kind = Literal["num", "pct", "multiple", "text"]
Cell = float | NotMeaningful | str


@dataclass(frozen=True)
class Column:
    """A table column; ``actual`` sets reported years apart from estimates.

    ``kind`` set on a column (a CAGR, a multiple) overrides the row's kind for its cells.
    """

    label: str
    actual: bool = False
    group: str = ""
    kind: Kind | None = None
    decimals: int = 0


@dataclass(frozen=True)
class Row:
    """One table row: a label, raw cells and how to print them.

    ``style`` words map to CSS classes: total, subtotal, pct, indent1, indent2, head.
    """

    label: str
    cells: tuple[Cell, ...]
    kind: Kind = "num"
    decimals: int = 0
    style: tuple[str, ...] = ()
    #: Decimals per cell where they differ by cell (a dataset's figures, printed as typed).
    cell_decimals: tuple[int, ...] = ()


@dataclass(frozen=True)
class Table:
    """A numbered exhibit: title, unit, columns, rows, source line and footnotes."""

    key: str
    title: str
    unit: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    source: str
    notes: tuple[str, ...] = field(default=())
    stub: str = ""
    #: (row, column) cells set apart, e.g. a sensitivity grid's base case.
    marks: tuple[tuple[int, int], ...] = field(default=())
    #: The class marked cells carry: "base" (a grid's base case, boxed), "best" (a comparison's best, bold).
    mark_class: str = "base"
    #: Relative column widths (the row label's first), for text tables that wrap; empty: automatic.
    widths: tuple[float, ...] = field(default=())
    #: "evidence" for a dataset's table: headers wrap (long names, units) as its text does.
    css: str = ""

    def marked(self, row: int, column: int) -> bool:
        return (row, column) in self.marks


def unit_label(unit: Unit, company: CompanyFile) -> str:
    """'EUR bn' as printed: '€ bn'; other units as the analyst wrote them."""
    text = str(unit)
    currency = unit.currency
    if currency is None:
        return "" if unit.display else text
    symbol = company.symbol(currency).strip()
    return text.replace(currency, symbol, 1)


def caption_unit(text: str, company: CompanyFile) -> str:
    """A declared caption unit: 'EUR mn' prints as '€ mn'; free text prints as written."""
    try:
        return unit_label(parse_unit(text), company) or text
    except UnitError:
        return text


def default_decimals(unit: Unit) -> int:
    """Per-share figures to the cent, percentages and large money whole, small scales to one place."""
    if unit.per is not None:
        return 2
    return 0


def footnote(line: Line, label: str | None) -> str | None:
    """Why a value is what it is; an analyst's assumption is always said to be one."""
    if line.note:
        return f"{label or line.label}: {line.note}"
    if line.assumed:
        return f"{label or line.label}: analyst's assumption."
    return None


@dataclass(frozen=True)
class TableInputs:
    """What a table builder may read: the model run, its valuation, and what it is compared with.

    ``previous`` is the compared version's model run (revisions tables); ``bridge`` the target
    bridge against it (bridge tables). Either is None when the note has nothing to compare with.
    """

    run: ModelRun
    valuation: Valuation
    company: CompanyFile
    previous: ModelRun | None = None
    #: A ``compare.bridge.Bridge``, typed loosely: compare is a later stage than exhibits, and only
    #: the bridge table's builder (which lives there) reads it.
    bridge: object | None = None
    #: The note's datasets, by key (dataset tables).
    datasets: Mapping[str, Dataset] = field(default_factory=dict)
