"""Build many notes: plan (shard, rate, skip what is current), then run the builds on an executor.

Executors are existing engines, not a scheduler of ours: this process (``--jobs 1``), a local
process pool (``--jobs N``) or a Dask cluster (``--executor dask``). Every note is built by
``build_job`` whatever runs it, so a failing note becomes an ``Outcome`` carrying its error and
never stops the others. The appendix's ratings distribution comes from the ledger of published
calls, so no note needs another note's model: notes build independently, in any order.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Literal

from reportgen.errors import ReportgenError
from reportgen.output.state import (
    Record,
    cache_folder,
    code_fingerprint,
    forget,
    house_digest,
    is_current,
    note_digest,
    note_key,
    write_record,
)

Executor = Literal["local", "dask"]
Status = Literal["built", "current", "failed"]


class ShardError(ReportgenError):
    """``--shard`` is not K/N with 1 <= K <= N (bad usage: exit code 2)."""

    exit_code = 2


class ExecutorError(ReportgenError):
    """The chosen executor cannot run: extra not installed, no scheduler (bad usage: exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Job:
    """One note to build, with everything a worker anywhere needs to build it alone."""

    folder: Path
    out_dir: Path
    templates: Path
    key: str
    html_only: bool
    #: Compare with the note at this git revision / in this folder (default: the ledger's).
    against: str | None = None
    previous: Path | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one note: built (with its paths), already current, or failed with its error."""

    slug: str
    status: Status
    message: str = ""
    exit_code: int = 0
    seconds: float = 0.0
    rss_mib: float = 0.0
    paths: tuple[Path, ...] = field(default_factory=tuple)
    worker: int = 0  # pid of the process that built it
    worker_notes: int = 0  # how many notes that process has built so far, this one included
    warnings: tuple[str, ...] = ()  # e.g. a results note's reconciliation warnings


@dataclass(frozen=True)
class Plan:
    """The notes of this run (this shard), those already current, and the jobs left to build."""

    current: tuple[str, ...]
    jobs: tuple[Job, ...]


# --------------------------------------------------------------------------- sharding


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' -> (2, 5)."""
    k, sep, n = text.partition("/")
    if not sep or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n):
        raise ShardError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 1/4")
    return int(k), int(n)


def select_shard(folders: Sequence[Path], k: int, n: int) -> list[Path]:
    """The notes shard K of N builds: a hash of the note's name picks its shard.

    Depends on the name only (not on the machine, the order found or how many other notes exist),
    so every runner of a CI matrix agrees, each note is built by exactly one, and adding a note
    moves no other note to another shard.
    """
    return [f for f in folders if int(hashlib.sha256(f.name.encode()).hexdigest()[:12], 16) % n == k - 1]


# --------------------------------------------------------------------------- planning


def plan(
    folders: Sequence[Path],
    out_dir: Path,
    templates: Path,
    *,
    html_only: bool,
    force: bool,
    against: str | None = None,
    previous: Path | None = None,
) -> Plan:
    """Keep the notes whose build key changed since their last build.

    The key covers the note's files, the shared files beside them (house profile, logo and the
    ledger, which gives the previous version, the history and the distribution) and the code.
    A build against a named revision or folder is always rebuilt: what it names can move.
    """
    code = code_fingerprint(templates)
    roots = sorted({f.parent.resolve() for f in folders})
    house = {root: house_digest(root) for root in roots}
    current: list[str] = []
    jobs: list[Job] = []
    for folder in folders:
        key = note_key(note_digest(folder), house[folder.parent.resolve()], code)
        named = against is not None or previous is not None
        if not force and not named and is_current(out_dir, folder.name, key, want_pdf=not html_only):
            current.append(folder.name)
        else:
            jobs.append(Job(folder, out_dir, templates, key, html_only, against, previous))
    return Plan(tuple(current), tuple(jobs))


# --------------------------------------------------------------------------- one note, anywhere

_CACHES: dict[Path, Any] = {}
_BUILT = itertools.count(1)


