"""A note as a workbook of live formulas (.xlsx): cover, valuation, one sheet per timeline and case.

``reportgen export NOTE --xlsx FILE`` writes it. The sheets, in order:

- **Cover**: the note's title, date, rating, targets (linked to the valuation sheet), analysts,
  and the build's provenance: reportgen's version and a SHA-256 digest of the inputs (the note's
  files and the house files beside them), the same inputs the build keys on.
- **Valuation**: each method's parts, multiples, bridge, equity and value per share, the DCF's cash
  flows, discount factors and terminal value, the blend and each listing's target and rating, all
  formulas over the model sheets (:mod:`reportgen.output.valuesheet`).
- **One sheet per timeline** (``fy``, ``cy``), then one per scenario and timeline it changes
  (``cy (bull)``; :mod:`reportgen.output.modelsheets` says why sheets rather than a case selector).
- **Conversions**: the FX rates and scales every ``convert()`` and ``fx()`` reads, as named cells.

Written with XlsxWriter rather than openpyxl: it writes a formula together with its cached result
(so a viewer that does not calculate, or a reader of cached values, sees the model's numbers, while
Excel and LibreOffice recalculate on opening), it writes the zip with fixed member dates (byte-stable
output), and it is a single pure-Python package without dependencies, kept up by one maintainer
since 2013 with a test suite comparing its files to Excel's own. openpyxl reads as well as writes,
which this job does not need, and cannot store a formula's value.

The workbook is built in memory and refused, before anything is written, when it would pass
``MAX_CELLS`` cells or ``MAX_BYTES`` bytes; it then replaces the file in one rename.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from reportgen._version import __version__
from reportgen.errors import ReportgenError
from reportgen.inputs.sourcemap import format_problem
from reportgen.inputs.yamlsource import load_yaml
from reportgen.note import NOTE_FILES, Assumptions, load_assumptions
from reportgen.output.cache import digest
from reportgen.output.formulas import UntranslatableError
from reportgen.output.modelsheets import model_scales, write_conversions, write_model_sheets
from reportgen.output.publish import protected_inputs
from reportgen.output.state import house_digest, note_digest
from reportgen.output.targetsheet import ValuationCells
from reportgen.output.valuesheet import money_line, write_valuation
from reportgen.output.xlsxbook import (
    INPUT_BLUE,
    LINK_GREEN,
    MAX_BYTES,
    MAX_CELLS,
    PERCENT_FORMAT,
    PRICE_FORMAT,
    Book,
    ExportError,
    Placed,
)
from reportgen.resources import TEMPLATES


@dataclass(frozen=True)
class Exported:
    """A workbook's bytes, and where each value went (sheet, cell, what it stands for)."""

    data: bytes
    placed: tuple[Placed, ...]
    sheets: tuple[str, ...]
    #: Defined names (lower case) -> what they refer to.
    names: dict[str, str]
    digest: str


def input_digest(folder: Path) -> str:
    """SHA-256 of the note's files and the house files beside them (house.yaml, logo, ledger)."""
    return digest("inputs", note_digest(folder), house_digest(folder.parent))


