"""Recommendation history of a note from the ledger: the appendix table and the price chart's calls.

Regulators ask a note to show its earlier ratings and targets: a table of the last twelve
months and, over the share price, up to three years. Both come from the ledger's entries
for this note disseminated before the note's date, followed by this note's own call.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from reportgen.inputs.schema import CompanyFile
from reportgen.model.valuation import Valuation
from reportgen.record.ledger import CHART_YEARS, TABLE_MONTHS, Call, Ledger


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
            targets = tuple(
                e.targets[li.key].value
                if li.key in e.targets and e.targets[li.key].currency == li.currency
                else math.nan
                for li in listings
            )
            prices = tuple(
                e.prices[li.key].value
                if li.key in e.prices and e.prices[li.key].currency == li.currency
                else math.nan
                for li in listings
            )
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
