"""Hardening of the inputs, part B: citations match whole tokens, every loop is bounded before it
allocates, historical trees are read like the working tree, and every message names its place.

Each test reproduces a failure a probe of version 0.3.0 found.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportgen.build import FROM_LEDGER
from reportgen.cli import main
from reportgen.commands.watch import Watcher
from reportgen.errors import AssumptionsError
from reportgen.inputs.periods import PeriodError, make_timeline
from reportgen.inputs.sources import read_input
from reportgen.model import sensitivity
from reportgen.note import load_assumptions
from reportgen.record.gitrev import materialise
from reportgen.record.ledger import Amount, Entry
from reportgen.results.load import load_results
from reportgen.results.transcript import load_transcript
from tests.helpers import ROOT, at, edit, expect, problems_of

RESULTS_NOTE = ROOT / "assumptions" / "alibaba-results-3qfy22"


@pytest.fixture
def results_copy(tmp_path: Path) -> Path:
    root = tmp_path / "assumptions"
    shutil.copytree(RESULTS_NOTE, root / RESULTS_NOTE.name)
    for name in ("house.yaml", "house-logo.svg"):
        shutil.copy(ROOT / "assumptions" / name, root / name)
    note = root / RESULTS_NOTE.name
    edit(note / "results.yaml", "transcript_sha256:", "# transcript_sha256:")  # tests edit the transcript
    return note


def _problems(note: Path) -> list[str]:
    with pytest.raises(AssumptionsError) as info:
        load_results(note)
    return info.value.problems


def _problem_at(problems: list[str], path: Path, where: tuple[int, int], field: str) -> str:
    head = f"{path.name}:{where[0]}:{where[1]}: {field}: "
    hits = [p for p in problems if head in p]
    assert hits, f"nothing at {head!r}; got:\n" + "\n".join(problems)
    return hits[0]


# --------------------------------------------------------------------------- citations: whole tokens


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # The call says "to RMB 19.5 billion": 9.5 is not written there, nor is 5.
        (
            'actual: {value: 19.5, cite: {line: 85, text: "grew RMB 3.3 billion to RMB 19.5 billion"}}',
            'actual: {value: 9.5, cite: {line: 85, text: "9.5 billion"}}',
            "items.rev_cloud.actual.cite.text",
        ),
        (
            'actual: {value: 19.5, cite: {line: 85, text: "grew RMB 3.3 billion to RMB 19.5 billion"}}',
            'actual: {value: 5, cite: {line: 85, text: "5 billion"}}',
            "items.rev_cloud.actual.cite.text",
        ),
        # ... nor is 19 (the passage would stop before the decimals).
        (
            'actual: {value: 19.5, cite: {line: 85, text: "grew RMB 3.3 billion to RMB 19.5 billion"}}',
            'actual: {value: 19, cite: {line: 85, text: "to RMB 19"}}',
            "items.rev_cloud.actual.cite.text",
        ),
        # "grew 23% to RMB 19.6 billion": the passage may not start inside a number either.
        (
            'growth: {value: 0.23, cite: {line: 83, text: "grew 23% to RMB 19.6 billion"}}',
            'growth: {value: 0.03, cite: {line: 83, text: "3% to RMB 19.6 billion"}}',
            "items.rev_cainiao.growth.cite.text",
        ),
    ],
)
def test_a_cited_figure_matches_only_at_number_boundaries(
    results_copy: Path, old: str, new: str, field: str
) -> None:
    results = results_copy / "results.yaml"
    edit(results, old, new)
    token = '"' + new.split('text: "')[1]
    problem = _problem_at(_problems(results_copy), results, at(results, new, token[:-3]), field)
    assert "is not on line" in problem


@pytest.mark.parametrize(
    "quote",
    [
        "We saw very strong growth in demand from financial services and the telecom sec",  # ends mid-word
        "aw very strong growth in demand from financial services and the telecom sectors",  # starts mid-word
    ],
)
def test_a_quote_starts_and_ends_at_word_boundaries(results_copy: Path, quote: str) -> None:
    results = results_copy / "results.yaml"
    text = results.read_text(encoding="utf-8")
    start = text.index("    text: >-\n      We saw very strong growth")
    end = text.index("\n    line: 31")
    results.write_text(text[:start] + f'    text: "{quote}"' + text[end:], encoding="utf-8")
    where = at(results, f'text: "{quote}"', '"')
    problem = _problem_at(_problems(results_copy), results, where, "quotes[0].text")
    assert "quote 'cloud_growth'" in problem and "is not in" in problem


@pytest.mark.parametrize(
    ("old", "new", "field", "token"),
    [
        (
            'pct }}.\n    cite: {line: 85, text: "would have grown by 29% year over year"}',
            'pct }}.\n    cite: {line: 85, text: "   "}',
            "topics[1].cite.text",
            '"   "',
        ),
        (
            'cite: {line: 63, text: "we plan on continuing our share repurchases"}',
            'cite: {text: "\\t \\t"}',
            "topics[3].cite.text",
            '"\\t',
        ),
        (
            'actual: {value: 19.6, cite: {line: 83, text: "grew 23% to RMB 19.6 billion"}}',
            'actual: {value: 19.6, cite: {line: 83, text: " -- "}}',
            "items.rev_cainiao.actual.cite.text",
            '" --',
        ),
    ],
)
def test_an_empty_citation_is_an_error_where_written(
    results_copy: Path, old: str, new: str, field: str, token: str
) -> None:
    results = results_copy / "results.yaml"
    edit(results, old, new)
    line = new.splitlines()[-1]
    problem = _problem_at(_problems(results_copy), results, at(results, line, token), field)
    assert "empty" in problem


def test_a_blank_quote_is_an_error_where_written(results_copy: Path) -> None:
    results = results_copy / "results.yaml"
    text = results.read_text(encoding="utf-8")
    start = text.index("    text: >-\n      We saw very strong growth")
    end = text.index("\n    line: 31")
    results.write_text(text[:start] + '    text: "            "' + text[end:], encoding="utf-8")
    problems = _problems(results_copy)
    where = at(results, 'text: "            "', '"')
    assert "empty" in _problem_at(problems, results, where, "quotes[0].text")


def test_whole_token_search_still_finds_the_shipped_citations() -> None:
    t = load_transcript(RESULTS_NOTE / "transcript.txt")
    assert t.find("revenue was around CNY 242.6 billion") == 47
    assert t.find("RMB 19.5 billion") == 85
    assert t.find("9.5 billion") is None
    assert t.find("19.5 billio") is None
    assert t.find("telecom sectors, which partially offset", 31) == 31
    assert t.find("   ") is None
    load_results(RESULTS_NOTE)  # the shipped note still checks


@pytest.mark.timeout(60)
def test_a_long_transcript_with_a_mistyped_citation_is_checked_in_linear_time(results_copy: Path) -> None:
    """A 2 MB transcript of short lines in one speaker's turn, and one citation that is in no line:
    every line used to re-normalise the rest of its turn (quadratic; hours for 2 MB)."""
    transcript = results_copy / "transcript.txt"
    text = transcript.read_text(encoding="utf-8")
    talk = ["**Long Talker** -- *Analyst*"]
    size = len(text.encode()) + 40
    i = 0
    while size < 1_990_000:
        line = f"point {i} of 19.5 and"
        talk.append(line)
        size += len(line) + 1
        i += 1
    transcript.write_text(text + "\n".join(talk) + "\n", encoding="utf-8")
    assert 1_900_000 < transcript.stat().st_size <= 2_000_000
    results = results_copy / "results.yaml"
    edit(
        results,
        'cite: {line: 77, text: "gradually narrow operating losses in the next few quarters"}',
        'cite: {line: 77, text: "gradually narrow operating losses in the next few quarterz"}',
    )
    edit(
        results,
        'cite: {line: 63, text: "we plan on continuing our share repurchases"}',
        'cite: {text: "we plan on continuing our shares repurchases"}',
    )
    problems = _problems(results_copy)
    assert any(re.search(r"topics\[2\]\.cite\.text: passage .* is not on line 77", p) for p in problems)
    assert any(re.search(r"topics\[3\]\.cite\.text: passage .* is not in ", p) for p in problems)
    assert len(problems) == 2, problems


# --------------------------------------------------------------------------- bounded before allocating


def _note(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "assumptions"
    shutil.copytree(ROOT / "assumptions", root, ignore=shutil.ignore_patterns("ledger.jsonl"))
    return root / name


def test_a_timeline_is_measured_before_it_is_built() -> None:
    """Three million years used to be listed (about 100 MB) before the 400-period check."""
    tracemalloc.start()
    try:
        with pytest.raises(PeriodError, match="3000000 periods is longer than any note needs"):
            make_timeline("fy", "annual", 2025, 3_002_024, None, fiscal=True)
        with pytest.raises(PeriodError, match="periods is longer than any note needs"):
            make_timeline("q", "quarterly", "1Q25", "4Q9999", None, fiscal=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"{peak:,} bytes allocated to refuse a timeline"


def test_a_timeline_too_long_is_refused_at_its_last_period(tmp_path: Path) -> None:
    note = _note(tmp_path, "corvane-systems")
    model = note / "model.yaml"
    edit(
        model,
        "fy: {first: 2024, last: 2030, last_actual: 2025}",
        "fy: {first: 2024, last: 2500, last_actual: 2025}",
    )
    problems = problems_of(note)
    expect(problems, model, at(model, "last: 2500", "2500"), "timelines.fy.last", "477 periods")
    edit(model, "last: 2500", "last: 300000000")
    # In a process that may not take more than 1 GiB: the 300-million-year list was ~11 GB.
    script = (
        "import sys; from pathlib import Path; from reportgen.note import load_assumptions\n"
        "from reportgen.errors import AssumptionsError\n"
        "try:\n    load_assumptions(Path(sys.argv[1]))\n"
        "except AssumptionsError as exc:\n    print(exc.format_message()); sys.exit(2)\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    done = subprocess.run(
        [sys.executable, "-c", script, str(note)], capture_output=True, text=True, preexec_fn=limit, cwd=ROOT
    )
    line, col = at(model, "last: 300000000", "300000000")
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"model.yaml:{line}:{col}: timelines.fy.last: a timeline of 299997977 periods" in done.stdout


def _many_parts_and_grids(valuation: Path, parts: int, grids: int) -> None:
    text = valuation.read_text(encoding="utf-8")
    rows = "".join(
        f"      - {{key: p{i}, name: Part {i}, method: P/S, metric: rev_software, multiple: 0.001}}\n"
        for i in range(parts)
    )
    text = text.replace("        multiple: 13.0\n", "        multiple: 13.0\n" + rows, 1)
    nine = ", ".join(f"0.0{75 + i}" for i in range(9))
    grid = (
        "  - key: g@\n"
        f"    rows: {{input: methods.dcf.wacc, label: WACC, values: [{nine}]}}\n"
        "    columns: {input: methods.dcf.terminal.growth, label: g, values: "
        "[0.02, 0.021, 0.022, 0.023, 0.024, 0.025, 0.026, 0.027, 0.028]}\n"
    )
    valuation.write_text(text + "".join(grid.replace("@", str(i)) for i in range(grids)), encoding="utf-8")


@pytest.mark.timeout(120)
def test_valuation_work_is_bounded_before_anything_is_valued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 parts and 600 grids of 81 cells, all within the YAML limits: 48,600 valuations of
    1,005 methods and parts (minutes). Refused where the grid that crosses the bound is written."""
    note = _note(tmp_path, "corvane-systems")
    valuation = note / "valuation.yaml"
    _many_parts_and_grids(valuation, 1000, 600)
    valued = []
    real = sensitivity.build_valuation

    def counting(*args: Any, **kwargs: Any) -> Any:
        valued.append(1)
        assert len(valued) < 3_000, "re-valued without a bound"
        return real(*args, **kwargs)

    monkeypatch.setattr(sensitivity, "build_valuation", counting)
    result = CliRunner().invoke(main, ["check", str(note)])
    assert result.exit_code == 2, result.output
    assert not valued
    grid = (
        valuation.read_text(encoding="utf-8").splitlines().index("  - key: g2") + 1
    )  # after wacc_growth, g0, g1
    expect(
        [result.output],
        valuation,
        (grid, 5),
        "sensitivities[3]",
        "273 valuations of 1,005 methods and parts",
    )