def build_job(job: Job, progress: Callable[[str, str], None] | None = None) -> Outcome:
    """Build one note and say how it went; never raises, so one failure cannot stop a batch.

    ``progress(note, stage)`` is told each stage as it starts (in this process only).
    """
    from reportgen.build import build_note
    from reportgen.output.cache import TextCache

    slug = job.folder.name
    started = time.perf_counter()
    cache_dir = cache_folder(job.out_dir) / "charts"
    cache = _CACHES.setdefault(cache_dir, TextCache(cache_dir))  # memory layer lives as long as the worker
    forget(job.out_dir, slug)
    try:
        built = build_note(
            job.folder,
            job.out_dir,
            job.templates,
            previous=_previous(job),
            html_only=job.html_only,
            charts_cache=cache,
            progress=(lambda stage: progress(slug, stage)) if progress else None,
        )
    except ReportgenError as exc:
        return _failed(slug, exc.format_message(), exc.exit_code, started)
    except Exception as exc:  # a bug in one note's build is reported, the batch goes on
        return _failed(slug, f"{slug}: {type(exc).__name__}: {exc}", 1, started)
    write_record(job.out_dir, slug, Record(job.key, pdf=not job.html_only))
    paths = tuple(p for p in (built.pdf, built.html) if p is not None)
    return Outcome(
        slug, "built", "", 0, _since(started), rss_mib(), paths, os.getpid(), next(_BUILT), built.warnings
    )


def _previous(job: Job) -> Any:
    """What the job's note is compared with, resolved in the worker (nothing heavy is pickled)."""
    from reportgen.build import FROM_LEDGER
    from reportgen.compare.previous import load_previous, previous_at

    if job.against is not None:
        return previous_at(job.against, job.folder)
    if job.previous is not None:
        return load_previous(job.previous)
    return FROM_LEDGER


def _failed(slug: str, message: str, code: int, started: float) -> Outcome:
    return Outcome(slug, "failed", message, code, _since(started), rss_mib(), (), os.getpid(), next(_BUILT))


def _since(started: float) -> float:
    return time.perf_counter() - started


def rss_mib() -> float:
    """Resident memory of this process now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_worker() -> None:
    """Pay imports once per worker, before its first note."""
    import reportgen.build  # noqa: F401


# --------------------------------------------------------------------------- executors


class Runner:
    """Runs ratings and builds on this process, a pool of worker processes or a Dask cluster."""

    def __init__(self, executor: Executor = "local", jobs: int = 1, scheduler: str | None = None) -> None:
        self.executor, self.jobs, self.scheduler = executor, jobs, scheduler
        self._pool: Pool | None = None
        self._client: Any = None

    def __enter__(self) -> Runner:
        if self.executor == "dask":
            self._client = _dask_client(self.scheduler)
        elif self.jobs > 1:
            self._pool = Pool(self.jobs)
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # Interrupted (SIGTERM, Ctrl-C) or failed: stop the workers now, never wait for their notes.
        if self._pool is not None:
            self._pool.close(stop=kind is not None)
        if self._client is not None:
            self._client.close()

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``fn`` over the items, results in order."""
        items = list(items)
        if self._client is not None:
            return iter(self._client.gather(self._client.map(fn, items, pure=False)))
        if self._pool is not None:
            done = dict(self._pool.run(fn, items, _raise_crash))
            return (done[i] for i in range(len(items)))
        return map(fn, items)

    def builds(
        self, jobs: Sequence[Job], progress: Callable[[str, str], None] | None = None
    ) -> Iterator[Outcome]:
        """Build every job; yield each outcome as soon as its note is done (stages: in-process only)."""
        if self._client is not None:
            from distributed import as_completed as dask_completed

            # A Dask worker runs elsewhere, in another folder: every path is made absolute here.
            sent = [_absolute(j) for j in jobs]
            futures = dict(zip(self._client.map(build_job, sent, pure=False), sent, strict=True))
            for future in dask_completed(list(futures)):
                yield _outcome(future, futures[future].folder.name)
        elif self._pool is not None:
            for _, outcome in self._pool.run(build_job, list(jobs), _crashed_build):
                yield outcome
        else:
            for job in jobs:
                yield build_job(job, progress)


def _absolute(job: Job) -> Job:
    previous = job.previous.absolute() if job.previous is not None else None
    return replace(
        job,
        folder=job.folder.absolute(),
        out_dir=job.out_dir.absolute(),
        templates=job.templates.absolute(),
        previous=previous,
    )


