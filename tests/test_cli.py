"""The reportgen command: help, exit codes, quiet output off a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_everywhere(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["check"]).exit_code == 2  # PATH is required
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2
    result = runner.invoke(main, ["build", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "not a folder" in result.output
    (tmp_path / "empty").mkdir()
    assert "no note folders" in runner.invoke(main, ["check", str(tmp_path / "empty")]).output


@pytest.mark.slow
def test_build_prints_one_line_per_note_and_no_progress_off_a_terminal(
    note_copy: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["build", str(note_copy.parent), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    notes = [p for p in note_copy.parent.iterdir() if (p / "company.yaml").is_file()]
    assert len(lines) == len(notes) and all(line.startswith("built ") for line in lines)
    # stderr carries only the results note's reconciliation warnings, no progress lines.
    assert all(line.startswith("Warning: ") for line in result.stderr.strip().splitlines())
    assert (tmp_path / "out" / note_copy.name / f"{note_copy.name}.pdf").is_file()


@pytest.mark.parametrize(
    "out",
    [
        "{notes}",  # the assumptions root itself
        "{notes}/{slug}",  # the note folder
        "{notes}/{slug}/build",  # inside the note folder
        "{root}",  # a folder holding the inputs
    ],
)
def test_an_output_folder_over_the_inputs_is_refused_before_anything_is_written(
    note_copy: Path, out: str
) -> None:
    """`reportgen build assumptions --out assumptions` used to delete the note's inputs."""
    notes = note_copy.parent
    before = {p: p.read_bytes() for p in sorted(notes.rglob("*")) if p.is_file()}
    target = out.format(notes=notes, slug=note_copy.name, root=notes.parent)
    result = CliRunner().invoke(main, ["build", str(notes), "--out", target])
    assert result.exit_code == 2, result.output
    assert "would overwrite inputs" in result.output and "Traceback" not in result.output
    after = {p: p.read_bytes() for p in sorted(notes.rglob("*")) if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_build_dot_inside_a_note_folder_names_the_note(
    note_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(note_copy)
    result = CliRunner().invoke(main, ["build", ".", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / note_copy.name / f"{note_copy.name}.pdf").is_file()
