"""`reportgen export`: the note as a workbook of live formulas, checked by a real spreadsheet engine.

The reference is reportgen's own model: the point of the workbook is that Excel agrees with it.
Formula translation is checked on small models worked by hand (tests/factories.py); the shipped
notes are exported, recalculated by LibreOffice (headless, with recalculation on load forced) and
every cell compared with the model's value, first at full precision and then as printed; a changed
input must move the targets exactly as reportgen moves them for the same change in the YAML.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import math
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportgen.inputs.periods import Period
from reportgen.model.dcf import months_until, year_end
from reportgen.model.engine import ModelRun
from reportgen.model.expr import Formula, parse_formula
from reportgen.note import Assumptions, load_assumptions
from reportgen.output.formulas import (
    MAX_FORMULA_CHARS,
    LineGrid,
    UntranslatableError,
    excel_name,
    translate_formula,
)
from reportgen.output.workbook import Exported, build_workbook, export_note
from reportgen.output.xlsxbook import ExportError, Placed
from tests.factories import line, run, tiny_company, tiny_model
from tests.helpers import DEFAULT_NOTE, edit, run_cli

NOTES = sorted(p.name for p in DEFAULT_NOTE.parent.iterdir() if (p / "company.yaml").is_file())
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; `make system` installs libreoffice-calc-nogui",
)
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --------------------------------------------------------------------------- translation, by hand


def grid_of(model_run: ModelRun, keys: list[str]) -> LineGrid:
    """Lines on rows 5, 6, 7... (E5 is the first line's first period), as a sheet lays them out."""
    lines = model_run.lines
    return LineGrid(
        rows={k: 4 + i for i, k in enumerate(keys)},
        first_col=4,
        units={k: v.unit for k, v in lines.items()},
        values={k: v.values for k, v in lines.items()},
        per_year=1,
        fx_rate=tiny_company().fx_rate,
    )


def excel(text: str, model_run: ModelRun, keys: list[str], index: int, key: str = "x") -> str:
    return translate_formula(key, parse_formula(text), index, grid_of(model_run, keys))


@pytest.fixture(scope="module")
def small() -> ModelRun:
    """FY24-FY27 (columns E-H): a = 10, 20, 30, 40; b = 1, 2, 3, 4; c = 5 each year; m in CNY bn."""
    return run(
        tiny_model(
            {
                "a": line("CNY mn", values={2024: 10.0, 2025: 20.0, 2026: 30.0, 2027: 40.0}),
                "b": line("CNY mn", values={2024: 1.0, 2025: 2.0, 2026: 3.0, 2027: 4.0}),
                "c": line("CNY mn", values=5.0),
                "m": line("CNY bn", values=2.0),
                "u": line("USD mn", values=7.0),
            }
        )
    )


@pytest.mark.parametrize(
    ("formula", "index", "expected"),
    [
        ("a - b", 1, "=F5-F6"),  # FY25: 20 - 2 = 18
        ("a - (b - c)", 1, "=F5-(F6-F7)"),  # 20 - (2 - 5) = 23, not 20 - 2 - 5
        ("(a + b) * c", 0, "=(E5+E6)*E7"),  # (10 + 1) x 5 = 55
        ("a / (b * c)", 2, "=G5/(G6*G7)"),  # 30 / 15 = 2
        ("a * b / c", 2, "=G5*G6/G7"),
        ("-(a + b)", 0, "=-(E5+E6)"),
        ("a * -b", 0, "=E5*(-E6)"),
        ("a - 2 * b", 3, "=H5-2*H6"),  # 40 - 8
        ("prev(a)", 2, "=F5"),  # FY26's previous period is FY25
        ("a - prev(a)", 3, "=H5-G5"),
        ("cumsum(a)", 2, "=SUM($E5:G5)"),  # 10 + 20 + 30
        ("cumsum(a - b)", 2, "=(E5-E6)+(F5-F6)+(G5-G6)"),  # 9 + 18 + 27
        ("growth(a)", 1, "=IF(E5>0,F5/E5-1,NA())"),  # 20 / 10 - 1 = 100%
        ("cagr(a, 2)", 3, "=IF(AND(F5>0,H5>0),(H5/F5)^(1/2)-1,NA())"),  # (40/20)^(1/2) - 1
        ('convert(a, "CNY bn")', 0, "=E5*(SCALE_MN/SCALE_BN)"),  # 10 mn = 0.01 bn
        ('convert(m, "CNY mn") + a', 0, "=E8*(SCALE_BN/SCALE_MN)+E5"),
        ('fx(u, "CNY")', 0, "=E9*(FX_USD/FX_CNY)"),  # US$7mn at 7.0 = Rmb49mn
        ('fx(a, "USD") * 2', 0, "=E5*(FX_CNY/FX_USD)*2"),
        ('convert(a, "CNY mn")', 0, "=E5"),  # no conversion, no factor
    ],
)
def test_formulas_translate_as_worked_by_hand(
    small: ModelRun, formula: str, index: int, expected: str
) -> None:
    assert excel(formula, small, ["a", "b", "c", "m", "u"], index) == expected


def test_translated_precedence_computes_what_the_engine_computes(small: ModelRun) -> None:
    """Evaluate the Excel text back with Python's operators (same precedence for + - * / and
    parentheses) after replacing cells by their values: it must equal the engine's value."""
    keys = ["a", "b", "c"]
    values = {
        f"{col}{5 + i}": small.lines[k].values[j] for i, k in enumerate(keys) for j, col in enumerate("EFGH")
    }
    for text in ("a - (b - c)", "(a + b) * c", "a / (b * c)", "-(a + b) * c - -b", "a - b - c", "a / b / c"):
        for index in range(4):
            got = excel(text, small, keys, index).removeprefix("=")
            python = re.sub(r"[A-H][0-9]+", lambda m: repr(values[m.group(0)]), got)
            engine = eval(
                compile(ast.parse(text, mode="eval"), "", "eval"),
                {},
                {k: small.lines[k].values[index] for k in keys},
            )
            assert eval(python) == pytest.approx(engine), (text, got)


def test_a_construct_without_an_excel_form_is_an_error_naming_line_and_construct(small: ModelRun) -> None:
    """A formula tree the translator does not know (here max(), which the language would refuse)
    is an error, never a pasted value."""
    tree = ast.parse("max(a, b) + c", mode="eval").body
    with pytest.raises(UntranslatableError) as info:
        translate_formula(
            "peak", Formula("max(a, b) + c", tree, frozenset("abc")), 0, grid_of(small, ["a", "b", "c"])
        )
    assert info.value.exit_code == 2
    assert info.value.line == "peak" and info.value.construct == "max(a, b)"
    assert "lines.peak" in info.value.format_message() and "max(a, b)" in info.value.format_message()


#: Six line references: a running total of it over a century of quarters needs ~10,000 characters.
EXPRESSION = "flow_in - flow_out + flow_in - flow_out + flow_in - flow_out"


def test_a_running_total_too_long_for_one_excel_formula_is_refused() -> None:
    """cumsum() of an expression over 396 quarters repeats the expression 396 times: past Excel's
    8,192 characters it is refused, naming the line and the construct."""
    q = {"q": {"kind": "quarters", "first": "1Q01", "last": "4Q99", "last_actual": "4Q01"}}
    model = tiny_model(
        {
            "flow_in": line("CNY mn", timeline="q", values=1.0),
            "flow_out": line("CNY mn", timeline="q", values=0.5),
            "cash": line("CNY mn", timeline="q", formula=f"cumsum({EXPRESSION})"),
        },
        timelines=q,
    )
    r = run(model, tiny_company(fiscal_year_end="December"))
    grid = LineGrid(
        rows={"flow_in": 5, "flow_out": 6, "cash": 7},
        first_col=4,
        units={k: v.unit for k, v in r.lines.items()},
        values={k: v.values for k, v in r.lines.items()},
        per_year=4,
        fx_rate=tiny_company().fx_rate,
    )
    formula = parse_formula(f"cumsum({EXPRESSION})")
    four = "+".join(f"({c}6-{c}7+{c}6-{c}7+{c}6-{c}7)" for c in "EFGH")  # 1Q01-4Q01, each summed once
    assert translate_formula("cash", formula, 3, grid) == "=" + four
    with pytest.raises(UntranslatableError) as info:
        translate_formula("cash", formula, 399, grid)
    assert info.value.construct == f"cumsum({EXPRESSION})"
    assert f"{MAX_FORMULA_CHARS:,}" in info.value.why


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("revenue", "revenue"),
        ("a1", "_a1"),
        ("R2C3", "_R2C3"),
        ("r", "_r"),
        ("3x", "_3x"),
        ("cloud-build", "cloud.build"),
        ("FY25", "_FY25"),
        ("true", "_true"),
    ],
)
def test_line_names_never_read_as_cells(key: str, name: str) -> None:
    assert excel_name(key) == name


