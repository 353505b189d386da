"""Recommendation history of a note from the ledger: the appendix table and the price chart's calls.

Regulators ask a note to show its earlier ratings and targets: a table of the last twelve
months and, over the share price, up to three years. Both come from the ledger's entries
for this note disseminated before the note's date, followed by this note's own call.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from reportgen.errors import AssumptionsError
from reportgen.exhibits.formatting import MAX_PRINTABLE
from reportgen.inputs.schema import CompanyFile
from reportgen.inputs.sources import display_path, read_text
from reportgen.model.valuation import Valuation
from reportgen.record.ledger import CHART_YEARS, LEDGER_LIMIT, TABLE_MONTHS, Call, Ledger


@dataclass(frozen=True)
class HistoryRow:
    """One call: its date, rating, and target and price per listing (NaN where not published)."""

    date: dt.date
    rating: str
    targets: tuple[float, ...]
    prices: tuple[float, ...]
    current: bool = False


@dataclass(frozen=True)
class History:
    """Calls of the last twelve months (table) and three years (chart), oldest first.

    Targets and prices are in the order of the note's listings today; a listing's figure
    published in another currency, or not at all, is NaN (printed as n/a).
    """

    table: tuple[HistoryRow, ...]
    chart: tuple[HistoryRow, ...]


def build_history(ledger: Ledger, note: str, company: CompanyFile, valuation: Valuation) -> History:
    """This note's earlier calls from the ledger, then its own call dated the note's date."""
    day = company.note.date
    listings = company.listings

    def row_of(calls: tuple[Call, ...]) -> tuple[HistoryRow, ...]:
        rows = []
        for call in calls:
            e = call.entry
            targets = tuple(_amount(ledger, call, "targets", li.key, li.currency) for li in listings)
            prices = tuple(_amount(ledger, call, "prices", li.key, li.currency) for li in listings)
            rows.append(HistoryRow(e.published.date(), e.rating, targets, prices))
        return tuple(rows)

    current = HistoryRow(
        day,
        valuation.targets[listings[0].key].rating,
        tuple(valuation.targets[li.key].fair_value for li in listings),
        tuple(li.price for li in listings),
        current=True,
    )
    return History(
        (*row_of(ledger.since(note, day, months=TABLE_MONTHS)), current),
        (*row_of(ledger.since(note, day, years=CHART_YEARS)), current),
    )


def _amount(ledger: Ledger, call: Call, kind: str, key: str, currency: str) -> float:
    """A published target or price in the listing's currency (NaN in another currency or none);
    a figure too large to print is the ledger's problem, named at its line and column."""
    amounts = getattr(call.entry, kind)
    if key not in amounts or amounts[key].currency != currency:
        return math.nan
    value = float(amounts[key].value)
    if not abs(value) < MAX_PRINTABLE:
        raise AssumptionsError(
            f"{_where(ledger, call, (kind, key, 'value'))}: {kind}.{key}.value: {value:g} is too large: "
            f"figures beyond {MAX_PRINTABLE:.0e} are not printed; correct the ledger line"
        )
    return value


def _where(ledger: Ledger, call: Call, keys: tuple[str, ...]) -> str:
    """``assumptions/ledger.jsonl:3:161``: the call's line, and the column of the value at ``keys``."""
    number = call.where.rpartition(":")[2]
    where = f"{display_path(ledger.path)}:{number}"
    try:
        text = read_text(ledger.path, (ledger.path.parent,), limit=LEDGER_LIMIT).splitlines()[int(number) - 1]
    except (AssumptionsError, ValueError, IndexError):
        return where
    at = 0
    for key in keys:
        found = re.compile(rf'"{re.escape(key)}"\s*:\s*').search(text, at)
        if found is None:
            return where
        at = found.end()
    return f"{where}:{at + 1}"
