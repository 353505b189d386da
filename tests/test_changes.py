"""This version against the previous one: cover change line, previous call, revisions table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.compare.changes import build_changes
from reportgen.compare.previous import PreviousVersion, load_previous, previous_from_ledger
from reportgen.exhibits.table import TableInputs
from reportgen.exhibits.tables import build_table
from reportgen.model.valuation import build_valuation
from reportgen.note import load_assumptions
from reportgen.record.ledger import ledger_path, load_ledger
from tests.helpers import DEFAULT_NOTE, Model, edit


@pytest.fixture(scope="module")
def published(model: Model) -> PreviousVersion:
    ledger = load_ledger(ledger_path(DEFAULT_NOTE.parent))
    previous = previous_from_ledger(DEFAULT_NOTE, ledger, model.a.company.note.date)
    assert previous is not None
    return previous


def test_change_line_against_the_last_publication(model: Model, published: PreviousVersion) -> None:
    """Seed: target unchanged at US$205 (Buy); FY28E cloud segment revenue 317,090 -> 319,551
    in our model: 319,551 / 317,090 - 1 = +0.78%, printed +0.8% (the seed prints +0.8%)."""
    changes = build_changes(model.a, model.valuation, published)
    assert changes is not None
    assert changes.line == "Target unchanged at US$205; FY28E Cloud Intelligence Group +0.8%"
    assert changes.previous_rating == "Buy"
    assert (changes.targets["ads"].previous, changes.targets["ads"].change) == (205.0, 0.0)
    assert (changes.targets["h"].previous, changes.targets["h"].change) == (204.0, 0.0)
    assert changes.label.startswith("published 2026-02-24 (")


def test_target_and_rating_moves_are_named(model: Model, tmp_path: Path) -> None:
    """Previous version: cloud at 6.0x sales, ADS at US$190 (H share HK$186.40, the same at FX).

    Equity: 124,600 x 10 + 227,046 x 6.0 + 151,845 x 2 + 252,897 x 1 + 265,000 x 0.7
    = 1,246,000 + 1,362,278 + 303,690 + 252,897 + 185,500 = 3,350,365 (Rmb mn);
    / 19,068 mn shares = Rmb175.70 per share. ADS: x 8 / 7.005 = US$200.66 -> US$200;
    H share: / 0.8924 = HK$196.89 -> HK$197. At US$190: 200 / 190 - 1 + 1.05 / 190 = 5.8%: Hold.
    Now US$205 (+2.5%) and HK$204 (204 / 197 - 1 = +3.6%), Buy: an upgrade.
    """
    old = tmp_path / "assumptions" / "alibaba-cloud"
    shutil.copytree(DEFAULT_NOTE.parent, old.parent, ignore=shutil.ignore_patterns("ledger.jsonl"))
    (old / "prices.csv").unlink()
    edit(old / "valuation.yaml", "multiple: 6.5", "multiple: 6.0")
    edit(old / "company.yaml", "price: 138.60", "price: 190.00")
    edit(old / "company.yaml", "price: 135.90", "price: 186.40")
    previous = load_previous(old, "before")
    assert previous.valuation.targets["ads"].rating == "Hold"
    changes = build_changes(model.a, model.valuation, previous)
    assert changes is not None
    assert changes.line == (
        "Target raised from US$200 to US$205; rating upgraded from Hold to Buy; "
        "FY28E Cloud Intelligence Group 0.0%"
    )
    assert changes.targets["ads"].change == pytest.approx(205 / 200 - 1)
    assert changes.targets["h"].change == pytest.approx(204 / 197 - 1)


def test_first_publication(model: Model) -> None:
    """No previous version: no change line, and the revisions table says so with Old blank."""
    assert build_changes(model.a, model.valuation, None) is None
    spec = model.a.exhibits.tables["revisions"]
    table = build_table("revisions", spec, TableInputs(model.run, model.valuation, model.a.company), "")
    assert table.notes[0] == "No previous version to compare with: these are our first published estimates."
    cloud = table.rows[0]
    assert cloud.cells[0] == "" and cloud.cells[2] == ""  # FY26E Old and Change
    assert cloud.cells[1] == pytest.approx(158985, abs=1)  # FY26E New, as in Figure 57


def test_revisions_table_from_the_previous_run(model: Model, published: PreviousVersion) -> None:
    """Figure 57, FY28E: Old 317,090 (the published version's own run), New 319,531, +0.77%."""
    spec = model.a.exhibits.tables["revisions"]
    table = build_table(
        "revisions",
        spec,
        TableInputs(model.run, model.valuation, model.a.company, published.assumptions.run),
        "",
    )
    old, new, change = table.rows[0].cells[6:9]
    assert old == pytest.approx(317090)
    assert new == pytest.approx(319531, abs=0.5)
    assert change == pytest.approx(319531 / 317090 - 1, abs=1e-5)


def test_a_line_the_previous_version_lacks_is_blank(model: Model, tmp_path: Path) -> None:
    old = tmp_path / "assumptions" / "alibaba-cloud"
    shutil.copytree(DEFAULT_NOTE.parent, old.parent, ignore=shutil.ignore_patterns("ledger.jsonl"))
    for path in old.glob("*.yaml"):  # the line had another key in that version
        path.write_text(path.read_text(encoding="utf-8").replace("adj_net_income", "adj_profit"), "utf-8")
    a = load_assumptions(old)
    previous = PreviousVersion("renamed", a, build_valuation(a.valuation, a.run, a.company, a.house))
    spec = model.a.exhibits.tables["revisions"]
    table = build_table(
        "revisions", spec, TableInputs(model.run, model.valuation, model.a.company, a.run), ""
    )
    last = table.rows[-1]
    assert last.cells[0] == "" and isinstance(last.cells[1], float)
    assert "Non-GAAP net income to shareholders: not comparable" in table.notes[0]
    assert previous.label == "renamed"
