"""Formulas: the whitelist, the unit of a formula, and its values on small series by hand."""

from __future__ import annotations

import math

import pytest

from reportgen.inputs.units import parse_unit
from reportgen.model.expr import Env, FormulaError, evaluate, formula_unit, parse_formula

NAN = math.nan
UNITS = {
    "rev": parse_unit("CNY bn"),
    "cost": parse_unit("CNY mn"),
    "margin": parse_unit("%"),
    "usd": parse_unit("USD mn"),
    "profit": parse_unit("CNY mn"),
    "shares": parse_unit("mn shares"),
    "tokens": parse_unit("tn tokens"),
    "price": parse_unit("CNY per mn tokens"),
    "x": parse_unit("number"),
    "y": parse_unit("number"),
}
FX = {"CNY": 1.0, "USD": 7.0, "HKD": 0.9}  # CNY per unit


def run(text: str, per_year: int = 1, **values: list[float]) -> list[float]:
    formula = parse_formula(text)
    n = len(next(iter(values.values())))
    env = Env(units=UNITS, values=values, per_year=per_year, fx_rate=FX.__getitem__)
    return evaluate(formula, env, n)


def same(got: list[float], expected: list[float]) -> bool:
    """Equal to 1e-9, NaN where NaN is expected (pytest.approx treats NaN as unequal)."""
    return len(got) == len(expected) and all(
        math.isnan(g) if math.isnan(e) else g == pytest.approx(e, rel=1e-9)
        for g, e in zip(got, expected, strict=True)
    )


# --------------------------------------------------------------------------- whitelist


def test_names_are_the_lines_read() -> None:
    assert parse_formula("rev * margin - prev(cost) / 2").names == {"rev", "margin", "cost"}
    assert parse_formula('convert(rev, "CNY mn")').names == {"rev"}  # the unit text is no name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rev.real", "'rev.real' is not allowed"),  # attribute access
        ("rev.__class__", "is not allowed"),
        ("rev[0]", "'rev\\[0\\]' is not allowed"),  # subscript
        ("lambda: 1", "is not allowed"),
        ("[r for r in rev]", "is not allowed"),  # comprehension
        ("sum(r for r in rev)", "unknown function"),
        ("rev ** 2", "is not allowed"),
        ("rev // 2", "is not allowed"),
        ("rev % 2", "is not allowed"),
        ("rev > cost", "is not allowed"),
        ("rev if cost else margin", "is not allowed"),
        ("'CNY'", "is not allowed"),  # a bare string
        ("True", "is not allowed"),  # a bool is not a number
        ("prev(x=rev)", "takes no keyword arguments"),
        ("foo(rev)", "unknown function in 'foo\\(rev\\)'"),
        ("__import__('os')", "unknown function"),
        ("rev.__add__(1)", "unknown function"),
        ("prev(rev, cost)", "takes 1 argument"),
        ("cagr(rev)", "takes 2 argument"),
        ("cagr(rev, 0)", "whole number of years from 1 to 50"),
        ("cagr(rev, 2.5)", "whole number of years"),
        ("cagr(rev, 51)", "whole number of years"),
        ("convert(rev, CNY)", "in quotes"),
        ("fx(rev, 7)", "in quotes"),
        ("prev(*rev)", "is not allowed"),
        ("1e999", "finite"),
        ("rev +", "cannot read the formula"),
        ("-" * 45 + "rev", "nested more than 40"),
        ("rev + " * 400 + "rev", "longer than 2000"),  # 6 x 400 + 3 = 2403 characters
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        parse_formula(text)


@pytest.mark.parametrize(
    "text", ["rev + cost", "-rev", "+rev", "(rev - cost) / 2", "cagr(rev, 50)", 'fx(usd, "CNY")', "1.5 * rev"]
)
def test_allowed(text: str) -> None:
    parse_formula(text)  # no FormulaError


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("prev(x)", [1.0, 2.0, 4.0], [NAN, 1.0, 2.0]),
        ("growth(x)", [100.0, 110.0, 121.0], [NAN, 0.1, 0.1]),  # 110/100 - 1; 121/110 - 1
        # base 0: NaN; -5/5 - 1 = -2 (a fall is fine); base -5 < 0: NaN
        ("growth(x)", [0.0, 5.0, -5.0, 5.0], [NAN, NAN, -2.0, NAN]),
        # (121/100) ** (1/2) - 1 = 1.1 - 1 = 0.1; then (100/110) ** (1/2) - 1
        ("cagr(x, 2)", [100.0, 110.0, 121.0, 100.0], [NAN, NAN, 0.1, (100 / 110) ** 0.5 - 1]),
        ("cagr(x, 1)", [-1.0, 2.0, 3.0], [NAN, NAN, 0.5]),  # negative start: NaN; 3/2 - 1
        ("cumsum(x)", [1.0, 2.0, 3.0], [1.0, 3.0, 6.0]),
        ("cumsum(x)", [NAN, 1.0, 2.0], [NAN, 1.0, 3.0]),  # starts at the first value
        ("cumsum(x)", [1.0, NAN, 2.0], [1.0, NAN, NAN]),  # a gap leaves the rest unknown
        ("x * 2 + 1", [1.0, 2.5], [3.0, 6.0]),
        ("-x / 4", [2.0, -8.0], [-0.5, 2.0]),
        ("prev(prev(x))", [1.0, 2.0, 3.0], [NAN, NAN, 1.0]),
    ],
)
def test_functions(text: str, x: list[float], expected: list[float]) -> None:
    got = run(text, x=x)
    assert same(got, expected), got


