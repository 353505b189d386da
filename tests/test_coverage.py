"""The ratings distribution in a note: published calls from the ledger, not today's models."""

from __future__ import annotations

import datetime as dt

from reportgen.record.coverage import build_coverage
from reportgen.record.ledger import ledger_path, load_ledger
from tests.helpers import DEFAULT_NOTE, house_of_the_repo


def test_shipped_ledger_gives_the_default_notes_distribution() -> None:
    """By 11 May 2026 the shipped ledger holds two calls, both on Alibaba (January 2022 and
    24 February 2026, Buy): the company counts once, by its latest call.
    The fictional notes have no publication then (Quellmark's first call is its own note)."""
    ledger = load_ledger(ledger_path(DEFAULT_NOTE.parent))
    dist = build_coverage(ledger, house_of_the_repo(), dt.date(2026, 5, 11))
    assert dist.rated == 1
    assert [(c.rating, c.count, c.share) for c in dist.counts] == [
        ("Buy", 1, 1.0),
        ("Hold", 0, 0.0),
        ("Sell", 0, 0.0),
    ]


def test_no_published_call_yet() -> None:
    """The shipped ledger's first call is dated 20 January 2022: the day before, nothing counts."""
    ledger = load_ledger(ledger_path(DEFAULT_NOTE.parent))
    dist = build_coverage(ledger, house_of_the_repo(), dt.date(2022, 1, 19))
    assert dist.rated == 0
    assert all(c.count == 0 and c.share == 0.0 for c in dist.counts)