# --------------------------------------------------------------------------- the workbook's shape


@dataclass(frozen=True)
class Cell:
    formula: str | None
    value: str | None
    type: str
    style: int


def read_xlsx(data: bytes | Path) -> tuple[dict[str, dict[str, Cell]], dict[str, str], dict[str, str]]:
    """Every sheet's cells by reference, the defined names, and each sheet's part name."""
    source = Path(data) if isinstance(data, Path) else io.BytesIO(data)
    with zipfile.ZipFile(source) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{{{M}}}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{M}}}t")))
        sheets: dict[str, dict[str, Cell]] = {}
        parts: dict[str, str] = {}
        for sheet in wb.iter(f"{{{M}}}sheet"):
            target = str(rels[sheet.get(f"{{{R}}}id")])
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[str(sheet.get("name"))] = part
            cells: dict[str, Cell] = {}
            for c in ET.fromstring(z.read(part)).iter(f"{{{M}}}c"):
                f, v = c.find(f"{{{M}}}f"), c.find(f"{{{M}}}v")
                kind = c.get("t", "n")
                value = v.text if v is not None else None
                if kind == "s" and value is not None:
                    value = shared[int(value)]
                cells[str(c.get("r"))] = Cell(
                    f.text if f is not None else None, value, kind, int(c.get("s", "0"))
                )
            sheets[str(sheet.get("name"))] = cells
        names = {str(d.get("name")): str(d.text) for d in wb.iter(f"{{{M}}}definedName")}
    return sheets, names, parts


