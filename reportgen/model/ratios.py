"""Growth, share and CAGR with one rule for bases that make a percentage meaningless."""

from __future__ import annotations

import math
from typing import Final


class NotMeaningful:
    """Marker for a ratio whose base is zero or negative: printed as NM, never as a number."""

    _instance: NotMeaningful | None = None

    def __new__(cls) -> NotMeaningful:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NM"

    def __reduce__(self) -> str:
        return "NM"


NM: Final = NotMeaningful()
Ratio = float | NotMeaningful


def is_missing(value: float | None) -> bool:
    """True for None and NaN: a value the model does not have."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def growth(current: float | None, previous: float | None) -> Ratio:
    """Year-on-year growth; NaN when either value is missing, NM when the base is <= 0."""
    if is_missing(current) or is_missing(previous):
        return math.nan
    assert current is not None and previous is not None
    if previous <= 0:
        return NM
    return current / previous - 1.0


def share(part: float | None, whole: float | None) -> Ratio:
    """Part over whole (also any ratio on a base: margin, P/E); NM when the base is <= 0."""
    if is_missing(part) or is_missing(whole):
        return math.nan
    assert part is not None and whole is not None
    if whole <= 0:
        return NM
    return part / whole


def cagr(start: float | None, end: float | None, years: int) -> Ratio:
    """Compound annual growth over ``years``; NM when either end is <= 0 (no real root)."""
    if years <= 0:
        raise ValueError(f"CAGR needs a span of at least one year, got {years}")
    if is_missing(start) or is_missing(end):
        return math.nan
    assert start is not None and end is not None
    if start <= 0 or end <= 0:
        return NM
    return (end / start) ** (1.0 / years) - 1.0
