"""The valuation sheet's end: the blend by weight, the rating scheme and each listing's target.

Upside, expected total return and rating are formulas too.

A target is the fair value per share in the listing's currency and unit, rounded half up to its
step (``ROUND(x/step,0)*step``); the rating is the first band whose threshold the expected total
return meets as printed, to 0.1% (``ROUND(etr,3)``), as ``reportgen.model.valuation`` rates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.exhibits.formatting import step_decimals
from reportgen.inputs.schema import CompanyFile, House, Listing, MethodSpec
from reportgen.model.valuation import Target, Valuation
from reportgen.output.cursor import LABEL, VALUE, Cursor
from reportgen.output.formulas import excel_name, fx_name
from reportgen.output.xlsxbook import PERCENT_FORMAT, PRICE_FORMAT, NumberFormat


@dataclass
class ValuationCells:
    """Addresses (with their sheet, absolute) of what the cover repeats: per listing and overall."""

    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    fair_value: str = ""


def write_blend_and_targets(
    s: Cursor,
    equities: list[tuple[str, str, MethodSpec]],
    val: Valuation,
    company: CompanyFile,
    house: House,
    money: NumberFormat,
) -> ValuationCells:
    book, ws = s.book, s.ws
    out = ValuationCells()
    s.section("Blend")
    blend = "+".join(f"{w}*{e}" for w, e, _ in equities)
    equity = s.put(
        "Equity value, weighted",
        ("valuation", "equity_value"),
        money,
        formula="=" + blend,
        cached=val.equity_value,
        role="total",
        name="equity_value",
    )
    fair = s.put(
        f"Fair value per share ({company.company.reporting_currency})",
        ("valuation", "fair_value"),
        PRICE_FORMAT,
        formula=s.per_share(equity),
        cached=val.fair_value,
        role="total",
        name="fair_value",
    )
    out.fair_value = s.full(fair)
    s.section("Rating scheme (expected total return, as printed to 0.1%)")
    bands: list[tuple[str, str | None]] = []
    for i, band in enumerate(house.rating_scheme):
        book.text(ws, s.row, LABEL, band.name)
        if band.min_return is not None:
            book.number(ws, s.row, VALUE, band.min_return, ("rating_band", i), PERCENT_FORMAT)
            bands.append((band.name, s.at(s.row, VALUE)))
        else:
            book.text(ws, s.row, VALUE, "below", "muted")
            bands.append((band.name, None))
        s.row += 1
    outstanding = company.company.shares_outstanding
    out_ref = (
        s.put(
            "Shares outstanding (mn), for market value",
            ("company", "shares_outstanding"),
            NumberFormat("#,##0", 0),
            value=outstanding,
        )
        if outstanding
        else s.refs["shares"]
    )
    s.section("Targets")
    heads = (
        "Listing",
        "Ticker",
        "Currency",
        "FX rate",
        "Shares per unit",
        "Rounding",
        "Price",
        "Dividend per unit",
        "Fair value per unit",
        "Target",
        "Upside",
        "Dividend yield",
        "Expected total return",
        "Rating",
        "Market value (bn)",
    )
    for col, head in enumerate(heads):
        book.text(ws, s.row, col, head, "header_left" if col == 0 else "header")
    s.row += 1
    for lst in company.listings:
        _listing(s, lst, val.targets[lst.key], fair, bands, out_ref, company.fx_rate(lst.currency))
        for col, name in ((9, "target"), (13, "rating"), (6, "price"), (10, "upside"), (12, "etr")):
            out.targets.setdefault(lst.key, {})[name] = s.full(s.at(s.row, col))
        s.book.define(excel_name(f"target.{lst.key}"), s.full(s.at(s.row, 9)))
        s.row += 1
    ws.set_column(0, 0, 46)
    ws.set_column(1, 14, 13)
    ws.freeze_panes(2, 1)
    return out


def _listing(
    s: Cursor,
    lst: Listing,
    t: Target,
    fair: str,
    bands: list[tuple[str, str | None]],
    outstanding: str,
    fx: float,
) -> None:
    """One listing's row of the targets table, at the cursor's row."""
    book, ws, r = s.book, s.ws, s.row
    what = ("target", lst.key)

    def a(col: int) -> str:
        return s.at(r, col)

    def put(
        col: int,
        formula: str,
        cached: float | str,
        name: str,
        fmt: NumberFormat | None,
        role: str = "formula",
    ) -> None:
        book.formula(ws, r, col, formula, cached, (*what, name), fmt, role)

    book.text(ws, r, 0, f"{lst.security} ({lst.exchange})")
    book.text(ws, r, 1, lst.ticker, "muted")
    book.text(ws, r, 2, lst.currency, "muted")
    put(3, "=" + fx_name(lst.currency), fx, "fx", NumberFormat("0.0000", 4), "link")
    decimals = step_decimals(lst.rounding)
    step = NumberFormat("#,##0" + ("." + "0" * decimals if decimals else ""), decimals)
    book.number(ws, r, 4, lst.shares_per_unit, (*what, "shares_per_unit"), PRICE_FORMAT)
    book.number(ws, r, 5, lst.rounding, (*what, "rounding"), step)
    book.number(ws, r, 6, lst.price, (*what, "price"), PRICE_FORMAT)
    book.number(ws, r, 7, lst.dividend_per_unit, (*what, "dividend_per_unit"), PRICE_FORMAT)
    put(8, f"={fair}*{a(4)}/{a(3)}", t.unrounded, "unrounded", PRICE_FORMAT)
    put(9, f"=ROUND({a(8)}/{a(5)},0)*{a(5)}", t.fair_value, "fair_value", step, "total")
    put(10, f"={a(9)}/{a(6)}-1", t.upside, "upside", PERCENT_FORMAT)
    put(11, f"={a(7)}/{a(6)}", t.dividend_yield, "dividend_yield", PERCENT_FORMAT)
    put(12, f"={a(10)}+{a(11)}", t.etr, "etr", PERCENT_FORMAT)
    put(13, "=" + rating_formula(a(12), bands), t.rating, "rating", None, "total")
    put(
        14, f"={a(6)}/{a(4)}*{outstanding}/1000", t.market_cap_bn, "market_cap_bn", NumberFormat("#,##0.0", 1)
    )


def rating_formula(etr: str, bands: list[tuple[str, str | None]]) -> str:
    """Nested IFs: the first band whose threshold the return, rounded to 0.1%, meets; a band
    without a threshold takes whatever reaches it."""

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    text = quoted(bands[-1][0])  # the engine's answer when no band's threshold is met
    for name, threshold in reversed(bands):
        text = quoted(name) if threshold is None else f"IF(ROUND({etr},3)>={threshold},{quoted(name)},{text})"
    return text
