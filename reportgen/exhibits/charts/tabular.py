"""A dataset as chart rows: the x value of each row, the series it belongs to, and its value.

Datasets come wide (one value column per series: `y: [ours, rival]`) or long (a column naming
the series: `series: vendor`, `y: [share]`); the dataset kinds read both through this one reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportgen.exhibits.charts.frame import Frame
from reportgen.exhibits.formatting import MINUS
from reportgen.inputs.datasets import Column, date_label
from reportgen.inputs.units import Unit, parse_unit


@dataclass(frozen=True)
class Point:
    """One value: at ``x`` (a category, a date), in ``series``, with its printed x label."""

    x: Any
    label: str
    series: str
    value: float
    #: Decimals the figure was typed with (its label prints the same).
    decimals: int = 0


@dataclass(frozen=True)
class Table:
    """A dataset's points for one chart, with the unit of the values and the order of the x values."""

    points: tuple[Point, ...]
    xs: tuple[Any, ...]
    series: tuple[str, ...]
    unit: Unit
    x_column: Column
    value_column: Column


def chart_table(frame: Frame) -> Table:
    """The points the spec asks for, rows with no value left out, x in the dataset's order."""
    ds, spec = frame.dataset, frame.spec
    assert spec.x is not None and spec.y
    x_col, y_col = ds.column(spec.x), ds.column(spec.y[0])
    xi = ds.index(spec.x)
    points: list[Point] = []
    xs: list[Any] = []
    names: list[str] = []
    for r, row in enumerate(ds.rows):
        x = row[xi]
        if x not in xs:
            xs.append(x)
        label = date_label(x, x_col.type)
        if spec.series is not None:
            name = str(row[ds.index(spec.series)])
            pairs = [(name, row[ds.index(spec.y[0])], ds.decimals_at(r, spec.y[0]))]
        else:
            pairs = [(ds.column(y).label, row[ds.index(y)], ds.decimals_at(r, y)) for y in spec.y]
        for name, value, places in pairs:
            if name not in names:
                names.append(name)
            if isinstance(value, int | float):
                points.append(Point(x, label, spec.labels.get(name, name), float(value), places))
    # Percent columns carry '%' and number columns their declared unit; a rank has none.
    unit = y_col.unit if y_col.unit is not None else parse_unit("rank")
    named = tuple(spec.labels.get(n, n) for n in names)
    return Table(tuple(points), tuple(xs), named, unit, x_col, y_col)


def typed(frame: Frame, column: str | None = None) -> Callable[[float, int | None], str]:
    """Values printed as the dataset types them: 12.5% stays 12.5%, 27% stays 27% (a chart label
    or alt text never rounds a source's figure to a different one). Give a point's own decimals
    where it has them; otherwise the column's."""
    ds = frame.dataset
    name = column or frame.spec.y[0]
    col, default = ds.column(name), ds.decimals(name)

    def text(v: float, decimals: int | None = None) -> str:
        d = default if decimals is None else decimals
        if col.type == "percent":
            return f"{v * 100:.{d}f}%".replace("-", MINUS)
        if col.type == "rank":
            return f"{v:.0f}"
        return f"{v:,.{d}f}".replace("-", MINUS)

    return text
