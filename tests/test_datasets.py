"""Datasets: typed cells read from CSV or YAML, every mistake at file:line:col, and the exhibit kinds
that show them (text and comparison tables, category bars, dated series, donut, scatter, images).

Expectations are worked out by hand from the small fixtures written here (or from the shipped
Corvane note's data files, quoted where used), never copied from the program's output.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pytest

from reportgen.errors import AssumptionsError
from reportgen.exhibits.charts.build import build_chart_specs
from reportgen.exhibits.prose_values import build_prose_values
from reportgen.exhibits.table import TableInputs
from reportgen.exhibits.tables import build_table
from reportgen.inputs.datasets import CalendarQuarter, load_datasets
from reportgen.inputs.explain import validate
from reportgen.inputs.schema import DatasetsFile
from reportgen.inputs.yamlsource import load_yaml
from reportgen.note import load_assumptions
from tests.helpers import ROOT, edit, line_of, problems_of

CORVANE = ROOT / "assumptions" / "corvane-systems"

DECLARED = """\
datasets:
  usage:
    title: Usage
    file: data/usage.csv
    key: day
    columns:
      day: {type: date}
      app: {type: category}
      users: {type: number, unit: mn users}
      share: {type: percent}
      rank: {type: rank}
    source: {publisher: QuestData}
  quarters:
    title: Quarters
    key: q
    value: revenue
    columns:
      q: {type: quarter}
      month: {type: month}
      revenue: {type: number, unit: CNY bn}
    rows:
      - [1Q26, 2026-03, 12.5]
      - [2Q26, 2026-06, "1,234.75"]
    source: {publisher: Someone, as_of: 2026-05-07}