def test_a_thousand_parts_without_grids_still_value(tmp_path: Path) -> None:
    note = _note(tmp_path, "corvane-systems")
    valuation = note / "valuation.yaml"
    _many_parts_and_grids(valuation, 1000, 0)  # 30 valuations (its own, 2 ranges, 25 cells) of 1,005
    a = load_assumptions(note)
    assert len(a.valuation.methods[1].parts) == 1003


def test_a_football_field_range_that_cannot_be_valued_is_named_where_written(tmp_path: Path) -> None:
    note = _note(tmp_path, "corvane-systems")
    valuation = note / "valuation.yaml"
    edit(valuation, "      low: 0.075\n", "      low: 0.01\n")
    expect(
        problems_of(note),
        valuation,
        at(valuation, "low: 0.01", "0.01"),
        "methods[0].range.low",
        "with methods.dcf.wacc at 0.01 the valuation fails: terminal growth 3.00% is not below WACC 1.00%",
    )


def test_an_overflow_in_the_model_is_named_where_the_line_is_declared(tmp_path: Path) -> None:
    note = _note(tmp_path, "corvane-systems")
    model = note / "model.yaml"
    tiny = ", ".join(f"{y}: 1.0e-300" for y in range(2024, 2031))
    edit(
        model,
        "  rev_services:\n",
        f'  tiny: {{label: Tiny, unit: "%", values: {{{tiny}}}}}\n'
        "  huge: {label: Huge, unit: USD mn, formula: rev_services / tiny / tiny}\n"
        "  rev_services:\n",
    )
    expect(
        problems_of(note),
        model,
        at(model, "  huge: {", "{label: Huge"),
        "lines.huge",
        "2024A is too large to compute (overflow) in the base case",
    )


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def test_a_ledger_target_too_large_to_print_is_named_in_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = _note(tmp_path, "corvane-systems")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "first")
    entry = Entry(
        note="corvane-systems",
        company="Corvane Systems",
        note_date=dt.date(2026, 3, 2),
        published=dt.datetime(2026, 3, 2, 7, tzinfo=dt.UTC),
        rating="Buy",
        targets={"main": Amount(value=1.55e30, currency="USD")},
        prices={"main": Amount(value=24.0, currency="USD")},
        revision=_git(tmp_path, "rev-parse", "HEAD"),
    )
    ledger = note.parent / "ledger.jsonl"
    ledger.write_text(entry.to_line() + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "assumptions/corvane-systems"])
    assert result.exit_code == 2, result.output
    col = ledger.read_text(encoding="utf-8").index("1.55e+30") + 1
    assert f"assumptions/ledger.jsonl:1:{col}: targets.main.value: 1.55e+30 is too large" in result.output
    assert "model.yaml" not in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- notes at a git revision

