"""The DCF on a three-year example worked by hand (a spreadsheet in comments).

Model (CNY mn, December year ends, 100 mn shares): FCF 100, 110, 121 in 2025-27 (10% a
year); EBIT 200, 220, 242; tax 25%; D&A 30; capex 40, 45, 50; net working capital 50
(2024), 60, 75, 80; EBITDA 272 in 2027. Net debt 200. Valuation date 31 Dec 2024, so the
years end 12, 24 and 36 months later: discount periods 1, 2, 3 (mid-year 0.5, 1.5, 2.5).

At WACC 10% each FCF is worth 90.909 today (100/1.1 = 110/1.1^2 = 121/1.1^3), a neat
check on the discounting; terminal value by growth follows Gordon: FCF_N (1+g)/(WACC-g).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import ValuationError
from reportgen.inputs.schema import WaccBuild
from reportgen.model.dcf import months_until, wacc_of
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import Valuation, build_valuation, valuation_lines
from tests.factories import (
    NET_DEBT,
    dcf_model,
    tiny_company,
    tiny_house,
    tiny_valuation,
)
from tests.helpers import at, edit, expect, problems_of

MN = "CNY mn"


@pytest.fixture(scope="module")
def model() -> ModelRun:
    return dcf_model()


def dcf(model_run: ModelRun, **fields: Any) -> Valuation:
    method: dict[str, Any] = {
        "key": "dcf",
        "label": "DCF",
        "kind": "dcf",
        "periods": [2025, 2027],
        "fcf": {"line": "fcf"},
        "wacc": 0.10,
        "terminal": {"growth": 0.02},
        "valuation_date": dt.date(2024, 12, 31),
        **fields,
    }
    v = tiny_valuation(shares="shares", methods=[method], bridge=[NET_DEBT])
    return build_valuation(v, model_run, tiny_company(fiscal_year_end="December"), tiny_house())


def test_discount_periods_count_months_to_each_year_end() -> None:
    assert months_until(dt.date(2024, 12, 31), (2025, 12)) == 12
    assert months_until(dt.date(2026, 6, 15), (2026, 12)) == 6  # from the end of June
    assert months_until(dt.date(2026, 5, 11), (2027, 3)) == 10  # a March year end


def test_dcf_with_terminal_growth_at_year_end(model: ModelRun) -> None:
    v = dcf(model)
    d = v.methods[0].dcf
    assert d is not None
    assert [y.years for y in d.years] == [1.0, 2.0, 3.0]
    assert [y.factor for y in d.years] == pytest.approx([1 / 1.1, 1 / 1.21, 1 / 1.331])
    assert [y.pv for y in d.years] == pytest.approx([100 / 1.1] * 3)  # 90.909 each
    assert d.pv_fcf == pytest.approx(272.7273, abs=1e-4)  # 3 x 90.909
    # TV = 121 x 1.02 / (0.10 - 0.02) = 123.42 / 0.08 = 1,542.75, discounted 3 years
    assert d.terminal_value == pytest.approx(1542.75)
    assert d.pv_terminal == pytest.approx(1542.75 / 1.331)  # 1,159.09
    ev = 272.7273 + 1159.0909  # 1,431.82
    assert d.enterprise_value == pytest.approx(ev, abs=1e-3)
    assert d.terminal_share == pytest.approx(1159.0909 / ev, abs=1e-6)  # 81%
    m = v.methods[0]
    assert m.enterprise_value == pytest.approx(ev, abs=1e-3)
    assert m.equity_value == pytest.approx(ev - 200, abs=1e-3)  # less net debt 200
    assert v.fair_value == pytest.approx((ev - 200) / 100, abs=1e-5)  # Rmb12.32 per share


def test_mid_year_convention_discounts_half_a_year_less(model: ModelRun) -> None:
    d = dcf(model, mid_year=True).methods[0].dcf
    assert d is not None
    assert [y.years for y in d.years] == [0.5, 1.5, 2.5]
    # 100 / 1.1^0.5 = 95.346: each flow gains a factor of 1.1^0.5 = 1.04881
    assert [y.pv for y in d.years] == pytest.approx([100 / math.sqrt(1.1)] * 3)
    # The perpetuity's flows are mid-year too: TV discounted 2.5 years, 1,542.75 / 1.1^2.5 = 1,215.66
    assert d.pv_terminal == pytest.approx(1542.75 / 1.1**2.5)
    assert d.enterprise_value == pytest.approx((272.7273 + 1159.0909) * math.sqrt(1.1), abs=1e-3)


def test_terminal_value_by_exit_multiple(model: ModelRun) -> None:
    d = dcf(model, terminal={"exit_multiple": 8.0, "exit_metric": "ebitda"}).methods[0].dcf
    assert d is not None
    # TV = 8 x EBITDA 272 = 2,176 at the end of 2027: 2,176 / 1.331 = 1,634.86
    assert d.terminal_value == pytest.approx(2176.0)
    assert d.pv_terminal == pytest.approx(2176 / 1.331)
    assert d.enterprise_value == pytest.approx(272.7273 + 2176 / 1.331, abs=1e-3)
    # Mid-year moves the flows, not an exit price paid at the year end.
    mid = dcf(model, mid_year=True, terminal={"exit_multiple": 8.0, "exit_metric": "ebitda"}).methods[0].dcf
    assert mid is not None
    assert mid.terminal_years == 3.0
    assert mid.enterprise_value == pytest.approx(3 * 100 / math.sqrt(1.1) + 2176 / 1.331)


def test_a_year_partly_gone_counts_only_its_remaining_months(model: ModelRun) -> None:
    # Valued at 30 June 2025: six months of 2025 remain, so half its FCF (50) counts,
    # discounted 0.5 years (end) or 0.25 (mid-year: the middle of the half year left).
    d = dcf(model, valuation_date=dt.date(2025, 6, 30)).methods[0].dcf
    assert d is not None
    assert [y.fraction for y in d.years] == [0.5, 1.0, 1.0]
    assert [y.years for y in d.years] == [0.5, 1.5, 2.5]
    assert d.pv_fcf == pytest.approx(50 / 1.1**0.5 + 110 / 1.1**1.5 + 121 / 1.1**2.5)
    mid = dcf(model, valuation_date=dt.date(2025, 6, 30), mid_year=True).methods[0].dcf
    assert mid is not None
    assert [y.years for y in mid.years] == [0.25, 1.0, 2.0]


def test_fcf_built_from_ebit_tax_da_capex_and_working_capital(model: ModelRun) -> None:
    build = {"ebit": "ebit", "tax_rate": "tax_rate", "da": "da", "capex": "capex", "working_capital": "nwc"}
    d = dcf(model, fcf=build).methods[0].dcf
    assert d is not None
    # 2025: 200 x 0.75 = 150 + 30 - 40 - (60 - 50) = 130
    # 2026: 220 x 0.75 = 165 + 30 - 45 - (75 - 60) = 135
    # 2027: 242 x 0.75 = 181.5 + 30 - 50 - (80 - 75) = 156.5
    assert [y.nopat for y in d.years] == pytest.approx([150.0, 165.0, 181.5])
    assert [y.wc_change for y in d.years] == pytest.approx([10.0, 15.0, 5.0])
    assert [y.fcf for y in d.years] == pytest.approx([130.0, 135.0, 156.5])
    assert d.pv_fcf == pytest.approx(130 / 1.1 + 135 / 1.21 + 156.5 / 1.331)  # 347.33
    # one tax rate may be given as a number instead of a line
    same = dcf(model, fcf={**build, "tax_rate": 0.25}).methods[0].dcf
    assert same is not None and same.pv_fcf == pytest.approx(d.pv_fcf)
    v = tiny_valuation(
        shares="shares", methods=[{"key": "d", "label": "D", "kind": "dcf", "fcf": build}], bridge=[]
    )
    assert {"ebit", "tax_rate", "da", "capex", "nwc", "shares"} <= valuation_lines(v)


def test_wacc_built_by_capm() -> None:
    build = WaccBuild(
        risk_free=0.04, beta=1.2, equity_risk_premium=0.05, cost_of_debt=0.0625, tax_rate=0.20, gearing=0.30
    )
    w = wacc_of(build)
    assert w.cost_of_equity == pytest.approx(0.10)  # 4% + 1.2 x 5%
    assert w.after_tax_cost_of_debt == pytest.approx(0.05)  # 6.25% x (1 - 20%)
    assert w.rate == pytest.approx(0.085)  # 70% x 10% + 30% x 5% = 7% + 1.5%


# --------------------------------------------------------------------------- errors and warnings


@pytest.mark.parametrize("growth", [0.10, 0.12])
def test_growth_at_or_above_wacc_is_an_error(model: ModelRun, growth: float) -> None:
    with pytest.raises(ValuationError, match=r"is not below WACC 10\.00%") as info:
        dcf(model, terminal={"growth": growth})
    assert info.value.loc == ("methods", 0, "terminal", "growth")


def test_a_negative_terminal_cash_flow_is_an_error() -> None:
    with pytest.raises(
        ValuationError, match=r"terminal cash flow \(2027E FCF x \(1 \+ g\) = -10.2\)"
    ) as info:
        dcf(dcf_model(last_fcf=-10.0))
    assert info.value.loc == ("methods", 0, "terminal", "growth")


def test_a_non_positive_exit_metric_is_an_error() -> None:
    with pytest.raises(ValuationError, match=r"'ebitda' is -5\.0 in 2027E") as info:
        dcf(dcf_model(ebitda=-5.0), terminal={"exit_multiple": 8.0, "exit_metric": "ebitda"})
    assert info.value.loc == ("methods", 0, "terminal", "exit_metric")


def test_a_year_ending_before_the_valuation_date_is_an_error(model: ModelRun) -> None:
    with pytest.raises(ValuationError, match="2025E ends before the valuation date 2025-12-31"):
        dcf(model, valuation_date=dt.date(2025, 12, 31))


def test_a_large_terminal_share_is_a_warning(model: ModelRun) -> None:
    # 1,159.09 / 1,431.82 = 81% of EV, above the default 80%
    assert [loc for loc, _ in dcf(model).warnings] == [("methods", 0, "max_terminal_share")]
    assert "terminal value is 81% of enterprise value" in dcf(model).warnings[0][1]
    assert dcf(model, max_terminal_share=0.85).warnings == ()


CORVANE = "corvane-systems"


def test_the_loader_names_file_line_and_column_of_a_dcf_error(note_copy: Path) -> None:
    f = note_copy.parent / CORVANE / "valuation.yaml"
    edit(f, "      growth: 0.03", "      growth: 0.09")
    expect(
        problems_of(f.parent),
        f,
        at(f, "growth: 0.09", "0.09"),
        "methods[0].terminal.growth",
        "terminal growth 9.00% is not below WACC 8.50%",
    )


def test_the_build_warns_of_a_large_terminal_value(note_copy: Path) -> None:
    """A warning, not an error: the build goes on and the CLI prints it with file:line:col."""
    from click.testing import CliRunner

    from reportgen.cli import main

    f = note_copy.parent / CORVANE / "valuation.yaml"
    edit(f, "    max_terminal_share: 0.85", "    max_terminal_share: 0.5")
    line_no, col = at(f, "max_terminal_share: 0.5", "0.5")
    result = CliRunner().invoke(main, ["check", str(f.parent)])
    assert result.exit_code == 0, result.output
    assert (
        f"valuation.yaml:{line_no}:{col}: methods[0].max_terminal_share: terminal value is" in result.output
    )
    assert "above the 50% threshold" in result.output and "Warning: corvane-systems" in result.output
