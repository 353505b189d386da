"""`reportgen publish`: build a note from committed inputs and record the call in the ledger.

A ledger line must say exactly what readers received, so publication refuses a working tree
whose inputs differ from the commit it records, and a publication either records its line or
leaves the published note as it was. The steps, all under the ledger's lock (so two publishes
run one after the other, and each takes its time of dissemination inside it):

1. load the note and refuse uncommitted changes to anything the build reads;
2. render it in memory, take the time, and prepare the ledger line (checked against the ledger,
   written with the whole ledger to a synced temporary file): a refusal or a full disk stops here,
   with nothing published;
3. write the note and switch the output to it (``build.write_note``), keeping a hard-linked
   copy of the note readers had;
4. commit the ledger (one rename); should that fail, the output is switched back to the copy.

Only ``build.py`` writes the note; this module writes the one ledger line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen.build import BuiltNote, Progress, render_html, write_note
from reportgen.errors import ReportgenError
from reportgen.inputs.schema import House
from reportgen.note import HOUSE_FILE, Assumptions, load_assumptions
from reportgen.output.publish import drop_held, hold_current, restore
from reportgen.record.gitrev import repo_root, resolve
from reportgen.record.ledger import Amount, Entry, ledger_lock, ledger_path, prepare_append
from reportgen.resources import PACKAGE, TEMPLATES


class PublishError(ReportgenError):
    """A note that may not be published as it stands (exit 2: fix the inputs or commit them)."""

    exit_code = 2


@dataclass(frozen=True)
class Published:
    """A built note and the ledger line that records it."""

    note: BuiltNote
    entry: Entry
    where: str


def read_inputs(folder: Path, house: House, templates: Path) -> list[Path]:
    """Everything a build of ``folder`` reads, for the cleanliness check: the note's folder, the house
    profile and the logo it names (whatever its name), the templates and the package's sources,
    and where each link among them leads (a shared ``valuation.yaml`` elsewhere under the root).

    The ledger is not among them: it is the record being written, committed after publishing.
    """
    root = folder.parent
    inputs = [folder, root / HOUSE_FILE, templates, PACKAGE]
    if house.logo is not None:
        inputs.append(root / house.logo)
    links = [root / HOUSE_FILE, *([root / house.logo] if house.logo else [])]
    for base, _dirs, files in os.walk(folder):
        links += [Path(base, name) for name in files]
    inputs += [Path(os.path.realpath(p)) for p in links if p.is_symlink()]
    return inputs


def uncommitted(paths: list[Path], repo: Path) -> list[str]:
    """``git status --porcelain`` lines for ``paths`` (changed, staged or untracked files).

    A link is checked as itself (its parent folders resolved) and, when given separately, as its target.
    """
    inside = []
    for p in paths:
        where = Path(os.path.realpath(p.parent)) / p.name if p.name else Path(os.path.realpath(p))
        if where.is_relative_to(repo):
            inside.append(str(where.relative_to(repo)) or ".")
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *inside],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise PublishError(f"git status failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8", "replace").splitlines()


def _say_waiting() -> None:
    print("waiting for another publish to finish (the ledger is locked) ...", file=sys.stderr, flush=True)


def publish_note(
    folder: Path,
    out_dir: Path,
    at: dt.datetime | None = None,
    templates: Path = TEMPLATES,
    progress: Progress | None = None,
    waiting: Callable[[], None] = _say_waiting,
) -> Published:
    """Build ``folder`` into ``out_dir`` and append its call to the ledger beside house.yaml.

    ``at`` is the time of first dissemination (UTC); None takes the clock, inside the ledger's
    lock, once the note is rendered. Refused, with nothing written or published, when anything
    the build reads has uncommitted changes, when the time is before the note's own date or
    before the ledger's last line, or when it repeats a recorded publication; a failed build or
    a ledger that cannot be written (a full disk) leaves the published note as it was.
    """
    if at is not None and at.utcoffset() != dt.timedelta(0):
        raise PublishError("the publication time must be in UTC")
    repo = repo_root(folder.resolve())
    ledger = ledger_path(folder.parent)
    with ledger_lock(ledger, waiting):
        a = load_assumptions(folder)
        dirty = uncommitted(read_inputs(folder, a.house, templates), repo)
        if dirty:
            listed = "\n".join(f"  {line}" for line in dirty)
            raise PublishError(
                f"{folder.name}: uncommitted changes to its inputs; commit them first so the ledger's "
                f"revision is what was published:\n{listed}"
            )
        commit = resolve("HEAD", repo).commit
        if at is not None:
            _check_date(folder, a, at)
        rendered = render_html(folder, templates, progress, loaded=a)
        when = (at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        _check_date(folder, a, when)
        entry = _entry(folder, a, when, commit, hashlib.sha256(rendered.html.encode("utf-8")).hexdigest())
        pending = prepare_append(ledger, entry)  # refused or out of space: nothing published yet
        try:
            held = hold_current(out_dir, folder.name)
            try:
                built = write_note(rendered, out_dir, folder.name, templates, progress)
                try:
                    where = pending.commit()
                except BaseException:
                    restore(out_dir, folder.name, held)  # readers get back the note they had
                    raise
            finally:
                drop_held(out_dir, folder.name, held)
        finally:
            pending.discard()
    return Published(built, entry, where)


def _check_date(folder: Path, a: Assumptions, at: dt.datetime) -> None:
    if at.date() < a.company.note.date:
        raise PublishError(
            f"{folder.name}: dated {a.company.note.date.isoformat()} in company.yaml; it cannot be "
            f"disseminated earlier ({at:%Y-%m-%d})"
        )


def _entry(folder: Path, a: Assumptions, when: dt.datetime, commit: str, html_sha256: str) -> Entry:
    valuation = a.value
    listings = a.company.listings
    return Entry(
        note=folder.name,
        company=a.company.company.name,
        note_date=a.company.note.date,
        published=when,
        rating=valuation.targets[listings[0].key].rating,
        targets={
            li.key: Amount(value=valuation.targets[li.key].fair_value, currency=li.currency)
            for li in listings
        },
        prices={li.key: Amount(value=li.price, currency=li.currency) for li in listings},
        revision=commit,
        html_sha256=html_sha256,
    )
