"""Model -> Table: the rows and columns of every table in the note, still as raw numbers.

Templates only format what these functions put in cells; they never compute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from reportgen.formatting import fmt_fy
from reportgen.model.forecast import Forecast
from reportgen.model.line import Line
from reportgen.model.market import Market
from reportgen.model.ratios import NotMeaningful, Ratio, growth, share
from reportgen.model.valuation import Valuation
from reportgen.schema import CompanyFile

Kind = Literal["num", "pct", "multiple", "text"]
TRILLION_PER_QUINTILLION = 1e6
#: What each valuation method multiplies, as printed in the SOTP table.
METHOD_BASIS = {"P/E": "net profit", "P/S": "revenue", "EV/EBITA": "EBITA"}
Cell = float | NotMeaningful | str


@dataclass(frozen=True)
class Column:
    """A table column; ``actual`` sets reported years apart from estimates.

    ``kind`` set on a column (a CAGR, a multiple) overrides the row's kind for its cells.
    """

    label: str
    actual: bool = False
    group: str = ""
    kind: Kind | None = None
    decimals: int = 0


@dataclass(frozen=True)
class Row:
    """One table row: a label, raw cells and how to print them.

    ``style`` words map to CSS classes: total, subtotal, pct, indent1, indent2, head.
    """

    label: str
    cells: tuple[Cell, ...]
    kind: Kind = "num"
    decimals: int = 0
    style: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A numbered exhibit: title, unit, columns, rows, source line and footnotes."""

    key: str
    title: str
    unit: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    source: str
    notes: tuple[str, ...] = field(default=())
    stub: str = ""


def _years_cols(years: range | tuple[int, ...], last_actual: int) -> list[Column]:
    return [Column(fmt_fy(y, last_actual), actual=y <= last_actual) for y in years]


def _ratios(values: dict[int, Ratio], years: range | tuple[int, ...]) -> tuple[Cell, ...]:
    return tuple(values.get(y, math.nan) for y in years)


def build_cloud_table(fc: Forecast, source: str) -> Table:
    """Cloud revenue build by segment with growth, mix and CAGR (the seed's Figure 5 layout)."""
    years = range(fc.last_actual + 1, fc.years[-1] + 1)
    start, end = years[0], years[-1]
    span = f"{fmt_fy(start, fc.last_actual)}\u2013{fmt_fy(end, fc.last_actual)[2:]} CAGR"
    cols = [*_years_cols(years, fc.last_actual), Column(span, kind="pct")]
    total = fc.cloud_line("total")

    def level_rows(line: Line, label: str, depth: int, with_share: bool) -> list[Row]:
        indent = (f"indent{depth}",) if depth else ()
        rows = [
            Row(
                label,
                (*(line[y] for y in years), line.cagr(start, end)),
                decimals=1,
                style=("total",) if line.key == "total" else (("subtotal",) if depth == 0 else indent),
            ),
            Row("yoy growth", (*_ratios(dict(line.yoy), years), ""), "pct", style=("pct", *indent)),
        ]
        if with_share:
            rows.append(
                Row(
                    "% of cloud revenue",
                    (*_ratios(dict(line.share), years), ""),
                    "pct",
                    style=("pct", *indent),
                )
            )
        return rows

    rows = level_rows(total, "Cloud revenue", 0, False)
    top = 0
    for r in fc.cloud_rows:
        line = fc.cloud_line(r.key)
        if r.depth == 0:
            top += 1
            rows += level_rows(line, f"{top}. {r.label}", 0, True)
        else:
            rows += level_rows(line, r.label, r.depth, True)
    ext = fc.external
    rows += [
        Row(
            "Memo: external customer revenue",
            (*(ext[y] for y in years), ext.cagr(start, end)),
            decimals=1,
            style=("memo",),
        ),
        Row("% of cloud revenue", (*(ext[y] / total[y] for y in years), ""), "pct", style=("pct",)),
    ]
    return Table(
        "cloud-build",
        "Cloud revenue build by segment",
        "Rmb bn",
        tuple(cols),
        tuple(rows),
        source,
        stub="Rmb bn",
    )


def build_capex_table(fc: Forecast, source: str) -> Table:
    """Capex, its growth, its weight in cloud revenue, and the running total."""
    years = tuple(fc.capex)
    cols = [*_years_cols(years, fc.last_actual), Column("Total")]
    running, cum = 0.0, []
    for y in years:
        running += fc.capex[y]
        cum.append(running)
    ratio = fc.capex_ratio
    rows = (
        Row(
            "Capital expenditure",
            (*(fc.capex[y] for y in years), fc.capex_cumulative),
            decimals=1,
            style=("subtotal",),
        ),
        Row("yoy growth", (*_ratios(dict(fc.capex.yoy), years), ""), "pct", style=("pct",)),
        Row(
            "Cloud revenue",
            (*(fc.cloud_line("total")[y] for y in years), fc.cloud_line("total").sum(years[0], years[-1])),
            decimals=1,
        ),
        Row("Capex / cloud revenue", (*(ratio[y] for y in years), fc.capex_ratio_all), "pct", style=("pct",)),
        Row("Cumulative capex", (*cum, ""), decimals=1),
    )
    return Table(
        "capex",
        "Capital expenditure against cloud revenue",
        "Rmb bn",
        tuple(cols),
        rows,
        source,
        stub="Rmb bn",
    )


