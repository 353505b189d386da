"""The multiples a part may use, and what each one values: equity directly, or the enterprise.

An EV multiple gives enterprise value, which reaches shareholders only after the bridge
(net debt, minorities, associates); an equity multiple gives equity value, which the
bridge must not touch again. Keeping that meaning here stops an EV/EBITDA part being
summed as if it were equity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportgen.registry import MULTIPLES

Basis = Literal["enterprise", "equity"]


@dataclass(frozen=True)
class MultipleMethod:
    """A multiple's name, what it values, what it multiplies, and how."""

    name: str
    basis: Basis
    metric: str
    #: A yield divides (value = dividends / yield); every other multiple multiplies.
    divides: bool = False

    def value(self, metric: float, multiple: float) -> float:
        """The part's value: metric x multiple, or metric / yield."""
        return metric / multiple if self.divides else metric * multiple


# The one list of multiples: the schema admits these names (valuation.yaml ``method:``).
for _multiple in (
    MultipleMethod("P/E", "equity", "net profit"),
    MultipleMethod("P/B", "equity", "book value"),
    MultipleMethod("P/S", "equity", "revenue"),
    MultipleMethod("dividend yield", "equity", "dividends", divides=True),
    MultipleMethod("EV/EBITDA", "enterprise", "EBITDA"),
    MultipleMethod("EV/EBITA", "enterprise", "EBITA"),
    MultipleMethod("EV/EBIT", "enterprise", "EBIT"),
    MultipleMethod("EV/Sales", "enterprise", "revenue"),
):
    MULTIPLES.register(_multiple.name, _multiple)


def method(name: str) -> MultipleMethod:
    """The registered multiple; the schema admits only registered names."""
    entry: MultipleMethod = MULTIPLES[name]
    return entry