"""
USAGE = """\
# a comment line is skipped
day,app,users,share,rank
2026-01-05,Qwen,12.25,7.9%,2
2026-01-12,"Doubao, web",20,12.50%,1
"""


def _load(folder: Path, declared: str = DECLARED, usage: str = USAGE) -> dict:
    (folder / "data").mkdir(exist_ok=True)
    (folder / "datasets.yaml").write_text(declared, encoding="utf-8")
    (folder / "data" / "usage.csv").write_text(usage, encoding="utf-8")
    data, smap = load_yaml(folder / "datasets.yaml")
    spec = validate(DatasetsFile, data, smap)
    assert isinstance(spec, DatasetsFile)
    return load_datasets(folder, spec, smap)


def _problems(folder: Path, declared: str = DECLARED, usage: str = USAGE) -> list[str]:
    with pytest.raises(AssumptionsError) as info:
        _load(folder, declared, usage)
    return info.value.problems


# --------------------------------------------------------------------------- reading


def test_cells_are_typed_as_declared(tmp_path: Path) -> None:
    ds = _load(tmp_path)
    usage, quarters = ds["usage"], ds["quarters"]
    assert usage.rows == (
        (dt.date(2026, 1, 5), "Qwen", 12.25, 0.079, 2),
        (dt.date(2026, 1, 12), "Doubao, web", 20.0, 0.125, 1),
    )
    # 12.50% was typed with two decimals, 7.9% with one: the column prints with two.
    assert usage.decimals("share") == 2 and usage.decimals("users") == 2
    assert quarters.rows == (
        (CalendarQuarter(2026, 1), dt.date(2026, 3, 1), 12.5),
        (CalendarQuarter(2026, 2), dt.date(2026, 6, 1), 1234.75),
    )
    assert str(quarters.rows[1][0]) == "2Q26"
    assert quarters.source_line == "Source: Someone (as of 7 May 2026)"


@pytest.mark.parametrize(
    ("usage", "where", "message"),
    [
        # line 1 is the header, line 2 the first row; columns counted by hand from the row's text
        (
            "day,app,users,share,rank\n2026-01-05,Qwen,12.25,7.9,2\n",
            "2:23",
            "share: '7.9' is not a percentage",
        ),
        ("day,app,users,share,rank\n2026-13-05,Qwen,1,1%,2\n", "2:1", "day: '2026-13-05' is not a date"),
        ("day,app,users,share,rank\n2026-01-05,Qwen,lots,1%,2\n", "2:17", "users: 'lots' is not a number"),
        ("day,app,users,share,rank\n2026-01-05,Qwen,1,1%\n", "2:1", "row has 4 cells; the header has 5"),
        ("day,app,users,share,rank\n2026-01-05,Qwen,1,1%,0\n", "2:22", "rank: '0' is not a rank"),
        ("day,app,users,share,rank\n2026-01-05,,1,1%,1\n", "2:12", "app: empty cell"),
        ("day,app,users,rank,share\n", "1:1", "header: columns are day, app, users, rank, share"),
        (
            "day,app,users,share,rank\n2026-01-05,A,1,1%,1\n2026-01-05,B,1,1%,2\n",
            "3:1",
            "day: '2026-01-05' names two rows",
        ),
        (
            'day,app,users,share,rank\n2026-01-05,"A,1,1%,1\n',
            "2:1",
            "a quoted cell (column 12) is not closed",
        ),
    ],
)
def test_a_bad_cell_is_named_at_its_line_and_column(
    tmp_path: Path, usage: str, where: str, message: str
) -> None:
    problems = _problems(tmp_path, usage=usage)
    assert any(f"data/usage.csv:{where}: " in p and message in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "anchor", "message"),
    [
        ("    key: day\n", "    key: days\n", "key: days", "no column 'days'"),
        (
            "users: {type: number, unit: mn users}",
            "users: {type: number}",
            "users: {type: number}",
            "needs its unit",
        ),
        ("file: data/usage.csv", "file: ../usage.csv", "file: ../usage.csv", "inside the note folder"),
        ("    value: revenue\n", "    value: month\n", "value: month", "prose quotes numbers"),
    ],
)
def test_a_bad_declaration_is_named_in_datasets_yaml(
    tmp_path: Path, old: str, new: str, anchor: str, message: str
) -> None:
    declared = DECLARED.replace(old, new, 1)
    problems = _problems(tmp_path, declared=declared)
    text = (tmp_path / "datasets.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if anchor in t)
    assert any(f"datasets.yaml:{line}:" in p and message in p for p in problems), problems


def test_inline_rows_are_checked_at_their_yaml_place(tmp_path: Path) -> None:
    declared = DECLARED.replace('"1,234.75"', "lots")
    problems = _problems(tmp_path, declared=declared)
    text = (tmp_path / "datasets.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "lots" in t)
    col = text.splitlines()[line - 1].index("lots") + 1
    assert len(problems) == 1
    assert problems[0].endswith(
        f"datasets.yaml:{line}:{col}: datasets.quarters.rows[1][2] (revenue): 'lots' is not a number"
    )


# --------------------------------------------------------------------------- the shipped Corvane note


@pytest.fixture(scope="module")
def corvane():  # type: ignore[no-untyped-def]
    return load_assumptions(CORVANE)


def test_prose_quotes_a_dataset_value_with_its_unit(corvane) -> None:  # type: ignore[no-untyped-def]
    values = build_prose_values(corvane.run, corvane.value, "USD", corvane.datasets)
    share = values["data"]["share"]["Corvane"]  # data/share.csv: Corvane,11.5%
    assert share.value == pytest.approx(0.115) and str(share.unit) == "%"
    assert values["data"]["satisfaction"]["Quayline"].value == 52  # data/satisfaction.csv


def test_a_comparison_table_marks_each_best_value_and_sets_our_row_apart(corvane) -> None:  # type: ignore[no-untyped-def]
    spec = corvane.exhibits.tables["peers"]
    table = build_table(
        "peers", spec, TableInputs(corvane.run, corvane.value, corvane.company, datasets=corvane.datasets), ""
    )
    assert [c.label for c in table.columns] == [
        "Revenue (US$ bn)",
        "Revenue growth",
        "Software share",
        "EBITDA margin",
        "EV/Sales (x)",
    ]
    assert [r.label for r in table.rows] == [
        "Corvane",
        "Halberd Pay",
        "Tillwright",
        "Nordmark Commerce",
        "Quayline",
    ]
    assert table.rows[0].style == ("highlight",) and table.rows[1].style == ()
    # By hand from data/peers.csv: growth best Quayline 16.8% (row 4, col 1); software best
    # Quayline 52.0% (4, 2); margin best Halberd Pay 37.5% (1, 3).
    assert table.marks == ((1, 3), (4, 1), (4, 2)) and table.mark_class == "best"
    assert table.rows[2].cells[1] == pytest.approx(0.134) and table.columns[1].decimals == 1
    assert table.source == "Source: Company filings (invented), FY2025 annual reports (as of 31 Mar 2026)"


def test_a_missing_number_prints_as_missing(corvane, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    note = tmp_path / "corvane-systems"
    shutil.copytree(CORVANE.parent, tmp_path, dirs_exist_ok=True)
    edit(note / "data" / "peers.csv", "Quayline,2.4,16.8%,52.0%,9.5%,6.3", "Quayline,2.4,16.8%,52.0%,,6.3")
    a = load_assumptions(note)
    table = build_table(
        "peers", a.exhibits.tables["peers"], TableInputs(a.run, a.value, a.company, datasets=a.datasets), ""
    )
    assert math.isnan(table.rows[4].cells[3])
    assert (1, 3) in table.marks  # Halberd Pay's 37.5% is still the best margin


def test_chart_kinds_draw_the_typed_values(corvane) -> None:  # type: ignore[no-untyped-def]
    a = corvane
    specs = build_chart_specs(a.exhibits.charts, a.run, a.value, a.company, a.house, a.datasets)
    donut = specs["share-donut"]
    # data/share.csv: 24.5 + 17.0 + 11.5 + 9.0 + 6.5 = 68.5%, so 'All others' is 31.5%.
    rows = donut["layer"][0]["data"]["values"] if "data" in donut["layer"][0] else donut["data"]["values"]
    assert [(r["name"], round(r["value"], 6)) for r in rows] == [
        ("Halberd Pay", 0.245),
        ("Tillwright", 0.17),
        ("Corvane", 0.115),
        ("Nordmark Commerce", 0.09),
        ("Quayline", 0.065),
        ("All others", 0.315),
    ]
    assert donut["description"].endswith("Quayline 6.5%; All others 31.5%.")
    bars = specs["satisfaction-bars"]
    values = bars["data"]["values"] if "data" in bars else bars["layer"][0]["data"]["values"]
    # Sorted descending by score, Corvane in the accent colour, labels as typed (a true minus).
    assert [r["category"] for r in values] == [
        "Quayline",
        "Corvane",
        "Tillwright",
        "Nordmark Commerce",
        "Halberd Pay",
        "Legacy on-premise systems",
    ]
    assert [r["label"] for r in values] == ["52", "47", "41", "33", "18", "\u22126"]
    accent = a.house.colours["accent"]
    assert [r["colour"] == accent for r in values] == [False, True, False, False, False, False]
    series = specs["signups-chart"]
    points = series["layer"][0]["data"]["values"]
    assert points[0] == {
        "date": "2026-01-05",
        "series": "New locations",
        "value": 410.0,
        "label": "5 Jan 2026",
    }
    assert len(points) == 22 and points[-1]["date"] == "2026-06-01"
    assert "Bundled pricing (9 Mar 2026)" in series["description"]


# --------------------------------------------------------------------------- exhibits that cannot be drawn


@pytest.fixture
def corvane_copy(tmp_path: Path) -> Path:
    shutil.copytree(CORVANE.parent, tmp_path / "assumptions")
    return tmp_path / "assumptions" / "corvane-systems"


@pytest.mark.parametrize(
    ("old", "new", "anchor", "message"),
    [
        (
            "    dataset: share\n",
            "    dataset: shares\n",
            "dataset: shares",
            "no dataset 'shares'; did you mean 'share'?",
        ),
        ("    x: vendor\n", "    x: score\n", "x: score", "'score' is a number column; this needs category"),
        (
            "    x: week\n",
            "    x: locations\n",
            "x: locations",
            "'locations' is a number column; this needs date",
        ),
        ("    best: {growth: max", "    best: {growths: max", "best: {growths", "has no column 'growths'"),
        (
            "    highlight: [Corvane]\n    best:",
            "    highlight: [Corvan]\n    best:",
            "highlight: [Corvan]",
            "no row 'Corvan'",
        ),
    ],
)
def test_a_dataset_exhibit_that_cannot_be_drawn_is_named(
    corvane_copy: Path, old: str, new: str, anchor: str, message: str
) -> None:
    f = corvane_copy / "exhibits.yaml"
    edit(f, old, new)
    line = line_of(f, anchor)
    problems = problems_of(corvane_copy)
    assert any(f"exhibits.yaml:{line}:" in p and message in p for p in problems), problems


def test_a_dated_series_over_dates_out_of_order_is_refused(corvane_copy: Path) -> None:
    # data/signups.csv: line 2 is the header, lines 3-24 the weeks 2026-01-05 to 2026-06-01.
    # Moving the first week to 2026-01-19 puts it after line 4's 2026-01-12.
    edit(corvane_copy / "data" / "signups.csv", "2026-01-05,410", "2026-01-19,410")
    line = line_of(corvane_copy / "exhibits.yaml", "    x: week")
    problems = problems_of(corvane_copy)
    assert any(
        f"exhibits.yaml:{line}:" in p and "signups.csv:4:1 12 Jan 2026 comes after a later date" in p
        for p in problems
    ), problems


def test_shares_above_100_percent_are_refused(corvane_copy: Path) -> None:
    # 24.5 + 17.0 + 11.5 + 9.0 + 6.5 = 68.5%. Quayline at 38.0% makes 68.5 - 6.5 + 38.0 = 100.0%,
    # which passes; at 38.6% the shares add up to 100.6%, beyond rounding.
    edit(corvane_copy / "data" / "share.csv", "Quayline,6.5%", "Quayline,38.0%")
    load_assumptions(corvane_copy)
    edit(corvane_copy / "data" / "share.csv", "Quayline,38.0%", "Quayline,38.6%")
    problems = problems_of(corvane_copy)
    assert any(
        "the shares in 'share' add up to 100.6%, more than 100% beyond rounding" in p for p in problems
    )


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()"/></svg>', "onload"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://example.com/a.png"/></svg>',
            "example.com",
        ),
    ],
)
def test_an_unsafe_svg_image_is_refused_at_its_exhibit(corvane_copy: Path, svg: str, message: str) -> None:
    (corvane_copy / "images").mkdir()
    (corvane_copy / "images" / "flow.svg").write_text(svg, encoding="utf-8")
    with (corvane_copy / "exhibits.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "images:\n  flow:\n    file: images/flow.svg\n    title: Flow\n"
            "    alt: Two boxes joined by an arrow.\n    source: Harbourline Research\n"
        )
    line = line_of(corvane_copy / "exhibits.yaml", "file: images/flow.svg")
    problems = problems_of(corvane_copy)
    assert any(
        f"exhibits.yaml:{line}:" in p and "images.flow.file" in p and message in p for p in problems
    ), problems


def test_a_picture_must_be_what_its_name_says(corvane_copy: Path) -> None:
    (corvane_copy / "images").mkdir()
    (corvane_copy / "images" / "flow.png").write_bytes(b"GIF89a not a png")
    with (corvane_copy / "exhibits.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "images:\n  flow:\n    file: images/flow.png\n    title: Flow\n"
            "    alt: Two boxes joined by an arrow.\n    source: Harbourline Research\n"
        )
    problems = problems_of(corvane_copy)
    assert any("flow.png: not a PNG file" in p for p in problems), problems


def test_an_image_needs_its_text_alternative(corvane_copy: Path) -> None:
    with (corvane_copy / "exhibits.yaml").open("a", encoding="utf-8") as f:
        f.write("images:\n  flow:\n    file: images/flow.png\n    title: Flow\n    source: Us\n")
    problems = problems_of(corvane_copy)
    assert any("images.flow.alt" in p for p in problems), problems


# --------------------------------------------------------------------------- text tables and scatter

MODELS = """\
  models:
    title: Models
    key: model
    columns:
      model: {type: category}
      index: {type: number, unit: points}
      price: {type: number, unit: USD per mn tokens, decimals: 2}
      open: {type: symbol}
    symbols: [{symbol: "✓", meaning: open weights}, {symbol: "✗", meaning: closed}]
    rows:
      - [Alpha, 52, 2.92, "✗"]
      - [Beta, 60, 11.25, "✗"]
      - [Gamma, 46, 0.60, "✓"]
    source: {publisher: Benchmarks Inc}
