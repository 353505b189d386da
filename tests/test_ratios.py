"""Growth, share and CAGR on hand-worked numbers, including the NM cases."""

from __future__ import annotations

import math

import pytest

from reportgen.model.ratios import NM, cagr, growth, share


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (110.0, 100.0, 0.10),
        (90.0, 100.0, -0.10),
        (227.0, 159.0, 0.427673),  # 227/159 - 1
        (0.0, 50.0, -1.0),
    ],
)
def test_growth(current: float, previous: float, expected: float) -> None:
    assert growth(current, previous) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(("current", "previous"), [(10.0, 0.0), (10.0, -5.0), (-3.0, -5.0)])
def test_growth_on_zero_or_negative_base_is_nm(current: float, previous: float) -> None:
    assert growth(current, previous) is NM


def test_missing_values_give_nan_not_nm() -> None:
    assert math.isnan(growth(math.nan, 1.0))  # type: ignore[arg-type]
    assert math.isnan(share(None, 1.0))  # type: ignore[arg-type]
    assert math.isnan(cagr(1.0, math.nan, 3))  # type: ignore[arg-type]


def test_share() -> None:
    assert share(15.0, 60.0) == pytest.approx(0.25)
    assert share(1.0, 0.0) is NM


@pytest.mark.parametrize(
    ("start", "end", "years", "expected"),
    [
        (100.0, 121.0, 2, 0.10),  # 1.1^2 = 1.21
        (1.0, 32.0, 5, 1.0),  # doubling five times
        (1000.0, 729.0, 3, -0.10),  # 0.9^3 = 0.729
    ],
)
def test_cagr(start: float, end: float, years: int, expected: float) -> None:
    assert cagr(start, end, years) == pytest.approx(expected)


def test_cagr_from_loss_is_nm_and_zero_span_is_an_error() -> None:
    assert cagr(-5.0, 10.0, 3) is NM
    assert cagr(5.0, 0.0, 3) is NM
    with pytest.raises(ValueError, match="at least one year"):
        cagr(1.0, 2.0, 0)
