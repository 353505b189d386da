"""Discounted free cash flow to the firm: yearly FCF, discount factors, terminal value, EV.

Discount periods count whole months from the end of the valuation date's month to each
fiscal year's end (the year's last month is ``timeline.year_end``), so a printed table
can be checked by hand: a note dated in June discounts a December year end by 0.5 years.
A first year already partly gone counts only its remaining months of cash flow.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from reportgen.errors import ValuationError
from reportgen.inputs.periods import MONTHS, Period, Timeline
from reportgen.inputs.schema import MethodSpec, WaccBuild
from reportgen.model.line import Line

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Wacc:
    """The discount rate; the CAPM build when the analyst gave one."""

    rate: float
    build: WaccBuild | None = None

    @property
    def cost_of_equity(self) -> float | None:
        b = self.build
        return None if b is None else b.risk_free + b.beta * b.equity_risk_premium

    @property
    def after_tax_cost_of_debt(self) -> float | None:
        b = self.build
        return None if b is None else b.cost_of_debt * (1.0 - b.tax_rate)


@dataclass(frozen=True)
class DcfYear:
    """One forecast year: the FCF build, the share of the year still to come, and its PV.

    ``nopat``, ``da``, ``capex`` and ``wc_change`` are NaN when FCF is a declared line.
    """

    period: Period
    label: str
    ebit: float
    tax_rate: float
    nopat: float
    da: float
    capex: float
    wc_change: float
    fcf: float
    fraction: float
    years: float
    factor: float

    @property
    def counted(self) -> float:
        """The cash flow discounted: FCF x the share of the year after the valuation date."""
        return self.fcf * self.fraction

    @property
    def pv(self) -> float:
        return self.counted * self.factor


@dataclass(frozen=True)
class Dcf:
    """A DCF's workings, every number the table prints."""

    years: tuple[DcfYear, ...]
    wacc: Wacc
    mid_year: bool
    valuation_date: dt.date
    growth: float | None
    exit_multiple: float | None
    exit_metric: float | None
    terminal_value: float
    terminal_years: float
    terminal_factor: float
    built: bool

    @property
    def pv_fcf(self) -> float:
        return math.fsum(y.pv for y in self.years)

    @property
    def pv_terminal(self) -> float:
        return self.terminal_value * self.terminal_factor

    @property
    def enterprise_value(self) -> float:
        return self.pv_fcf + self.pv_terminal

    @property
    def terminal_share(self) -> float:
        """Terminal value's share of EV: high shares mean the target rests on the far future."""
        return self.pv_terminal / self.enterprise_value


def year_end(period: Period, tl: Timeline) -> tuple[int, int]:
    """(year, month) a fiscal year ends: FY27 with a March year end ends in March 2027."""
    return int(period), MONTHS.index(tl.year_end) + 1


def months_until(date: dt.date, end: tuple[int, int]) -> int:
    """Whole months from the end of ``date``'s month to the end of month ``end``."""
    return (end[0] - date.year) * 12 + (end[1] - date.month)


def wacc_of(raw: float | WaccBuild) -> Wacc:
    """WACC = (1 - gearing) x (rf + beta x ERP) + gearing x cost of debt x (1 - tax)."""
    if isinstance(raw, WaccBuild):
        ke = raw.risk_free + raw.beta * raw.equity_risk_premium
        kd = raw.cost_of_debt * (1.0 - raw.tax_rate)
        return Wacc((1.0 - raw.gearing) * ke + raw.gearing * kd, raw)
    return Wacc(raw)


