"""Assumptions + Forecast -> Valuation: each method's equity value, the blend, targets per listing.

A method reaches equity in one of two ways. Equity multiples (P/E, P/B, P/S, dividend
yield) give equity value directly. EV multiples and the DCF give enterprise value, which
the bridge (net cash or debt, minorities, associates, other items) turns into equity. A
sum of the parts may mix both: its EV parts are bridged once, its equity parts are not.
The target is the weighted blend of the methods' values per share.

``build_valuation`` is pure and cheap: it reads the model only through ``run.lines``,
so a caller may run it many times on edited inputs (sensitivities do exactly that).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reportgen.errors import ValuationError
from reportgen.inputs.periods import Period
from reportgen.inputs.schema import BridgeItem, CompanyFile, House, Listing, MethodSpec, ValuationFile
from reportgen.inputs.units import Unit
from reportgen.model.dcf import Dcf, build_dcf
from reportgen.model.engine import ModelRun
from reportgen.model.line import Line
from reportgen.model.methods import Basis, method
from reportgen.registry import METHOD_KINDS

#: (where in valuation.yaml, what to say): a method's warnings, printed by the CLI, never fatal.
Warnings = list[tuple[tuple[str | int, ...], str]]

#: Bridge kinds that take value away from shareholders of the parent.
SUBTRACT = frozenset({"net_debt", "minorities"})
BRIDGE_WORDS = {
    "net_cash": "net cash",
    "net_debt": "net debt",
    "minorities": "minority interests",
    "associates": "associates",
    "investments": "investments",
    "other": "other claims",
}


@dataclass(frozen=True)
class PartValue:
    """One part's value = multiple x metric (in the valuation's unit), and per share."""

    key: str
    name: str
    method: str
    basis: Basis
    metric: float
    multiple: float
    value: float
    per_share: float
    share: float
    metric_line: str = ""


@dataclass(frozen=True)
class BridgeValue:
    """One bridge step as applied: the amount read, its haircut and the signed effect on equity."""

    key: str
    label: str
    kind: str
    amount: float
    discount: float
    value: float
    per_share: float
    note: str | None = None
    line: str | None = None

    @property
    def kind_words(self) -> str:
        """What the item is, in words for a sentence: 'net debt', 'minority interests'."""
        return BRIDGE_WORDS[self.kind]

    @property
    def display_label(self) -> str:
        """'Net cash, less 30% discount' when a haircut applies; the label otherwise."""
        if self.discount and self.value > 0:
            return f"{self.label}, less {round(self.discount * 100):g}% discount"
        return self.label


@dataclass(frozen=True)
class MethodValue:
    """One method's result. ``enterprise_value`` is None for a method of equity parts only."""

    key: str
    label: str
    kind: str
    weight: float
    parts: tuple[PartValue, ...]
    holding_discount: float
    enterprise_value: float | None
    bridge: tuple[BridgeValue, ...]
    equity_value: float
    per_share: float
    dcf: Dcf | None = None

    @property
    def name_in_text(self) -> str:
        """The label inside a sentence: 'sum of the parts', but 'DCF' stays as written."""
        first = self.label.split(" ")[0]
        return self.label if first.isupper() else self.label[:1].lower() + self.label[1:]

    @property
    def gross_value(self) -> float:
        """Sum of the parts before the holding-company discount."""
        return math.fsum(p.value for p in self.parts)

    @property
    def equity_parts(self) -> tuple[PartValue, ...]:
        return tuple(p for p in self.parts if p.basis == "equity")

    @property
    def enterprise_parts(self) -> tuple[PartValue, ...]:
        return tuple(p for p in self.parts if p.basis == "enterprise")


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
    #: Fair value per unit before rounding, in the listing's currency.
    unrounded: float = 0.0


@dataclass(frozen=True)
class Sensitivity:
    """A grid of a listing's target, one full re-valuation per cell; None where it has no value."""

    key: str
    listing: Listing
    row_label: str
    row_values: tuple[float, ...]
    row_format: str
    column_label: str
    column_values: tuple[float, ...]
    column_format: str
    cells: tuple[tuple[float | None, ...], ...]
    #: (row, column) of the inputs as written in valuation.yaml, when the grid contains them.
    base: tuple[int, int] | None


@dataclass(frozen=True)
class MethodRange:
    """A method's value per listed unit (unrounded, listing currency) at its low, base and high input."""

    key: str
    label: str
    low: float
    base: float
    high: float
    description: str


