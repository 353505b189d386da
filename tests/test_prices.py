"""Price history: line-checked CSV, and trading statistics worked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen.errors import AssumptionsError
from reportgen.inputs.prices import load_prices
from reportgen.model.performance import build_trading_stats
from tests.factories import tiny_company

GOOD = """# comment lines are skipped
date,ads,h
2025-05-08,40,50
2025-06-01,70,60
2026-02-06,45,55
2026-04-08,48,56
2026-05-08,50,58
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_trading_stats(tmp_path: Path) -> None:
    history = load_prices(write(tmp_path, GOOD), tiny_company())
    stats = build_trading_stats(history, dt.date(2026, 5, 8))["ads"]
    # 52 weeks back from 8 May 2026 is 9 May 2025: the 8 May 2025 close (40) is outside.
    assert (stats.low_52w, stats.high_52w) == (45, 70)
    assert stats.performance["1M"] == pytest.approx(50 / 48 - 1)  # vs 8 Apr 2026
    assert stats.performance["3M"] == pytest.approx(50 / 45 - 1)  # vs 6 Feb, last close before 8 Feb
    assert stats.performance["12M"] == pytest.approx(50 / 40 - 1)  # vs 8 May 2025


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("2025-06-01,70,60", "2025-06-01,-70,60", ":4:12:", "ads: expected a positive price, got '-70'"),
        ("2025-06-01,70,60", "2025-06-01,70,abc", ":4:15:", "h: expected a positive price, got 'abc'"),
        ("2026-02-06,45,55", "2025-02-06,45,55", ":5:1:", "is not after the previous row"),
        ("2026-02-06,45,55", "06/02/2026,45,55", ":5:1:", "expected a date like"),
        ("date,ads,h", "date,ads", ":2:1:", "expected columns date,ads,h"),
        (
            "2026-05-08,50,58",
            "2026-05-08,51,58",
            ":",
            "ads closes at 51.0 on 2026-05-08, but company.yaml gives",
        ),
        ("2026-05-08,50,58", "2026-05-07,50,58", ":", "no row for the pricing date 2026-05-08"),
    ],
)
def test_bad_rows_name_the_line(tmp_path: Path, old: str, new: str, where: str, message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(AssumptionsError) as info:
        load_prices(path, tiny_company())
    text = "\n".join(info.value.problems)
    assert f"prices.csv{where}" in text
    assert message in text
