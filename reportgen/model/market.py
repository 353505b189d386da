"""ScenariosFile -> Market: token consumption x unit price = market size, per scenario."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reportgen.model.line import Line
from reportgen.schema import ScenariosFile

#: Million tokens in a quintillion (10^18) tokens, and Rmb per Rmb bn.
MTOK_PER_QUINTILLION = 1e12
UNITS_PER_BN = 1e9


@dataclass(frozen=True)
class MarketCase:
    """One scenario: consumption (quintillion tokens), price (Rmb per 1M) and size (Rmb bn)."""

    key: str
    name: str
    consumption: Line
    price: Line
    size: Line


@dataclass(frozen=True)
class Market:
    """All scenarios over the same calendar years."""

    name: str
    source: str
    years: tuple[int, ...]
    cases: dict[str, MarketCase]


def _compound(actuals: dict[int, float], growth: dict[int, float], years: tuple[int, ...]) -> pd.Series:
    values: dict[int, float] = {}
    for year in years:
        values[year] = actuals[year] if year in actuals else values[year - 1] * (1.0 + growth[year])
    return pd.Series(values, dtype=float)


def build_market(s: ScenariosFile) -> Market:
    """Size the market in every case; validation guarantees every year is covered."""
    years = tuple(range(s.first_year, s.last_year + 1))
    cases: dict[str, MarketCase] = {}
    for case in s.scenarios:
        consumption = _compound(s.consumption, case.consumption_growth, years)
        price = _compound(s.price, case.price_growth, years)
        size = consumption * MTOK_PER_QUINTILLION * price / UNITS_PER_BN
        cases[case.key] = MarketCase(
            key=case.key,
            name=case.name,
            consumption=Line("consumption", "Token consumption (quintillion)", consumption),
            price=Line("price", "Unit price per 1M tokens (Rmb)", price),
            size=Line("size", "Market size (Rmb bn)", size),
        )
    return Market(name=s.market, source=s.source, years=years, cases=cases)