def build_workbook(
    a: Assumptions, *, cached: bool = True, max_cells: int = MAX_CELLS, max_bytes: int = MAX_BYTES
) -> Exported:
    """The workbook of a loaded note, in memory. ``cached=False`` stores 0 as every formula's
    result, so only a recalculation shows the numbers (the tests use it)."""
    book = Book(a.house, cached=cached, max_cells=max_cells)
    cover, valuation = book.sheet("Cover"), book.sheet("Valuation")
    try:
        models = write_model_sheets(book, a.model, a.compiled, a.run, a.company)
    except UntranslatableError as exc:
        raise _located(a, exc) from None
    shares_unit = a.run.lines[a.valuation.shares].unit
    scales = model_scales(a.compiled) | {a.run.lines[money_line(a.valuation)].unit.scale, shares_unit.scale}
    write_conversions(book, book.sheet("Conversions"), a.company, scales)
    cells = write_valuation(book, valuation, models, a.valuation, a.value, a.run, a.company, a.house)
    fingerprint = input_digest(a.folder)
    sheets = [ws.name for ws in book.wb.worksheets()]
    _cover(book, cover, a, cells, fingerprint, sheets)
    cover.activate()
    note = a.company.note
    created = dt.datetime.combine(note.date, dt.time(), tzinfo=dt.UTC)
    properties = {
        "title": note.title,
        "subject": f"{a.company.company.name}: model and valuation",
        "author": ", ".join(x.name for x in a.company.analysts),
        "company": a.house.name,
        "category": note.type,
        "keywords": ", ".join(lst.ticker for lst in a.company.listings),
        "comments": f"Written by reportgen {__version__} from inputs with SHA-256 {fingerprint}",
        "created": created,
    }
    custom = {"reportgen_version": __version__, "input_sha256": fingerprint, "note": a.slug}
    data = book.close(properties, custom)
    if len(data) > max_bytes:
        raise ExportError(
            f"the workbook would take {len(data):,} bytes, more than the {max_bytes:,} one export may "
            "write; shorten the timelines or remove lines the note does not need"
        )
    return Exported(data, tuple(book.placed), tuple(sheets), dict(book.names), fingerprint)


def _located(a: Assumptions, exc: UntranslatableError) -> ReportgenError:
    """The untranslatable formula, named at its place in model.yaml (a scenario's, if it wrote it)."""
    message = f"cannot be written as an Excel formula: '{exc.construct}': {exc.why}; nothing was written"
    loc: tuple[str | int, ...] = ("lines", exc.line, "formula")
    for i, scenario in enumerate(a.model.scenarios):
        override = scenario.lines.get(exc.line)
        if scenario.key == exc.case and override is not None and override.formula is not None:
            loc = ("scenarios", i, "lines", exc.line, "formula")
            message += f" (in scenario '{exc.case}')"
    try:
        _, smap = load_yaml(a.folder / "model.yaml", (a.folder.parent, a.folder))
    except ReportgenError:
        return ExportError(exc.format_message())
    return ExportError(format_problem(smap, loc, message))


def export_note(
    folder: Path, xlsx: Path, *, max_cells: int = MAX_CELLS, max_bytes: int = MAX_BYTES
) -> Exported:
    """Load the note, build its workbook and write it to ``xlsx`` in one rename."""
    _check_target(folder, xlsx)
    exported = build_workbook(load_assumptions(folder), max_cells=max_cells, max_bytes=max_bytes)
    write_file(xlsx, exported.data)
    return exported


def _check_target(folder: Path, xlsx: Path) -> None:
    """A workbook is an output: never inside the assumptions, the templates or the package."""
    if xlsx.suffix.lower() != ".xlsx":
        raise ExportError(f"--xlsx {xlsx}: give a file name ending in .xlsx")
    if xlsx.is_dir():
        raise ExportError(
            f"--xlsx {xlsx} is a folder; give a file name such as {xlsx / (folder.name + '.xlsx')}"
        )
    inputs, _roots = protected_inputs([folder], TEMPLATES)
    real = Path(os.path.realpath(xlsx))
    # The innermost input first: a file in a note folder is named as in the note, not the root.
    for where, what in sorted(inputs.items(), key=lambda item: -len(Path(os.path.realpath(item[0])).parts)):
        inside = Path(os.path.realpath(where))
        if inside == real or inside in real.parents:
            raise ExportError(
                f"--xlsx {xlsx} lies inside the {what} {where}: the workbook is an output; "
                f"write it elsewhere, e.g. build/{folder.name}/{folder.name}.xlsx"
            )


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename: a reader sees the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportgenError(f"cannot write {path}: {exc.strerror or exc}") from None


