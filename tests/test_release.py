"""`reportgen publish` in a scratch git repository: two publications, two ledger lines, both calls
on the next note; refusals for uncommitted inputs; a clear error when history is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.build import render_html
from reportgen.cli import main
from reportgen.record.gitrev import RevisionError
from tests.helpers import DEFAULT_NOTE, edit, git


def _ledger(repo: Path) -> list[dict[str, object]]:
    path = repo / "assumptions" / "ledger.jsonl"
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


@pytest.mark.slow
def test_publishing_twice_writes_two_lines_and_the_chart_shows_both(repo: Path, tmp_path: Path) -> None:
    note = repo / "assumptions" / "alibaba-cloud"
    company = note / "company.yaml"
    out = tmp_path / "out"
    # First version: dated 20 April 2026, priced at the 17 April close in prices.csv (US$123.55).
    edit(company, "date: 2026-05-11", "date: 2026-04-20")
    edit(company, "price_date: 2026-05-08", "price_date: 2026-04-17")
    edit(company, "price: 138.60", "price: 123.55")
    edit(company, "price: 135.90", "price: 120.61")
    git(repo, "commit", "-q", "-am", "April note")
    first = git(repo, "rev-parse", "HEAD")
    runner = CliRunner()
    done = runner.invoke(main, ["publish", str(note), "--out", str(out), "--at", "2026-04-20T07:00:00Z"])
    assert done.exit_code == 0, done.output
    assert "recorded ledger.jsonl:1" in done.output
    [line] = _ledger(repo)
    assert line["revision"] == first
    assert line["published"] == "2026-04-20T07:00:00Z"
    assert line["rating"] == "Buy"  # 205 / 123.55 - 1 + 1.05 / 123.55 = 66.8%
    assert line["targets"] == {
        "ads": {"currency": "USD", "value": 205.0},
        "h": {"currency": "HKD", "value": 204.0},
    }
    assert line["prices"] == {
        "ads": {"currency": "USD", "value": 123.55},
        "h": {"currency": "HKD", "value": 120.61},
    }
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")  # the analyst commits the record

    # An uncommitted change is refused, and nothing is recorded.
    shutil.copy(DEFAULT_NOTE / "company.yaml", company)
    edit(note / "valuation.yaml", "multiple: 6.5", "multiple: 6.0")
    refused = runner.invoke(main, ["publish", str(note), "--out", str(out), "--at", "2026-05-11T07:00:00Z"])
    assert refused.exit_code == 2
    assert "uncommitted changes" in refused.output and "valuation.yaml" in refused.output
    assert len(_ledger(repo)) == 1

    # Second version (11 May, cloud at 6.0x): test_changes.py works it out as US$200 / HK$197.
    git(repo, "commit", "-q", "-am", "May note")
    done = runner.invoke(main, ["publish", str(note), "--out", str(out), "--at", "2026-05-11T07:00:00Z"])
    assert done.exit_code == 0, done.output
    lines = _ledger(repo)
    assert len(lines) == 2
    assert lines[1]["targets"] == {
        "ads": {"currency": "USD", "value": 200.0},
        "h": {"currency": "HKD", "value": 197.0},
    }

    html = (out / "alibaba-cloud" / "alibaba-cloud.html").read_text(encoding="utf-8")
    assert "Target lowered from US$205 to US$200" in html
    assert "<td>US$205 (" in html  # previous target on the cover: 200 / 205 - 1 = -2.4%
    assert "20 Apr 2026</th><td>Buy</td>" in html  # recommendation history, the April call
    assert "11 May 2026 (this note)" in html
    svg = (out / "alibaba-cloud" / "assets" / "charts" / "price.svg").read_text(encoding="utf-8")
    assert "Buy US$205" in svg  # the April call, drawn on the price history
    assert "Target US$200" in svg  # this note's call


def test_a_first_publication_has_no_previous_call(repo: Path) -> None:
    html = render_html(repo / "assumptions" / "alibaba-cloud").html
    assert "change-line" not in html and "Previous target" not in html
    assert "No previous version to compare with" in html
    assert "records no published call" in html


def test_a_revision_missing_from_the_clone_names_what_to_fetch(repo: Path) -> None:
    """A shallow CI checkout lacks old commits: the build stops and says how to get them."""
    line = json.dumps(
        {
            "company": "Alibaba Group Holding",
            "note": "alibaba-cloud",
            "note_date": "2026-02-24",
            "prices": {"ads": {"currency": "USD", "value": 123.23}},
            "published": "2026-02-24T07:30:00Z",
            "rating": "Buy",
            "revision": "0123456789" * 4,
            "targets": {"ads": {"currency": "USD", "value": 205.0}},
        }
    )
    (repo / "assumptions" / "ledger.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RevisionError, match=r"ledger.jsonl:1: .*git fetch --unshallow") as info:
        render_html(repo / "assumptions" / "alibaba-cloud")
    assert info.value.exit_code == 2


def test_publish_refuses_a_time_before_the_note_date(repo: Path, tmp_path: Path) -> None:
    note = repo / "assumptions" / "alibaba-cloud"
    done = CliRunner().invoke(
        main, ["publish", str(note), "--out", str(tmp_path / "out"), "--at", "2026-05-10T23:00:00Z"]
    )
    assert done.exit_code == 2
    assert "cannot be disseminated earlier" in done.output
    assert _ledger(repo) == []


def test_build_options_name_the_previous_version(repo: Path) -> None:
    note = str(repo / "assumptions" / "alibaba-cloud")
    runner = CliRunner()
    ok = runner.invoke(main, ["check", note, "--against", "HEAD"])
    assert ok.exit_code == 0, ok.output
    unknown = runner.invoke(main, ["check", note, "--against", "no-such-tag"])
    assert unknown.exit_code == 2
    assert "unknown git revision 'no-such-tag'" in unknown.output
    both = runner.invoke(main, ["check", note, "--against", "HEAD", "--previous", note])
    assert both.exit_code == 2
    assert "give --against or --previous, not both" in both.output
