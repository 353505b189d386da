"""The version of a note that this one is compared with: its assumptions, model run and valuation.

Where the previous version comes from (a folder, a git revision, the ledger of published
calls) is the caller's business; everything that compares old with new (revisions tables,
the cover's change line, the target-price bridge) reads this one object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ModelError, ReportgenError
from reportgen.model.valuation import Valuation
from reportgen.note import Assumptions, load_assumptions
from reportgen.record.gitrev import RevisionError, materialise
from reportgen.record.ledger import Ledger


@dataclass(frozen=True)
class PreviousVersion:
    """A previous version of a note, run through the same model and valuation as the new one."""

    #: How the reader and the reviewer name it, e.g. ``HEAD~1 (3736a87c1d2e)`` or a folder.
    label: str
    assumptions: Assumptions
    valuation: Valuation


def load_previous(folder: Path, label: str | None = None) -> PreviousVersion:
    """Load and value a note folder (e.g. a git revision checked out by ``gitrev.materialise``)."""
    a = load_assumptions(folder)
    return PreviousVersion(label or str(folder), a, a.value)


def previous_at(rev: str, folder: Path, label: str | None = None) -> PreviousVersion:
    """The note in ``folder`` as it was at git revision ``rev`` (``HEAD~1``, a tag, a commit)."""
    with materialise(rev, folder) as (old, revision):
        label = label or f"{rev} ({revision.short})"
        try:
            return load_previous(old, label)
        except ReportgenError as exc:
            # materialise names files as REV:path, never by the temporary checkout's path.
            message = f"the previous version ({label}) cannot be loaded: {exc.format_message()}"
            raise (ModelError if exc.exit_code == 2 else ReportgenError)(message) from None


def previous_from_ledger(folder: Path, ledger: Ledger, note_date: dt.date) -> PreviousVersion | None:
    """The note's last publication before ``note_date``, rebuilt from the git revision the ledger
    records; None when the ledger has none (a first publication).

    A revision this clone cannot read (a shallow CI checkout) is an error, not a silent
    first publication: the note would otherwise print without its revisions and previous call.
    """
    call = ledger.last_before(folder.name, note_date)
    if call is None:
        return None
    entry = call.entry
    label = f"published {entry.published:%Y-%m-%d} ({entry.revision[:12]})"
    try:
        return previous_at(entry.revision, folder, label)
    except RevisionError as exc:
        raise RevisionError(
            f"{call.where}: {folder.name} was last published on {entry.published:%Y-%m-%d} from "
            f"commit {entry.revision[:12]}, which cannot be read here ({exc.format_message()}). "
            "Fetch the full history (`git fetch --unshallow`; in CI check out with fetch-depth: 0), "
            "or name the previous version with --against REV or --previous FOLDER."
        ) from None