def _crashed_build(job: Job, why: str) -> Outcome:
    slug = job.folder.name
    return Outcome(
        slug, "failed", f"{slug}: the worker process building it {why}; its previous output is untouched", 1
    )


def _raise_crash(item: Any, why: str) -> Any:
    raise ReportgenError(f"a worker {why}")


def _outcome(future: Any, slug: str) -> Outcome:
    """The future's outcome; a crashed worker becomes a failure of that note alone."""
    try:
        result: Outcome = future.result()
    except Exception as exc:
        return Outcome(slug, "failed", f"{slug}: the worker building it died: {exc}", 1)
    return result


# --------------------------------------------------------------------------- the local pool

#: Seconds a worker is given to clean up (remove its staging folder) after SIGTERM before SIGKILL.
STOP_GRACE = 3.0


def _work(conn: Connection) -> None:
    """A worker process: pay the imports once, then run each task it is sent, one at a time."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds the build: its staging folder is removed

    signal.signal(signal.SIGTERM, stop)
    _warm_worker()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        fn, item = task
        conn.send(fn(item))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    item: Any = None
    busy: bool = False


class Pool:
    """Worker processes (spawned, so nothing of this process leaks into a build) that each run one
    task at a time. The pool knows which task each worker holds, so a worker that dies (the OOM
    killer's SIGKILL) fails that task alone: a new worker takes its place and the rest run on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.context = get_context("spawn")
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_work, args=(theirs,), daemon=True, name="reportgen-worker")
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def run(
        self, fn: Callable[[Any], Any], items: Sequence[Any], crashed: Callable[[Any, str], Any]
    ) -> Iterator[tuple[int, Any]]:
        """``(index, fn(item))`` for every item as each finishes; ``crashed(item, why)`` stands in
        for the result of an item whose worker died holding it."""
        todo = list(enumerate(items))[::-1]
        while todo or any(w.busy for w in self.workers):
            for worker in [w for w in self.workers if not w.busy and not w.process.is_alive()]:
                self._drop(worker)  # died idle (sent its last result, then was killed): holds nothing
            for worker in [w for w in self.workers if not w.busy]:
                if todo and not self._give(worker, fn, todo[-1]):
                    self._drop(worker)
                elif todo:
                    todo.pop()
            while todo and len(self.workers) < min(self.size, len(items)):
                worker = self._start()
                if self._give(worker, fn, todo[-1]):
                    todo.pop()
                else:
                    self._drop(worker)
            busy = [w for w in self.workers if w.busy]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    index, item = worker.item
                    result = self._result(worker)
                    yield (
                        (index, result) if result is not _DIED else (index, crashed(item, self._why(worker)))
                    )

    def _give(self, worker: _Worker, fn: Callable[[Any], Any], task: tuple[int, Any]) -> bool:
        try:
            worker.conn.send((fn, task[1]))
        except OSError:  # the worker is gone: the task stays to do
            return False
        worker.item, worker.busy = task, True
        return True

    def _drop(self, worker: _Worker) -> None:
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)

    def _result(self, worker: _Worker) -> Any:
        try:
            if worker.conn.poll():
                result = worker.conn.recv()
                worker.busy, worker.item = False, None
                return result
        except (EOFError, OSError):
            pass
        self._drop(worker)
        return _DIED

    @staticmethod
    def _why(worker: _Worker) -> str:
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                return f"was killed ({signal.Signals(-code).name})"
            except ValueError:
                return f"was killed (signal {-code})"
        return f"exited (status {code})"

    def close(self, *, stop: bool = False) -> None:
        """Let idle workers go; with ``stop``, end busy ones too (SIGTERM, then SIGKILL)."""
        for worker in self.workers:
            with suppress(OSError):
                worker.conn.send(None)
            if stop:
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()) if stop else None)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []


_DIED = object()


def _dask_client(scheduler: str | None) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("--executor dask needs the dask extra: pip install 'reportgen[dask]'") from None
    if not scheduler:
        raise ExecutorError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    try:
        return Client(scheduler, timeout="30s")
    except OSError as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
