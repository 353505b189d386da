"""`reportgen publish`: build a note from committed inputs and record the call in the ledger.

A ledger line must say exactly what readers received, so publication refuses a working
tree whose inputs differ from the commit it records, and appends only after the build
succeeded. Only ``build.py`` writes the note; this module writes the one ledger line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportgen.build import BuiltNote, Progress, build_note
from reportgen.errors import ReportgenError
from reportgen.note import load_assumptions
from reportgen.record.gitrev import repo_root, resolve
from reportgen.record.ledger import Amount, Entry, append_entry, ledger_path
from reportgen.resources import TEMPLATES


class PublishError(ReportgenError):
    """A note that may not be published as it stands (exit 2: fix the inputs or commit them)."""

    exit_code = 2


@dataclass(frozen=True)
class Published:
    """A built note and the ledger line that records it."""

    note: BuiltNote
    entry: Entry
    where: str


def uncommitted(paths: list[Path], repo: Path) -> list[str]:
    """``git status --porcelain`` lines for ``paths`` (changed, staged or untracked files)."""
    inside = [str(p.resolve().relative_to(repo)) for p in paths if p.resolve().is_relative_to(repo)]
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *inside],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise PublishError(f"git status failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8", "replace").splitlines()


def publish_note(
    folder: Path,
    out_dir: Path,
    at: dt.datetime,
    templates: Path = TEMPLATES,
    progress: Progress | None = None,
) -> Published:
    """Build ``folder`` into ``out_dir`` and append its call to the ledger beside house.yaml.

    ``at`` is the time of first dissemination (UTC). Refused, with nothing written, when
    the note's folder, the house profile or the templates have uncommitted changes, or
    when ``at`` is before the note's own date; a failed build appends nothing.
    """
    if at.utcoffset() != dt.timedelta(0):
        raise PublishError("the publication time must be in UTC")
    repo = repo_root(folder.resolve())
    root = folder.parent
    inputs = [folder, root / "house.yaml", *root.glob("house-logo.*"), templates]
    dirty = uncommitted(inputs, repo)
    if dirty:
        listed = "\n".join(f"  {line}" for line in dirty)
        raise PublishError(
            f"{folder.name}: uncommitted changes to its inputs; commit them first so the ledger's "
            f"revision is what was published:\n{listed}"
        )
    commit = resolve("HEAD", repo).commit
    a = load_assumptions(folder)
    if at.date() < a.company.note.date:
        raise PublishError(
            f"{folder.name}: dated {a.company.note.date.isoformat()} in company.yaml; it cannot be "
            f"disseminated earlier ({at:%Y-%m-%d})"
        )
    built = build_note(folder, out_dir, templates, progress, loaded=a)
    valuation = a.value
    listings = a.company.listings
    entry = Entry(
        note=folder.name,
        company=a.company.company.name,
        note_date=a.company.note.date,
        published=at.replace(microsecond=0),
        rating=valuation.targets[listings[0].key].rating,
        targets={
            li.key: Amount(value=valuation.targets[li.key].fair_value, currency=li.currency)
            for li in listings
        },
        prices={li.key: Amount(value=li.price, currency=li.currency) for li in listings},
        revision=commit,
        html_sha256=hashlib.sha256(built.html.read_bytes()).hexdigest(),
    )
    where = append_entry(ledger_path(root), entry)
    return Published(built, entry, where)
