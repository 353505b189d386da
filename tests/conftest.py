"""Shared fixtures: the default note's model, copies of its assumptions, one shared build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.build import BuiltNote, build_note
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import Valuation, build_valuation
from reportgen.note import Assumptions, load_assumptions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTE = ROOT / "assumptions" / "alibaba-cloud"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden", action="store_true", help="rewrite tests/golden from the current output"
    )
    parser.addoption(
        "--refresh-visuals",
        action="store_true",
        help="rewrite tests/visual reference pages from the current PDF",
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltNote:
    """The default note, built once for all end-to-end tests."""
    return build_note(DEFAULT_NOTE, tmp_path_factory.mktemp("build"))


@dataclass(frozen=True)
class Model:
    """A note run through every model stage."""

    a: Assumptions
    run: ModelRun
    valuation: Valuation


def run_model(folder: Path) -> Model:
    a = load_assumptions(folder)
    return Model(a, a.run, build_valuation(a.valuation, a.run, a.company, a.house))


@pytest.fixture(scope="session")
def model() -> Model:
    return run_model(DEFAULT_NOTE)


@pytest.fixture
def note_copy(tmp_path: Path) -> Path:
    """A writable copy of the default note (and the house file beside it).

    The copy is outside git, so it has no ledger: its publications' revisions could not be
    read there. It builds as a first publication (tests/test_ledger.py covers history).
    """
    root = tmp_path / "assumptions"
    shutil.copytree(DEFAULT_NOTE.parent, root, ignore=shutil.ignore_patterns("ledger.jsonl"))
    return root / DEFAULT_NOTE.name


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a file (fails loudly if the anchor moved)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edit_file() -> Callable[[Path, str, str], None]:
    return edit
