"""The valuation sheet's DCF: WACC, each year's cash flow and discount factor, terminal value, EV.

All of it is formulas over the model sheets.

Mirrors ``reportgen.model.dcf``: a year counts whole months from the end of the valuation date's
month to the fiscal year's end (written as dates, so the months are a formula), a first year partly
gone counts only its remaining share, mid-year discounting moves each flow half the counted share
earlier (a 1/0 input), and a terminal value by growth is discounted like the last year's flow.
"""

from __future__ import annotations

import datetime as dt

from reportgen.inputs.periods import Period
from reportgen.inputs.schema import MethodSpec, WaccBuild
from reportgen.model.dcf import DcfYear, months_until, year_end
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import Valuation
from reportgen.output.cursor import LABEL, VALUE, Cursor
from reportgen.output.xlsxbook import (
    MULTIPLE_FORMAT,
    PERCENT_FORMAT,
    PRICE_FORMAT,
    RATIO_FORMAT,
    YEARS_FORMAT,
    NumberFormat,
)

MONTHS_FORMAT = NumberFormat("0", 0)
FLAG_FORMAT = NumberFormat("0", 0)


def write_dcf(
    s: Cursor,
    spec: MethodSpec,
    val: Valuation,
    run: ModelRun,
    bridge: str | None,
    money: NumberFormat,
) -> tuple[str, str]:
    """A DCF: WACC, the yearly FCF build and discounting, terminal value, EV, bridge, equity."""
    m = val.method(spec.key)
    assert m.dcf is not None and spec.fcf is not None and spec.terminal is not None
    dcf, f, key = m.dcf, spec.fcf, spec.key
    book, ws = s.book, s.ws
    s.section(f"{spec.label}: discounted free cash flow")
    if isinstance(spec.wacc, WaccBuild):
        w = spec.wacc
        ins = {
            name: s.put(label, ("dcf", key, "build", name), fmt, value=float(getattr(w, name)))
            for name, label, fmt in (
                ("risk_free", "Risk-free rate", PERCENT_FORMAT),
                ("beta", "Beta", NumberFormat("0.00", 2)),
                ("equity_risk_premium", "Equity risk premium", PERCENT_FORMAT),
                ("cost_of_debt", "Cost of debt (pre-tax)", PERCENT_FORMAT),
                ("tax_rate", "Tax rate on interest", PERCENT_FORMAT),
                ("gearing", "Gearing (debt / (debt + equity))", PERCENT_FORMAT),
            )
        }
        ke = s.put(
            "Cost of equity",
            ("dcf", key, "cost_of_equity"),
            PERCENT_FORMAT,
            formula=f"={ins['risk_free']}+{ins['beta']}*{ins['equity_risk_premium']}",
            cached=dcf.wacc.cost_of_equity or 0.0,
        )
        kd = s.put(
            "Cost of debt after tax",
            ("dcf", key, "after_tax_cost_of_debt"),
            PERCENT_FORMAT,
            formula=f"={ins['cost_of_debt']}*(1-{ins['tax_rate']})",
            cached=dcf.wacc.after_tax_cost_of_debt or 0.0,
        )
        g = ins["gearing"]
        wacc = s.put(
            "WACC",
            ("dcf", key, "wacc"),
            PERCENT_FORMAT,
            formula=f"=(1-{g})*{ke}+{g}*{kd}",
            cached=dcf.wacc.rate,
            name=f"wacc.{key}",
        )
    else:
        wacc = s.put("WACC", ("dcf", key, "wacc"), PERCENT_FORMAT, value=dcf.wacc.rate, name=f"wacc.{key}")
    vdate_row = s.row
    book.text(ws, s.row, LABEL, "Valuation date")
    book.date(ws, s.row, VALUE, dcf.valuation_date, ("dcf", key, "valuation_date"))
    vdate = s.at(vdate_row, VALUE)
    s.row += 1
    mid = s.put(
        "Mid-year discounting (1 yes, 0 no)",
        ("dcf", key, "mid_year"),
        FLAG_FORMAT,
        value=1.0 if dcf.mid_year else 0.0,
    )
    # The years, one column each.
    s.row += 1
    first_col = VALUE
    labels = [
        "Fiscal year",
        "Year ends",
        "Months from the valuation date",
        "Share of the year counted",
        "Years discounted",
    ]
    if f.line is None:
        labels += [
            "EBIT",
            "Tax rate",
            "NOPAT",
            "D&A",
            "Capex",
            "Working capital",
            "Working capital, year before",
            "Increase in working capital",
        ]
    labels += ["Free cash flow", "Cash flow counted", "Discount factor", "Present value"]
    at = {name: s.row + i for i, name in enumerate(labels)}
    for name, r in at.items():
        book.text(ws, r, LABEL, name, "header_left" if name == "Fiscal year" else "label")
    for j, y in enumerate(dcf.years):
        _dcf_year(s, spec, run, at, first_col + j, y, (vdate, dcf.valuation_date), mid, wacc, money)
    last = first_col + len(dcf.years) - 1
    s.row += len(labels) + 1
    pv_row = at["Present value"]
    pv = s.put(
        "Present value of the forecast years",
        ("dcf", key, "pv_fcf"),
        money,
        formula=f"=SUM({s.at(pv_row, first_col)}:{s.at(pv_row, last)})",
        cached=dcf.pv_fcf,
    )
    last_fcf, last_years = s.at(at["Free cash flow"], last), s.at(at["Years discounted"], last)
    if spec.terminal.growth is not None:
        g = s.put("Terminal growth", ("dcf", key, "growth"), PERCENT_FORMAT, value=spec.terminal.growth)
        tv = s.put(
            "Terminal value",
            ("dcf", key, "terminal_value"),
            money,
            formula=f"={last_fcf}*(1+{g})/({wacc}-{g})",
            cached=dcf.terminal_value,
        )
        tvy = s.put(
            "Terminal value, years discounted",
            ("dcf", key, "terminal_years"),
            YEARS_FORMAT,
            formula=f"={last_years}",
            cached=dcf.terminal_years,
        )
    else:
        assert spec.terminal.exit_multiple is not None and spec.terminal.exit_metric is not None
        mult = s.put(
            "Exit multiple", ("dcf", key, "exit_multiple"), MULTIPLE_FORMAT, value=spec.terminal.exit_multiple
        )
        metric = s.put(
            f"Exit metric ({spec.terminal.exit_metric}, {dcf.years[-1].label})",
            ("dcf", key, "exit_metric"),
            money,
            formula="=" + s.models.ref(spec.terminal.exit_metric, dcf.years[-1].period),
            cached=dcf.exit_metric or 0.0,
            role="link",
        )
        tv = s.put(
            "Terminal value",
            ("dcf", key, "terminal_value"),
            money,
            formula=f"={mult}*{metric}",
            cached=dcf.terminal_value,
        )
        months = s.at(at["Months from the valuation date"], last)
        tvy = s.put(
            "Terminal value, years discounted",
            ("dcf", key, "terminal_years"),
            YEARS_FORMAT,
            formula=f"={months}/12",
            cached=dcf.terminal_years,
        )
    tf = s.put(
        "Terminal discount factor",
        ("dcf", key, "terminal_factor"),
        RATIO_FORMAT,
        formula=f"=(1+{wacc})^(-{tvy})",
        cached=dcf.terminal_factor,
    )
    pvt = s.put(
        "Present value of the terminal value",
        ("dcf", key, "pv_terminal"),
        money,
        formula=f"={tv}*{tf}",
        cached=dcf.pv_terminal,
    )
    ev = s.put(
        "Enterprise value",
        ("dcf", key, "enterprise_value"),
        money,
        formula=f"={pv}+{pvt}",
        cached=dcf.enterprise_value,
        role="total",
        name=f"ev.{key}",
    )
    s.put(
        "Terminal value's share of EV",
        ("dcf", key, "terminal_share"),
        PERCENT_FORMAT,
        formula=f"={pvt}/{ev}",
        cached=dcf.terminal_share,
    )
    terms = [ev]
    if bridge is not None:
        terms.append(
            s.put(
                "Bridge to equity",
                ("bridge_total",),
                money,
                formula=f"={bridge}",
                cached=sum(b.value for b in m.bridge),
            )
        )
    equity = s.put(
        "Equity value",
        ("method", key, "equity_value"),
        money,
        formula="=" + "+".join(terms),
        cached=m.equity_value,
        role="total",
        name=f"equity.{key}",
    )
    s.put(
        "Per share",
        ("method", key, "per_share"),
        PRICE_FORMAT,
        formula=s.per_share(equity),
        cached=m.per_share,
    )
    weight = s.put("Weight in the blend", ("method", key, "weight"), PERCENT_FORMAT, value=spec.weight)
    return weight, equity


