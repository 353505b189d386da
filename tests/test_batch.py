"""Batch builds: HTML-only review builds, incremental rebuilds, shards, failures, executors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reportgen.cli import main
from reportgen.commands.batch import ShardError, parse_shard, select_shard
from reportgen.commands.universe import write_universe
from reportgen.exhibits.charts import svg as charts_mod
from reportgen.record.ledger import Amount, Entry, append_entry, ledger_path
from tests.helpers import ROOT, edit

HOUSE = ROOT / "assumptions" / "house.yaml"
#: Charts each synthetic note declares in exhibits.yaml (segments, margins, EPS, SOTP); no prices.csv.
CHARTS_PER_NOTE = 4


@pytest.fixture
def universe(tmp_path: Path) -> list[Path]:
    return write_universe(tmp_path / "universe", 3, HOUSE, seed=7)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call of the chart renderer in this process."""
    calls: list[Any] = []
    real = charts_mod.vl_convert.vegalite_to_svg

    def counting(spec: Any, *args: Any, **kwargs: Any) -> str:
        calls.append(spec)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(charts_mod.vl_convert, "vegalite_to_svg", counting)
    return calls


def build(*args: str) -> Result:
    return CliRunner().invoke(main, ["build", *args])


def lines(result: Result, prefix: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(prefix)]


# --------------------------------------------------------------------------- shards


def test_parse_shard() -> None:
    assert parse_shard("2/5") == (2, 5)
    for bad in ("0/3", "4/3", "1", "a/b", "1/0", "-1/2"):
        with pytest.raises(ShardError, match="K/N"):
            parse_shard(bad)


def test_shards_partition_the_universe_and_do_not_move_when_a_note_is_added() -> None:
    folders = [Path(f"notes/company-{i:03d}") for i in range(40)]
    shards = [select_shard(folders, k, 3) for k in (1, 2, 3)]
    assert sorted(f for s in shards for f in s) == folders  # every note once, in no two shards
    assert all(shards)  # 40 notes over 3 shards: none empty
    grown = [*folders, Path("notes/newcomer")]
    assert [f for f in select_shard(grown, 2, 3) if f != Path("notes/newcomer")] == shards[1]
    assert select_shard(list(reversed(folders)), 1, 3) == list(reversed(shards[0]))  # order-free


def test_a_bad_shard_is_a_usage_error(universe: list[Path], tmp_path: Path) -> None:
    result = build(str(universe[0].parent), "--out", str(tmp_path / "out"), "--shard", "3/2")
    assert result.exit_code == 2
    assert "K/N" in result.output


# --------------------------------------------------------------------------- html-only and incremental


@pytest.mark.slow
def test_html_only_then_incremental(universe: list[Path], tmp_path: Path, renders: list[Any]) -> None:
    root, out = universe[0].parent, tmp_path / "out"
    first = build(str(root), "--out", str(out), "--html-only")
    assert first.exit_code == 0, first.output
    assert len(lines(first, "built ")) == 3
    for folder in universe:
        published = out / folder.name
        assert (published / f"{folder.name}.html").is_file()
        assert (published / "assets" / "charts" / "segment-chart.svg").is_file()
        assert not (published / f"{folder.name}.pdf").exists()  # a review build has no PDF
    assert len(renders) == 3 * CHARTS_PER_NOTE

    again = build(str(root), "--out", str(out), "--html-only")
    assert again.exit_code == 0, again.output
    assert len(lines(again, "up to date: ")) == 3 and not lines(again, "built ")
    assert len(renders) == 3 * CHARTS_PER_NOTE  # nothing drawn

    # Prose only: that note alone is rebuilt, and none of its charts is drawn again.
    edit(universe[1] / "narrative.yaml", "The main risks are:", "The main risks we see are:")
    prose = build(str(root), "--out", str(out), "--html-only")
    assert [line.split("/")[-2] for line in lines(prose, "built ")] == [universe[1].name]
    assert len(renders) == 3 * CHARTS_PER_NOTE
    assert "The main risks we see are:" in (out / universe[1].name / f"{universe[1].name}.html").read_text()

    # --force rebuilds everything; the charts come from the cache.
    forced = build(str(root), "--out", str(out), "--html-only", "--force")
    assert len(lines(forced, "built ")) == 3
    assert len(renders) == 3 * CHARTS_PER_NOTE


@pytest.mark.slow
def test_a_new_published_call_rebuilds_every_note_beside_the_ledger(
    universe: list[Path], tmp_path: Path
) -> None:
    """The appendix's ratings distribution counts published calls, so a new ledger line is an
    input of every note beside it; another note's price is not (no note reads another's model)."""
    root, out = universe[0].parent, tmp_path / "out"
    assert build(str(root), "--out", str(out), "--html-only").exit_code == 0
    changed = universe[0]
    text = (changed / "company.yaml").read_text()
    found = re.search(r"^( +price: )([0-9.]+)$", text, re.MULTILINE)
    assert found is not None
    edit(changed / "company.yaml", found[0], f"{found[1]}{float(found[2]) * 1.01:.2f}")
    one = build(str(root), "--out", str(out), "--html-only")
    assert one.exit_code == 0, one.output
    assert [line.split("/")[-2] for line in lines(one, "built ")] == [changed.name]

    call = Entry(
        note="another-house-note",
        company="Another Company",
        note_date=dt.date(2020, 1, 6),
        published=dt.datetime(2020, 1, 6, 7, 0, tzinfo=dt.UTC),
        rating="Sell",
        targets={"main": Amount(currency="USD", value=10.0)},
        prices={"main": Amount(currency="USD", value=12.0)},
        revision="0" * 40,
    )
    append_entry(ledger_path(root), call)
    everyone = build(str(root), "--out", str(out), "--html-only")
    assert everyone.exit_code == 0, everyone.output
    assert len(lines(everyone, "built ")) == 3  # all three print the distribution
    html = (out / universe[1].name / f"{universe[1].name}.html").read_text()
    assert "Another Company" not in html and "(1 company)" in html


