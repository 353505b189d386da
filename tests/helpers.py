"""Helpers the test modules share: where the notes are, planting an edit, finding where it landed,
running the CLI, reading what a note's loading reports, and the repository's house profile.

Fixtures live in conftest.py; typed builders of small models and notes in factories.py. No test
module imports from another test module: what two of them need is here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reportgen.cli import main
from reportgen.errors import AssumptionsError
from reportgen.inputs.explain import validate
from reportgen.inputs.schema import House
from reportgen.inputs.yamlsource import load_yaml
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import Valuation
from reportgen.note import Assumptions, load_assumptions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTE = ROOT / "assumptions" / "alibaba-cloud"


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a file (fails loudly if the anchor moved)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass(frozen=True)
class Model:
    """A note run through every model stage."""

    a: Assumptions
    run: ModelRun
    valuation: Valuation


def run_model(folder: Path) -> Model:
    a = load_assumptions(folder)
    return Model(a, a.run, a.value)


def line_of(path: Path, text: str) -> int:
    """1-based number of the only line containing ``text``."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def col_of(path: Path, text: str, token: str) -> int:
    """1-based column where ``token`` starts on the only line containing ``text``."""
    line = path.read_text(encoding="utf-8").splitlines()[line_of(path, text) - 1]
    return line.index(token) + 1


def at(path: Path, text: str, token: str | None = None) -> tuple[int, int]:
    """(line, column) of ``token`` (default: ``text`` itself) on the line holding ``text``."""
    return line_of(path, text), col_of(path, text, token if token is not None else text)


def row_of(path: Path, table: str, text: str) -> int:
    """Index of the row holding ``text`` among the ``- {...}`` rows of exhibits.yaml's ``table``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  {table}:")
    rows = [
        i for i, t in enumerate(lines[start : line_of(path, text)], start) if t.lstrip().startswith("- {")
    ]
    return len(rows) - 1


def problems_of(note: Path) -> list[str]:
    """Every problem load_assumptions reports for the note (it must report some)."""
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note)
    assert info.value.exit_code == 2
    return info.value.problems


def expect(problems: list[str], path: Path, where: tuple[int, int], field: str, *words: str) -> str:
    """The problem at ``path:line:col: field:``, which must contain every one of ``words``."""
    head = f"{path.parent.name}/{path.name}:{where[0]}:{where[1]}: {field}: "
    hits = [p for p in problems if head in p]
    assert hits, f"nothing at {head!r}; got:\n" + "\n".join(problems)
    missing = [w for w in words if not any(w in hit for hit in hits)]
    assert not missing, f"{missing} not in {hits}"
    return hits[0]


def run_cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    # CliRunner swallows exceptions; anything but a clean exit is a crash (a traceback in a shell).
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def check(note: Path) -> tuple[int, str]:
    result = run_cli("check", str(note))
    return result.exit_code, result.output


def house_of_the_repo() -> House:
    data, smap = load_yaml(DEFAULT_NOTE.parent / "house.yaml")
    return validate(House, data, smap)  # type: ignore[return-value]


def pdfua_findings(pdf: Path) -> list[str]:
    """Findings of the ``pdfua`` checker (a PDF/UA-1 checker we did not write), one line each."""
    exe = Path(sys.executable).with_name("pdfua")
    result = subprocess.run([str(exe), "check", "--format", "json", str(pdf)], capture_output=True, text=True)
    assert result.returncode in (0, 1, 2, 3), result.stderr  # 4: unreadable PDF, 5: usage
    report = json.loads(result.stdout)
    assert report["summary"]["rules_run"] >= 10, report["summary"]  # the checker really ran
    return [f"{f['severity']} {f['rule_id']}: {f['message']}" for f in report["findings"]]


# --------------------------------------------------------------------------- tables of planted mistakes

# The columns of a row made by ``planted``: what to edit where, and where the problem must be named.
PLANTED = ("file", "old", "new", "anchor", "token", "field", "words")


def planted(
    file: str,
    old: str,
    new: str,
    field: str,
    *words: str,
    anchor: str | None = None,
    token: str | None = None,
    id: str,
) -> object:
    """A ``pytest.param`` row (columns ``PLANTED``): replace ``old`` by ``new`` in the note's ``file``
    and expect a problem at ``field`` that holds every one of ``words``, on the line holding ``anchor``
    (default: ``new``), at the column where ``token`` (default: ``anchor``) starts."""
    anchor = new if anchor is None else anchor
    return pytest.param(file, old, new, anchor, anchor if token is None else token, field, words, id=id)


def note_file(note: Path, name: str) -> Path:
    """The note's file ``name``; house.yaml is the one beside the note's folder."""
    return (note.parent if name == "house.yaml" else note) / name


def expect_planted(
    note: Path, file: str, old: str, new: str, anchor: str, token: str, field: str, words: tuple[str, ...]
) -> str:
    """Plant one row of a ``planted`` table in the note and expect its problem where it was planted."""
    f = note_file(note, file)
    edit(f, old, new)
    return expect(problems_of(note), f, at(f, anchor, token), field, *words)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` as a throwaway author; its standard output, stripped."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    return done.stdout.decode().strip()