def ref(p: Placed) -> str:
    col, letters = p.col + 1, ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{p.row + 1}"


@pytest.fixture(scope="module")
def notes() -> dict[str, Assumptions]:
    return {name: load_assumptions(DEFAULT_NOTE.parent / name) for name in NOTES}


@pytest.fixture(scope="module")
def default_book(notes: dict[str, Assumptions]) -> Exported:
    return build_workbook(notes[DEFAULT_NOTE.name])


def test_the_default_note_has_cover_valuation_a_sheet_per_timeline_and_case_and_conversions(
    default_book: Exported,
) -> None:
    assert default_book.sheets == ("Cover", "Valuation", "fy", "cy", "cy (bull)", "cy (bear)", "Conversions")


def test_every_line_of_every_case_has_a_named_row(
    notes: dict[str, Assumptions], default_book: Exported
) -> None:
    a = notes[DEFAULT_NOTE.name]
    _, names, _ = read_xlsx(default_book.data)
    for key, ln in a.run.lines.items():
        target = names[excel_name(key)]
        assert target.startswith(f"'{ln.timeline.key}'!$E$") and target.count(":") == 1, (key, target)
    assert names["bull.token_price"].startswith("'cy (bull)'!")
    for name in (
        "FX_USD",
        "FX_HKD",
        "FX_CNY",
        "SCALE_MN",
        "SCALE_BN",
        "fair_value",
        "target.ads",
        "target.h",
    ):
        assert name in names


def test_inputs_are_typed_numbers_and_derived_periods_formulas(
    notes: dict[str, Assumptions], default_book: Exported
) -> None:
    """maas: typed FY26E, then =prev*(1+g) with the rates typed below; ai_cloud typed FY25A then SUM
    of its children; rev_cloud converts bn to mn through the named scales."""
    sheets, _, _ = read_xlsx(default_book.data)
    where = {p.what: ref(p) for p in default_book.placed if p.sheet == "fy"}
    fy = sheets["fy"]
    maas26, maas27 = fy[where[("line", "base", "maas", 2026)]], fy[where[("line", "base", "maas", 2027)]]
    growth27 = where[("growth", "base", "maas", 2027)]
    maas = notes[DEFAULT_NOTE.name].compiled.cases[0].defs["maas"]
    assert maas26.formula is None and float(maas26.value or "nan") == maas.values[2026]
    assert maas27.formula == f"{where[('line', 'base', 'maas', 2026)]}*(1+{growth27})"
    assert float(fy[growth27].value or "nan") == maas.growth[2027]
    assert fy[where[("line", "base", "ai_cloud", 2025)]].formula is None
    children = ",".join(where[("line", "base", k, 2026)] for k in ("maas", "iaas", "paas"))
    assert fy[where[("line", "base", "ai_cloud", 2026)]].formula == f"SUM({children})"
    cloud = where[("line", "base", "cloud_revenue", 2027)]
    assert fy[where[("line", "base", "rev_cloud", 2027)]].formula == f"{cloud}*(SCALE_BN/SCALE_MN)"
    # FY25 revenue has no cost of revenue in the model: no value, so no cell and no formula.
    assert ("line", "base", "gross_profit", 2025) not in where


def test_a_case_sheet_types_what_the_scenario_changes_and_links_the_rest(
    notes: dict[str, Assumptions], default_book: Exported
) -> None:
    sheets, _, _ = read_xlsx(default_book.data)
    placed = {p.what: p for p in default_book.placed if p.sheet == "cy (bull)"}
    changed = placed[("growth", "bull", "token_consumption", 2026)]
    shared = placed[("line", "bull", "token_consumption", 2024)]
    bull = next(c for c in notes[DEFAULT_NOTE.name].compiled.cases if c.key == "bull")
    typed = bull.defs["token_consumption"].growth[2026]
    assert changed.kind == "input" and float(sheets["cy (bull)"][ref(changed)].value or "nan") == typed
    assert shared.kind == "link" and sheets["cy (bull)"][ref(shared)].formula == "'cy'!E6"


