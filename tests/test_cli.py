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
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("built ")
    assert (tmp_path / "out" / note_copy.name / f"{note_copy.name}.pdf").is_file()