"""


def _with_models(folder: Path, exhibits_block: str, entry: str) -> object:
    """The Corvane copy with the models dataset added and one exhibit declared over it."""
    with (folder / "datasets.yaml").open("a", encoding="utf-8") as f:
        f.write(MODELS)
    edit(folder / "exhibits.yaml", f"{exhibits_block}:\n", f"{exhibits_block}:\n{entry}")
    return load_assumptions(folder)


def test_a_text_table_prints_symbols_with_their_legend_and_numbers_as_typed(corvane_copy: Path) -> None:
    entry = "  models:\n    kind: text\n    title: Models\n    dataset: models\n"
    entry += "    columns: [model, price, open]\n"
    a = _with_models(corvane_copy, "tables", entry)
    inputs = TableInputs(a.run, a.value, a.company, datasets=a.datasets)  # type: ignore[attr-defined]
    table = build_table("models", a.exhibits.tables["models"], inputs, "")  # type: ignore[attr-defined]
    assert [c.label for c in table.columns] == ["price (US$ per mn tokens)", "open"]
    assert [(r.label, r.cells) for r in table.rows] == [
        ("Alpha", (2.92, "✗")),
        ("Beta", (11.25, "✗")),
        ("Gamma", (0.6, "✓")),
    ]
    assert table.rows[2].cell_decimals == (2, 0)  # the column declares two decimals: 0.60
    assert table.notes[-1] == "✓ open weights; ✗ closed"
    assert table.marks == () and table.source == "Source: Benchmarks Inc"


def test_a_scatter_plots_each_row_and_names_it(corvane_copy: Path) -> None:
    entry = (
        "  ladder:\n    kind: scatter\n    title: Index against price\n    dataset: models\n"
        "    x: price\n    y: [index]\n    label: model\n    highlight: [Alpha]\n"
    )
    a = _with_models(corvane_copy, "charts", entry)
    charts = {"ladder": a.exhibits.charts["ladder"]}  # type: ignore[attr-defined]
    spec = build_chart_specs(charts, a.run, a.value, a.company, a.house, a.datasets)  # type: ignore[attr-defined]
    rows = spec["ladder"]["data"]["values"]  # one data set shared by the points and their names
    assert [(r["name"], r["x"], r["y"]) for r in rows] == [
        ("Alpha", 2.92, 52.0),
        ("Beta", 11.25, 60.0),
        ("Gamma", 0.6, 46.0),
    ]
    accent = a.house.colours["accent"]  # type: ignore[attr-defined]
    assert [r["colour"] == accent for r in rows] == [True, False, False]
    # Beta's price is past 70% of the x range (0.6 + 0.7 x 10.65 = 8.06): its name goes to its left.
    assert [r["side"] for r in rows] == ["right", "left", "right"]
