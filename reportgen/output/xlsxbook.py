"""The workbook being written: house styles, number formats from units, defined names, bounds.

Every number written is recorded with what it stands for (``what``: a line's period, a part's
value, a listing's target), so tests can compare each cell, after a spreadsheet engine has
recalculated it, with the model's own value. Inputs are typed numbers in blue, formulas black,
links to another sheet green (the usual modelling convention); fonts and colours otherwise
come from the house (house.yaml's ``colours``, the note's typeface).

The workbook is built in memory with XlsxWriter (``in_memory``: every part of the zip is dated
1 January 1980) and its document properties are dated with the note's date, so the same inputs
give the same bytes. Writing more than ``max_cells`` cells is refused as it happens, before
anything reaches the disk.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reportgen.errors import ReportgenError
from reportgen.inputs.schema import House
from reportgen.inputs.units import Unit

#: The note's typeface (templates/assets/fonts); a spreadsheet without it falls back to its default.
FONT = "Inter"
FONT_SIZE = 10
#: Font colours of the modelling convention: typed inputs, formulas, links to another sheet.
INPUT_BLUE = "#0000FF"
FORMULA_BLACK = "#000000"
LINK_GREEN = "#00703C"
#: Excel's limit on a sheet name.
MAX_SHEET_NAME = 31
#: Cells one workbook may hold (the shipped notes need a few thousand).
MAX_CELLS = 250_000
#: Bytes one workbook may take.
MAX_BYTES = 20_000_000

What = tuple[Any, ...]


class ExportError(ReportgenError):
    """A workbook that cannot or may not be written (too large, a bad path): bad input, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class NumberFormat:
    """An Excel number format and the decimals it prints (for comparing printed values)."""

    code: str
    decimals: int
    #: Printed as a percentage: decimals count after the % point, i.e. of value x 100.
    percent: bool = False


PERCENT_FORMAT = NumberFormat("0.0%", 1, percent=True)
MULTIPLE_FORMAT = NumberFormat('0.0"x"', 1)
MONEY_FORMAT = NumberFormat("#,##0", 0)
PRICE_FORMAT = NumberFormat("#,##0.00", 2)
RATIO_FORMAT = NumberFormat("0.0000", 4)
YEARS_FORMAT = NumberFormat("0.00", 2)
COUNT_FORMAT = NumberFormat("#,##0", 0)
DATE_FORMAT = NumberFormat("d mmm yyyy", 0)


def unit_format(unit: Unit) -> NumberFormat:
    """The format a line's unit prints with, as the note prints it: % and x with one decimal,
    bn and tn with one, mn and k with none, per-share and unscaled amounts with two."""
    if unit.display == "pct":
        return PERCENT_FORMAT
    if unit.display == "mult":
        return MULTIPLE_FORMAT
    if unit.scale >= 1e9:
        return NumberFormat("#,##0.0", 1)
    if unit.scale >= 1e3 and unit.scale == int(unit.scale) and len(unit.dims) <= 1:
        return NumberFormat("#,##0", 0)
    return PRICE_FORMAT


@dataclass(frozen=True)
class Placed:
    """One cell the writer filled: where, what it stands for, how it prints, and how it was made."""

    sheet: str
    row: int
    col: int
    what: What
    number_format: NumberFormat | None
    #: 'input' (typed), 'formula', 'link' (a formula that reads another sheet's cell) or 'text'.
    kind: str


