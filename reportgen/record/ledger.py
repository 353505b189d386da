"""The ledger of published calls: one JSON line per publication, appended, never rewritten.

Compliance needs a record of what was published (rating, targets, prices, when, from which
git revision); the notes need it too: the previous version a note is compared with, the
rating and target history on the price chart, the recommendation history table and the
ratings distribution all read this file, and nothing else that changes with the clock.
The file lives beside ``house.yaml`` as ``ledger.jsonl``.

It is a database in a text file, so it is written like one. An append writes the whole new
ledger to a temporary file beside it, syncs it to disk and renames it over the old one: a full
disk or a crash leaves the old ledger or the new one, never half a line (:class:`PendingAppend`
lets ``publish`` prepare the line before it switches the output and commit it after). Writers
take an exclusive lock (:func:`ledger_lock`) for the whole of their work. A torn last line left
by an older version or a hand edit is refused in one line naming ``ledger.jsonl:N`` and
``reportgen ledger repair``; a publication recorded twice is refused where it repeats.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import click
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import AssumptionsError, ReportgenError
from reportgen.inputs.sources import decode_text, display_path, read_input

LEDGER_NAME = "ledger.jsonl"
#: The price chart draws the calls of the last three years (regulators ask for up to three).
CHART_YEARS = 3
#: The appendix lists the recommendations of the last twelve months.
TABLE_MONTHS = 12


class Amount(BaseModel):
    """A price or target in a listing's own currency."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    value: float = Field(gt=0)
    currency: str = Field(min_length=3, max_length=3)


class Entry(BaseModel):
    """One publication of one note, as disseminated."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    note: str = Field(description="Note folder name, e.g. 'acme-industries'.")
    company: str
    note_date: dt.date = Field(description="The note's date as printed (company.yaml note.date).")
    published: dt.datetime = Field(description="Date and time of first dissemination, UTC.")
    rating: str = Field(description="The note's rating (its lead listing's).")
    targets: dict[str, Amount] = Field(min_length=1, description="Target per listing key.")
    prices: dict[str, Amount] = Field(min_length=1, description="Price per listing key on the pricing date.")
    revision: str = Field(pattern=r"^[0-9a-f]{40}$", description="Git commit the note was built from.")
    html_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @field_validator("published")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() != dt.timedelta(0):
            raise ValueError("must be in UTC (end with Z)")
        return value

    def to_line(self) -> str:
        """The entry as one JSON line with sorted keys (stable, diffable)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data["published"] = self.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Call:
    """A published entry and where it sits in the file (``ledger.jsonl:3``)."""

    entry: Entry
    where: str


@dataclass(frozen=True)
class Ledger:
    """Every publication in file order (file order is publication order)."""

    path: Path
    calls: tuple[Call, ...]

    def of_note(self, note: str) -> tuple[Call, ...]:
        return tuple(c for c in self.calls if c.entry.note == note)

    def before(self, note: str, day: dt.date) -> tuple[Call, ...]:
        """Publications of ``note`` disseminated before ``day`` (the note's own date)."""
        return tuple(c for c in self.of_note(note) if c.entry.published.date() < day)

    def last_before(self, note: str, day: dt.date) -> Call | None:
        """The version a note dated ``day`` is compared with by default: its last earlier publication."""
        earlier = self.before(note, day)
        return earlier[-1] if earlier else None

    def since(self, note: str, day: dt.date, years: int = 0, months: int = 0) -> tuple[Call, ...]:
        """Publications before ``day`` within the window that ends there."""
        start = _months_back(day, years * 12 + months)
        return tuple(c for c in self.before(note, day) if c.entry.published.date() >= start)

    def latest_per_company(self, day: dt.date) -> tuple[Entry, ...]:
        """Each company's latest call disseminated on or before ``day``, by company name."""
        latest: dict[str, Entry] = {}
        for call in self.calls:
            if call.entry.published.date() <= day:
                latest[call.entry.company] = call.entry
        return tuple(latest[name] for name in sorted(latest))


