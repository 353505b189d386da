"""Market sizing: consumption x price on a small case worked by hand."""

from __future__ import annotations

import pytest

from reportgen.model.market import build_market
from reportgen.schema import ScenariosFile


def test_size_is_consumption_times_price() -> None:
    s = ScenariosFile.model_validate(
        {
            "market": "M",
            "source": "S",
            "first_year": 2024,
            "last_year": 2026,
            "consumption": {2024: 0.001, 2025: 0.002},
            "price": {2024: 2.0, 2025: 1.0},
            "scenarios": [
                {
                    "key": "base",
                    "name": "Base",
                    "consumption_growth": {2026: 1.0},
                    "price_growth": {2026: 0.25},
                }
            ],
        },
        strict=True,
    )
    case = build_market(s).cases["base"]
    # 0.001 quintillion tokens = 1e9 million tokens; x Rmb2 = Rmb2bn
    assert case.size[2024] == pytest.approx(2.0)
    assert case.size[2025] == pytest.approx(2.0)  # 0.002 x 1.0
    assert case.consumption[2026] == pytest.approx(0.004)
    assert case.price[2026] == pytest.approx(1.25)
    assert case.size[2026] == pytest.approx(5.0)  # 0.004 x 1.25 x 1000
    assert case.size.yoy[2026] == pytest.approx(1.5)
    assert case.size.cagr(2024, 2026) == pytest.approx(2.5**0.5 - 1)