def test_growth_on_quarters_is_over_four_quarters() -> None:
    x = [100.0, 200.0, 300.0, 400.0, 110.0, 180.0, 330.0, 500.0]
    # 110/100 - 1 = 0.1; 180/200 - 1 = -0.1; 330/300 - 1 = 0.1; 500/400 - 1 = 0.25
    assert same(run("growth(x)", per_year=4, x=x), [NAN] * 4 + [0.1, -0.1, 0.1, 0.25])


def test_cagr_on_quarters_counts_years() -> None:
    x = [100.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 144.0]
    # cagr(x, 2) looks back 2 x 4 = 8 quarters: (144/100) ** (1/2) - 1 = 1.2 - 1 = 0.2
    assert same(run("cagr(x, 2)", per_year=4, x=x), [NAN] * 8 + [0.2])


def test_growth_of_a_series_shorter_than_a_year() -> None:
    assert same(run("growth(x)", per_year=4, x=[1.0, 2.0]), [NAN, NAN])  # fewer than 4 periods


@pytest.mark.parametrize(
    ("text", "x", "y", "expected"),
    [
        ("x + y", [1.0, NAN], [2.0, 3.0], [3.0, NAN]),
        ("x * y", [NAN, 2.0], [2.0, 3.0], [NAN, 6.0]),
        ("x / y", [1.0, 6.0], [0.0, 3.0], [NAN, 2.0]),  # division by zero is NaN, not an error
        ("x / y", [1.0, 0.0], [-0.0, 0.0], [NAN, NAN]),  # -0.0 and 0/0 as well
        ("x / (y - y)", [1.0, 2.0], [5.0, 7.0], [NAN, NAN]),
        ("growth(x / y)", [1.0, 2.0], [0.0, 1.0], [NAN, NAN]),  # NaN base: NaN growth
    ],
)
def test_nan_propagation_and_division_by_zero(
    text: str, x: list[float], y: list[float], expected: list[float]
) -> None:
    assert same(run(text, x=x, y=y), expected)


def test_convert_scales() -> None:
    # CNY bn -> CNY mn: x 1e9 / 1e6 = 1000; 1.5 bn = 1,500 mn
    assert same(run('convert(rev, "CNY mn")', rev=[1.5, NAN]), [1500.0, NAN])
    # tn tokens x CNY per mn tokens = CNY mn: 2 tn x Rmb3 per mn = 2e12 x 3e-6 = Rmb6e6 = Rmb6mn,
    # and in CNY bn: 6 / 1000 = 0.006
    assert same(run('convert(tokens * price, "CNY bn")', tokens=[2.0], price=[3.0]), [0.006])


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ('fx(usd, "CNY")', 2.0, 14.0),  # US$2mn x 7.0 = Rmb14mn
        ('fx(cost, "USD")', 14.0, 2.0),  # Rmb14mn / 7.0 = US$2mn
        ('fx(usd, "HKD")', 9.0, 70.0),  # US$9mn x 7.0 / 0.9 = HK$70mn
    ],
)
def test_fx(text: str, value: float, expected: float) -> None:
    assert same(run(text, usd=[value], cost=[value]), [expected])


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("rev * margin", "CNY bn"),
        ("profit / shares", "CNY per share"),  # CNY mn / mn shares
        ("tokens * price", "CNY mn"),  # 1e12 x 1e-6 = 1e6
        ("rev / rev", "%"),  # a plain ratio is a fraction
        ("growth(rev)", "%"),
        ("cagr(cost, 3)", "%"),
        ("prev(cost) + cumsum(cost)", "CNY mn"),
        ('convert(rev, "CNY mn") - cost', "CNY mn"),
        ('fx(usd, "CNY")', "CNY mn"),  # same scale, other currency
        ("margin + 0.01", "%"),  # a bare number may be added to a plain number
        ("-rev", "CNY bn"),
    ],
)
def test_formula_unit(text: str, unit: str) -> None:
    got = formula_unit(parse_formula(text), UNITS, ("CNY", "USD", "HKD"))
    assert got.compatible(parse_unit(unit))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rev + cost", "CNY bn \\+ CNY mn: different scales"),
        ("rev - usd", "incompatible"),
        ("rev + margin", "incompatible"),
        ("rev + 1", "a bare number"),
        ("1 + rev", "incompatible"),
        ('convert(rev, "USD mn")', "cannot convert"),
        ('convert(rev, "CNY $")', "cannot read"),
        ('fx(margin, "USD")', "fx\\(\\) converts money"),
        ('fx(shares, "USD")', "converts money"),
        ('fx(rev, "EUR")', "no rate for 'EUR'"),
    ],
)
def test_formula_unit_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        formula_unit(parse_formula(text), UNITS, ("CNY", "USD", "HKD"))
