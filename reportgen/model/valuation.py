"""Assumptions + Forecast -> Valuation: sum of the parts, target price per listing, rating."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportgen.errors import ModelError
from reportgen.model.engine import ModelRun
from reportgen.periods import Period
from reportgen.schema import CompanyFile, House, Listing, ValuationFile


@dataclass(frozen=True)
class PartValue:
    """One business's value (in the metric's unit) = multiple x metric; share of equity value."""

    key: str
    name: str
    method: str
    metric: float
    multiple: float
    value: float
    per_share: float
    share: float
    metric_line: str = ""


@dataclass(frozen=True)
class Target:
    """A listing's target price in its own currency, and what it implies at today's price."""

    listing: Listing
    fair_value: float
    price: float
    upside: float
    dividend_yield: float
    etr: float
    rating: str
    market_cap_bn: float


@dataclass(frozen=True)
class Valuation:
    """SOTP result. Values are in ``unit`` (the metrics' money unit); per-share figures in
    the reporting currency per share."""

    year: Period
    unit: str
    parts: tuple[PartValue, ...]
    net_cash: float
    net_cash_discount: float
    net_cash_value: float
    equity_value: float
    shares: float
    fair_value: float
    targets: dict[str, Target]
    #: Multiplies value / shares into reporting currency per share.
    per_share_factor: float = 1.0

    @property
    def net_cash_per_share(self) -> float:
        return self.net_cash_value / self.shares * self.per_share_factor

    @property
    def cash_label(self) -> str:
        """'Net cash, less 30% discount', or 'Net debt' (which is never discounted)."""
        if self.net_cash > 0:
            return f"Net cash, less {self.net_cash_discount:.0%} discount"
        return "Net debt"


def round_to(value: float, step: float) -> float:
    """Round half up to a multiple of ``step`` (banker's rounding would move 202.5 down)."""
    q = (Decimal(repr(value)) / Decimal(repr(step))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(q * Decimal(repr(step)))


def rate(etr: float, house: House) -> str:
    """The first rating whose threshold the expected total return meets."""
    for band in house.rating_scheme:
        if band.min_return is None or etr >= band.min_return:
            return band.name
    return house.rating_scheme[-1].name


def build_valuation(v: ValuationFile, run: ModelRun, company: CompanyFile, house: House) -> Valuation:
    """Value each part, add discounted net cash, divide by diluted shares, convert per listing."""
    lines = run.lines
    year = lines[v.shares].timeline.normalise(v.year)
    metrics: list[float] = []
    for part in v.parts:
        metric = lines[part.metric].value(year)
        if math.isnan(metric):
            raise ModelError(
                f"valuation.yaml: {part.name} needs {part.metric} for {year}, which the model lacks"
            )
        if metric <= 0:
            raise ModelError(
                f"valuation.yaml: {part.name}: a {part.method} multiple of a zero or negative "
                f"{part.metric} ({metric:,.0f} for {year}) is not meaningful; value it another way"
            )
        metrics.append(metric)
    unit = lines[v.parts[0].metric].unit
    # The haircut applies to cash that may never reach shareholders; net debt counts in full.
    amount = v.net_cash.amount
    net_cash_value = amount * (1.0 - v.net_cash.discount) if amount > 0 else amount
    equity = sum(m * p.multiple for m, p in zip(metrics, v.parts, strict=True)) + net_cash_value
    shares = lines[v.shares].value(year)
    if not shares > 0:
        raise ModelError(f"valuation.yaml: diluted shares for {year} must be positive, got {shares}")
    if equity <= 0:
        raise ModelError(
            f"valuation.yaml: equity value is {equity:,.0f}; a target price needs a positive value"
        )
    # Units: e.g. CNY mn / mn shares = CNY per share; scale turns it into currency per share.
    per_share = unit / lines[v.shares].unit
    to_reporting = company.fx_rate(unit.currency) if unit.currency else 1.0
    factor = per_share.scale * to_reporting
    fair = equity / shares * factor
    values = tuple(
        PartValue(
            p.key,
            p.name,
            p.method,
            m,
            p.multiple,
            m * p.multiple,
            m * p.multiple / shares * factor,
            m * p.multiple / equity,
            p.metric,
        )
        for m, p in zip(metrics, v.parts, strict=True)
    )
    targets: dict[str, Target] = {}
    for listing in company.listings:
        fx = company.fx_rate(listing.currency)
        unrounded = fair * listing.shares_per_unit / fx
        tp = round_to(unrounded, listing.rounding)
        upside = tp / listing.price - 1.0
        dy = listing.dividend_per_unit / listing.price
        etr = upside + dy
        # Rate on the return as printed (0.1%), so the cover never shows 15.0% beside Hold.
        printed_etr = round_to(etr, 0.001)
        outstanding = company.company.shares_outstanding or shares
        cap = listing.price / listing.shares_per_unit * outstanding / 1000.0
        targets[listing.key] = Target(
            listing, tp, listing.price, upside, dy, etr, rate(printed_etr, house), cap
        )
    return Valuation(
        year=year,
        unit=str(unit),
        parts=values,
        net_cash=v.net_cash.amount,
        net_cash_discount=v.net_cash.discount,
        net_cash_value=net_cash_value,
        equity_value=equity,
        shares=shares,
        fair_value=fair,
        targets=targets,
        per_share_factor=factor,
    )
