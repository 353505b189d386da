"""The ledger is a database in a text file: appends are whole or absent, a torn tail is named with
its one-command repair, publishes are serialised, duplicates are refused, and a publish records its
line or leaves the published note as it was. Each test reproduces a failure a probe of 0.3.0 observed."""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.errors import AssumptionsError, ReportgenError
from reportgen.output.publish import make_staging
from reportgen.output.publish import publish as publish_folder
from reportgen.record.ledger import Amount, Entry, append_entry, load_ledger
from tests.helpers import DEFAULT_NOTE, edit, git, run_cli

COMMIT = "a" * 40
ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def entry(note: str, when: str, target: float = 60.0) -> Entry:
    published = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
    return Entry(
        note=note,
        company=note.title(),
        note_date=published.date(),
        published=published,
        rating="Buy",
        targets={"ads": Amount(value=target, currency="USD")},
        prices={"ads": Amount(value=50.0, currency="USD")},
        revision=COMMIT,
    )


def two_lines(path: Path) -> bytes:
    append_entry(path, entry("acme", "2026-01-05T08:00:00"))
    append_entry(path, entry("beta", "2026-02-05T08:00:00"))
    return path.read_bytes()


def one_line(message: str) -> str:
    lines = message.strip().splitlines()
    assert len(lines) == 1, message
    return lines[0]


# ----------------------------------------------------------------------------- torn tails

LINE = entry("gamma", "2026-03-05T08:00:00").to_line().encode()


