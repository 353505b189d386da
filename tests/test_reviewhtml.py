"""HTML for reviewers: one table row per line with stable ids, chart data as tables, hidden in print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.build import BuiltNote, render_html
from reportgen.exhibits.table import Column, Row, Table
from reportgen.render.reviewhtml import DataTable, chart_data, fmt_data, row_ids, slug
from tests.helpers import DEFAULT_NOTE


def _table(*labels: str) -> Table:
    return Table("t", "T", "", (Column("FY27E"),), tuple(Row(label, (1.0,)) for label in labels), "")


def test_row_ids_name_repeated_labels_by_the_row_above() -> None:
    ids = row_ids(_table("Revenue", "yoy growth", "EBITA", "yoy growth", "Net profit"))
    assert ids == (
        "row-t--revenue",
        "row-t--revenue--yoy-growth",
        "row-t--ebita",
        "row-t--ebita--yoy-growth",
        "row-t--net-profit",
    )
    # Adding a row elsewhere leaves the other ids alone.
    more = row_ids(_table("Gross profit", "Revenue", "yoy growth", "EBITA", "yoy growth", "Net profit"))
    assert set(ids) <= set(more)


def test_slug() -> None:
    assert slug("Adj. EBITA (Rmb mn)") == "adj-ebita-rmb-mn"
    assert slug("%") == "row"


def test_chart_data_lifts_each_distinct_inline_dataset() -> None:
    rows = [{"period": "FY27E", "value": 1.5}, {"period": "FY28E", "value": 2.25}]
    spec = {
        "layer": [
            {"data": {"values": rows}, "mark": "bar"},
            {"data": {"values": rows}, "mark": "text"},  # the same data again: listed once
            {"data": {"values": [{"value": 0.0}]}, "mark": "rule"},  # an axis rule: not data
        ]
    }
    assert chart_data(spec) == (DataTable(("period", "value"), (("FY27E", 1.5), ("FY28E", 2.25))),)


@pytest.mark.parametrize(
    ("value", "printed"),
    [(1234.5, "1,234.5"), (0.123456, "0.1235"), (-2.0, "\u22122"), (3, "3"), ("FY27E", "FY27E"), (None, "")],
)
def test_fmt_data(value: object, printed: str) -> None:
    assert fmt_data(value) == printed


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(DEFAULT_NOTE).html


def test_every_table_row_is_one_line_with_a_unique_id(html: str) -> None:
    rows = [line for line in html.splitlines() if "<tr id=" in line]
    assert rows, "no data rows found"
    for line in rows:
        assert line.strip().endswith("</tr>"), line
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_each_chart_has_its_data_in_a_collapsed_table(html: str) -> None:
    figures = re.findall(r'<figure class="exhibit chart-exhibit[^"]*" id="fig-([^"]+)"', html)
    assert figures
    for key in figures:
        assert f'<details class="chart-data" id="data-{key}">' in html, key
    # The stacked cloud revenue bars: FY26E MaaS is the model's input value 1.0433 (Rmb bn).
    block = html.split('id="data-cloud-revenue"')[1].split("</details>")[0]
    assert "<tr><td>FY26E</td><td>MaaS</td><td>0</td><td>1.0433</td></tr>" in block


def test_print_stylesheet_hides_the_chart_data() -> None:
    css = (Path(__file__).parent.parent / "templates" / "assets" / "note.css").read_text()
    assert "@media print { details.chart-data { display: none; } }" in css


@pytest.mark.slow
def test_chart_data_is_not_in_the_pdf(built: BuiltNote) -> None:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(built.pdf).pages)
    assert "Data for this chart" not in text
    assert "Data for this chart" in built.html.read_text(encoding="utf-8")