def build_market_table(market: Market, first_estimate: int) -> Table:
    """Market sizing per scenario: consumption, price, size, growth and CAGR."""
    years = market.years
    start, end = years[0], years[-1]
    cols = [Column(f"{y}{'A' if y < first_estimate else 'E'}", actual=y < first_estimate) for y in years]
    cols.append(Column(f"{start}\u2013{str(end)[2:]} CAGR", kind="pct"))
    rows: list[Row] = []
    for case in market.cases.values():
        rows.append(Row(case.name, tuple("" for _ in cols), "text", style=("head",)))
        # Consumption is modelled in quintillion tokens; printed in trillion, as the industry quotes it.
        for line, label, decimals, scale in (
            (case.consumption, "Token consumption (trillion)", 0, TRILLION_PER_QUINTILLION),
            (case.price, "Price per 1M tokens (Rmb)", 3, 1.0),
            (case.size, "Market size (Rmb bn)", 1, 1.0),
        ):
            rows.append(
                Row(
                    label,
                    (*(line[y] * scale for y in years), line.cagr(start, end)),
                    decimals=decimals,
                    style=("subtotal",) if "size" in line.key else ("indent1",),
                )
            )
            rows.append(
                Row("yoy growth", (*_ratios(dict(line.yoy), years), ""), "pct", style=("pct", "indent1"))
            )
    return Table(
        "market",
        f"{market.name} market size: base, bull and bear cases",
        "",
        tuple(cols),
        tuple(rows),
        f"Source: {market.source}",
        stub="",
    )


def build_income_table(fc: Forecast, source: str) -> Table:
    """Group income statement (Rmb mn) with margins and per-ADS earnings."""
    years = range(fc.fin_years[1], fc.fin_years[-1] + 1)
    cols = _years_cols(years, fc.last_actual)
    line = fc.fin_line

    def money(key: str, style: tuple[str, ...] = (), label: str | None = None) -> Row:
        return Row(label or fc.labels[key], tuple(line(key)[y] for y in years), style=style)

    def pct(label: str, num: str, den: str) -> Row:
        return Row(label, tuple(share(line(num)[y], line(den)[y]) for y in years), "pct", 1, ("pct",))

    def yoy(key: str) -> Row:
        return Row("yoy growth", _ratios(dict(line(key).yoy), years), "pct", 1, ("pct",))

    rows = (
        money("rev_ecommerce", ("indent1",)),
        money("rev_aidc", ("indent1",)),
        money("rev_cloud", ("indent1",)),
        money("rev_others", ("indent1",)),
        money("rev_unallocated", ("indent1",)),
        money("rev_eliminations", ("indent1",)),
        money("revenue", ("total",)),
        yoy("revenue"),
        money("cost_of_revenue"),
        money("gross_profit", ("subtotal",)),
        pct("Gross margin", "gross_profit", "revenue"),
        money("product_development", ("indent1",)),
        money("sales_marketing", ("indent1",)),
        money("general_admin", ("indent1",)),
        money("amortization", ("indent1",)),
        money("impairment", ("indent1",)),
        money("other_operating", ("indent1",)),
        money("total_opex", ("subtotal",)),
        money("operating_income", ("total",)),
        pct("Operating margin", "operating_income", "revenue"),
        money("net_income"),
        money("nci", ("indent1",)),
        money("net_income_attrib", ("subtotal",)),
        money("adj_net_income", ("total",)),
        yoy("adj_net_income"),
        pct("Non-GAAP net margin", "adj_net_income", "revenue"),
        Row(
            fc.labels["eps_ads"] + " (Rmb)",
            tuple(line("eps_ads")[y] for y in years),
            decimals=2,
            style=("subtotal",),
        ),
        money("ebita_ecommerce", ("indent1",)),
        money("ebita_cloud", ("indent1",)),
        money("ebita_others", ("indent1",)),
        money("ebita_rest", ("indent1",)),
        money("adj_ebita", ("total",)),
        pct("Adjusted EBITA margin", "adj_ebita", "revenue"),
        pct("Cloud EBITA margin", "ebita_cloud", "rev_cloud"),
    )
    notes = tuple(
        f"{fc.labels[k]}: {n}" for k, n in fc.notes.items() if k in {r for r in fc.financials.index}
    )
    return Table(
        "income", "Group income statement", "Rmb mn", tuple(cols), rows, source, notes, stub="Rmb mn"
    )