def test_styles_follow_the_convention_and_the_house(
    default_book: Exported, notes: dict[str, Assumptions]
) -> None:
    """Inputs blue, formulas black, links green; headers in the house's primary colour; the note's
    typeface; panes frozen below the header and right of the labels."""
    with zipfile.ZipFile(io.BytesIO(default_book.data)) as z:
        styles = z.read("xl/styles.xml").decode()
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
    primary = notes[DEFAULT_NOTE.name].house.colours["primary"].lstrip("#").upper()
    assert 'rgb="FF0000FF"' in styles and 'rgb="FF00703C"' in styles and f'rgb="FF{primary}"' in styles
    assert '<name val="Inter"/>' in styles and "Calibri" not in styles
    assert '<pane xSplit="4" ySplit="5" topLeftCell="E6" activePane="bottomRight" state="frozen"/>' in sheet


def test_the_cover_carries_title_date_rating_targets_and_provenance(
    notes: dict[str, Assumptions], default_book: Exported
) -> None:
    a = notes[DEFAULT_NOTE.name]
    sheets, _, _ = read_xlsx(default_book.data)
    texts = {c.value for c in sheets["Cover"].values() if c.type == "s"}
    assert a.company.note.title in texts and "reportgen 0.4.0 (reportgen export)" in texts
    assert default_book.digest in texts and len(default_book.digest) == 64
    ratings = [
        c
        for c in sheets["Cover"].values()
        if c.formula and c.formula.startswith("'Valuation'!") and c.type == "str"
    ]
    assert [c.value for c in ratings] == [t.rating for t in a.value.targets.values()]
    with zipfile.ZipFile(io.BytesIO(default_book.data)) as z:
        core, custom = z.read("docProps/core.xml").decode(), z.read("docProps/custom.xml").decode()
    assert f'<dcterms:created xsi:type="dcterms:W3CDTF">{a.company.note.date}T00:00:00Z' in core
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{a.company.note.date}T00:00:00Z' in core
    assert default_book.digest in custom


def test_the_same_inputs_give_the_same_bytes(notes: dict[str, Assumptions], tmp_path: Path) -> None:
    for name in NOTES:
        first, second = tmp_path / f"{name}-1.xlsx", tmp_path / f"{name}-2.xlsx"
        export_note(DEFAULT_NOTE.parent / name, first)
        export_note(DEFAULT_NOTE.parent / name, second)
        assert first.read_bytes() == second.read_bytes(), name
        with zipfile.ZipFile(first) as z:
            assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_every_shipped_note_exports_from_the_command_line(tmp_path: Path) -> None:
    for name in NOTES:
        out = tmp_path / "x" / f"{name}.xlsx"
        result = run_cli("export", str(DEFAULT_NOTE.parent / name), "--xlsx", str(out))
        assert result.exit_code == 0, result.output
        assert out.is_file() and f"wrote {out}" in result.output


def test_a_workbook_past_the_bounds_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "big.xlsx"
    with pytest.raises(ExportError, match="more than 500 cells") as info:
        export_note(DEFAULT_NOTE, out, max_cells=500)
    assert info.value.exit_code == 2
    with pytest.raises(ExportError, match="more than the 10,000 one export may write"):
        export_note(DEFAULT_NOTE, out, max_bytes=10_000)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_writing_the_workbook_into_the_inputs_is_refused() -> None:
    result = run_cli("export", str(DEFAULT_NOTE), "--xlsx", str(DEFAULT_NOTE / "model.xlsx"))
    assert result.exit_code == 2 and "lies inside the note folder" in result.output
    assert not (DEFAULT_NOTE / "model.xlsx").exists()
    assert run_cli("export", str(DEFAULT_NOTE), "--xlsx", "/tmp/book.csv").exit_code == 2


