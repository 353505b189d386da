"""Alt-text wording shared by the chart kinds: trends, period spans, lists of names, dates.

Every figure carries a text alternative written from the same points the chart draws; the
phrasing lives here once so every kind words a trend, a span or a list the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Point = tuple[str, float]


def moves(points: list[Point], fmt: Callable[[float], str]) -> str:
    """Trend wording ('rises from X in FY26E to Y in FY31E', or a peak or low between) taken
    from the points themselves, so the alt text can never contradict the chart."""
    (p0, v0), (p1, v1) = points[0], points[-1]
    a, b = fmt(v0), fmt(v1)
    if len(points) == 1:
        return f"is {a} in {p0}"
    last = len(points) - 1
    peak = max(range(len(points)), key=lambda i: points[i][1])
    trough = min(range(len(points)), key=lambda i: points[i][1])
    for turn, word, back in ((peak, "peak", "falls"), (trough, "low", "rises")):
        if 0 < turn < last and fmt(points[turn][1]) not in (a, b):
            return (
                f"goes from {a} in {p0} to a {word} of {fmt(points[turn][1])} in "
                f"{points[turn][0]}, then {back} to {b} in {p1}"
            )
    if a == b:
        return f"stays at {a} from {p0} to {p1}"
    verb = "rises" if v1 > v0 else "falls"
    return f"{verb} from {a} in {p0} to {b} in {p1}"


def span(labels: list[str]) -> str:
    """'FY26E-FY31E', or the one label."""
    return f"{labels[0]}-{labels[-1]}" if len(labels) > 1 else labels[0]


def and_list(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def plain(name: str) -> str:
    """A legend name as prose: without the '(RHS)' marker."""
    return re.sub(r"\s*\(RHS\)\s*$", "", name, flags=re.IGNORECASE)


def day_text(day: Any) -> str:
    """'8 May 2026' on every platform (strftime's %-d is not portable)."""
    return f"{day.day} {day:%b %Y}"
