"""Shared fixtures: the default note's model, copies of its assumptions, one shared build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.build import BuiltNote, build_note
from tests.helpers import DEFAULT_NOTE, Model, edit, git, run_model


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


@pytest.fixture
def edit_file() -> Callable[[Path, str, str], None]:
    return edit


@pytest.fixture
def small_note_copy(tmp_path: Path) -> Path:
    """A writable copy of a short note (Quellmark, 8 pages), for tests of the build machinery
    (kills, disk errors) that need a whole build but nothing of the default note's content."""
    root = tmp_path / "assumptions"
    shutil.copytree(DEFAULT_NOTE.parent, root, ignore=shutil.ignore_patterns("ledger.jsonl"))
    return root / "quellmark-instruments"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The default note and house profile, committed in a git repository, with no ledger yet."""
    repo = tmp_path / "repo"
    shutil.copytree(DEFAULT_NOTE.parent, repo / "assumptions", ignore=shutil.ignore_patterns("ledger.jsonl"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "note")
    return repo
