"""Ratings distribution of the house's published calls, read from the ledger.

Compliance asks for the distribution of ratings actually published, so it is computed
from the ledger of published calls (``ledger.py``), not from whatever the models in the
repository say today: each company counts once, by its latest call disseminated on or
before the note's date. Nothing else (no clock, no other note's model) reaches the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportgen.inputs.schema import House
from reportgen.record.ledger import Ledger


@dataclass(frozen=True)
class RatingCount:
    """How many companies carry a rating, and their share of the rated total."""

    rating: str
    count: int
    share: float


@dataclass(frozen=True)
class Coverage:
    """The distribution over companies with a published call up to ``as_of``."""

    counts: tuple[RatingCount, ...]
    rated: int
    as_of: dt.date


def build_coverage(ledger: Ledger, house: House, as_of: dt.date) -> Coverage:
    """Count each company's latest published rating up to ``as_of``, per band of the house scheme.

    A rating the scheme no longer has is left out of the bands but still counted in
    ``rated``, so the shares say honestly what part of the calls each band holds.
    """
    ratings = [entry.rating for entry in ledger.latest_per_company(as_of)]
    total = len(ratings)
    counts = tuple(
        RatingCount(band.name, ratings.count(band.name), ratings.count(band.name) / total if total else 0.0)
        for band in house.rating_scheme
    )
    return Coverage(counts, total, as_of)