@dataclass
class Book:
    """An XlsxWriter workbook with the house's styles and a record of every value cell."""

    house: House
    #: Store the model's values as the formulas' cached results (off: every formula caches 0, so
    #: whatever a reader sees was recalculated).
    cached: bool = True
    max_cells: int = MAX_CELLS
    buffer: io.BytesIO = field(default_factory=io.BytesIO)
    placed: list[Placed] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    cells: int = 0

    def __post_init__(self) -> None:
        self.wb = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            },
        )
        self._formats: dict[tuple[str, str], Format] = {}
        self._sheet_names: set[str] = set()

    # ----------------------------------------------------------------- styles

    def colour(self, name: str, default: str) -> str:
        return self.house.colours.get(name, default)

    def style(self, role: str, number_format: NumberFormat | None = None) -> Format:
        """One shared Format per (role, number format)."""
        code = number_format.code if number_format else ""
        key = (role, code)
        if key not in self._formats:
            props: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE}
            props.update(self._role(role))
            if code:
                props["num_format"] = code
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def _role(self, role: str) -> dict[str, Any]:
        primary, accent = self.colour("primary", "#000000"), self.colour("accent", "#000000")
        muted, rule = self.colour("muted", "#666666"), self.colour("rule", "#CCCCCC")
        roles: dict[str, dict[str, Any]] = {
            "title": {"bold": True, "font_size": 14, "font_color": primary},
            "subtitle": {"italic": True, "font_color": muted},
            "section": {"bold": True, "font_color": primary, "bottom": 1, "bottom_color": accent},
            "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": primary, "align": "center"},
            "header_left": {"bold": True, "font_color": "#FFFFFF", "bg_color": primary},
            "actual": {"italic": True, "font_color": muted, "bg_color": rule, "align": "center"},
            "estimate": {"italic": True, "font_color": muted, "align": "center"},
            "label": {},
            "sublabel": {"indent": 1, "italic": True, "font_color": muted},
            "muted": {"font_color": muted},
            "strong": {"bold": True, "font_color": accent},
            "input": {"font_color": INPUT_BLUE},
            "formula": {"font_color": FORMULA_BLACK},
            "link": {"font_color": LINK_GREEN},
            "total": {"bold": True, "font_color": FORMULA_BLACK, "top": 1, "top_color": rule},
        }
        return roles[role]

    # ----------------------------------------------------------------- sheets and names

    def sheet(self, wanted: str) -> Worksheet:
        """A new sheet named ``wanted``, cut to Excel's 31 characters and made unique."""
        base = wanted[:MAX_SHEET_NAME]
        name, n = base, 2
        while name.lower() in self._sheet_names:
            suffix = f" ~{n}"
            name, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
        self._sheet_names.add(name.lower())
        ws = self.wb.add_worksheet(name)
        ws.hide_gridlines(2)
        return ws

    def define(self, wanted: str, target: str) -> str:
        """A workbook-level defined name for ``target`` (``'fy'!$E$10:$K$10``); made unique
        case-insensitively (Excel's names ignore case) by a numeric suffix."""
        name, n = wanted, 2
        while name.lower() in self.names:
            name, n = f"{wanted}_{n}", n + 1
        self.names[name.lower()] = target
        if self.wb.define_name(name, "=" + target) == -1:  # XlsxWriter refused it (and warned)
            raise ExportError(f"cannot name {target} '{name}' in the workbook")
        return name

    # ----------------------------------------------------------------- cells

    def _count(self) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            raise ExportError(
                f"the workbook would hold more than {self.max_cells:,} cells, the most one export may "
                "write; shorten the timelines or remove lines the note does not need"
            )

    def text(self, ws: Worksheet, row: int, col: int, text: str, role: str = "label") -> None:
        self._count()
        ws.write_string(row, col, text, self.style(role))

    def number(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        value: float,
        what: What,
        number_format: NumberFormat,
        role: str = "input",
    ) -> None:
        """A typed number (an input, blue unless ``role`` says otherwise)."""
        self._count()
        ws.write_number(row, col, value, self.style(role, number_format))
        self.placed.append(Placed(ws.name, row, col, what, number_format, "input"))

    def date(
        self, ws: Worksheet, row: int, col: int, value: dt.date, what: What, role: str = "input"
    ) -> None:
        self._count()
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.style(role, DATE_FORMAT))
        self.placed.append(Placed(ws.name, row, col, what, None, "input"))

    def formula(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        text: str,
        value: float | str,
        what: What,
        number_format: NumberFormat | None,
        role: str = "formula",
    ) -> None:
        """A formula, with the model's value as its cached result when ``cached``."""
        self._count()
        cached: float | str = value if self.cached else (0 if isinstance(value, float | int) else "")
        ws.write_formula(row, col, text, self.style(role, number_format), cached)
        kind = "link" if role == "link" else "formula"
        self.placed.append(Placed(ws.name, row, col, what, number_format, kind))

    def close(self, properties: Mapping[str, Any], custom: Mapping[str, str]) -> bytes:
        """The finished workbook's bytes (document properties fixed by the caller)."""
        self.wb.set_properties(dict(properties))
        for key, value in custom.items():
            self.wb.set_custom_property(key, value)
        self.wb.close()
        return self.buffer.getvalue()