def _months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (29 Feb and month ends clamp to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def ledger_path(root: Path) -> Path:
    """The ledger of the notes under ``root`` (the folder holding house.yaml)."""
    return root / LEDGER_NAME


#: Largest ledger read, in bytes.
LEDGER_LIMIT = 64 * 1024 * 1024


class TornLedger(AssumptionsError):
    """The ledger ends in an incomplete line: one line saying where, and the command that repairs it."""

    def __init__(self, message: str) -> None:
        self.problems = [message]
        click.ClickException.__init__(self, message)


def repair_hint(path: Path) -> str:
    return f"reportgen ledger repair {display_path(path.parent)}"


def torn_tail(raw: bytes) -> tuple[int, int] | None:
    """``(line number, offset where it starts)`` of an incomplete last line, or None.

    Incomplete: not a whole JSON value (cut off by a full disk or a crash, perhaps in the middle of a
    character). A whole last line that only lacks its line end is complete: appends add the line end.
    """
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if not body.strip():
        return None
    start = body.rfind(b"\n") + 1
    try:
        json.loads(body[start:])
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return body.count(b"\n") + 1, start
    return None


def read_ledger_bytes(path: Path) -> bytes:
    """The ledger's bytes, read like every input (inside its folder, bounded), whole to its last line.

    The limit allows some hundred thousand publications.
    """
    raw = read_input(path, (path.parent,), limit=LEDGER_LIMIT)
    torn = torn_tail(raw)
    if torn is not None:
        raise TornLedger(
            f"{path.name}:{torn[0]}: the last line is incomplete (a publication cut off by a full disk "
            f"or a crash); remove it with: {repair_hint(path)}"
        )
    return raw


def load_ledger(path: Path) -> Ledger:
    """Read and validate every line; all problems at once as ``ledger.jsonl:line: field: message``.

    A missing file is an empty ledger (a house that has published nothing yet).
    """
    if not path.exists():
        return Ledger(path, ())
    return _parse(path, read_ledger_bytes(path))


def _parse(path: Path, raw: bytes) -> Ledger:
    calls: list[Call] = []
    problems: list[str] = []
    content = decode_text(raw, display_path(path))  # UTF-8, no control characters
    lines: dict[str, str] = {}
    for number, text in enumerate(content.splitlines(), start=1):
        where = f"{path.name}:{number}"
        if not text.strip():
            problems.append(f"{where}: empty line (one JSON object per line)")
            continue
        if text in lines:
            problems.append(f"{where}: repeats {lines[text]} (one line per publication); delete it")
            continue
        lines[text] = f"line {number}"
        try:
            calls.append(Call(Entry.model_validate_json(text), where))
        except ValidationError as exc:
            problems += [_problem(where, err) for err in exc.errors()]
    previous: dt.datetime | None = None
    seen: dict[tuple[str, dt.datetime], str] = {}
    for call in calls:
        if previous is not None and call.entry.published < previous:
            problems.append(f"{call.where}: published: earlier than the line before (append only)")
        previous = call.entry.published
        problems += _duplicate(call.entry, call.where, seen)
    if problems:
        raise AssumptionsError(problems)
    return Ledger(path, tuple(calls))


def _duplicate(entry: Entry, where: str, seen: dict[tuple[str, dt.datetime], str]) -> list[str]:
    """A second record of one publication: the same note disseminated at the same time."""
    key = (entry.note, entry.published)
    if key in seen:
        return [
            f"{where}: published: {entry.note} at {entry.published:%Y-%m-%dT%H:%M:%SZ} is already "
            f"recorded at {seen[key]}"
        ]
    seen[key] = f"line {where.rsplit(':', 1)[-1]}"
    return []


def _problem(where: str, err: object) -> str:
    assert isinstance(err, dict)
    loc = ".".join(str(part) for part in err.get("loc", ())) or "line"
    return f"{where}: {loc}: {err.get('msg', 'invalid')}"


@contextmanager
def ledger_lock(path: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the exclusive lock of the ledger at ``path`` (``flock`` on ``.ledger.jsonl.lock`` beside it).

    Every writer (``publish``, ``ledger repair``) holds it for the whole of its work, so two of them
    run one after the other. ``waiting`` is called once if another writer holds it. The lock file is
    removed on release (a waiter that locked the removed file notices and locks the new one), so it
    is only seen while a publication runs; its name starts with a dot, so no build key reads it.
    """
    lock = path.with_name(f".{path.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise _failure(f"cannot lock {display_path(path)}", exc) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                    waiting = None
                fcntl.flock(fd, fcntl.LOCK_EX)
            held = os.fstat(fd)
            try:
                current = os.stat(lock)
            except FileNotFoundError:
                current = None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(fd)  # released and removed while we waited: lock the new one
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(lock)
        os.close(fd)


class PendingAppend:
    """A checked ledger line, written with the whole ledger to a synced temporary file, not yet committed.

    :func:`prepare_append` does everything that can fail for want of space or because the line is
    refused; :meth:`commit` is one rename. ``publish`` prepares before it switches the output.
    """

    def __init__(self, path: Path, tmp: Path, where: str) -> None:
        self.path = path
        self.tmp: Path | None = tmp
        self.where = where

    def commit(self) -> str:
        """Put the new ledger in place (one atomic rename, the folder synced); return where the line is."""
        assert self.tmp is not None, "already committed or discarded"
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise _failure(f"cannot record the publication in {display_path(self.path)}", exc) from None
        self.tmp = None
        _sync_folder(self.path.parent)
        return self.where

    def discard(self) -> None:
        """Drop the prepared ledger (nothing was recorded); harmless once committed."""
        if self.tmp is not None:
            with suppress(OSError):
                self.tmp.unlink()
            self.tmp = None


def prepare_append(path: Path, entry: Entry) -> PendingAppend:
    """Check ``entry`` against the ledger and write the new ledger beside it; commit to record it.

    Refused (exit 2), with nothing written, when the ledger has problems, the entry is earlier
    than the last line or records a publication already there. The caller holds :func:`ledger_lock`.
    """
    real = Path(os.path.realpath(path))
    old = read_ledger_bytes(path) if path.exists() else b""
    existing = _parse(path, old) if old else Ledger(path, ())
    last = existing.calls[-1].entry.published if existing.calls else None
    if last is not None and entry.published < last:
        raise AssumptionsError(
            [
                f"{path.name}: cannot record a publication earlier than the last one "
                f"({existing.calls[-1].where}, {last:%Y-%m-%dT%H:%M:%SZ})"
            ]
        )
    seen: dict[tuple[str, dt.datetime], str] = {}
    for call in existing.calls:
        _duplicate(call.entry, call.where, seen)
    key = (entry.note, entry.published)
    if key in seen:
        where = f"{path.name}:{seen[key].split()[-1]}"
        raise AssumptionsError(
            [f"{where}: {entry.note} published at {entry.published:%Y-%m-%dT%H:%M:%SZ} is already recorded"]
        )
    data = old + (b"\n" if old and not old.endswith(b"\n") else b"") + entry.to_line().encode() + b"\n"
    tmp = write_beside(real, data, f"cannot record the publication in {display_path(path)}")
    return PendingAppend(real, tmp, f"{path.name}:{len(existing.calls) + 1}")


def append_entry(path: Path, entry: Entry) -> str:
    """Append one line (earlier lines are kept byte for byte); return where it went (``ledger.jsonl:4``)."""
    with ledger_lock(path):
        return prepare_append(path, entry).commit()


def repair_ledger(path: Path) -> str | None:
    """Remove an incomplete last line (see :func:`torn_tail`); say what went, or None if the ledger is whole.

    Only a line that is not whole JSON is removed: a bad but whole line is the analyst's to fix.
    """
    with ledger_lock(path):
        if not path.exists():
            return None
        raw = read_input(path, (path.parent,), limit=LEDGER_LIMIT)
        torn = torn_tail(raw)
        if torn is None:
            return None
        number, start = torn
        removed = raw[start:].decode("utf-8", "replace").strip()
        real = Path(os.path.realpath(path))
        tmp = write_beside(real, raw[:start], f"cannot repair {display_path(path)}")
        pending = PendingAppend(real, tmp, f"{path.name}:{number}")
        pending.commit()
    shown = removed if len(removed) <= 80 else removed[:79] + "…"
    return f"removed the incomplete line {path.name}:{number} ({len(raw) - start} bytes): {shown}"


def write_beside(path: Path, data: bytes, what: str) -> Path:
    """``data`` in a new temporary file beside ``path``, synced to disk, with ``path``'s permissions."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as handle:
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise _failure(what, exc) from None
    return tmp


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: some file systems cannot sync folders)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _failure(what: str, exc: OSError) -> ReportgenError:
    """An operating-system error as one line (never a repr, never a temporary file's name)."""
    return ReportgenError(f"{what}: {exc.strerror or exc}; the ledger is as it was")


def entries_for(calls: Iterable[Call]) -> tuple[Entry, ...]:
    return tuple(c.entry for c in calls)