@pytest.mark.parametrize("where", ["base", "scenario"])
def test_an_untranslatable_formula_stops_the_export_naming_its_place(
    note_copy: Path, tmp_path: Path, where: str
) -> None:
    """A running total of an expression over a century of quarters cannot be one Excel formula:
    exit 2, the message names model.yaml's line and column (the scenario's, when a scenario wrote
    the formula) and the construct; no file."""
    model = note_copy / "model.yaml"
    edit(
        model,
        "  cy: {first: 2024, last: 2030, last_actual: 2025, calendar: true}\n",
        "  cy: {first: 2024, last: 2030, last_actual: 2025, calendar: true}\n"
        "  q: {kind: quarters, first: 1Q01, last: 4Q99, last_actual: 4Q01}\n",
    )
    long = f"cumsum({EXPRESSION})"
    edit(
        model,
        "scenarios:\n",
        "  flow_in: {label: In, unit: CNY mn, timeline: q, values: 2}\n"
        "  flow_out: {label: Out, unit: CNY mn, timeline: q, values: 1}\n"
        "  balance: {label: Balance, unit: CNY mn, timeline: q, formula: "
        + (long if where == "base" else "cumsum(flow_in - flow_out)")
        + "}\n\nscenarios:\n",
    )
    if where == "scenario":  # the bull case's overrides gain the long running total
        text = model.read_text(encoding="utf-8")
        at = text.index("    lines:\n", text.index("  - key: bull\n")) + len("    lines:\n")
        model.write_text(text[:at] + f"      balance: {{formula: {long}}}\n" + text[at:], encoding="utf-8")
    out = tmp_path / "out" / "note.xlsx"
    result = run_cli("export", str(note_copy), "--xlsx", str(out))
    assert result.exit_code == 2, result.output
    lines = model.read_text().splitlines()
    row = next(i for i, text in enumerate(lines, 1) if "balance:" in text and long in text)
    col = lines[row - 1].index(long) + 1
    field = "lines.balance.formula" if where == "base" else "scenarios[1].lines.balance.formula"
    assert f"model.yaml:{row}:{col}: {field}: cannot be written as an Excel formula: " in result.output
    assert f"'{long}'" in result.output and "8,192" in result.output
    assert ("(in scenario 'bull')" in result.output) == (where == "scenario")
    assert not out.exists()


# --------------------------------------------------------------------------- recalculated by LibreOffice

#: Recalculate every formula on load, whatever the file says (LibreOffice's default for .xlsx is never).
RECALC_ITEM = (
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="{}" oor:op="fuse"><value>0</value></prop></item>'
)
RECALC_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + RECALC_ITEM.format("OOXMLRecalcMode")
    + RECALC_ITEM.format("ODFRecalcMode")
    + "\n</oor:items>\n"
)


