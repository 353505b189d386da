"""The version of a note that this one is compared with: its assumptions, model run and valuation.

Where the previous version comes from (a folder, a git revision, the ledger of published
calls) is the caller's business; everything that compares old with new (revisions tables,
the cover's change line, the target-price bridge) reads this one object.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.assumptions import Assumptions, load_assumptions
from reportgen.model.valuation import Valuation, build_valuation


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
    return PreviousVersion(label or str(folder), a, build_valuation(a.valuation, a.run, a.company, a.house))
