"""datasets.yaml + CSV files -> Datasets: typed columns of facts beside the model, each with its source.

A deep dive is half evidence: market sizes, shares, leaderboards, price lists, dated usage. Each
dataset is typed once (in a CSV file of the note folder, or inline), read through the one input
reader with its limits, and checked cell by cell: a bad cell is named at ``file:line:col`` with its
column, as a model line's value is. Exhibits and prose read the typed values; nothing is typed twice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.errors import AssumptionsError
from reportgen.inputs.schema import Citation, DatasetsFile, DatasetSpec
from reportgen.inputs.sourcemap import SourceMap, format_problem
from reportgen.inputs.sources import display_path, read_text
from reportgen.inputs.units import Unit, UnitError, parse_unit

#: Rows and columns of one dataset: ten times the longest table of the seed note.
MAX_ROWS = 5_000
MAX_COLUMNS = 40
TEMPORAL = ("date", "week", "month", "quarter")
NUMERIC = ("number", "percent", "rank")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
QUARTER = re.compile(r"([1-4])Q(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?")


@dataclass(frozen=True, order=True)
class CalendarQuarter:
    """A calendar quarter, printed the way the note prints quarters: 1Q26."""

    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.quarter}Q{self.year % 100:02d}"


Value = float | int | str | dt.date | CalendarQuarter | None


@dataclass(frozen=True)
class Column:
    """A dataset column as read: key, type, printed label, unit (numbers) and decimals."""

    key: str
    type: str
    label: str
    unit: Unit | None = None
    decimals: int | None = None

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC

    @property
    def temporal(self) -> bool:
        return self.type in TEMPORAL


@dataclass(frozen=True)
class Dataset:
    """A typed table of facts: columns, rows of values, the row-naming column, the source."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    source: Citation
    key_column: str | None = None
    value_column: str | None = None
    symbols: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: Decimals each numeric column was typed with (the most in any cell), for printing as typed.
    typed_decimals: Mapping[str, int] = field(default_factory=dict)
    #: Where each cell was written (``file:line:col: column: ``), for checks made after loading.
    places: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)
    #: The decimals each numeric cell was typed with (None for other cells): 27% prints 27%,
    #: 12.5% beside it prints 12.5%.
    cell_decimals: tuple[tuple[int | None, ...], ...] = field(default=(), compare=False, repr=False)

    def index(self, column: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == column:
                return i
        raise KeyError(column)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def values(self, column: str) -> list[Value]:
        i = self.index(column)
        return [row[i] for row in self.rows]

    def decimals_at(self, row: int, column: str) -> int:
        """Decimals to print one cell with: the column's declared decimals, else as the cell was typed."""
        declared = self.column(column).decimals
        if declared is not None:
            return declared
        typed = self.cell_decimals[row][self.index(column)] if self.cell_decimals else None
        return typed if typed is not None else self.decimals(column)

    def decimals(self, column: str) -> int:
        """Decimals to print a numeric column with: declared, else as typed."""
        declared = self.column(column).decimals
        return declared if declared is not None else self.typed_decimals.get(column, 0)

    def row(self, name: str) -> tuple[Value, ...] | None:
        """The row whose key column holds ``name``."""
        if self.key_column is None:
            return None
        i = self.index(self.key_column)
        return next((row for row in self.rows if row[i] == name), None)

    @property
    def source_line(self) -> str:
        """'Source: OpenRouter, LLM Rankings (as of 7 May 2026)'."""
        return "Source: " + cite(self.source)


def cite(c: Citation) -> str:
    """A citation as printed: publisher, title, as-of date; our own analysis says so."""
    text = c.publisher + (f", {c.title}" if c.title else "")
    if c.as_of is not None:
        text += f" (as of {c.as_of.day} {MONTHS[c.as_of.month - 1]} {c.as_of.year})"
    return text


def date_label(value: Value, kind: str) -> str:
    """A temporal cell as printed: 7 May 2026, May 26, 1Q26."""
    if isinstance(value, CalendarQuarter):
        return str(value)
    if isinstance(value, dt.date):
        if kind == "month":
            return f"{MONTHS[value.month - 1]} {value.year % 100:02d}"
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- loading


Problem = str


def load_datasets(folder: Path, spec: DatasetsFile, smap: SourceMap) -> dict[str, Dataset]:
    """Every declared dataset, read and typed; raise one AssumptionsError with every problem."""
    problems: list[Problem] = []
    out: dict[str, Dataset] = {}
    for key, ds in spec.datasets.items():
        found = list(_declaration_problems(key, ds))
        if found:
            problems += [format_problem(smap, loc, message) for loc, message in found]
            continue
        columns = _columns(key, ds, smap, problems)
        if columns is None:
            continue
        if ds.file is not None:
            rows, located = _csv_rows(folder, key, ds, columns, smap, problems)
        else:
            rows, located = _inline_rows(key, ds, columns, smap, problems)
        if rows is None:
            continue
        before = len(problems)
        problems += _row_problems(ds, columns, rows, located)
        if len(problems) > before:
            continue
        decimals = {c.key: _typed_decimals(located, i) for i, c in enumerate(columns) if c.numeric}
        out[key] = Dataset(
            key,
            ds.title,
            columns,
            tuple(rows),
            ds.source,
            ds.key,
            ds.value,
            legend(ds),
            tuple(ds.notes),
            decimals,
            tuple(tuple(at for at, _ in row) for row in located),
            tuple(
                tuple(_decimals_of(raw) if c.numeric else None for (_, raw), c in zip(row, cols, strict=True))
                for row in located
                for cols in [columns]
            ),
        )
    if problems:
        raise AssumptionsError(problems)
    return out


def _declaration_problems(key: str, ds: DatasetSpec) -> Iterator[tuple[tuple[Any, ...], str]]:
    loc = ("datasets", key)
    if len(ds.columns) > MAX_COLUMNS:
        yield (*loc, "columns"), f"{len(ds.columns)} columns; at most {MAX_COLUMNS}"
    for name in ("key", "value"):
        column = getattr(ds, name)
        if column is not None and column not in ds.columns:
            yield (*loc, name), f"no column '{column}'; the columns are {', '.join(ds.columns)}"
    if ds.value is not None and ds.value in ds.columns and ds.columns[ds.value].type not in NUMERIC:
        yield (*loc, "value"), f"'{ds.value}' is a {ds.columns[ds.value].type} column; prose quotes numbers"
    if ds.value is not None and ds.key is None:
        yield (*loc, "value"), "a value column needs a key column naming the rows"
    if ds.file is not None:
        path = PurePosixPath(ds.file)
        if path.is_absolute() or ".." in path.parts or "\\" in ds.file:
            yield (*loc, "file"), "give a path inside the note folder, e.g. data/shares.csv"
        elif path.suffix.lower() != ".csv":
            yield (*loc, "file"), "datasets are CSV files (.csv)"
    for name, col in ds.columns.items():
        if col.type == "number" and col.unit is None:
            yield (
                (*loc, "columns", name, "unit"),
                "a number column needs its unit, e.g. 'USD bn' or 'mn users'",
            )
        if col.type != "number" and col.unit is not None:
            yield (*loc, "columns", name, "unit"), f"only number columns take a unit ({name} is {col.type})"


def _columns(
    key: str, ds: DatasetSpec, smap: SourceMap, problems: list[Problem]
) -> tuple[Column, ...] | None:
    out = []
    for name, col in ds.columns.items():
        unit = None
        if col.unit is not None:
            try:
                unit = parse_unit(col.unit)
            except UnitError as exc:
                problems.append(format_problem(smap, ("datasets", key, "columns", name, "unit"), str(exc)))
                return None
        elif col.type == "percent":
            unit = parse_unit("%")
        out.append(Column(name, col.type, col.label or name, unit, col.decimals))
    return tuple(out)


#: (line, column) of each cell, for messages; inline rows carry their YAML location instead.
Located = list[list[tuple[str, str]]]


def _csv_rows(
    folder: Path,
    key: str,
    ds: DatasetSpec,
    columns: tuple[Column, ...],
    smap: SourceMap,
    problems: list[Problem],
) -> tuple[list[tuple[Value, ...]] | None, Located]:
    assert ds.file is not None
    path = folder / ds.file
    try:
        text = read_text(path, (folder,))
    except AssumptionsError as exc:
        problems += [format_problem(smap, ("datasets", key, "file"), p) for p in exc.problems]
        return None, []
    name = display_path(path)
    lines = [
        (n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")
    ]
    if not lines:
        problems.append(f"{name}:1:1: the file has no header row")
        return None, []
    header_no, header = lines[0]
    found = [cell for cell, _ in _fields(header)]
    expected = [c.key for c in columns]
    if found != expected:
        problems.append(
            f"{name}:{header_no}:1: header: columns are {', '.join(found) or 'none'}; datasets.yaml declares "
            f"{', '.join(expected)} (in that order)"
        )
        return None, []
    if len(lines) - 1 > MAX_ROWS:
        problems.append(f"{name}:{lines[MAX_ROWS + 1][0]}:1: more than {MAX_ROWS:,} rows; split the dataset")
        return None, []
    symbols = legend(ds)
    rows: list[tuple[Value, ...]] = []
    located: Located = []
    for number, line in lines[1:]:
        try:
            cells = list(_fields(line))
        except ValueError as exc:
            problems.append(f"{name}:{number}:1: {exc}")
            continue
        if len(cells) != len(columns):
            problems.append(
                f"{name}:{number}:1: row has {len(cells)} cells; the header has {len(columns)} "
                "(quote a cell that holds a comma)"
            )
            continue
        row: list[Value] = []
        where: list[tuple[str, str]] = []
        for (raw, col_no), column in zip(cells, columns, strict=True):
            at = f"{name}:{number}:{col_no}: {column.key}: "
            try:
                row.append(read_cell(raw, column, symbols))
            except ValueError as exc:
                problems.append(at + str(exc))
                row.append(None)
            where.append((at, raw))
        rows.append(tuple(row))
        located.append(where)
    return rows, located


def _inline_rows(
    key: str, ds: DatasetSpec, columns: tuple[Column, ...], smap: SourceMap, problems: list[Problem]
) -> tuple[list[tuple[Value, ...]] | None, Located]:
    assert ds.rows is not None
    if len(ds.rows) > MAX_ROWS:
        problems.append(format_problem(smap, ("datasets", key, "rows"), f"more than {MAX_ROWS:,} rows"))
        return None, []
    symbols = legend(ds)
    rows: list[tuple[Value, ...]] = []
    located: Located = []
    for i, cells in enumerate(ds.rows):
        loc = ("datasets", key, "rows", i)
        if len(cells) != len(columns):
            problems.append(
                format_problem(
                    smap, loc, f"row has {len(cells)} cells; the dataset has {len(columns)} columns"
                )
            )
            continue
        row: list[Value] = []
        where: list[tuple[str, str]] = []
        for j, (raw, column) in enumerate(zip(cells, columns, strict=True)):
            at = f"{smap.where((*loc, j))}: {smap.dotted((*loc, j))} ({column.key}): "
            text = raw.isoformat() if isinstance(raw, dt.date) else "" if raw is None else str(raw)
            try:
                row.append(read_cell(text, column, symbols))
            except ValueError as exc:
                problems.append(at + str(exc))
                row.append(None)
            where.append((at, text))
        rows.append(tuple(row))
        located.append(where)
    return rows, located


def _fields(line: str) -> Iterator[tuple[str, int]]:
    """CSV fields of one line with the 1-based column each starts at; quotes with "" escapes."""
    i, n = 0, len(line)
    while True:
        start = i
        if i < n and line[i] == '"':
            i += 1
            chunk: list[str] = []
            while True:
                end = line.find('"', i)
                if end < 0:
                    raise ValueError(f"a quoted cell (column {start + 1}) is not closed on its line")
                chunk.append(line[i:end])
                if end + 1 < n and line[end + 1] == '"':
                    chunk.append('"')
                    i = end + 2
                    continue
                i = end + 1
                break
            yield "".join(chunk), start + 1
            if i < n and line[i] != ",":
                raise ValueError(f"text after a closing quote at column {i + 1}")
        else:
            end = line.find(",", i)
            end = n if end < 0 else end
            yield line[i:end].strip(), start + 1
            i = end
        if i >= n:
            return
        i += 1  # the comma
        if i == n:
            yield "", i + 1
            return


def legend(ds: DatasetSpec) -> dict[str, str]:
    """A dataset's symbol marks and their meanings, as the symbol cells are checked against."""
    return {m.symbol: m.meaning for m in ds.symbols}


def read_cell(raw: str, column: Column, symbols: Mapping[str, str]) -> Value:
    """One cell's text as its column's type; ValueError says what was expected."""
    text = raw.strip()
    if text == "":
        if column.type in ("category",) or column.temporal or column.type == "rank":
            raise ValueError(f"empty cell; a {column.type} column needs a value in every row")
        return None if column.numeric else ""
    kind = column.type
    if kind in ("category", "text", "period"):
        return text
    if kind == "symbol":
        if symbols and text not in symbols:
            raise ValueError(f"'{text}' is not in the dataset's symbols ({', '.join(symbols)})")
        return text
    if kind == "date" or kind == "week":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date; write it as 2026-05-07") from None
        if kind == "week" and day.weekday() != 0:
            raise ValueError(f"{text} is a {day:%A}; a week is written as the date of its Monday")
        return day
    if kind == "month":
        m = MONTH.fullmatch(text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month; write it as 2026-04")
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    if kind == "quarter":
        q = QUARTER.fullmatch(text)
        if not q:
            raise ValueError(f"'{text}' is not a calendar quarter; write it as 1Q26")
        return CalendarQuarter(2000 + int(q.group(2)), int(q.group(1)))
    if kind == "percent":
        if not text.endswith("%"):
            raise ValueError(f"'{text}' is not a percentage; write it with its sign, e.g. {text}%")
        return _number(text[:-1].strip(), text) / 100
    if kind == "rank":
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"'{text}' is not a rank; ranks are whole numbers from 1")
        return int(text)
    return _number(text, text)


def _number(text: str, shown: str) -> float:
    if not NUMBER.fullmatch(text):
        raise ValueError(f"'{shown}' is not a number")
    value = float(text.replace(",", ""))
    if not math.isfinite(value) or abs(value) >= 1e18:
        raise ValueError(f"{shown} is too large: numbers must stay below 1e+18")
    return value


def _row_problems(
    ds: DatasetSpec, columns: tuple[Column, ...], rows: list[tuple[Value, ...]], located: Located
) -> Iterator[Problem]:
    """Duplicate row names. (Dates out of order are a problem only where a series is drawn over
    them: the dated_series check names the cell.)"""
    if ds.key is not None:
        i = [c.key for c in columns].index(ds.key)
        seen: dict[Value, int] = {}
        for r, row in enumerate(rows):
            if row[i] in seen:
                at, raw = located[r][i]
                yield at + f"'{raw}' names two rows; the {ds.key} column names each row once"
            seen.setdefault(row[i], r)


def _decimals_of(raw: str) -> int:
    """Decimals a cell was typed with: 12.50% has two, 27% none."""
    text = raw.strip().rstrip("%").strip()
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text.lower() else 0


def _typed_decimals(located: Located, i: int) -> int:
    """The most decimals any cell of the column was typed with (12.50% counts two)."""
    return max((_decimals_of(row[i][1]) for row in located), default=0)