def build_revisions_table(fc: Forecast, source: str) -> Table:
    """Old vs new estimates and the change, for every line with a previous estimate."""
    years = [y for y in fc.fin_years[1:] if y in fc.previous.columns]
    cols: list[Column] = []
    for y in years:
        fy = fmt_fy(y, fc.last_actual)
        cols += [
            Column("Old", group=fy),
            Column("New", group=fy),
            Column("Change", group=fy, kind="pct", decimals=1),
        ]
    rows: list[Row] = []
    for key in fc.previous.index:
        cells: list[Cell] = []
        for y in years:
            old, new = float(fc.previous.loc[key, y]), fc.fin_line(key)[y]
            cells += [old, new, growth(new, old)]
        rows.append(Row(fc.labels[key], tuple(cells), style=("revision",)))
    return Table("revisions", "Earnings revisions", "Rmb mn", tuple(cols), tuple(rows), source, stub="Rmb mn")


def build_summary_table(fc: Forecast, company: CompanyFile, source: str) -> Table:
    """Cover table: revenue, EBITA, net profit, EPS, growth and P/E at today's ADS price."""
    years = range(fc.fin_years[1], fc.fin_years[-1] + 1)
    lead = company.listings[0]
    price_rep = lead.price * company.fx_rate(lead.currency)
    line = fc.fin_line
    rows = (
        Row("Revenue (Rmb mn)", tuple(line("revenue")[y] for y in years)),
        Row("yoy growth", _ratios(dict(line("revenue").yoy), years), "pct", 1, ("pct",)),
        Row("Adj. EBITA (Rmb mn)", tuple(line("adj_ebita")[y] for y in years)),
        Row("Non-GAAP net profit (Rmb mn)", tuple(line("adj_net_income")[y] for y in years)),
        Row(f"EPS per {lead.security} (Rmb)", tuple(line("eps_ads")[y] for y in years), decimals=2),
        Row("yoy growth", _ratios(dict(line("eps_ads").yoy), years), "pct", 1, ("pct",)),
        Row(
            f"P/E at {lead.symbol}{lead.price:,.2f}",
            tuple(share(price_rep, line("eps_ads")[y]) for y in years),
            "multiple",
            1,
        ),
    )
    return Table("summary", "Financial summary", "", tuple(_years_cols(years, fc.last_actual)), rows, source)


def build_sotp_table(val: Valuation, company: CompanyFile, last_actual: int, source: str) -> Table:
    """Sum of the parts: metric x multiple per business, net cash, fair value and targets."""
    fy = fmt_fy(val.year, last_actual)
    cols = (
        Column("Method", kind="text"),
        Column(f"{fy} metric", kind="num"),
        Column("Multiple", kind="multiple", decimals=1),
        Column("Value", kind="num"),
        Column("Per share (Rmb)", kind="num", decimals=2),
        Column("% of total", kind="pct"),
    )
    rows: list[Row] = []
    for p in val.parts:
        rows.append(
            Row(
                f"{p.name}",
                (
                    f"{p.method} on {METHOD_BASIS[p.method]}",
                    p.metric,
                    p.multiple,
                    p.value,
                    p.per_share,
                    p.share,
                ),
                "text",
            )
        )
    rows.append(
        Row(
            val.cash_label,
            (
                "",
                val.net_cash,
                "",
                val.net_cash_value,
                val.net_cash_value / val.shares,
                val.net_cash_value / val.equity_value,
            ),
            "text",
        )
    )
    rows.append(
        Row("Equity value", ("", "", "", val.equity_value, val.fair_value, 1.0), "text", style=("total",))
    )
    rows.append(Row("Diluted shares (mn)", ("", "", "", val.shares, "", ""), "text"))
    notes = [f"Fair value per share: {company.company.reporting_symbol}{val.fair_value:,.2f}."]
    for t in val.targets.values():
        lst = t.listing
        fx = (
            ""
            if lst.currency == company.company.reporting_currency
            else f" at {company.company.reporting_symbol}{company.fx[lst.currency]:g} per {lst.currency}"
        )
        notes.append(
            f"{lst.security} ({lst.ticker}): {lst.shares_per_unit:g} "
            f"share{'s' if lst.shares_per_unit != 1 else ''} per {lst.security}{fx}, "
            f"rounded to the nearest {lst.symbol}{lst.rounding:g}: target {lst.symbol}{t.fair_value:,.0f}."
        )
    return Table(
        "sotp",
        f"Sum-of-the-parts valuation, {fy}",
        "Rmb mn",
        cols,
        tuple(rows),
        source,
        tuple(notes),
    )
