"""Hardening of batches and outputs, part B: a cancelled batch stops, a killed worker fails its note
alone, Dask gets absolute paths, and a full disk is one line.

The batch tests run the CLI in a subprocess on a few synthetic notes. A worker is made to hold a
chosen note (it sleeps instead of building it) by a ``sitecustomize`` module the test puts on the
subprocess's path, which wraps ``build_job`` in every process: the package itself has no test hook.
The test finds the holding worker by the pid it writes, checks with psutil that it is a child of
the CLI, then kills it, or cancels the batch while it is busy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.commands.universe import write_universe
from tests.helpers import ROOT

psutil = pytest.importorskip("psutil")

HOUSE = ROOT / "assumptions" / "house.yaml"
HOOK = """
import os
import time

_HELD = os.environ.get("REPORTGEN_TEST_HOLD")
if _HELD:
    import reportgen.commands.batch as _batch

    _real = _batch.build_job

    def build_job(job, progress=None):
        if job.folder.name == _HELD:
            pid_file = os.environ["REPORTGEN_TEST_HOLD_PID"]
            with open(pid_file + ".tmp", "w") as handle:
                handle.write(str(os.getpid()))
            os.replace(pid_file + ".tmp", pid_file)
            time.sleep(3600)  # held: the test kills this worker or cancels the batch
        return _real(job, progress)

    _batch.build_job = build_job
"""


@pytest.fixture
def universe(tmp_path: Path) -> list[Path]:
    return write_universe(tmp_path / "universe", 4, HOUSE, seed=11)


@pytest.fixture
def batch(tmp_path: Path) -> Iterator[Any]:
    """Start ``reportgen build`` in its own process group holding one note; always cleaned up."""
    started: list[subprocess.Popen[str]] = []
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK, encoding="utf-8")

    def start(notes: Path, out: Path, held: str) -> tuple[subprocess.Popen[str], Path]:
        pid_file = tmp_path / "held.pid"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])),
            "REPORTGEN_TEST_HOLD": held,
            "REPORTGEN_TEST_HOLD_PID": str(pid_file),
        }
        args = ["build", str(notes), "--out", str(out), "--jobs", "2", "--html-only", "--force"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "reportgen", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started.append(proc)
        return proc, pid_file

    yield start
    for proc in started:  # whatever happened, nothing we started outlives the test
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _held_worker(proc: subprocess.Popen[str], pid_file: Path) -> Any:
    """The worker holding the note: a child process of the CLI, found by the pid it wrote."""
    while not pid_file.exists():
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    worker = psutil.Process(int(pid_file.read_text()))
    assert worker.ppid() == proc.pid
    return worker


def _whole(out: Path, slug: str) -> bool:
    html = out / slug / f"{slug}.html"
    return html.is_file() and html.read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.mark.timeout(240)
def test_a_worker_killed_mid_note_fails_that_note_alone(
    universe: list[Path], tmp_path: Path, batch: Any
) -> None:
    """The OOM killer's SIGKILL to one worker used to break the pool: every note failed, started
    or not. Now the note it held fails, a new worker takes its place and the rest are built."""
    held = universe[0].name  # the first note given out: the others are still to build
    out = tmp_path / "out"
    proc, pid_file = batch(universe[0].parent, out, held)
    _held_worker(proc, pid_file).send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 1, stderr
    built = sorted(line.split("/")[-2] for line in stdout.splitlines() if line.startswith("built "))
    assert built == sorted(n.name for n in universe[1:]), stdout + stderr
    errors = [line for line in stderr.splitlines() if line.strip()]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(f"Error: {held}: the worker process building it was killed (SIGKILL)")
    assert all(_whole(out, n.name) for n in universe[1:]) and not (out / held).exists()


@pytest.mark.timeout(240)
def test_sigterm_stops_a_batch_while_a_worker_is_busy(
    universe: list[Path], tmp_path: Path, batch: Any
) -> None:
    """A CI cancel (SIGTERM) used to wait for every busy worker to finish its note: for ever here."""
    held = universe[0].name
    out = tmp_path / "out"
    proc, pid_file = batch(universe[0].parent, out, held)
    worker = _held_worker(proc, pid_file)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate()
    assert proc.returncode == 128 + signal.SIGTERM
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: stopped by SIGTERM: "), stderr
    assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
    # Whatever was published is a whole note; the held one was never published.
    published = [n.name for n in universe if (out / n.name).exists()]
    assert held not in published and all(_whole(out, slug) for slug in published)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_dask_gets_absolute_note_and_output_paths(
    universe: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker runs in its own folder: relative note paths failed there and a relative
    ``--out build`` was written in the worker's folder. The client now sends absolute paths."""
    distributed = pytest.importorskip("distributed")
    client = universe[0].parent.parent
    elsewhere = tmp_path / "worker-folder"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the in-process worker's folder, not the client's
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        args = ["build", "universe", "--out", "build", "--html-only", "--executor", "dask"]
        done = subprocess.run(
            [sys.executable, "-m", "reportgen", *args, "--scheduler", cluster.scheduler_address],
            cwd=client,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(_whole(client / "build", n.name) for n in universe)
    assert list(elsewhere.iterdir()) == []


def test_a_full_disk_is_one_line_naming_the_file(
    universe: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copying the assets onto a full disk printed a 2,262-character repr of shutil.Error."""
    real = shutil.copyfile

    def full(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(dst).suffix == ".otf":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", full)
    result = CliRunner().invoke(
        main, ["build", str(universe[0]), "--out", str(tmp_path / "out"), "--html-only"]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"Error: {universe[0].name}: cannot write ")
    assert lines[0].endswith(".otf: No space left on device"), lines[0]
    assert len(lines[0]) < 300