def recalculate(books: list[Path], work: Path) -> dict[str, Path]:
    """Open each workbook in LibreOffice, recalculate everything, save as .xlsx; by stem."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE)
    out = work / "recalculated"
    assert SOFFICE is not None
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    done = subprocess.run(
        [*command, "--convert-to", "xlsx", "--outdir", str(out), *map(str, books)],
        capture_output=True,
        text=True,
        timeout=240,
        env={"HOME": str(work), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    found = {p.stem: out / p.name for p in books if (out / p.name).is_file()}
    assert len(found) == len(books), done.stdout + done.stderr
    return found


def expected(a: Assumptions, what: tuple[Any, ...]) -> float | str:
    """The model's own value for a cell's meaning (``Placed.what``): the reference for every check."""
    val, kind = a.value, what[0]
    serial = lambda d: float((d - dt.date(1899, 12, 30)).days)  # noqa: E731 - Excel's day count
    if kind == "line":
        return a.run.line(what[2], what[1]).value(what[3])
    if kind in ("growth", "rate"):
        case = next(c for c in a.compiled.cases if c.key == what[1])
        d = case.defs[what[2]]
        return (d.growth if kind == "growth" else d.rates)[what[3]]
    if kind == "fx":
        return a.company.fx_rate(what[1])
    if kind == "scale":
        return float(what[1])
    if kind == "valuation":
        return float(getattr(val, what[1]))
    if kind == "bridge":
        item = next(b for m in val.methods for b in m.bridge if b.key == what[1])
        return float(getattr(item, what[2]))
    if kind == "bridge_total":
        return math.fsum(b.value for b in next(m.bridge for m in val.methods if m.bridge))
    if kind == "method":
        m = val.method(what[1])
        if what[2] == "enterprise_parts":
            return math.fsum(p.value for p in m.enterprise_parts)
        if what[2] == "equity_parts":
            return math.fsum(p.value for p in m.equity_parts) * (1 - m.holding_discount)
        return float(getattr(m, what[2]))
    if kind == "part":
        return float(getattr(next(p for p in val.method(what[1]).parts if p.key == what[2]), what[3]))
    if kind == "dcf":
        dcf = val.method(what[1]).dcf
        assert dcf is not None
        field = what[2]
        if field == "build":
            return float(getattr(dcf.wacc.build, what[3]))
        direct = {
            "wacc": dcf.wacc.rate,
            "cost_of_equity": dcf.wacc.cost_of_equity,
            "growth": dcf.growth,
            "after_tax_cost_of_debt": dcf.wacc.after_tax_cost_of_debt,
            "mid_year": float(dcf.mid_year),
            "valuation_date": serial(dcf.valuation_date),
            "exit_multiple": dcf.exit_multiple,
            "exit_metric": dcf.exit_metric,
        }
        return float(direct[field] if field in direct else getattr(dcf, field))  # type: ignore[arg-type]
    if kind == "dcf_year":
        spec = next(s for s in a.valuation.methods if s.key == what[1])
        dcf = val.method(what[1]).dcf
        assert dcf is not None and spec.fcf is not None
        y = next(y for y in dcf.years if y.period == what[2])
        tl = a.run.lines[spec.fcf.line or spec.fcf.ebit or ""].timeline
        end = year_end(y.period, tl)
        if what[3] == "months":
            return float(months_until(dcf.valuation_date, end))
        if what[3] == "year_end":
            return serial(dt.date(end[0] + end[1] // 12, end[1] % 12 + 1, 1) - dt.timedelta(days=1))
        if what[3] in ("wc", "wc_before"):
            period: Period = y.period if what[3] == "wc" else tl.offset(y.period, -1)  # type: ignore[assignment]
            return a.run.lines[spec.fcf.working_capital or ""].value(period)
        return float(getattr(y, what[3]))
    if kind == "target":
        t = val.targets[what[1]]
        if what[2] == "fx":
            return a.company.fx_rate(t.listing.currency)
        if hasattr(t.listing, what[2]) and what[2] != "price":
            return float(getattr(t.listing, what[2]))
        value = getattr(t, what[2])
        return value if isinstance(value, str) else float(value)
    if kind == "rating_band":
        return float(a.house.rating_scheme[what[1]].min_return or 0.0)
    if kind == "company":
        return float(getattr(a.company.company, what[1]))
    if kind == "note":
        return serial(getattr(a.company.note, what[1]))
    raise AssertionError(f"no expectation for {what}")


def printed_unit(p: Placed) -> float:
    """The value of one unit in the last digit the cell prints (0.001 for 12.3%)."""
    fmt = p.number_format
    decimals = fmt.decimals if fmt else 0
    return 10.0**-decimals * (0.01 if fmt and fmt.percent else 1.0)


def compare(a: Assumptions, exported: Exported, recalculated: Path) -> int:
    """Every cell the writer recorded against the model; returns how many were checked."""
    after, _, _ = read_xlsx(recalculated)
    wrong = []
    for p in exported.placed:
        got, want = after[p.sheet][ref(p)], expected(a, p.what)
        if isinstance(want, str):
            ok = got.value == want
        else:
            value = float(got.value) if got.type == "n" and got.value is not None else math.nan
            # Equal to 1e-9 (the arithmetic is the same), so within half a printed digit: a value
            # a hair from a rounding boundary may print either way, in a spreadsheet as anywhere.
            close = math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-9)
            ok = close and abs(value - want) <= printed_unit(p) / 2
        if not ok:
            wrong.append(
                f"{p.sheet}!{ref(p)} {p.what}: LibreOffice {got.value!r} ({got.type}), model {want!r}"
            )
    assert not wrong, f"{len(wrong)} cells disagree:\n" + "\n".join(wrong[:40])
    return len(exported.placed)


@pytest.fixture(scope="module")
def uncached(
    notes: dict[str, Assumptions], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Exported, Path]]:
    """Every shipped note exported with 0 cached in every formula, then recalculated: whatever
    number a formula shows afterwards, LibreOffice computed."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make system` installs libreoffice-calc-nogui")
    work = tmp_path_factory.mktemp("recalc")
    books = {name: build_workbook(a, cached=False) for name, a in notes.items()}
    for name, book in books.items():
        (work / f"{name}.xlsx").write_bytes(book.data)
    done = recalculate([work / f"{name}.xlsx" for name in books], work)
    return {name: (books[name], done[name]) for name in books}


@pytest.mark.slow
@pytest.mark.timeout(300)
@needs_soffice
@pytest.mark.parametrize("name", NOTES)
def test_libreoffice_recalculates_every_cell_to_the_models_value(
    name: str, notes: dict[str, Assumptions], uncached: dict[str, tuple[Exported, Path]]
) -> None:
    exported, recalculated = uncached[name]
    before, _, _ = read_xlsx(exported.data)
    formulas = {(s, r) for s, cells in before.items() for r, c in cells.items() if c.formula is not None}
    numbers = {
        (s, r) for s, cells in before.items() for r, c in cells.items() if c.formula is None and c.type == "n"
    }
    placed = {(p.sheet, ref(p)): p.kind for p in exported.placed}
    # Nothing escapes the comparison: every formula and every typed number is a recorded cell.
    assert formulas == {k for k, kind in placed.items() if kind in ("formula", "link")}
    assert numbers == {k for k, kind in placed.items() if kind == "input"}
    assert all(c.value in ("0", "", None) for s, cells in before.items() for c in cells.values() if c.formula)
    checked = compare(notes[name], exported, recalculated)
    assert checked == len(placed) > 100


