"""Formatters: hand-checked tables of inputs and the exact text analysts expect."""

from __future__ import annotations

import math

import pytest

from reportgen.errors import RenderError
from reportgen.formatting import (
    cell_multiple,
    cell_num,
    cell_pct,
    fmt_fy,
    fmt_money,
    fmt_multiple,
    fmt_num,
    fmt_pct,
)
from reportgen.model.ratios import NM


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


@pytest.mark.parametrize(("year", "text"), [(2025, "FY25A"), (2026, "FY26E"), (2031, "FY31E")])
def test_fmt_fy(year: int, text: str) -> None:
    assert fmt_fy(year, last_actual=2025) == text


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, NM, "12%", True])
def test_prose_formatters_refuse_missing_or_non_numbers(bad: object) -> None:
    with pytest.raises(RenderError):
        fmt_pct(bad)


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
