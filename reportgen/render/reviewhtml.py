"""What makes the HTML twin reviewable in a text diff: stable row ids and each chart's data as rows.

A chart is an image, so a changed figure in a chart is invisible to ``git diff``. Its
numbers are in the Vega-Lite spec; these helpers lift them out as plain tables (printed
in a collapsed ``<details>`` under the figure, hidden in print) and give every table row
an id derived from its label, so a moved number shows as one changed line with its row.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.exhibits.table import Table

_NOT_ID = re.compile(r"[^a-z0-9]+")
#: Decimals kept in a chart-data cell: enough to see any move a chart can draw.
DATA_DECIMALS = 4


@dataclass(frozen=True)
class DataTable:
    """One dataset a chart draws: column names and rows of raw values."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def slug(text: str) -> str:
    """'Adj. EBITA (US$ mn)' -> 'adj-ebita-us-mn'; 'row' when nothing is left."""
    return _NOT_ID.sub("-", text.lower()).strip("-") or "row"


def row_ids(table: Table) -> tuple[str, ...]:
    """An id per row: the table key and the row's label, made unique within the table.

    A label used more than once ('yoy growth' under each line, a line repeated per case)
    is prefixed with the nearest row above it whose label is unique, so ids do not shift
    when a row elsewhere in the table is added or removed.
    """
    labels = [slug(row.label) for row in table.rows]
    repeated = {s for s in labels if labels.count(s) > 1}
    seen: set[str] = set()
    out: list[str] = []
    anchor = ""
    for label in labels:
        candidate = f"{anchor}--{label}" if label in repeated and anchor else label
        unique, n = candidate, 2
        while unique in seen:
            unique, n = f"{candidate}-{n}", n + 1
        seen.add(unique)
        out.append(f"row-{table.key}--{unique}")
        if label not in repeated:
            anchor = label
    return tuple(out)


def _datasets(node: Any) -> Iterator[list[Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        data = node.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("values"), list):
            yield data["values"]
        for key in ("datasets",):
            if isinstance(node.get(key), Mapping):
                yield from (v for v in node[key].values() if isinstance(v, list))
        for value in node.values():
            if isinstance(value, Mapping | list):
                yield from _datasets(value)
    elif isinstance(node, list):
        for item in node:
            yield from _datasets(item)


def _is_axis_rule(values: Sequence[Mapping[str, Any]]) -> bool:
    """A lone zero drawn as a reference line is not data."""
    return len(values) == 1 and len(values[0]) == 1 and next(iter(values[0].values())) == 0


def chart_data(spec: Mapping[str, Any]) -> tuple[DataTable, ...]:
    """Every distinct inline dataset of a Vega-Lite spec, in the order the spec holds them."""
    seen: set[str] = set()
    out: list[DataTable] = []
    for values in _datasets(spec):
        if not values or not all(isinstance(v, Mapping) for v in values) or _is_axis_rule(values):
            continue
        fingerprint = json.dumps(values, sort_keys=True, default=str)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        columns = tuple(dict.fromkeys(k for v in values for k in v))
        rows = tuple(tuple(v.get(c) for c in columns) for v in values)
        out.append(DataTable(columns, rows))
    return tuple(out)


def fmt_data(value: Any) -> str:
    """A chart-data cell: numbers to ``DATA_DECIMALS`` places without trailing zeros, text as is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "n/a"
    text = f"{value:,.{DATA_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", "\u2212")


def review_filters() -> dict[str, Callable[..., Any]]:
    """Template filters for the reviewer's aids (no arithmetic: ids, extraction, printing)."""
    return {"row_ids": row_ids, "chart_data": chart_data, "data_value": fmt_data}