@pytest.mark.slow
def test_a_full_build_is_needed_after_an_html_only_one(universe: list[Path], tmp_path: Path) -> None:
    note, out = universe[0], tmp_path / "out"
    assert build(str(note), "--out", str(out), "--html-only").exit_code == 0
    full = build(str(note), "--out", str(out))
    assert full.exit_code == 0, full.output
    assert (out / note.name / f"{note.name}.pdf").read_bytes().startswith(b"%PDF-")
    review = build(str(note), "--out", str(out), "--html-only")  # the full build holds the HTML too
    assert lines(review, "up to date: ") == [f"up to date: {out / note.name}"]


# --------------------------------------------------------------------------- failures and executors


@pytest.mark.slow
def test_one_failing_note_does_not_stop_the_others(universe: list[Path], tmp_path: Path) -> None:
    broken = universe[1]
    edit(
        broken / "narrative.yaml",
        "sets out our forecasts.",
        "sets out {{ lines.no_such_line[2030] | money }}.",
    )
    out = tmp_path / "out"
    result = build(str(universe[0].parent), "--out", str(out), "--html-only", "--jobs", "2")
    assert result.exit_code == 2  # bad input in one note
    assert re.search(rf"{broken.name}/narrative\.yaml:\d+:\d+", result.output), result.output
    assert "Traceback" not in result.output
    assert sorted(line.split("/")[-2] for line in lines(result, "built ")) == [
        universe[0].name,
        universe[2].name,
    ]
    assert not (out / broken.name).exists()
    # The failed note has no record: the next run tries it again rather than calling it current.
    again = build(str(universe[0].parent), "--out", str(out), "--html-only")
    assert again.exit_code == 2 and len(lines(again, "up to date: ")) == 2


@pytest.mark.slow
def test_dask_executor_on_a_local_cluster(universe: list[Path], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = build(
            str(universe[0].parent),
            "--out",
            str(tmp_path / "out"),
            "--html-only",
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert result.exit_code == 0, result.output
    assert sorted(line.split("/")[-2] for line in lines(result, "built ")) == [f.name for f in universe]


def test_dask_executor_needs_a_scheduler(universe: list[Path], tmp_path: Path) -> None:
    result = build(str(universe[0]), "--out", str(tmp_path / "out"), "--executor", "dask")
    assert result.exit_code == 2
    assert "--scheduler" in result.output or "dask extra" in result.output


# --------------------------------------------------------------------------- watch


@pytest.mark.slow
def test_watch_republishes_on_save_and_keeps_the_last_good_note(
    universe: list[Path], tmp_path: Path, renders: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen import build as build_mod
    from reportgen.commands.watch import PREVIEW, Watcher

    note, out = universe[0], tmp_path / "out"
    said: list[str] = []
    watcher = Watcher(note, out)
    assert len(watcher.changed()) > 5  # first look: every file is new
    assert watcher.changed() == []
    assert watcher.build(said.append)
    assert [s.split()[0] for s in said] == ["html", "pdf"]
    assert (out / f"{note.name}{PREVIEW}" / f"{note.name}{PREVIEW}.html").is_file()
    assert len(renders) == CHARTS_PER_NOTE

    # A prose edit: seen, rebuilt, and neither chart specs nor SVGs are made again.
    specs: list[Any] = []
    real = build_mod.build_charts
    monkeypatch.setattr(build_mod, "build_charts", lambda *a, **k: specs.append(a) or real(*a, **k))
    edit(note / "narrative.yaml", "The main risks are:", "The main risks we see are:")
    assert watcher.changed() == [note / "narrative.yaml"]
    assert watcher.build(said.append)
    assert specs == [] and len(renders) == CHARTS_PER_NOTE
    assert "we see" in (out / note.name / f"{note.name}.html").read_text()
    good_pdf = (out / note.name / f"{note.name}.pdf").read_bytes()

    # A save that breaks the note: reported, and the published note stays the last good one.
    edit(note / "narrative.yaml", "The main risks we see are:", "{{ lines.no_such_line[2030] | money }}")
    assert not watcher.build(said.append)
    assert said[-1].startswith("Error: ") and "narrative.yaml:" in said[-1]
    assert "we see" in (out / note.name / f"{note.name}.html").read_text()
    assert (out / note.name / f"{note.name}.pdf").read_bytes() == good_pdf


@pytest.mark.slow
def test_cached_charts_give_the_same_html_and_skip_the_specs(
    universe: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen import build as build_mod
    from reportgen.build import render_html
    from reportgen.output.cache import TextCache

    note = universe[2]
    plain = render_html(note).html  # no cache at all
    first = render_html(note, charts_cache=TextCache(tmp_path / "cache")).html
    calls: list[Any] = []
    monkeypatch.setattr(build_mod, "build_charts", lambda *a, **k: calls.append(a))
    edit(note / "narrative.yaml", "The main risks are:", "The main risks we see are:")
    again = render_html(note, charts_cache=TextCache(tmp_path / "cache"))  # a new process's view: disk only
    assert calls == []  # the whole chart set came from the cache
    assert plain == first
    assert again.html == first.replace("The main risks are:", "The main risks we see are:")
