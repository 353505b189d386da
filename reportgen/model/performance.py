"""PriceHistory -> per-listing trading statistics: 52-week range and share price performance."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from reportgen.inputs.prices import PriceHistory

#: Look-back periods shown on the cover, in calendar months.
PERIODS = (("1M", 1), ("3M", 3), ("12M", 12))


@dataclass(frozen=True)
class TradingStats:
    """A listing's 52-week high and low, and its price change over each period (NaN if short)."""

    high_52w: float
    low_52w: float
    performance: dict[str, float]


def _close_on_or_before(series: pd.Series, day: pd.Timestamp) -> float:
    earlier = series[series.index <= day]
    return float(earlier.iloc[-1]) if len(earlier) else math.nan


def build_trading_stats(history: PriceHistory, price_date: dt.date) -> dict[str, TradingStats]:
    """Statistics as of the pricing date, from the closes up to and including it."""
    end = pd.Timestamp(price_date)
    window = history.closes[history.closes.index > end - pd.DateOffset(weeks=52)]
    stats: dict[str, TradingStats] = {}
    for key in history.closes.columns:
        series = history.closes[key]
        last = _close_on_or_before(series, end)
        perf: dict[str, float] = {}
        for label, months in PERIODS:
            start_day = end - pd.DateOffset(months=months)
            if series.index[0] > start_day:
                perf[label] = math.nan  # history too short to say
            else:
                perf[label] = last / _close_on_or_before(series, start_day) - 1.0
        stats[key] = TradingStats(float(window[key].max()), float(window[key].min()), perf)
    return stats
