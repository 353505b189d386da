"""Ratings distribution across every note the house publishes from this repository.

Compliance tables must be computed, not typed: each note's rating comes from running
its own model, and each company counts once (its latest note). A note that cannot be
rated is logged and left out; the build of the note being published is not stopped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reportgen.assumptions import find_notes, load_assumptions
from reportgen.errors import ReportgenError
from reportgen.model.valuation import build_valuation
from reportgen.schema import House

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RatingCount:
    """How many covered notes carry a rating, and their share of the rated total."""

    rating: str
    count: int
    share: float


@dataclass(frozen=True)
class Coverage:
    """The distribution over rated companies."""

    counts: tuple[RatingCount, ...]
    rated: int


Rated = tuple[str, str, str]  # company, publication date (ISO), rating
#: Ratings already computed in this invocation, by resolved note folder.
Ratings = dict[Path, Rated]


def rate_note(folder: Path) -> Rated:
    """(company, publication date, rating) of a note: its lead listing's rating, from its own model."""
    a = load_assumptions(folder)
    valuation = build_valuation(a.valuation, a.run, a.company, a.house)
    rating = valuation.targets[a.company.listings[0].key].rating
    return a.company.company.name, a.company.note.date.isoformat(), rating


def build_coverage(root: Path, house: House, known: Ratings | None = None) -> Coverage:
    """Rate every company covered under ``root``, once each (its latest note wins).

    ``known`` maps note folders already rated to (company, date, rating); notes rated here are
    added to it, so one invocation rates each note once however many notes it builds. A sibling
    note that cannot be rated is left out and logged; its name never reaches the published page.
    """
    known = known if known is not None else {}
    latest: dict[str, tuple[str, str]] = {}
    for folder in find_notes(root):
        key = folder.resolve()
        try:
            if key not in known:
                known[key] = rate_note(folder)
            company, date, rating = known[key]
        except Exception as exc:
            message = (
                exc.format_message() if isinstance(exc, ReportgenError) else f"{type(exc).__name__}: {exc}"
            )
            log.warning("coverage: %s cannot be rated: %s", folder.name, message)
            continue
        if company not in latest or date >= latest[company][0]:
            latest[company] = (date, rating)
    ratings = [rating for _date, rating in latest.values()]
    total = len(ratings)
    counts = tuple(
        RatingCount(band.name, ratings.count(band.name), ratings.count(band.name) / total if total else 0.0)
        for band in house.rating_scheme
    )
    return Coverage(counts, total)