#: What the small note adds to `reportgen new`'s model: one line per translated construct, and a
#: scenario that redefines a line (a ratio in the base case, a formula in the bear case).
SMALL_LINES = """\
  ebitda: {label: EBITDA, unit: USD mn, formula: operating_profit * 1.25}
  fcf: {label: Free cash flow, unit: USD mn, formula: net_income * 0.8}
  dividends: {label: Dividends, unit: USD mn, formula: net_income * 0.4}
  rev_growth: {label: Revenue growth, unit: "%", formula: growth(revenue)}
  rev_cagr: {label: Revenue CAGR, unit: "%", formula: 'cagr(revenue, 2)'}
  rev_change: {label: Revenue change, unit: USD mn, formula: revenue - prev(revenue)}
  rev_cny: {label: Revenue in CNY, unit: CNY bn, formula: 'convert(fx(revenue, "CNY"), "CNY bn")'}
  gross_cum: {label: Cumulative gross profit, unit: USD mn, formula: cumsum(revenue - cost_of_revenue)}
  net_debt: {label: Net debt, unit: USD mn, values: {2024: 300, 2025: 250}}

scenarios:
  - {key: base, label: Base case}
  - key: bear
    label: Bear case
    lines:
      revenue: {growth: {2026: 0.02, 2027: 0.02, 2028: 0.02, 2029: 0.02, 2030: 0.02}}
      cost_of_revenue: {ratio: null, formula: revenue * 0.7}
"""
#: Both method kinds, every bridge kind's sign, a yield that divides, a holding discount, a DCF on a
#: declared FCF line with an exit multiple and a first year mostly gone (valued in mid-August).
SMALL_VALUATION = """\
year: 2027
shares: shares
methods:
  - {key: dcf, label: DCF, kind: dcf, weight: 0.4, periods: [2026, 2030], fcf: {line: fcf}, wacc: 0.09,
     terminal: {exit_multiple: 10.0, exit_metric: ebitda}, mid_year: true, valuation_date: 2026-08-15}
  - key: sotp
    label: Sum of the parts
    kind: multiples
    weight: 0.6
    holding_discount: 0.1
    parts:
      - {key: group, name: Core, method: P/E, metric: net_income, multiple: 18.0}
      - {key: payout, name: Payout, method: dividend yield, metric: dividends, multiple: 0.04}
      - {key: ops, name: Operations, method: EV/EBITDA, metric: ebitda, multiple: 9.0}
bridge:
  - {key: nd, label: Net debt, kind: net_debt, line: net_debt}
  - {key: assoc, label: Associates, kind: associates, amount: 120, discount: 0.25}
"""


@pytest.fixture(scope="module")
def small_note(tmp_path_factory: pytest.TempPathFactory) -> Assumptions:
    """`reportgen new`'s note with SMALL_LINES and SMALL_VALUATION, beside the repository's house."""
    from reportgen.commands.authoring import scaffold_note

    folder = tmp_path_factory.mktemp("small") / "assumptions" / "acme"
    scaffold_note(folder, company="Acme", date=dt.date(2026, 5, 11))
    for name in ("house.yaml", "house-logo.svg"):
        shutil.copy(DEFAULT_NOTE.parent / name, folder.parent / name)
    edit(
        folder / "model.yaml",
        "    formula: net_income / shares\n",
        "    formula: net_income / shares\n" + SMALL_LINES,
    )
    edit(folder / "company.yaml", "  EUR: 1.08\n", "  EUR: 1.08\n  CNY: 0.14\n")
    (folder / "valuation.yaml").write_text(SMALL_VALUATION, encoding="utf-8")
    return load_assumptions(folder)


def test_the_small_note_is_what_its_hand_working_says(small_note: Assumptions) -> None:
    """The numbers the workbook must reproduce, worked by hand from `reportgen new`'s inputs."""
    lines, val = small_note.run.lines, small_note.value
    assert lines["rev_growth"].value(2026) == pytest.approx(0.12)  # 1,150 x 1.12 / 1,150 - 1
    assert lines["rev_cagr"].value(2027) == pytest.approx(math.sqrt(1.12 * 1.11) - 1)
    assert lines["rev_change"].value(2026) == pytest.approx(1150 * 0.12)
    assert lines["rev_cny"].value(2025) == pytest.approx(1150 / 0.14 / 1000)  # US$1,150mn at 0.14 per CNY
    assert lines["gross_cum"].value(2025) == pytest.approx(1000 * 0.38 + 1150 * 0.39)
    assert small_note.run.line("cost_of_revenue", "bear").value(2026) == pytest.approx(1150 * 1.02 * 0.7)
    dcf = val.method("dcf").dcf
    assert dcf is not None and dcf.years[0].fraction == pytest.approx(4 / 12)  # mid-August to December
    assert dcf.terminal_value == pytest.approx(10.0 * lines["ebitda"].value(2030))
    sotp = val.method("sotp")
    assert sotp.parts[1].value == pytest.approx(lines["dividends"].value(2027) / 0.04)
    assert [b.value for b in sotp.bridge] == pytest.approx([-250.0, 120 * 0.75])


