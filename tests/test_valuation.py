"""SOTP, conversion per listing, rounding and rating on a case worked by hand."""

from __future__ import annotations

import pytest

from reportgen.model.forecast import build_forecast
from reportgen.model.valuation import build_valuation, rate, round_to
from tests.factories import tiny_company, tiny_forecast, tiny_house, tiny_valuation


def test_sum_of_the_parts() -> None:
    fc = build_forecast(tiny_forecast(), shares_per_ads=8)
    v = build_valuation(tiny_valuation(), fc, tiny_company(), tiny_house())
    # cloud 31,600 x 2 = 63,200; intl 60,000 x 1; core 30,000 x 10 = 300,000; cash 10,000 x 0.7
    assert [p.value for p in v.parts] == pytest.approx([63200, 60000, 300000])
    assert v.net_cash_value == pytest.approx(7000)
    assert v.equity_value == pytest.approx(430200)
    assert v.fair_value == pytest.approx(430200 / 8000)  # Rmb53.775 per share
    assert v.parts[2].share == pytest.approx(300000 / 430200)
    ads, h = v.targets["ads"], v.targets["h"]
    assert ads.fair_value == 60  # 53.775 x 8 / 7.0 = 61.46 -> nearest 5
    assert h.fair_value == 60  # 53.775 / 0.9 = 59.75 -> nearest 1
    assert ads.upside == pytest.approx(0.20)  # 60 / 50 - 1
    assert ads.dividend_yield == pytest.approx(0.02)
    assert ads.etr == pytest.approx(0.22)
    assert ads.rating == "Buy"
    assert h.rating == "Hold"  # 60 / 58 - 1 = 3.4%
    assert ads.target_change is None  # no previous target given


def test_negative_return_is_sell() -> None:
    fc = build_forecast(tiny_forecast(), shares_per_ads=8)
    v = build_valuation(tiny_valuation(), fc, tiny_company(h_price=65.0), tiny_house())
    assert v.targets["h"].etr == pytest.approx(60 / 65 - 1)
    assert v.targets["h"].rating == "Sell"


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (207.46, 5, 205),
        (207.5, 5, 210),
        (202.5, 5, 205),
        (203.56, 1, 204),
        (59.75, 0.5, 60.0),
        (12.34, 0.1, 12.3),
    ],
)
def test_round_to_step_half_up(value: float, step: float, expected: float) -> None:
    assert round_to(value, step) == pytest.approx(expected)


@pytest.mark.parametrize(("etr", "rating"), [(0.15, "Buy"), (0.1499, "Hold"), (0.0, "Hold"), (-0.01, "Sell")])
def test_rating_thresholds(etr: float, rating: str) -> None:
    assert rate(etr, tiny_house()) == rating


def test_net_debt_counts_in_full() -> None:
    fc = build_forecast(tiny_forecast(), shares_per_ads=8)
    v = tiny_valuation()
    v = v.model_copy(update={"net_cash": v.net_cash.model_copy(update={"amount": -10000.0})})
    val = build_valuation(v, fc, tiny_company(), tiny_house())
    assert val.net_cash_value == pytest.approx(-10000)  # no 30% "discount" on debt
    assert val.equity_value == pytest.approx(63200 + 60000 + 300000 - 10000)
    assert val.cash_label == "Net debt"


@pytest.mark.parametrize(("price", "rating"), [(53.06, "Buy"), (53.10, "Hold")])
def test_rating_uses_the_return_as_printed(price: float, rating: str) -> None:
    """Target 60 + dividend 1: 61/53.06 - 1 = 14.96%, printed 15.0% -> Buy; 61/53.10 - 1 = 14.88% -> Hold."""
    fc = build_forecast(tiny_forecast(), shares_per_ads=8)
    val = build_valuation(
        tiny_valuation(), fc, tiny_company(ads_price=price, h_price=price * 7 / 8 / 0.9), tiny_house()
    )
    assert val.targets["ads"].rating == rating
