"""The forecast stage on a four-year example worked by hand (see tests/factories.py)."""

from __future__ import annotations

import math

import pytest

from reportgen.model.forecast import build_forecast
from reportgen.model.ratios import NM
from tests.factories import tiny_forecast


@pytest.fixture
def fc():  # type: ignore[no-untyped-def]
    return build_forecast(tiny_forecast(), shares_per_ads=8)


def test_leaf_segments_compound_from_their_last_value(fc) -> None:  # type: ignore[no-untyped-def]
    # a1: 4 -> x1.5 = 6 -> x1.25 = 7.5;  a2: 8 -> 8 -> 12;  b: 20, 22 -> 24.2 -> 12.1
    assert [fc.cloud_line("a1")[y] for y in (2025, 2026, 2027)] == pytest.approx([4, 6, 7.5])
    assert [fc.cloud_line("a2")[y] for y in (2025, 2026, 2027)] == pytest.approx([8, 8, 12])
    assert [fc.cloud_line("b")[y] for y in (2024, 2025, 2026, 2027)] == pytest.approx([20, 22, 24.2, 12.1])
    assert math.isnan(fc.cloud_line("a1")[2024])


def test_parent_sums_children_and_falls_back_to_its_own_actuals(fc) -> None:  # type: ignore[no-untyped-def]
    a = fc.cloud_line("a")
    assert [a[y] for y in (2024, 2025, 2026, 2027)] == pytest.approx([10, 12, 14, 19.5])
    total = fc.cloud_line("total")
    assert [total[y] for y in (2024, 2025, 2026, 2027)] == pytest.approx([30, 34, 38.2, 31.6])


def test_growth_share_and_cagr_views(fc) -> None:  # type: ignore[no-untyped-def]
    a, total = fc.cloud_line("a"), fc.cloud_line("total")
    assert a.yoy[2025] == pytest.approx(0.20)  # 12 / 10 - 1
    assert total.yoy[2027] == pytest.approx(31.6 / 38.2 - 1)  # -17.3%
    assert a.share[2027] == pytest.approx(19.5 / 31.6)  # 61.7%
    assert a.cagr(2024, 2027) == pytest.approx(1.95 ** (1 / 3) - 1)  # 24.9%
    assert math.isnan(fc.cloud_line("a1").yoy[2025])  # no 2024 value: n/a, not NM


def test_capex_ratio_and_cumulative(fc) -> None:  # type: ignore[no-untyped-def]
    # capex 17.0, 19.1, 15.8 over cloud 34, 38.2, 31.6
    assert fc.capex_ratio[2025] == pytest.approx(0.5)
    assert fc.capex_ratio[2027] == pytest.approx(0.5)
    assert fc.capex_cumulative == pytest.approx(51.9)
    assert fc.capex_ratio_all == pytest.approx(51.9 / 103.8)


def test_income_statement_lines(fc) -> None:  # type: ignore[no-untyped-def]
    line = fc.fin_line
    # cloud revenue comes from the build: 38.2bn = 38,200mn; 31.6bn = 31,600mn
    assert line("rev_cloud")[2026] == pytest.approx(38200)
    # 100,000 + 50,000 + 38,200 + 10,000 + 0 - 8,200
    assert line("revenue")[2026] == pytest.approx(190000)
    assert line("revenue")[2027] == pytest.approx(210000)
    assert line("revenue").yoy[2026] == pytest.approx(190000 / 150000 - 1)
    assert line("gross_profit")[2026] == pytest.approx(90000)
    assert line("total_opex")[2026] == pytest.approx(30000)
    assert line("operating_income")[2026] == pytest.approx(60000)
    assert line("net_income_attrib")[2026] == pytest.approx(18000)
    assert line("ebita_cloud")[2027] == pytest.approx(6320)  # 31,600 x 20%
    assert line("adj_ebita")[2026] == pytest.approx(27820)  # 30,000 + 3,820 - 5,000 - 1,000
    assert line("eps_ads")[2027] == pytest.approx(30.0)  # 30,000 / (8,000 / 8)


def test_negative_base_growth_is_nm() -> None:
    fc = build_forecast(tiny_forecast(), shares_per_ads=8)
    assert fc.fin_line("rev_eliminations").yoy[2027] is NM  # base is negative
