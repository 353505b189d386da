"""The ratings distribution: each note is rated once per invocation, however many are built."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import coverage
from reportgen.assumptions import find_notes
from reportgen.cli import main


def test_each_note_is_rated_once_per_invocation(note_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking N notes renders each one (rating it on the way) and rates the others once:
    N - 1 extra ratings in all, not N x (N - 1) as when every note re-rated every other."""
    root = note_copy.parent
    notes = find_notes(root)
    assert len(notes) >= 2, "the shipped examples give more than one note"
    calls: list[Path] = []
    real = coverage.rate_note

    def counting(folder: Path) -> coverage.Rated:
        calls.append(folder.resolve())
        return real(folder)

    monkeypatch.setattr(coverage, "rate_note", counting)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert len(calls) == len(notes) - 1
    assert len(set(calls)) == len(calls)


def test_distribution_counts_every_company_once(note_copy: Path) -> None:
    """A results review and a deep dive on one company count once (the latest note's rating)."""
    root = note_copy.parent
    dist = coverage.build_coverage(root, _house(root))
    companies = {coverage.rate_note(folder)[0] for folder in find_notes(root)}
    assert dist.rated == len(companies) < len(find_notes(root))
    assert sum(c.count for c in dist.counts) == dist.rated
    assert sum(c.share for c in dist.counts) == pytest.approx(1.0)


def _house(root: Path) -> coverage.House:
    from reportgen.schema import House
    from reportgen.yamlsource import load_yaml, validate

    data, smap = load_yaml(root / "house.yaml")
    return validate(House, data, smap)