SECRET = "TOP-SECRET-OUTSIDE"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the shipped notes (no ledger), committed once."""
    _note(tmp_path, "quellmark-instruments")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "notes")
    return tmp_path


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


def _cli(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "reportgen-rev-" not in result.output, result.output
    return result.exit_code, result.output


def _ledger_entry(repo: Path) -> None:
    entry = Entry(
        note="quellmark-instruments",
        company="Quellmark Instruments SE",
        note_date=dt.date(2026, 6, 2),
        published=dt.datetime(2026, 6, 2, 7, tzinfo=dt.UTC),
        rating="Buy",
        targets={"xetra": Amount(value=100.0, currency="EUR")},
        prices={"xetra": Amount(value=80.0, currency="EUR")},
        revision=_git(repo, "rev-parse", "HEAD"),
    )
    (repo / "assumptions" / "ledger.jsonl").write_text(entry.to_line() + "\n", encoding="utf-8")


def test_committed_links_are_followed_like_links_in_the_working_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link inside the assumptions (which check accepts) and links nothing reads, one absolute and
    one climbing out: git archive + tarfile's data filter used to fail on any of them, a traceback."""
    notes = repo / "assumptions"
    (notes / "quellmark-instruments" / "valuation.yaml").rename(notes / "shared-valuation.yaml")
    (notes / "quellmark-instruments" / "valuation.yaml").symlink_to("../shared-valuation.yaml")
    (notes / "quellmark-instruments" / "notes.txt").symlink_to("/etc/hostname")
    (notes / "corvane-systems" / "readme.md").symlink_to("../../README.md")
    _commit(repo, "links")
    assert _cli(repo, monkeypatch, "check", "assumptions/quellmark-instruments")[0] == 0
    code, out = _cli(
        repo,
        monkeypatch,
        "diff",
        "HEAD:assumptions/quellmark-instruments",
        "assumptions/quellmark-instruments",
    )
    assert (code, out.splitlines()[-1]) == (0, "no changes"), out
    with materialise("HEAD", notes / "corvane-systems") as (folder, _):
        assert (folder / "readme.md").is_symlink()  # kept, pointing nowhere outside
        with pytest.raises(
            AssumptionsError, match=r"readme\.md: is a link to a file outside the assumptions"
        ):
            read_input(folder / "readme.md", (folder.parent, folder))
    code, out = _cli(repo, monkeypatch, "check", "assumptions/quellmark-instruments", "--against", "HEAD")
    assert code == 0, out
    _ledger_entry(repo)  # the default comparison: the ledger's commit, read from git
    code, out = _cli(repo, monkeypatch, "check", "assumptions/quellmark-instruments")
    assert code == 0, out
    said: list[str] = []
    watcher = Watcher(notes / "quellmark-instruments", repo / "build", pdf=False)
    assert watcher.previous() is not FROM_LEDGER
    assert watcher.build(said.append), said


