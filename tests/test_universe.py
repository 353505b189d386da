"""The synthetic universe: deterministic, varied, and valid in the public assumption language."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reportgen.build import render_html
from reportgen.commands.universe import write_universe
from reportgen.note import load_assumptions
from tests.helpers import ROOT

HOUSE = ROOT / "assumptions" / "house.yaml"


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = write_universe(tmp_path / "a", 2, HOUSE, seed=3)
    b = write_universe(tmp_path / "b", 2, HOUSE, seed=3)
    c = write_universe(tmp_path / "c", 2, HOUSE, seed=4)
    assert [_texts(f) for f in a] == [_texts(f) for f in b]
    assert [_texts(f) for f in a] != [_texts(f) for f in c]


def test_companies_vary_in_every_dimension_the_issue_names(tmp_path: Path) -> None:
    folders = write_universe(tmp_path / "u", 24, HOUSE, seed=1)
    runs = [load_assumptions(f) for f in folders]  # every one valid, or this raises
    currencies = Counter(a.company.company.reporting_currency for a in runs)
    year_ends = Counter(a.company.company.fiscal_year_end for a in runs)
    listings = Counter(len(a.company.listings) for a in runs)
    segments = Counter(len(a.valuation.methods[0].parts) for a in runs)
    methods = {p.method for a in runs for p in a.valuation.methods[0].parts}
    assert len(currencies) >= 4, currencies
    assert len(year_ends) >= 3, year_ends
    assert set(listings) == {1, 2}, listings
    assert len(segments) >= 3, segments
    assert methods == {"EV/EBITDA", "P/S", "P/E"}
    assert len({a.company.company.name for a in runs}) == len(runs)


@pytest.mark.slow
def test_a_few_synthetic_notes_render(tmp_path: Path) -> None:
    """The engine holds nothing specific to one company: generated notes render like written ones."""
    folders = write_universe(tmp_path / "u", 3, HOUSE, seed=11)
    for folder in folders:
        html = render_html(folder).html
        a = load_assumptions(folder)
        assert a.company.company.name in html
        assert all(p.name in html for p in a.valuation.methods[0].parts)  # every part in the SOTP table