def _cover(
    book: Book, ws: Worksheet, a: Assumptions, cells: ValuationCells, fingerprint: str, sheets: list[str]
) -> None:
    """Title, date, rating, targets, analysts, provenance, legend and contents."""
    company, note = a.company.company, a.company.note
    book.text(ws, 0, 0, a.house.name, "title")
    book.text(ws, 1, 0, a.house.division, "subtitle")
    book.text(ws, 3, 0, note.title, "title")
    book.text(ws, 4, 0, f"{company.name}: {note.type}", "label")
    row = 5
    book.text(ws, row, 0, "Date")
    book.date(ws, row, 1, note.date, ("note", "date"), "label")
    book.text(ws, row + 1, 0, "Prices as of")
    book.date(ws, row + 1, 1, note.price_date, ("note", "price_date"), "label")
    row += 2
    if company.fictional:
        book.text(ws, row, 0, "Fictional company: every figure is invented for illustration.", "strong")
        row += 1
    if note.illustrative_prices:
        book.text(ws, row, 0, "Prices are illustrative, not market data.", "strong")
        row += 1
    row += 1
    book.text(ws, row, 0, "Rating and targets", "section")
    row += 1
    heads = ("Listing", "Price", "Target", "Upside", "Expected total return", "Rating")
    for col, head in enumerate(heads):
        book.text(ws, row, col, head, "header_left" if col == 0 else "header")
    row += 1
    for lst in a.company.listings:
        refs, t = cells.targets[lst.key], a.value.targets[lst.key]
        book.text(ws, row, 0, f"{lst.ticker} ({lst.exchange}, {lst.currency})")
        for col, name, value, fmt in (
            (1, "price", t.price, PRICE_FORMAT),
            (2, "target", t.fair_value, PRICE_FORMAT),
            (3, "upside", t.upside, PERCENT_FORMAT),
            (4, "etr", t.etr, PERCENT_FORMAT),
        ):
            what = ("target", lst.key, "fair_value" if name == "target" else name)
            book.formula(ws, row, col, "=" + refs[name], value, what, fmt, "link")
        book.formula(ws, row, 5, "=" + refs["rating"], t.rating, ("target", lst.key, "rating"), None, "link")
        row += 1
    book.text(ws, row, 0, f"Fair value per share ({company.reporting_currency})")
    book.formula(
        ws,
        row,
        1,
        "=" + cells.fair_value,
        a.value.fair_value,
        ("valuation", "fair_value"),
        PRICE_FORMAT,
        "link",
    )
    row += 2
    book.text(ws, row, 0, "Analysts", "section")
    row += 1
    for analyst in a.company.analysts:
        book.text(ws, row, 0, f"{analyst.name}, {analyst.title}")
        book.text(ws, row, 1, analyst.email, "muted")
        row += 1
    row += 1
    book.text(ws, row, 0, "Provenance", "section")
    row += 1
    files = [
        *NOTE_FILES,
        *(n for n in ("datasets.yaml", "prices.csv") if (a.folder / n).exists()),
        "../house.yaml",
    ]
    for label, text in (
        ("Written by", f"reportgen {__version__} (reportgen export)"),
        ("Note", a.slug),
        ("Inputs (SHA-256)", fingerprint),
        ("Inputs", ", ".join(files)),
        ("Recalculation", "every formula recalculates on opening; cached results are the model's values"),
    ):
        book.text(ws, row, 0, label)
        book.text(ws, row, 1, text, "muted")
        row += 1
    row += 1
    book.text(ws, row, 0, "Legend", "section")
    row += 1
    for text, role, colour in (
        ("Typed input: change it and the workbook follows", "input", INPUT_BLUE),
        ("Formula over other cells", "formula", "#000000"),
        ("Link to a cell on another sheet", "link", LINK_GREEN),
    ):
        book.text(ws, row, 0, text, role)
        book.text(ws, row, 1, colour, "muted")
        row += 1
    row += 1
    book.text(ws, row, 0, "Sheets", "section")
    row += 1
    for name in sheets:
        book.text(ws, row, 0, name)
        row += 1
    ws.set_column(0, 0, 52)
    ws.set_column(1, 5, 16)
