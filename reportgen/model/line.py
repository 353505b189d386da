"""Line: one forecast row (year -> value) with the growth views analysts quote."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from reportgen.model.ratios import Ratio, cagr, growth, share


@dataclass(frozen=True, eq=False)
class Line(Mapping[int, float]):
    """A named series indexed by fiscal year; missing years read as NaN.

    Read-only by construction (the series is copied in), so templates and narrative
    text can use it without being able to change the model.
    """

    key: str
    label: str
    series: pd.Series
    total: Line | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "series", self.series.astype(float).copy())

    def __getitem__(self, year: int) -> float:
        if year not in self.series.index:
            return math.nan
        return float(self.series[year])

    def __iter__(self) -> Iterator[int]:
        return iter(int(y) for y in self.series.index)

    def __len__(self) -> int:
        return len(self.series)

    @property
    def yoy(self) -> Mapping[int, Ratio]:
        """Growth over the previous fiscal year."""
        return {y: growth(self[y], self[y - 1]) for y in self}

    @property
    def share(self) -> Mapping[int, Ratio]:
        """Share of the parent total (of itself when it is the total)."""
        whole = self.total if self.total is not None else self
        return {y: share(self[y], whole[y]) for y in self}

    def cagr(self, start: int, end: int) -> Ratio:
        """Compound annual growth from fiscal year ``start`` to ``end``."""
        return cagr(self[start], self[end], end - start)

    def sum(self, start: int, end: int) -> float:
        """Sum over fiscal years start..end inclusive."""
        return float(sum(self[y] for y in range(start, end + 1)))
