"""fmt_* formatters, used as Jinja filters: the only place numbers become text.

Prose is strict: a missing value (None or NaN) raises RenderError rather than printing
"nan" or "None". Table cells are lenient on purpose: a missing year prints "n/a" and
a ratio on a zero or negative base prints "NM".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportgen.errors import RenderError
from reportgen.model.ratios import NotMeaningful

MINUS = "\u2212"


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
    if math.isnan(number) or math.isinf(number):
        raise RenderError(f"{what}: the model has no value here (NaN)")
    return number


def _round(value: float, decimals: int) -> Decimal:
    """Half-up rounding, so 0.125 -> 0.13 as analysts expect (not banker's 0.12)."""
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
    """(833.4, 'Rmb', 1, 'bn') -> 'Rmb833.4bn'; negatives as '-Rmb5.0bn'."""
    number = _number(value, "fmt_money")
    text = fmt_num(abs(number), decimals)
    return f"{MINUS if _round(number, decimals) < 0 else ''}{symbol}{text}{suffix}"


def fmt_fy(year: Any, last_actual: int) -> str:
    """2031 -> 'FY31E'; years up to the last actual get 'A'."""
    y = int(_number(year, "fmt_fy"))
    return f"FY{y % 100:02d}{'A' if y <= last_actual else 'E'}"


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


def make_filters(
    reporting_symbol: str, usd_rate: float | None, last_actual: int
) -> dict[str, Callable[..., str]]:
    """Jinja filters bound to this note's currency and timeline."""

    def usd_bn(value: Any, decimals: int = 1) -> str:
        if usd_rate is None:
            raise RenderError("usd_bn: the note has no USD rate in company.fx")
        return fmt_money(_number(value, "usd_bn") / usd_rate, "US$", decimals, "bn")

    def target(t: Any) -> str:
        step = t.listing.rounding
        decimals = 0 if float(step).is_integer() else len(repr(step).split(".")[1])
        return fmt_money(t.fair_value, t.listing.symbol, decimals)

    return {
        "num": fmt_num,
        "num0": lambda v: fmt_num(v, 0),
        "num1": lambda v: fmt_num(v, 1),
        "pct": fmt_pct,
        "pct1": lambda v: fmt_pct(v, 1),
        "mult": fmt_multiple,
        "rmb_bn": lambda v, d=1: fmt_money(v, reporting_symbol, d, "bn"),
        "rmb_mn": lambda v, d=0: fmt_money(v, reporting_symbol, d, "mn"),
        "rmb_per_share": lambda v: fmt_money(v, reporting_symbol, 2),
        "usd_bn": usd_bn,
        "money": lambda v, symbol, d=2: fmt_money(v, symbol, d),
        "target": target,
        "fy": lambda y: fmt_fy(y, last_actual),
        "cell_num": cell_num,
        "cell_pct": cell_pct,
        "cell_multiple": cell_multiple,
    }