def test_a_committed_link_out_of_the_assumptions_is_refused_as_in_the_working_tree(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "valuation.yaml"
    outside.write_text(
        f"# {SECRET}\n" + (repo / "assumptions/quellmark-instruments/valuation.yaml").read_text()
    )
    (repo / "secret.yaml").write_text(f"# {SECRET}\n")
    note = repo / "assumptions" / "quellmark-instruments"
    (note / "valuation.yaml").unlink()
    (note / "valuation.yaml").symlink_to(outside)  # absolute, out of the repository
    (note / "company.yaml").rename(repo / "company.yaml")
    (note / "company.yaml").symlink_to("../../company.yaml")  # relative, into the repository
    _commit(repo, "links out")
    code, now = _cli(repo, monkeypatch, "check", "assumptions/quellmark-instruments")
    assert code == 2
    for name in ("valuation.yaml", "company.yaml"):
        assert f"assumptions/quellmark-instruments/{name}: is a link to a file outside the assumptions" in now
    code, then = _cli(
        repo,
        monkeypatch,
        "diff",
        "HEAD:assumptions/quellmark-instruments",
        "assumptions/quellmark-instruments",
    )
    assert code == 2
    for name in ("valuation.yaml", "company.yaml"):
        assert (
            f"HEAD:assumptions/quellmark-instruments/{name}: is a link to a file outside the assumptions"
            in then
        )
    assert SECRET not in now + then


def test_messages_name_rev_path_not_the_temporary_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    valuation = repo / "assumptions" / "quellmark-instruments" / "valuation.yaml"
    good = valuation.read_text(encoding="utf-8")
    edit(valuation, "shares: shares\n", "shares: shares\nshare: 1\n")
    where = at(valuation, "share: 1", "share")
    _commit(repo, "broken")
    valuation.write_text(good, encoding="utf-8")
    code, out = _cli(
        repo,
        monkeypatch,
        "diff",
        "HEAD:assumptions/quellmark-instruments",
        "assumptions/quellmark-instruments",
    )
    assert code == 2
    assert f"HEAD:assumptions/quellmark-instruments/valuation.yaml:{where[0]}:{where[1]}: share:" in out
    code, out = _cli(repo, monkeypatch, "check", "assumptions/quellmark-instruments", "--against", "HEAD")
    assert code == 2
    assert f"HEAD:assumptions/quellmark-instruments/valuation.yaml:{where[0]}:{where[1]}: share:" in out


def test_a_revision_is_read_note_by_note_streamed_to_disk(repo: Path) -> None:
    """Only the note's folder and the files it names come out of git, and never through memory:
    one unrelated 20 MB file used to cost twice its size (git archive's output, then tar)."""
    big = repo / "assumptions" / "video.bin"
    big.write_bytes(os.urandom(20_000_000))
    (repo / "assumptions" / "quellmark-instruments" / "appendix.bin").write_bytes(os.urandom(3_000_000))
    _commit(repo, "big files")
    tracemalloc.start()
    try:
        with materialise("HEAD", repo / "assumptions" / "quellmark-instruments") as (folder, _):
            _, peak = tracemalloc.get_traced_memory()
            names = sorted(p.name for p in folder.parent.iterdir())
            assert (folder / "appendix.bin").stat().st_size == 3_000_000
            assert (folder / "model.yaml").read_bytes() == (
                repo / "assumptions/quellmark-instruments/model.yaml"
            ).read_bytes()
    finally:
        tracemalloc.stop()
    assert names == ["house-logo.svg", "house.yaml", "quellmark-instruments"], names
    assert peak < 8_000_000, f"{peak:,} bytes in memory to read one note"
