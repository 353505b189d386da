"""The ledger of published calls: one JSON line per publication, appended, never rewritten.

Compliance needs a record of what was published (rating, targets, prices, when, from which
git revision); the notes need it too: the previous version a note is compared with, the
rating and target history on the price chart, the recommendation history table and the
ratings distribution all read this file, and nothing else that changes with the clock.
The file lives beside ``house.yaml`` as ``ledger.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import AssumptionsError
from reportgen.inputs.sources import read_text

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


def load_ledger(path: Path) -> Ledger:
    """Read and validate every line; all problems at once as ``ledger.jsonl:line: field: message``.

    A missing file is an empty ledger (a house that has published nothing yet).
    """
    if not path.exists():
        return Ledger(path, ())
    calls: list[Call] = []
    problems: list[str] = []
    # Read like every input (inside its folder, bounded, UTF-8, no control characters);
    # the limit allows some hundred thousand publications.
    content = read_text(path, (path.parent,), limit=LEDGER_LIMIT)
    for number, text in enumerate(content.splitlines(), start=1):
        where = f"{path.name}:{number}"
        if not text.strip():
            problems.append(f"{where}: empty line (one JSON object per line)")
            continue
        try:
            calls.append(Call(Entry.model_validate_json(text), where))
        except ValidationError as exc:
            problems += [_problem(where, err) for err in exc.errors()]
    previous: dt.datetime | None = None
    for call in calls:
        if previous is not None and call.entry.published < previous:
            problems.append(f"{call.where}: published: earlier than the line before (append only)")
        previous = call.entry.published
    if problems:
        raise AssumptionsError(problems)
    return Ledger(path, tuple(calls))


def _problem(where: str, err: object) -> str:
    assert isinstance(err, dict)
    loc = ".".join(str(part) for part in err.get("loc", ())) or "line"
    return f"{where}: {loc}: {err.get('msg', 'invalid')}"


def append_entry(path: Path, entry: Entry) -> str:
    """Append one line (never rewriting the file); return where it went (``ledger.jsonl:4``)."""
    existing = load_ledger(path)
    last = existing.calls[-1].entry.published if existing.calls else None
    if last is not None and entry.published < last:
        raise AssumptionsError([f"{path.name}: cannot record a publication earlier than the last one"])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        handle.write(entry.to_line() + "\n")
    return f"{path.name}:{len(existing.calls) + 1}"


def entries_for(calls: Iterable[Call]) -> tuple[Entry, ...]:
    return tuple(c.entry for c in calls)