@pytest.mark.parametrize(
    "tail",
    [
        LINE[: len(LINE) // 2],  # the disk filled up mid-line
        LINE[:-1] + b"\xe2\x82",  # ... in the middle of a multi-byte character
        LINE[: len(LINE) // 2] + b"\n",  # a half line, then a line end
    ],
)
def test_a_torn_last_line_is_one_line_naming_it_and_its_repair(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "ledger.jsonl"
    good = two_lines(path)
    path.write_bytes(good + tail)
    with pytest.raises(ReportgenError) as info:
        load_ledger(path)
    message = one_line(info.value.format_message())
    assert message.startswith("ledger.jsonl:3: ")
    assert "reportgen ledger repair" in message
    assert info.value.exit_code == 2

    repaired = run_cli("ledger", "repair", str(tmp_path))
    assert repaired.exit_code == 0, repaired.output
    assert "ledger.jsonl:3" in repaired.output
    assert path.read_bytes() == good
    assert len(load_ledger(path).calls) == 2
    again = run_cli("ledger", "repair", str(path))
    assert again.exit_code == 0 and "nothing to repair" in again.output


def test_a_last_line_missing_only_its_line_end_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(two_lines(path).rstrip(b"\n"))
    assert len(load_ledger(path).calls) == 2
    append_entry(path, entry("gamma", "2026-03-05T08:00:00"))
    assert [c.where for c in load_ledger(path).calls][-1] == "ledger.jsonl:3"


def test_check_names_a_torn_ledger_in_one_line(note_copy: Path) -> None:
    path = note_copy.parent / "ledger.jsonl"
    path.write_bytes(two_lines(path) + LINE[:40])
    result = run_cli("check", str(note_copy))
    assert result.exit_code == 2
    message = one_line(result.output)
    assert "ledger.jsonl:3: " in message and "reportgen ledger repair" in message


# ----------------------------------------------------------------------------- a full disk


class _FillsUp:
    """A file whose write puts half the bytes on disk, then finds the disk full."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def write(self, data: Any) -> int:
        self.handle.write(data[: max(1, len(data) // 2)])
        self.handle.flush()
        raise OSError(ENOSPC.errno, ENOSPC.strerror)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> _FillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def fill_up(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Every file opened for writing in ``folder`` runs out of space half-way through a write."""
    real_open, real_path_open = builtins.open, Path.open
    folder = folder.resolve()

    def wrap(file: Any, mode: str, handle: Any) -> Any:
        writing = any(c in mode for c in "wax+")
        inside = isinstance(file, str | os.PathLike) and Path(file).resolve().parent == folder
        return _FillsUp(handle) if writing and inside else handle

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return wrap(file, mode, real_open(file, mode, *args, **kwargs))

    def fake_path_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return wrap(self, mode, real_path_open(self, mode, *args, **kwargs))

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(Path, "open", fake_path_open)


def fsync_fails(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """fsync of a file in ``folder`` reports the disk full (delayed allocation)."""
    real = os.fsync
    folder = folder.resolve()

    def fake(fd: int) -> None:
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if target.parent == folder:
            raise OSError(ENOSPC.errno, ENOSPC.strerror)
        real(fd)

    monkeypatch.setattr(os, "fsync", fake)


@pytest.mark.parametrize("fault", [fill_up, fsync_fails])
def test_a_full_disk_during_an_append_leaves_the_ledger_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: Any
) -> None:
    path = tmp_path / "ledger.jsonl"
    good = two_lines(path)
    with monkeypatch.context() as patch:
        fault(patch, tmp_path)
        with pytest.raises(ReportgenError) as info:
            append_entry(path, entry("gamma", "2026-03-05T08:00:00"))
    message = one_line(info.value.format_message())
    assert "No space left on device" in message and "ledger.jsonl" in message
    assert ".tmp" not in message and "Errno" not in message
    assert info.value.exit_code == 1
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.jsonl"]  # no temporary left behind
    append_entry(path, entry("gamma", "2026-03-05T08:00:00"))
    assert len(load_ledger(path).calls) == 3


# ----------------------------------------------------------------------------- duplicates


def test_a_duplicated_line_is_refused_where_it_repeats(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    good = two_lines(path)
    first = good.splitlines()[0]
    path.write_bytes(good + first + b"\n")
    with pytest.raises(AssumptionsError) as info:
        load_ledger(path)
    assert any(p.startswith("ledger.jsonl:3: ") and "line 1" in p for p in info.value.problems), info.value
    # Same note, same time, another target: one publication recorded twice.
    path.write_bytes(good + entry("beta", "2026-02-05T08:00:00", target=61.0).to_line().encode() + b"\n")
    with pytest.raises(AssumptionsError) as info:
        load_ledger(path)
    assert any(p.startswith("ledger.jsonl:3: ") and "line 2" in p for p in info.value.problems), info.value


def test_appending_a_duplicate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    good = two_lines(path)
    with pytest.raises(ReportgenError, match=r"ledger\.jsonl:2"):
        append_entry(path, entry("beta", "2026-02-05T08:00:00"))
    assert path.read_bytes() == good


# ----------------------------------------------------------------------------- publish


def publish(repo: Path, out: Path, *at: str) -> Any:
    note = repo / "assumptions" / DEFAULT_NOTE.name
    return CliRunner().invoke(main, ["publish", str(note), "--out", str(out), *(["--at", *at] if at else [])])


def test_a_refused_append_leaves_the_output_as_it_was(repo: Path, tmp_path: Path) -> None:
    ledger = repo / "assumptions" / "ledger.jsonl"
    append_entry(ledger, entry("other-note", "2026-06-01T08:00:00"))  # a later call of another note
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")
    before = ledger.read_bytes()
    out = tmp_path / "out"
    done = publish(repo, out, "2026-05-11T07:00:00Z")
    assert done.exit_code == 2, done.output
    assert "earlier than the last" in done.output
    assert ledger.read_bytes() == before
    assert not os.path.lexists(out / DEFAULT_NOTE.name)  # nothing published that is not recorded


def test_a_full_disk_while_recording_publishes_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    fill_up(monkeypatch, repo / "assumptions")
    done = publish(repo, out, "2026-05-11T07:00:00Z")
    assert done.exit_code == 1, done.output
    assert "No space left on device" in one_line(done.output)
    assert "Traceback" not in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert not (repo / "assumptions" / "ledger.jsonl").exists()
    assert not os.path.lexists(out / DEFAULT_NOTE.name)


def test_a_ledger_that_cannot_be_committed_switches_the_output_back(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    staging = make_staging(out, DEFAULT_NOTE.name)
    (staging / "readers-had-this.html").write_text("the note readers had", encoding="utf-8")
    publish_folder(staging, out, DEFAULT_NOTE.name)
    real = os.replace

    def failing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst).name == "ledger.jsonl":
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    done = publish(repo, out, "2026-05-11T07:00:00Z")
    assert done.exit_code == 1, done.output
    assert "Input/output error" in one_line(done.output)
    published = out / DEFAULT_NOTE.name
    assert sorted(p.name for p in published.iterdir()) == ["readers-had-this.html"]
    assert not (repo / "assumptions" / "ledger.jsonl").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([DEFAULT_NOTE.name, os.readlink(published)])
    assert sorted(p.name for p in (repo / "assumptions").iterdir() if p.name.startswith(".")) == []


def test_uncommitted_edits_to_a_shared_link_target_are_refused(repo: Path, tmp_path: Path) -> None:
    root = repo / "assumptions"
    note = root / DEFAULT_NOTE.name
    (note / "valuation.yaml").rename(root / "shared-valuation.yaml")
    (note / "valuation.yaml").symlink_to(Path("..") / "shared-valuation.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shared valuation")
    edit(root / "shared-valuation.yaml", "multiple: 6.5", "multiple: 6.0")
    done = publish(repo, tmp_path / "out", "2026-05-11T07:00:00Z")
    assert done.exit_code == 2, done.output
    assert "uncommitted changes" in done.output and "shared-valuation.yaml" in done.output
    assert not (root / "ledger.jsonl").exists()


def test_uncommitted_edits_to_the_logo_the_house_names_are_refused(repo: Path, tmp_path: Path) -> None:
    root = repo / "assumptions"
    (root / "house-logo.svg").rename(root / "brand.svg")
    edit(root / "house.yaml", "logo: house-logo.svg", "logo: brand.svg")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rebrand")
    edit(root / "brand.svg", 'fill="#0B3C5D"', 'fill="#FF0000"')
    done = publish(repo, tmp_path / "out", "2026-05-11T07:00:00Z")
    assert done.exit_code == 2, done.output
    assert "uncommitted changes" in done.output and "brand.svg" in done.output
    assert not (root / "ledger.jsonl").exists()


#: Run in each of two processes: publish through the CLI with a fake PDF (the test is about the
#: ledger, not typesetting). The first waits inside its build until the test says go.
RACER = """
import pathlib, sys, time
import reportgen.build
gate, role, note, out = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def fake_pdf(html, *args, **kwargs):
    if role == "first":
        (gate / "first-is-building").touch()
        deadline = time.monotonic() + 100
        while not (gate / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return b"%PDF-1.7 stand-in"

reportgen.build.render_pdf = fake_pdf
from reportgen.cli import main
main(["publish", note, "--out", out])
"""


def _wait_for(condition: Any, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.timeout(120)
def test_two_publishes_at_once_are_serialised_and_recorded_in_order(repo: Path, tmp_path: Path) -> None:
    note, out, gate = repo / "assumptions" / DEFAULT_NOTE.name, tmp_path / "out", tmp_path / "gate"
    gate.mkdir()
    if dt.datetime.now(dt.UTC).date() < dt.date(2026, 5, 11):
        pytest.skip("publishing at 'now' needs a clock past the note's date")

    def start(role: str) -> tuple[subprocess.Popen[bytes], Path]:
        err = tmp_path / f"{role}.err"
        args = [sys.executable, "-c", RACER, str(gate), role, str(note), str(out)]
        with err.open("wb") as sink:
            return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=sink, cwd=tmp_path), err

    deadline = time.monotonic() + 100
    first, first_err = start("first")
    assert _wait_for(lambda: (gate / "first-is-building").exists(), deadline), first_err.read_text()
    second, second_err = start("second")
    # The second either waits for the first (and says so) or, unserialised, runs to its end.
    _wait_for(lambda: second.poll() is not None or "waiting" in second_err.read_text(), deadline)
    (gate / "go").touch()
    codes = first.wait(timeout=100), second.wait(timeout=100)
    assert codes == (0, 0), first_err.read_text() + second_err.read_text()
    assert "waiting for another publish" in second_err.read_text()
    ledger = load_ledger(repo / "assumptions" / "ledger.jsonl")
    first_call, second_call = (c.entry for c in ledger.calls)
    assert first_call.published <= second_call.published
    html = (out / DEFAULT_NOTE.name / f"{DEFAULT_NOTE.name}.html").read_bytes()
    # The last line recorded is the note readers see.
    assert second_call.html_sha256 == hashlib.sha256(html).hexdigest()
    lines = (repo / "assumptions" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    times = [json.loads(line)["published"] for line in lines]
    assert times == sorted(times)
