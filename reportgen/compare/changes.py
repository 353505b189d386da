"""This version against the previous one: previous rating and targets, and the cover's change line.

Everything here is read from the previous version's own model run and valuation
(``previous.PreviousVersion``), never typed into the assumption files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reportgen.compare.previous import PreviousVersion
from reportgen.exhibits.formatting import fmt_money, fmt_signed_pct, step_decimals
from reportgen.model.ratios import NotMeaningful, growth
from reportgen.model.valuation import Valuation
from reportgen.note import Assumptions


@dataclass(frozen=True)
class TargetChange:
    """A listing's previous target (same listing key and currency) and the move to the new one."""

    previous: float
    change: float


@dataclass(frozen=True)
class Changes:
    """What moved since the previous version, as the cover prints it."""

    label: str
    previous_rating: str | None
    targets: Mapping[str, TargetChange]
    #: e.g. 'Target raised from US$198 to US$205; FY28E Revenue +0.8%'.
    line: str


def build_changes(a: Assumptions, val: Valuation, previous: PreviousVersion | None) -> Changes | None:
    """Compare with ``previous``; None for a first publication (the cover then says nothing).

    The change line names, in order: the lead listing's target (raised, lowered or
    unchanged), the rating if it moved, and the first line of the first revisions table in
    exhibits.yaml at that table's last period. A figure the previous version cannot match
    (a listing or line it did not have) is left out rather than guessed.
    """
    if previous is None:
        return None
    old = previous.valuation.targets
    targets: dict[str, TargetChange] = {}
    for key, tgt in val.targets.items():
        before = old.get(key)
        if before is not None and before.listing.currency == tgt.listing.currency:
            targets[key] = TargetChange(before.fair_value, tgt.fair_value / before.fair_value - 1.0)
    lead = a.company.listings[0]
    old_lead = old.get(lead.key)
    previous_rating = old_lead.rating if old_lead is not None else None
    parts: list[str] = []
    if lead.key in targets:
        decimals = step_decimals(lead.rounding)
        new_tp = fmt_money(val.targets[lead.key].fair_value, lead.symbol, decimals)
        old_tp = fmt_money(targets[lead.key].previous, lead.symbol, decimals)
        if new_tp == old_tp:
            parts.append(f"Target unchanged at {new_tp}")
        else:
            verb = "raised" if targets[lead.key].change > 0 else "lowered"
            parts.append(f"Target {verb} from {old_tp} to {new_tp}")
    rating = val.targets[lead.key].rating
    if previous_rating is not None and previous_rating != rating:
        names = [band.name for band in a.house.rating_scheme]
        verb = "upgraded" if names.index(rating) < names.index(previous_rating) else "downgraded"
        parts.append(f"rating {verb} from {previous_rating} to {rating}")
    revision = _first_revision(a, previous)
    if revision:
        parts.append(revision)
    text = "; ".join(parts)
    return Changes(previous.label, previous_rating, MappingProxyType(targets), text[:1].upper() + text[1:])


def _first_revision(a: Assumptions, previous: PreviousVersion) -> str:
    """'FY28E Revenue +0.8%' for the first line of the first revisions table, at its last period."""
    spec = next((t for t in a.exhibits.tables.values() if t.kind == "revisions" and t.lines), None)
    if spec is None:
        return ""
    new = a.run.lines[spec.lines[0]]
    old = previous.assumptions.run.lines.get(spec.lines[0])
    if old is None or old.unit != new.unit:
        return ""
    tl = new.timeline
    estimates = [p for p in tl.periods if not tl.is_actual(p)] or list(tl.periods)
    period = tl.normalise(spec.periods[-1]) if spec.periods else estimates[-1]
    change = growth(new.value(period), old.value(period))
    if isinstance(change, NotMeaningful) or math.isnan(change):
        return ""
    return f"{tl.label(period)} {new.label} {fmt_signed_pct(change, 1)}"
