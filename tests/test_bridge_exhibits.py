"""The bridge in the note: printed against a previous version when a target moved, else left out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reportgen.build import render_html
from reportgen.compare.previous import load_previous
from tests.helpers import DEFAULT_NOTE, edit


def _figures(html: str) -> list[tuple[int, str]]:
    return [
        (int(n), key)
        for key, n in re.findall(r'id="fig-([^"]+)">\s*<figcaption><span class="fig-no">Figure (\d+)', html)
    ]


@pytest.fixture
def previous_folder(tmp_path: Path) -> Path:
    """The default note as last published, in this test: cloud at 6.0x sales instead of 6.5x."""
    root = tmp_path / "previous"
    shutil.copytree(DEFAULT_NOTE.parent, root)
    folder = root / DEFAULT_NOTE.name
    edit(folder / "valuation.yaml", "multiple: 6.5", "multiple: 6.0")
    return folder


def test_without_a_previous_version_the_bridge_is_left_out_and_numbers_close_up() -> None:
    html = render_html(DEFAULT_NOTE).html
    figures = _figures(html)
    assert "tp-bridge" not in [k for _, k in figures]
    assert "tp-bridge-chart" not in [k for _, k in figures]
    assert [n for n, _ in figures] == list(range(1, len(figures) + 1))


def test_against_a_previous_version_the_bridge_is_printed(previous_folder: Path) -> None:
    html = render_html(DEFAULT_NOTE, previous=load_previous(previous_folder, "last published")).html
    keys = [k for _, k in _figures(html)]
    assert keys.index("revisions") + 1 == keys.index("tp-bridge")
    assert keys.index("tp-bridge") + 1 == keys.index("tp-bridge-chart")
    row = re.search(r'<tr id="row-tp-bridge--cloud-intelligence-group-multiple"[^\n]*</tr>', html)
    assert row is not None
    # One driver: +0.5x on FY27E cloud revenue (Rmb227,110mn in the seed's Figure 57; the model
    # gives 227,046) over 19,068mn FY27E diluted shares is Rmb5.95 per share; per ADS x 8 / 7.005
    # = US$6.80; per H share / 0.8924 = HK$6.67.
    ads, h = re.findall(r"<td>([\d.,()]+)</td>", row.group(0))
    assert float(ads) == pytest.approx(0.5 * 227_110 / 19_068 * 8 / 7.005, abs=0.01)
    assert float(h) == pytest.approx(0.5 * 227_110 / 19_068 / 0.8924, abs=0.01)
    assert (
        '<tr id="row-tp-bridge--new-target" class="total"><th scope="row">New target</th>'
        "<td>205.00</td><td>204.00</td></tr>" in html
    )
    assert 'id="data-tp-bridge-chart"' in html  # the waterfall's numbers, for the reviewer


def test_a_previous_version_with_the_same_target_prints_no_bridge(tmp_path: Path) -> None:
    root = tmp_path / "previous"
    shutil.copytree(DEFAULT_NOTE.parent, root)
    html = render_html(DEFAULT_NOTE, previous=load_previous(root / DEFAULT_NOTE.name)).html
    assert 'id="fig-tp-bridge"' not in html