def build_dcf(spec: MethodSpec, lines: Mapping[str, Line], valuation_date: dt.date, loc: Loc) -> Dcf:
    """Discount each year's FCF at WACC and add the discounted terminal value.

    Raises ValuationError (with the place in valuation.yaml) when WACC does not exceed
    terminal growth, the terminal cash flow or exit metric is not positive, or a line lacks a year.
    """
    assert spec.fcf is not None and spec.wacc is not None and spec.terminal is not None
    assert spec.periods is not None
    fcf_spec, term = spec.fcf, spec.terminal
    first_line = lines[fcf_spec.line or fcf_spec.ebit or ""]
    tl = first_line.timeline
    periods = tl.span(tl.normalise(spec.periods[0]), tl.normalise(spec.periods[-1]))
    wacc = wacc_of(spec.wacc)
    if wacc.rate <= 0:
        raise ValuationError((*loc, "wacc"), f"WACC is {wacc.rate:.2%}; a discount rate must be positive")

    def at(key: str, period: Period, where: Loc) -> float:
        value = lines[key].value(period)
        if math.isnan(value):
            raise ValuationError(
                where, f"'{key}' has no value for {tl.label(period)}, which the DCF discounts"
            )
        return value

    years: list[DcfYear] = []
    for period in periods:
        months = months_until(valuation_date, year_end(period, tl))
        if months <= 0:
            raise ValuationError(
                (*loc, "periods"),
                f"{tl.label(period)} ends before the valuation date {valuation_date.isoformat()}; "
                "start the DCF at a later year",
            )
        fraction = min(1.0, months / 12)
        end = months / 12
        t = end - fraction / 2 if spec.mid_year else end
        factor = (1.0 + wacc.rate) ** -t
        label = tl.label(period)
        if fcf_spec.line is not None:
            fcf = at(fcf_spec.line, period, (*loc, "fcf", "line"))
            nan = math.nan
            years.append(DcfYear(period, label, nan, nan, nan, nan, nan, nan, fcf, fraction, t, factor))
            continue
        assert fcf_spec.ebit and fcf_spec.da and fcf_spec.capex and fcf_spec.working_capital
        assert fcf_spec.tax_rate is not None
        ebit = at(fcf_spec.ebit, period, (*loc, "fcf", "ebit"))
        rate = (
            fcf_spec.tax_rate
            if not isinstance(fcf_spec.tax_rate, str)
            else at(fcf_spec.tax_rate, period, (*loc, "fcf", "tax_rate"))
        )
        da = at(fcf_spec.da, period, (*loc, "fcf", "da"))
        capex = at(fcf_spec.capex, period, (*loc, "fcf", "capex"))
        before = tl.offset(period, -1)
        wc_loc = (*loc, "fcf", "working_capital")
        if before is None:
            raise ValuationError(wc_loc, f"the change in working capital in {label} needs the year before")
        wc_change = at(fcf_spec.working_capital, period, wc_loc) - at(
            fcf_spec.working_capital, before, wc_loc
        )
        nopat = ebit * (1.0 - rate)
        fcf = nopat + da - capex - wc_change
        years.append(
            DcfYear(period, label, ebit, rate, nopat, da, capex, wc_change, fcf, fraction, t, factor)
        )
    last = years[-1]
    exit_metric: float | None = None
    if term.growth is not None:
        g = term.growth
        if wacc.rate <= g:
            raise ValuationError(
                (*loc, "terminal", "growth"),
                f"terminal growth {g:.2%} is not below WACC {wacc.rate:.2%}: "
                "the perpetuity has no finite value",
            )
        next_fcf = last.fcf * (1.0 + g)
        if next_fcf <= 0:
            raise ValuationError(
                (*loc, "terminal", "growth"),
                f"the terminal cash flow ({last.label} FCF x (1 + g) = {next_fcf:,.1f}) is not positive; "
                "a perpetuity of losses is not a value",
            )
        tv = next_fcf / (wacc.rate - g)
        # With mid-year flows the perpetuity's flows also arrive mid-year: discount it as the last flow.
        tv_years = last.years
    else:
        assert term.exit_multiple is not None and term.exit_metric is not None
        exit_metric = at(term.exit_metric, last.period, (*loc, "terminal", "exit_metric"))
        if exit_metric <= 0:
            raise ValuationError(
                (*loc, "terminal", "exit_metric"),
                f"'{term.exit_metric}' is {exit_metric:,.1f} in {last.label}; "
                "an exit multiple needs it positive",
            )
        tv = term.exit_multiple * exit_metric
        tv_years = months_until(valuation_date, year_end(last.period, tl)) / 12
    return Dcf(
        years=tuple(years),
        wacc=wacc,
        mid_year=spec.mid_year,
        valuation_date=valuation_date,
        growth=term.growth,
        exit_multiple=term.exit_multiple,
        exit_metric=exit_metric,
        terminal_value=tv,
        terminal_years=tv_years,
        terminal_factor=(1.0 + wacc.rate) ** -tv_years,
        built=fcf_spec.line is None,
    )
