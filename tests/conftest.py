"""Shared fixtures: the default note's model, copies of its assumptions, one shared build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.assumptions import Assumptions, load_assumptions
from reportgen.model.forecast import Forecast, build_forecast
from reportgen.model.market import Market, build_market
from reportgen.model.valuation import Valuation, build_valuation

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTE = ROOT / "assumptions" / "alibaba-cloud"
HOUSE = ROOT / "assumptions" / "house.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden", action="store_true", help="rewrite tests/golden from the current output"
    )


@dataclass(frozen=True)
class Model:
    """The default note run through every model stage."""

    a: Assumptions
    forecast: Forecast
    market: Market
    valuation: Valuation


def run_model(folder: Path) -> Model:
    a = load_assumptions(folder)
    fc = build_forecast(a.forecast, a.company.listings[0].shares_per_unit)
    market = build_market(a.scenarios)
    return Model(a, fc, market, build_valuation(a.valuation, fc, a.company, a.house))


@pytest.fixture(scope="session")
def model() -> Model:
    return run_model(DEFAULT_NOTE)


@pytest.fixture
def note_copy(tmp_path: Path) -> Path:
    """A writable copy of the default note (and the house file beside it)."""
    root = tmp_path / "assumptions"
    root.mkdir()
    shutil.copy(HOUSE, root / "house.yaml")
    dest = root / DEFAULT_NOTE.name
    shutil.copytree(DEFAULT_NOTE, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a file (fails loudly if the anchor moved)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edit_file() -> Callable[[Path, str, str], None]:
    return edit
