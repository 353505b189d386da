"""fmt_* formatters, used as Jinja filters: the only place numbers become text.

Prose is strict: a missing value (None or NaN) raises RenderError rather than printing
"nan" or "None". Table cells are lenient on purpose: a missing year prints "n/a" and
a ratio on a zero or negative base prints "NM".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportgen.errors import ModelError, RenderError
from reportgen.inputs.datasets import CalendarQuarter, date_label
from reportgen.inputs.periods import PeriodError, Timeline
from reportgen.inputs.schema import CompanyFile
from reportgen.inputs.units import SCALE_WORDS, Unit
from reportgen.model.line import Quantity
from reportgen.model.ratios import NotMeaningful
from reportgen.registry import PROSE_FILTERS

MINUS = "\u2212"
MAX_PRINTABLE = 1e18
"""Largest magnitude printed: beyond it a figure is a units mistake (or a runaway model), not a fact."""


def _number(value: Any, what: str) -> float:
    """The float in ``value``, or RenderError for None, NaN, NM and non-numbers."""
    if isinstance(value, bool) or value is None:
        raise RenderError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, NotMeaningful):
        raise RenderError(f"{what}: the value is not meaningful (NM) and cannot be quoted in text")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RenderError(f"{what}: expected a number, got {value!r}") from None
    except OverflowError:
        number = math.inf
    if math.isnan(number):
        raise RenderError(f"{what}: the model has no value here (NaN)")
    return _printable(number)


def _printable(value: float) -> float:
    """``value`` if it can be printed; beyond MAX_PRINTABLE (or infinite) it is an input or model
    problem: exit 2 naming the value, instead of a Decimal overflow deep inside a template."""
    if not abs(value) < MAX_PRINTABLE:
        raise ModelError(
            f"cannot print {value!r}: figures beyond {MAX_PRINTABLE:.0e} are not printed; "
            "check the units and growth rates in model.yaml"
        )
    return value


def _round(value: float, decimals: int) -> Decimal:
    """Half-up rounding, so 0.125 -> 0.13 as analysts expect (not banker's 0.12)."""
    _printable(value)
    if not 0 <= decimals <= 12:
        raise RenderError(f"cannot print {decimals} decimals; use 0 to 12")
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_num(value: Any, decimals: int = 0) -> str:
    """1234.5 -> '1,235'; negatives with a true minus sign (prose style)."""
    d = _round(_number(value, "fmt_num"), decimals)
    text = f"{abs(d):,.{decimals}f}"
    return f"{MINUS}{text}" if d < 0 else text


def fmt_pct(value: Any, decimals: int = 0) -> str:
    """0.391 -> '39%'."""
    return fmt_num(_number(value, "fmt_pct") * 100.0, decimals) + "%"


def fmt_multiple(value: Any, decimals: int = 1) -> str:
    """6.5 -> '6.5x'."""
    return fmt_num(value, decimals) + "x"


def fmt_money(value: Any, symbol: str, decimals: int = 0, suffix: str = "") -> str:
    """(833.4, '€', 1, 'bn') -> '€833.4bn'; negatives as '-€5.0bn' (a true minus sign)."""
    number = _number(value, "fmt_money")
    text = fmt_num(abs(number), decimals)
    return f"{MINUS if _round(number, decimals) < 0 else ''}{symbol}{text}{suffix}"


# --------------------------------------------------------------------------- table cells


def cell_num(value: Any, decimals: int = 0) -> str:
    """Table number: thousands separators, negatives in parentheses, 'n/a' when missing."""
    if isinstance(value, NotMeaningful):
        return "NM"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    d = _round(float(value), decimals)
    text = f"{abs(d):,.{decimals}f}"
    return f"({text})" if d < 0 else text


def cell_price(value: Any, symbol: str, decimals: int = 2) -> str:
    """Table price: 'US$205.00'; 'n/a' when missing (a listing a past call did not price)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return fmt_money(value, symbol, decimals)


def cell_pct(value: Any, decimals: int = 0) -> str:
    """Table percentage: '39%', '(5%)', 'NM', 'n/a'."""
    if isinstance(value, NotMeaningful):
        return "NM"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    d = _round(float(value) * 100.0, decimals)
    text = f"{abs(d):,.{decimals}f}%"
    return f"({text})" if d < 0 else text


def cell_multiple(value: Any, decimals: int = 1) -> str:
    """Table multiple: '6.5x'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return cell_num(value, decimals) + "x"


def _unit_of(value: Any) -> Unit | None:
    return value.unit if isinstance(value, Quantity) else None


def _dimensionless(value: Any, what: str) -> float:
    """The number behind a percentage or multiple; money cannot be printed as one."""
    unit = _unit_of(value)
    if unit is not None and not unit.dimensionless:
        raise RenderError(f"{what}: the value is in {unit}, not a ratio; divide it by something first")
    return _number(value, what)


def step_decimals(step: Any) -> int:
    """Decimals a rounding step needs: 5 -> 0, 0.5 -> 1, 0.05 -> 2."""
    d = Decimal(repr(float(step))).normalize()
    return max(0, -int(d.as_tuple().exponent))


def fmt_signed_pct(value: Any, decimals: int = 1) -> str:
    """A change: '+2.4%', '-2.9%' (true minus), '0.0%' (never '((2.9%))')."""
    text = fmt_pct(value, decimals)
    return text if text.startswith(MINUS) or _round(float(value) * 100, decimals) == 0 else "+" + text


#: A prose filter as registered: given the note's company (currencies, FX) and default timeline,
#: the Jinja filter itself. Most filters ignore both.
FilterFactory = Callable[[CompanyFile, Timeline], Callable[..., Any]]


def make_filters(company: CompanyFile, timeline: Timeline) -> dict[str, Callable[..., Any]]:
    """Jinja filters bound to this note's currencies, FX and default timeline: every registered one."""
    return {name: factory(company, timeline) for name, factory in PROSE_FILTERS.items()}


def _plain(name: str, f: Callable[..., Any]) -> None:
    """Register a filter that needs nothing of the note."""
    PROSE_FILTERS.register(name, lambda company, timeline: f)


@PROSE_FILTERS.register("money")
def _money_filter(company: CompanyFile, timeline: Timeline) -> Callable[..., Any]:
    """Money with the unit and currency the value carries; ``currency=`` converts at the note's FX."""

    def money(value: Any, decimals: int | None = None, currency: str | None = None) -> str:
        unit = _unit_of(value)
        if unit is None or unit.currency is None:
            raise RenderError(f"money: expected a money value from the model, got {value!r}")
        number = _number(value, "money")
        source = unit.currency
        if currency is not None and currency != source:
            if currency not in company.currencies:
                raise RenderError(
                    f"money: no FX rate for {currency!r}; the note has {', '.join(company.currencies)}"
                )
            number = number * company.fx_rate(source) / company.fx_rate(currency)
            source = currency
        symbol = company.symbol(source)
        if unit.per is not None or unit.scale == 1:
            return fmt_money(number, symbol, 2 if decimals is None else decimals)
        suffix = SCALE_WORDS.get(unit.scale, "")
        default = 0 if unit.scale <= 1e6 else 1
        return fmt_money(number, symbol, default if decimals is None else decimals, suffix)

    return money


@PROSE_FILTERS.register("fy")
def _period_filter(company: CompanyFile, timeline: Timeline) -> Callable[..., Any]:
    """A period's label on the note's default timeline (``2031`` -> ``FY31E``)."""

    def period(value: Any) -> str:
        try:
            key = timeline.normalise(value)
        except PeriodError as exc:
            raise RenderError(f"fy: {exc}") from None
        return timeline.label(key)

    return period


def _date(value: Any) -> str:
    """A dataset's date as the note prints dates: 7 May 2026 (a month: May 26; a quarter: 1Q26)."""
    if isinstance(value, dt.date):
        return date_label(value, "date")
    if isinstance(value, CalendarQuarter):
        return str(value)
    raise RenderError(f"date: expected a date from a dataset, got {value!r}")


def _target(t: Any) -> str:
    return fmt_money(t.fair_value, t.listing.symbol, step_decimals(t.listing.rounding))


for _name, _filter in (
    ("num", fmt_num),
    ("pct", lambda v, d=0: fmt_pct(_dimensionless(v, "pct"), d)),
    ("pct1", lambda v: fmt_pct(_dimensionless(v, "pct1"), 1)),
    ("mult", lambda v, d=1: fmt_multiple(_dimensionless(v, "mult"), d)),
    ("price", lambda v, symbol, d=2: fmt_money(v, symbol, d)),
    ("signed_pct", fmt_signed_pct),
    ("step_decimals", step_decimals),
    ("target", _target),
    ("date", _date),
    ("cell_num", cell_num),
    ("cell_pct", cell_pct),
    ("cell_price", cell_price),
    ("cell_multiple", cell_multiple),
):
    _plain(_name, _filter)