@dataclass(frozen=True)
class Valuation:
    """The blended result. Values are in ``unit`` (the valuation lines' money unit);
    per-share figures in the reporting currency per share."""

    year: Period
    unit: str
    methods: tuple[MethodValue, ...]
    equity_value: float
    shares: float
    fair_value: float
    targets: dict[str, Target]
    #: Multiplies value / shares into reporting currency per share.
    per_share_factor: float = 1.0
    #: (place in valuation.yaml, message) for results worth a second look, e.g. a large terminal value.
    warnings: tuple[tuple[tuple[str | int, ...], str], ...] = field(default=())
    #: Filled by ``sensitivity.add_sensitivities`` for the note; empty from build_valuation.
    sensitivities: tuple[Sensitivity, ...] = field(default=())
    ranges: tuple[MethodRange, ...] = field(default=())

    def sensitivity(self, key: str) -> Sensitivity:
        for s in self.sensitivities:
            if s.key == key:
                return s
        raise KeyError(f"no sensitivity '{key}'")

    @property
    def parts(self) -> tuple[PartValue, ...]:
        """Every part of every multiples method, in order."""
        return tuple(p for m in self.methods for p in m.parts)

    @property
    def lead(self) -> MethodValue:
        """The method with the largest weight (the first on a tie): the one prose leads with."""
        return max(self.methods, key=lambda m: m.weight)

    def method(self, key: str) -> MethodValue:
        for m in self.methods:
            if m.key == key:
                return m
        raise KeyError(f"no valuation method '{key}'; have {', '.join(m.key for m in self.methods)}")


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


def valuation_lines(v: ValuationFile) -> frozenset[str]:
    """Every model line the valuation reads: callers re-value only when one of these moves."""
    keys = {v.shares}
    keys |= {b.line for b in v.bridge if b.line}
    for m in v.methods:
        keys |= {p.metric for p in m.parts}
        if m.fcf is not None:
            f = m.fcf
            keys |= {k for k in (f.line, f.ebit, f.da, f.capex, f.working_capital) if k}
            if isinstance(f.tax_rate, str):
                keys.add(f.tax_rate)
        if m.terminal is not None and m.terminal.exit_metric:
            keys.add(m.terminal.exit_metric)
    return frozenset(keys)


def build_valuation(v: ValuationFile, run: ModelRun, company: CompanyFile, house: House) -> Valuation:
    """Value each method, blend by weight, divide by diluted shares, convert per listing."""
    lines = run.lines
    year = lines[v.shares].timeline.normalise(v.year)
    shares = lines[v.shares].value(year)
    if not shares > 0:
        raise ValuationError(("shares",), f"diluted shares for {year} must be positive, got {shares}")
    unit = _money_unit(v, lines)
    per_share = unit / lines[v.shares].unit
    factor = per_share.scale * (company.fx_rate(unit.currency) if unit.currency else 1.0)
    bridge = _bridge(v.bridge, lines, shares, factor)
    warnings: Warnings = []
    methods = []
    for i, spec in enumerate(v.methods):
        inputs = MethodInputs(lines, year, company, bridge, shares, factor, ("methods", i))
        result, said = METHOD_KINDS[spec.kind](spec, inputs)
        methods.append(result)
        warnings += said
    total_weight = math.fsum(m.weight for m in methods)
    if abs(total_weight - 1.0) > 1e-9:
        raise ValuationError(("methods",), f"method weights sum to {total_weight:g}; they must sum to 1")
    equity = math.fsum(m.weight * m.equity_value for m in methods)
    fair = equity / shares * factor
    targets = {lst.key: _target(lst, fair, company, house, shares) for lst in company.listings}
    return Valuation(
        year=year,
        unit=str(unit),
        methods=tuple(methods),
        equity_value=equity,
        shares=shares,
        fair_value=fair,
        targets=targets,
        per_share_factor=factor,
        warnings=tuple(warnings),
    )


def listing_value(per_share: float, listing: Listing, company: CompanyFile) -> float:
    """A reporting-currency value per share as a value per listed unit in its own currency."""
    return per_share * listing.shares_per_unit / company.fx_rate(listing.currency)


def _target(lst: Listing, fair: float, company: CompanyFile, house: House, shares: float) -> Target:
    unrounded = listing_value(fair, lst, company)
    tp = round_to(unrounded, lst.rounding)
    upside = tp / lst.price - 1.0
    dy = lst.dividend_per_unit / lst.price
    etr = upside + dy
    # Rate on the return as printed (0.1%), so the cover never shows 15.0% beside Hold.
    printed_etr = round_to(etr, 0.001)
    outstanding = company.company.shares_outstanding or shares
    cap = lst.price / lst.shares_per_unit * outstanding / 1000.0
    return Target(lst, tp, lst.price, upside, dy, etr, rate(printed_etr, house), cap, unrounded)


def _money_unit(v: ValuationFile, lines: Mapping[str, Line]) -> Unit:
    """The unit every value is in: that of the first money line the methods read."""
    first = v.methods[0]
    if first.parts:
        key = first.parts[0].metric
    else:
        assert first.fcf is not None
        key = first.fcf.line or first.fcf.ebit or ""
    return lines[key].unit


