"""Reading a note as it was at a git revision."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from reportgen.record.gitrev import RevisionError, materialise, split_spec


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    note = tmp_path / "assumptions" / "acme"
    note.mkdir(parents=True)
    (tmp_path / "assumptions" / "house.yaml").write_text("house: 1\n")
    (note / "model.yaml").write_text("growth: 0.10\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "first")
    (note / "model.yaml").write_text("growth: 0.12\n")
    _git(tmp_path, "commit", "-q", "-am", "second")
    return tmp_path


def test_split_spec() -> None:
    assert split_spec("HEAD~1:assumptions/acme") == ("HEAD~1", "assumptions/acme")
    assert split_spec("assumptions/acme") == (None, "assumptions/acme")
    assert split_spec("v1.0:") == ("v1.0", ".")


def test_materialise_reads_the_committed_files_with_the_house_beside(repo: Path) -> None:
    note = repo / "assumptions" / "acme"
    with materialise("HEAD~1", note) as (folder, rev):
        assert (folder / "model.yaml").read_text() == "growth: 0.10\n"
        assert (folder.parent / "house.yaml").read_text() == "house: 1\n"
        assert folder.name == "acme" and folder != note
        assert len(rev.commit) == 40 and rev.spec == "HEAD~1"
        kept = folder
    assert not kept.exists(), "the temporary checkout is removed"
    with materialise("HEAD", note) as (folder, _):
        assert (folder / "model.yaml").read_text() == "growth: 0.12\n"


def test_unknown_revision_and_missing_path_are_clean_errors(repo: Path) -> None:
    note = repo / "assumptions" / "acme"
    with pytest.raises(RevisionError, match="unknown git revision 'nope'"), materialise("nope", note):
        pass
    (repo / "assumptions" / "newco").mkdir()
    (repo / "assumptions" / "newco" / "model.yaml").write_text("x: 1\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "third")
    with (
        pytest.raises(RevisionError, match="did not exist at HEAD~2"),
        materialise("HEAD~2", repo / "assumptions" / "newco"),
    ):
        pass


def test_committed_links_resolve_as_in_the_tree_and_nothing_else_comes_along(repo: Path) -> None:
    notes = repo / "assumptions"
    (notes / "shared").mkdir()
    (notes / "shared" / "prices.csv").write_text("date\n")
    (notes / "other").mkdir()
    (notes / "other" / "model.yaml").write_text("other: 1\n")
    note = notes / "acme"
    (note / "prices.csv").symlink_to("../shared/prices.csv")  # a file among the assumptions
    (note / "data").symlink_to("../shared")  # a folder among the assumptions
    (note / "up").symlink_to("..")  # a loop through the assumptions folder
    (note / "hosts").symlink_to("/etc/hosts")  # out of the repository
    (note / "readme").symlink_to("../../README")  # out of the assumptions
    (note / "gone.yaml").symlink_to("missing.yaml")  # dangling
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "links")
    with materialise("HEAD", note) as (folder, _):
        assert (folder / "prices.csv").read_text() == "date\n"
        assert (folder / "data" / "prices.csv").read_text() == "date\n"
        assert (folder / "up" / "acme" / "model.yaml").read_text() == "growth: 0.12\n"
        assert not (folder.parent / "other").exists()  # the loop brought no other note along
        for name in ("hosts", "readme", "gone.yaml"):
            assert (folder / name).is_symlink() and not (folder / name).exists()
        root = folder.parent.parent
        for name in ("hosts", "readme"):  # pointing outside the temporary assumptions
            assert not Path(os.path.realpath(folder / name)).is_relative_to(root / "assumptions")
