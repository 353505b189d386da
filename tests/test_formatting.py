"""Formatters: hand-checked tables of inputs and the exact text analysts expect."""

from __future__ import annotations

import math
from typing import Any

import pytest

from reportgen.errors import ModelError, RenderError
from reportgen.exhibits.formatting import (
    cell_multiple,
    cell_num,
    cell_pct,
    fmt_money,
    fmt_multiple,
    fmt_num,
    fmt_pct,
    fmt_signed_pct,
    make_filters,
    step_decimals,
)
from reportgen.inputs.units import parse_unit
from reportgen.model.line import Quantity
from reportgen.model.ratios import NM
from reportgen.note import load_assumptions
from tests.helpers import DEFAULT_NOTE


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 0, "1,235"),
        (0.125, 2, "0.13"),
        (-88416.0, 0, "\u221288,416"),
        (2.5, 0, "3"),
        (999.95, 1, "1,000.0"),
    ],
)
def test_fmt_num(value: float, decimals: int, text: str) -> None:
    assert fmt_num(value, decimals) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(0.391, 0, "39%"), (2.3518, 0, "235%"), (0.0855, 1, "8.6%"), (-0.533, 1, "\u221253.3%")],
)
def test_fmt_pct(value: float, decimals: int, text: str) -> None:
    assert fmt_pct(value, decimals) == text


def test_fmt_money_and_multiple() -> None:
    assert fmt_money(833.4, "Rmb", 1, "bn") == "Rmb833.4bn"
    assert fmt_money(62.614, "US$", 1, "bn") == "US$62.6bn"
    assert fmt_money(-5.0, "Rmb", 1, "bn") == "\u2212Rmb5.0bn"
    assert fmt_money(205.0, "US$") == "US$205"
    assert fmt_multiple(6.5) == "6.5x"


@pytest.fixture(scope="module")
def filters() -> dict[str, Any]:
    """The default note's filters: CNY printed as Rmb, USD at 7.005, March fiscal years."""
    a = load_assumptions(DEFAULT_NOTE)
    return make_filters(a.company, a.run.timeline)


@pytest.mark.parametrize(("year", "text"), [(2025, "FY25A"), (2026, "FY26E"), (2031, "FY31E")])
def test_fy_filter(filters: dict[str, Any], year: int, text: str) -> None:
    assert filters["fy"](year) == text


@pytest.mark.parametrize(
    ("value", "unit", "args", "text"),
    [
        (833.4, "CNY bn", {}, "Rmb833.4bn"),  # bn: one decimal by default
        (1022651.4, "CNY mn", {}, "Rmb1,022,651mn"),  # mn: whole by default
        (2002.24, "CNY bn", {"decimals": 0}, "Rmb2,002bn"),
        # 438.6 / 7.005 = 62.61 -> US$62.6bn: converted at the note's USD rate, same scale
        (438.6, "CNY bn", {"currency": "USD"}, "US$62.6bn"),
        (181.66, "CNY per share", {}, "Rmb181.66"),  # per-share amounts to the cent
        (-5.0, "CNY bn", {}, "\u2212Rmb5.0bn"),
    ],
)
def test_money_filter_takes_unit_and_currency_from_the_value(
    filters: dict[str, Any], value: float, unit: str, args: dict[str, Any], text: str
) -> None:
    assert filters["money"](Quantity(value, parse_unit(unit)), **args) == text


@pytest.mark.parametrize(
    "bad", [Quantity(0.43, parse_unit("%")), 833.4, Quantity(1.0, parse_unit("mn shares"))]
)
def test_money_filter_refuses_what_is_not_money(filters: dict[str, Any], bad: object) -> None:
    with pytest.raises(RenderError, match="money"):
        filters["money"](bad)


def test_money_filter_refuses_an_unknown_currency(filters: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match="no FX rate for 'EUR'"):
        filters["money"](Quantity(1.0, parse_unit("CNY bn")), currency="EUR")


def test_pct_and_mult_refuse_money(filters: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match="not a ratio"):
        filters["pct"](Quantity(833.4, parse_unit("CNY bn")))
    assert filters["pct"](Quantity(0.391, parse_unit("%"))) == "39%"
    assert filters["mult"](6.5) == "6.5x"


@pytest.mark.parametrize("bad", [None, math.nan, NM, "12%", True])
def test_prose_formatters_refuse_missing_or_non_numbers(bad: object) -> None:
    with pytest.raises(RenderError):
        fmt_pct(bad)


def test_prose_formatters_refuse_infinity_as_an_input_problem() -> None:
    with pytest.raises(ModelError, match="cannot print inf"):
        fmt_pct(math.inf)


@pytest.mark.parametrize(
    ("value", "text"), [(-88416.0, "(88,416)"), (1022651.4, "1,022,651"), (math.nan, "n/a"), (NM, "NM")]
)
def test_cell_num(value: object, text: str) -> None:
    assert cell_num(value) == text


@pytest.mark.parametrize(("value", "text"), [(-0.05, "(5%)"), (0.4278, "43%"), (NM, "NM"), (math.nan, "n/a")])
def test_cell_pct(value: object, text: str) -> None:
    assert cell_pct(value) == text


def test_cell_multiple() -> None:
    assert cell_multiple(20.14) == "20.1x"
    assert cell_multiple(math.nan) == "n/a"


@pytest.mark.parametrize(("step", "decimals"), [(5, 0), (1.0, 0), (0.5, 1), (0.05, 2), (0.1, 1)])
def test_step_decimals(step: float, decimals: int) -> None:
    assert step_decimals(step) == decimals


@pytest.mark.parametrize(
    ("value", "text"), [(0.024, "+2.4%"), (-0.029, "\u22122.9%"), (0.0, "0.0%"), (-0.00004, "0.0%")]
)
def test_signed_pct_never_doubles_brackets(value: float, text: str) -> None:
    """A lowered target prints as -2.9%, not ((2.9%))."""
    assert fmt_signed_pct(value) == text