def _bridge(
    items: list[BridgeItem], lines: Mapping[str, Line], shares: float, factor: float
) -> tuple[BridgeValue, ...]:
    """Each bridge item's signed effect on equity. A haircut applies only to value that adds."""
    out = []
    for i, item in enumerate(items):
        if item.line is not None:
            line = lines[item.line]
            tl = line.timeline
            period = tl.normalise(item.period) if item.period is not None else tl.last_actual
            if period is None:
                raise ValuationError(
                    ("bridge", i, "period"), f"'{item.line}' has no reported period: give period"
                )
            amount = line.value(period)
            if math.isnan(amount):
                raise ValuationError(
                    ("bridge", i, "line"), f"'{item.line}' has no value for {tl.label(period)}"
                )
        else:
            assert item.amount is not None
            amount = item.amount
        signed = -amount if item.kind in SUBTRACT else amount
        value = signed * (1.0 - item.discount) if signed > 0 else signed
        out.append(
            BridgeValue(
                item.key,
                item.label,
                item.kind,
                amount,
                item.discount,
                value,
                value / shares * factor,
                item.note,
                item.line,
            )
        )
    return tuple(out)


def _equity(
    enterprise: float | None, equity_parts: float, bridge: tuple[BridgeValue, ...], loc: tuple[str | int, ...]
) -> tuple[float, tuple[BridgeValue, ...]]:
    """EV (if any) through the bridge, plus value that is already equity."""
    applied = bridge if enterprise is not None else ()
    equity = (enterprise or 0.0) + math.fsum(b.value for b in applied) + equity_parts
    if not equity > 0:
        raise ValuationError(loc, f"equity value is {equity:,.0f}; a target price needs a positive value")
    return equity, applied


@dataclass(frozen=True)
class MethodInputs:
    """What a method kind values with: the model's lines at the valuation year, the shared bridge."""

    lines: Mapping[str, Line]
    year: Period
    company: CompanyFile
    bridge: tuple[BridgeValue, ...]
    shares: float
    #: Reporting money per share: the method's unit over the share line's, at the reporting FX rate.
    factor: float
    #: Where the method sits in valuation.yaml, for error messages.
    loc: tuple[str | int, ...]


@METHOD_KINDS.register("multiples")
def multiples_method(spec: MethodSpec, inputs: MethodInputs) -> tuple[MethodValue, Warnings]:
    """Sum of the parts: EV parts summed and bridged once, equity parts added as they are."""
    lines, year, bridge, shares = inputs.lines, inputs.year, inputs.bridge, inputs.shares
    factor, loc = inputs.factor, inputs.loc
    raw: list[tuple[float, float]] = []
    for j, part in enumerate(spec.parts):
        line = lines[part.metric]
        metric = line.value(year)
        where = (*loc, "parts", j, "metric")
        if math.isnan(metric):
            raise ValuationError(where, f"{part.name} needs {part.metric} for {year}, which the model lacks")
        if metric <= 0:
            raise ValuationError(
                where,
                f"{part.name}: a {part.method} multiple of a zero or negative {part.metric} "
                f"({metric:,.0f} for {year}) is not meaningful; value it another way",
            )
        raw.append((metric, method(part.method).value(metric, part.multiple)))
    keep = 1.0 - spec.holding_discount
    bases = [method(p.method).basis for p in spec.parts]
    ev_sum = math.fsum(value for (_, value), b in zip(raw, bases, strict=True) if b == "enterprise")
    eq_sum = math.fsum(value for (_, value), b in zip(raw, bases, strict=True) if b == "equity")
    has_ev = "enterprise" in bases
    enterprise = ev_sum * keep if has_ev else None
    equity, applied = _equity(enterprise, eq_sum * keep, bridge, loc)
    parts = tuple(
        PartValue(
            p.key,
            p.name,
            p.method,
            method(p.method).basis,
            metric,
            p.multiple,
            value,
            value / shares * factor,
            value * keep / equity,
            p.metric,
        )
        for (metric, value), p in zip(raw, spec.parts, strict=True)
    )
    value = MethodValue(
        spec.key,
        spec.label,
        spec.kind,
        spec.weight,
        parts,
        spec.holding_discount,
        enterprise,
        applied,
        equity,
        equity / shares * factor,
    )
    return value, []


@METHOD_KINDS.register("dcf")
def dcf_method(spec: MethodSpec, inputs: MethodInputs) -> tuple[MethodValue, Warnings]:
    """Enterprise value from discounted FCF, then the bridge; warns when the terminal value dominates."""
    shares, factor, loc = inputs.shares, inputs.factor, inputs.loc
    date = spec.valuation_date or inputs.company.note.date
    dcf = build_dcf(spec, inputs.lines, date, loc)
    equity, applied = _equity(dcf.enterprise_value, 0.0, inputs.bridge, loc)
    warnings: Warnings = []
    if dcf.terminal_share > spec.max_terminal_share:
        warnings.append(
            (
                (*loc, "max_terminal_share"),
                f"terminal value is {dcf.terminal_share:.0%} of enterprise value, above the "
                f"{spec.max_terminal_share:.0%} threshold: "
                "the target rests on years beyond the forecast",
            )
        )
    value = MethodValue(
        spec.key,
        spec.label,
        spec.kind,
        spec.weight,
        (),
        0.0,
        dcf.enterprise_value,
        applied,
        equity,
        equity / shares * factor,
        dcf,
    )
    return value, warnings
