"""Units: parsing the analyst's spelling, and the algebra formulas rely on (worked by hand).

Scales are those of reportgen.inputs.units.SCALES as documented in docs/reference.md#units:
k = 1e3, mn = 1e6, bn = 1e9, tn = 1e12.
"""

from __future__ import annotations

import pytest

from reportgen.inputs.units import DIMENSIONLESS, UnitError, check_add, describe, parse_unit


@pytest.mark.parametrize(
    ("text", "dims", "scale"),
    [
        ("CNY bn", (("CNY", 1),), 1e9),
        ("USD mn", (("USD", 1),), 1e6),
        ("EUR k", (("EUR", 1),), 1e3),
        ("mn shares", (("share", 1),), 1e6),  # plural 's' dropped
        ("mn share", (("share", 1),), 1e6),
        ("tn tokens", (("token", 1),), 1e12),
        ("CNY per share", (("CNY", 1), ("share", -1)), 1.0),
        ("USD per ADS", (("ADS", -1), ("USD", 1)), 1.0),  # 'ADS' keeps its S (capitals)
        ("CNY per mn tokens", (("CNY", 1), ("token", -1)), 1e-6),  # 1 / 1e6
        ("CNY / 1000 tokens", (("CNY", 1), ("token", -1)), 1e-3),  # digits scale: 1 / 1000
        ("bn CNY", (("CNY", 1),), 1e9),  # word order does not matter
    ],
)
def test_parse_dims_and_scale(text: str, dims: tuple[tuple[str, int], ...], scale: float) -> None:
    unit = parse_unit(text)
    assert unit.dims == dims
    assert unit.scale == pytest.approx(scale, rel=1e-12)
    assert str(unit) == text  # the analyst's spelling is kept for captions


def test_percent_and_multiple_are_plain_numbers_with_a_display() -> None:
    pct, mult = parse_unit("%"), parse_unit("x")
    assert (pct.dims, pct.scale, pct.display) == ((), 1.0, "pct")
    assert (mult.dims, mult.scale, mult.display) == ((), 1.0, "mult")
    assert pct.dimensionless and mult.dimensionless


@pytest.mark.parametrize(
    ("text", "currency", "is_money", "per"),
    [
        ("CNY bn", "CNY", True, None),
        ("CNY per share", "CNY", False, "share"),
        ("USD per ADS", "USD", False, "ADS"),
        ("mn shares", None, False, None),
        ("%", None, False, None),
    ],
)
def test_money_views(text: str, currency: str | None, is_money: bool, per: str | None) -> None:
    unit = parse_unit(text)
    assert unit.currency == currency
    assert unit.is_money is is_money
    assert unit.per == per


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"),
    [
        # CNY bn x % : the fraction has no dimension and scale 1, so the money stays CNY bn.
        ("CNY bn", "*", "%", "CNY bn"),
        # CNY mn / mn shares = (CNY / share) x (1e6 / 1e6) = CNY per share.
        ("CNY mn", "/", "mn shares", "CNY per share"),
        # tn tokens x CNY per mn tokens = CNY x 1e12 x 1e-6 = CNY x 1e6 = CNY mn.
        ("tn tokens", "*", "CNY per mn tokens", "CNY mn"),
        # CNY bn / mn shares = CNY per share x 1e9 / 1e6 = 1000 CNY per share: CNY k per share.
        ("CNY bn", "/", "mn shares", "CNY k per share"),
        # CNY per share x mn shares = CNY mn.
        ("CNY per share", "*", "mn shares", "CNY mn"),
    ],
)
def test_algebra(left: str, op: str, right: str, expected: str) -> None:
    a, b = parse_unit(left), parse_unit(right)
    got = a * b if op == "*" else a / b
    assert got.compatible(parse_unit(expected))


def test_token_revenue_scale_is_one_million() -> None:
    got = parse_unit("tn tokens") * parse_unit("CNY per mn tokens")
    assert got.dims == (("CNY", 1),)
    assert got.scale == pytest.approx(1e6)  # 1e12 * 1e-6
    assert describe(got) == "CNY mn"


@pytest.mark.parametrize(
    ("left", "right", "scale"),
    [
        ("CNY bn", "CNY bn", 1.0),  # a share or margin: a plain ratio
        ("CNY bn", "CNY mn", 1000.0),  # 1e9 / 1e6: a ratio that still needs x 1000
        ("CNY mn", "CNY bn", 0.001),
    ],
)
def test_money_over_money_is_dimensionless(left: str, right: str, scale: float) -> None:
    got = parse_unit(left) / parse_unit(right)
    assert got.dimensionless
    assert got.scale == pytest.approx(scale)


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("CNY bn", "CNY mn", 1000.0),  # 1e9 / 1e6
        ("CNY mn", "CNY bn", 0.001),  # 1e6 / 1e9
        ("tn tokens", "bn tokens", 1000.0),  # 1e12 / 1e9
        ("CNY per mn tokens", "CNY per k tokens", 0.001),  # 1e-6 / 1e-3
        ("CNY bn", "CNY bn", 1.0),
    ],
)
def test_factor_to(source: str, target: str, factor: float) -> None:
    assert parse_unit(source).factor_to(parse_unit(target)) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("source", "target"), [("CNY bn", "USD bn"), ("CNY bn", "%"), ("mn shares", "CNY mn")]
)
def test_factor_to_refuses_another_kind(source: str, target: str) -> None:
    with pytest.raises(UnitError, match="different kinds"):
        parse_unit(source).factor_to(parse_unit(target))


def test_add_same_unit() -> None:
    bn = parse_unit("CNY bn")
    assert check_add(bn, parse_unit("CNY bn"), "+") == bn
    # A % plus a plain number is allowed (both dimensionless, scale 1); the % is kept.
    assert check_add(parse_unit("%"), DIMENSIONLESS, "+").display == "pct"


@pytest.mark.parametrize(
    ("left", "right", "message"),
    [
        ("CNY bn", "CNY mn", "different scales"),
        ("CNY bn", "USD bn", "incompatible"),
        ("CNY bn", "%", "incompatible"),
        ("mn shares", "CNY mn", "incompatible"),
    ],
)
def test_incompatible_add_raises(left: str, right: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        check_add(parse_unit(left), parse_unit(right), "+")


def test_different_scales_hint_names_a_conversion() -> None:
    with pytest.raises(UnitError, match=r'convert\(x, "CNY bn"\)'):
        check_add(parse_unit("CNY bn"), parse_unit("CNY mn"), "-")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CNY $", "cannot read '\\$'"),
        ("12%", "cannot read"),
        ("€ mn", "cannot read"),
        ("CNY per share per day", "at most one 'per'"),
        ("CNY / ", "each side"),
    ],
)
def test_unparsable_unit_raises(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        parse_unit(text)


@pytest.mark.parametrize(
    ("left", "op", "right", "text"),
    [
        ("CNY mn", "/", "mn shares", "CNY per share"),
        ("CNY bn", "*", "%", "CNY bn"),
        ("CNY bn", "/", "CNY bn", "number"),
    ],
)
def test_describe_units_made_by_arithmetic(left: str, op: str, right: str, text: str) -> None:
    a, b = parse_unit(left), parse_unit(right)
    assert describe(a * b if op == "*" else a / b) == text