def _dcf_year(
    s: Cursor,
    spec: MethodSpec,
    run: ModelRun,
    at: dict[str, int],
    c: int,
    y: DcfYear,
    valuation_date: tuple[str, dt.date],
    mid: str,
    wacc: str,
    money: NumberFormat,
) -> None:
    """One forecast year's column: when it ends, how much of it counts, its FCF and present value."""
    book, ws, f, key = s.book, s.ws, spec.fcf, spec.key
    assert f is not None
    what = ("dcf_year", key, y.period)
    tl = run.lines[f.line or f.ebit or ""].timeline

    def a(name: str) -> str:
        return s.at(at[name], c)

    def put(
        name: str, formula: str, cached: float, field: str, fmt: NumberFormat, role: str = "formula"
    ) -> None:
        book.formula(ws, at[name], c, formula, cached, (*what, field), fmt, role)

    def link(name: str, line: str, period: Period, cached: float, field: str) -> None:
        put(name, "=" + s.models.ref(line, period), cached, field, money, "link")

    book.text(ws, at["Fiscal year"], c, y.label, "header")
    end = year_end(y.period, tl)
    next_month = dt.date(end[0] + end[1] // 12, end[1] % 12 + 1, 1)
    book.date(ws, at["Year ends"], c, next_month - dt.timedelta(days=1), (*what, "year_end"))
    ends = a("Year ends")
    vdate, when = valuation_date
    months = months_until(when, end)
    put(
        "Months from the valuation date",
        f"=(YEAR({ends})-YEAR({vdate}))*12+MONTH({ends})-MONTH({vdate})",
        months,
        "months",
        MONTHS_FORMAT,
    )
    put(
        "Share of the year counted",
        f"=MIN(1,{a('Months from the valuation date')}/12)",
        y.fraction,
        "fraction",
        RATIO_FORMAT,
    )
    years = f"={a('Months from the valuation date')}/12-{mid}*{a('Share of the year counted')}/2"
    put("Years discounted", years, y.years, "years", YEARS_FORMAT)
    if f.line is None:
        assert f.ebit and f.da and f.capex and f.working_capital and f.tax_rate is not None
        link("EBIT", f.ebit, y.period, y.ebit, "ebit")
        if isinstance(f.tax_rate, str):
            put(
                "Tax rate",
                "=" + s.models.ref(f.tax_rate, y.period),
                y.tax_rate,
                "tax_rate",
                PERCENT_FORMAT,
                "link",
            )
        else:
            book.number(ws, at["Tax rate"], c, f.tax_rate, (*what, "tax_rate"), PERCENT_FORMAT)
        put("NOPAT", f"={a('EBIT')}*(1-{a('Tax rate')})", y.nopat, "nopat", money)
        link("D&A", f.da, y.period, y.da, "da")
        link("Capex", f.capex, y.period, y.capex, "capex")
        before = tl.offset(y.period, -1)
        assert before is not None  # the DCF read it
        level = run.lines[f.working_capital].value(y.period)
        link("Working capital", f.working_capital, y.period, level, "wc")
        link("Working capital, year before", f.working_capital, before, level - y.wc_change, "wc_before")
        change = f"={a('Working capital')}-{a('Working capital, year before')}"
        put("Increase in working capital", change, y.wc_change, "wc_change", money)
        fcf = f"={a('NOPAT')}+{a('D&A')}-{a('Capex')}-{a('Increase in working capital')}"
        put("Free cash flow", fcf, y.fcf, "fcf", money)
    else:
        link("Free cash flow", f.line, y.period, y.fcf, "fcf")
    put(
        "Cash flow counted",
        f"={a('Free cash flow')}*{a('Share of the year counted')}",
        y.counted,
        "counted",
        money,
    )
    put("Discount factor", f"=(1+{wacc})^(-{a('Years discounted')})", y.factor, "factor", RATIO_FORMAT)
    put("Present value", f"={a('Cash flow counted')}*{a('Discount factor')}", y.pv, "pv", money)