@pytest.mark.slow
@pytest.mark.timeout(300)
@needs_soffice
def test_libreoffice_recalculates_the_small_note_to_the_models_value(
    small_note: Assumptions, tmp_path: Path
) -> None:
    """Every construct the shipped notes do not use (prev, growth, cagr, fx, a cumsum of an
    expression, a redefining scenario, an exit multiple, a yield, associates) recalculated."""
    exported = build_workbook(small_note, cached=False)
    assert exported.sheets == ("Cover", "Valuation", "fy", "fy (bear)", "Conversions")
    path = tmp_path / "acme.xlsx"
    path.write_bytes(exported.data)
    done = recalculate([path], tmp_path)
    before, _, _ = read_xlsx(exported.data)
    formulas = {c.formula for cells in before.values() for c in cells.values() if c.formula}
    for construct in ("IF(AND(", "NA()", "*(FX_USD/FX_CNY)*(SCALE_MN/SCALE_BN)", "(YEAR(", "ROUND("):
        assert any(construct in f for f in formulas), construct
    assert compare(small_note, exported, done["acme"]) > 300


def _set_input(data: bytes, exported: Exported, what: tuple[Any, ...], value: float) -> bytes:
    """The workbook with one typed input changed, as a user would type it."""
    p = next(p for p in exported.placed if p.what == what)
    assert p.kind == "input", p
    _, _, parts = read_xlsx(data)
    part = parts[p.sheet]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                pattern = re.compile(rf'(<c r="{ref(p)}"[^>]*>)<v>[^<]*</v>(</c>)')
                body, count = pattern.subn(rf"\g<1><v>{value!r}</v>\g<2>", body.decode())
                assert count == 1
                body = body.encode()
            dst.writestr(info, body)
    return out.getvalue()


CHANGES = [
    # (note, what the workbook cell stands for, new value, file, where the YAML types it: the block
    # it is in and its field, with the period)
    ("alibaba-cloud", ("line", "base", "maas", 2026), 2.5, "model.yaml", "\n  maas:\n", "values", 2026),
    (
        "corvane-systems",
        ("growth", "base", "rev_payments", 2027),
        0.2,
        "model.yaml",
        "\n  rev_payments:\n",
        "growth",
        2027,
    ),
    (
        "quellmark-instruments",
        ("part", "ev_ebitda", "group", "multiple"),
        9.5,
        "valuation.yaml",
        "key: group",
        "multiple",
        None,
    ),
]


def retype(path: Path, block: str, field: str, period: int | None, value: float) -> None:
    """Type ``value`` in place of the number the analyst wrote for ``field`` (at ``period``) in the
    first such field after ``block``: the same change as in the workbook, made in the YAML."""
    text = path.read_text(encoding="utf-8")
    start = text.index(block)
    inside = rf"\{{[^}}]*?\b{period}: " if period is not None else ""
    found = re.compile(rf"\b{field}: {inside}(-?[0-9.]+)").search(text, start)
    assert found is not None, (path, block, field)
    path.write_text(text[: found.start(1)] + repr(value) + text[found.end(1) :], encoding="utf-8")


@pytest.mark.slow
@pytest.mark.timeout(300)
@needs_soffice
def test_a_changed_input_moves_the_targets_as_reportgen_moves_them(
    tmp_path: Path, notes: dict[str, Assumptions]
) -> None:
    books, changed = [], {}
    for name, what, value, file, block, field, period in CHANGES:
        exported = build_workbook(notes[name])
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(_set_input(exported.data, exported, what, value))
        books.append(path)
        copy = tmp_path / "assumptions" / name
        shutil.copytree(DEFAULT_NOTE.parent / name, copy)
        shutil.copy(DEFAULT_NOTE.parent / "house.yaml", copy.parent / "house.yaml")
        shutil.copy(DEFAULT_NOTE.parent / "house-logo.svg", copy.parent / "house-logo.svg")
        retype(copy / file, block, field, period, value)
        changed[name] = (exported, load_assumptions(copy))
    done = recalculate(books, tmp_path)
    for name, (exported, after) in changed.items():
        cells, _, _ = read_xlsx(done[name])
        before = notes[name].value
        assert after.value.fair_value != pytest.approx(before.fair_value, rel=1e-6), (
            name
        )  # the change matters
        for p in exported.placed:
            if p.what[0] in ("target", "valuation") and p.sheet == "Valuation":
                want = expected(after, p.what)
                got = cells[p.sheet][ref(p)].value
                if isinstance(want, str):
                    assert got == want, (name, p.what)
                else:
                    assert float(got or "nan") == pytest.approx(want, rel=1e-9), (name, p.what, got, want)
