"""Ratings distribution across every note the house publishes from this repository.

Compliance tables must be computed, not typed: each note's rating comes from running
its own model. A note whose assumptions do not validate cannot be rated and is
counted as such, so the table never silently drops coverage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reportgen.assumptions import find_notes, load_assumptions
from reportgen.errors import ReportgenError
from reportgen.model.forecast import build_forecast
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
    """The distribution plus the notes that could not be rated."""

    counts: tuple[RatingCount, ...]
    rated: int
    unrated: tuple[str, ...]


def rate_note(folder: Path) -> str:
    """A note's rating: its lead listing's, from its own model."""
    a = load_assumptions(folder)
    forecast = build_forecast(a.forecast, a.company.listings[0].shares_per_unit)
    valuation = build_valuation(a.valuation, forecast, a.company, a.house)
    return valuation.targets[a.company.listings[0].key].rating


def build_coverage(root: Path, house: House, known: dict[str, str] | None = None) -> Coverage:
    """Rate every note under ``root``; ``known`` maps folder names already rated to ratings."""
    ratings: list[str] = []
    unrated: list[str] = []
    for folder in find_notes(root):
        if known and folder.name in known:
            ratings.append(known[folder.name])
            continue
        try:
            ratings.append(rate_note(folder))
        except ReportgenError as exc:
            log.warning("coverage: %s cannot be rated: %s", folder.name, exc.format_message())
            unrated.append(folder.name)
    total = len(ratings)
    counts = tuple(
        RatingCount(band.name, ratings.count(band.name), ratings.count(band.name) / total if total else 0.0)
        for band in house.rating_scheme
    )
    return Coverage(counts, total, tuple(unrated))
