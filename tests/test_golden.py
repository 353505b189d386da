"""Golden files: the default note's HTML and chart specs, and the results review's HTML.

A change to the note must show up here as a reviewed diff. Regenerate deliberately with
``make golden`` (pytest --regen-golden); on failure the actual output is written to
tests/golden/_actual/ for inspection.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reportgen.build import render_html
from reportgen.exhibits.charts.build import build_chart_specs
from tests.helpers import DEFAULT_NOTE, Model

GOLDEN = Path(__file__).parent / "golden"
RESULTS_NOTE = DEFAULT_NOTE.parent / "alibaba-results-3qfy22"


def _normalise(text: str) -> str:
    """Ignore whitespace differences only (indentation, blank lines)."""
    return re.sub(r"\s+", " ", text).strip()


def _compare(request: pytest.FixtureRequest, name: str, actual: str, note: Path = DEFAULT_NOTE) -> None:
    expected_path = GOLDEN / note.name / name
    if request.config.getoption("--regen-golden"):
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        return
    assert expected_path.is_file(), f"no golden file {expected_path}; run `make golden`"
    if _normalise(expected_path.read_text(encoding="utf-8")) != _normalise(actual):
        out = GOLDEN / "_actual" / note.name / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(actual, encoding="utf-8")
        pytest.fail(
            f"{name} differs from the golden file; actual written to {out}; diff the two, "
            "then `make golden` if the change is intended"
        )


@pytest.mark.parametrize("note", [DEFAULT_NOTE, RESULTS_NOTE], ids=lambda p: p.name)
def test_note_html_matches_golden(request: pytest.FixtureRequest, note: Path) -> None:
    html = render_html(note).html
    _compare(request, "note.html", html, note)


def test_chart_specs_match_golden(request: pytest.FixtureRequest, model: Model) -> None:
    a = model.a
    specs = build_chart_specs(a.exhibits.charts, model.run, model.valuation, a.company, a.house, a.datasets)
    _compare(request, "charts.json", json.dumps(specs, indent=1, sort_keys=True) + "\n")
