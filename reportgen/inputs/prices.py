"""prices.csv -> PriceHistory: daily closes per listing, checked line by line.

The file is optional. When present it must agree with company.yaml: one column per
listing key, and a row on the pricing date carrying exactly the listing prices.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportgen.errors import AssumptionsError
from reportgen.inputs.schema import CompanyFile
from reportgen.inputs.sources import display_path, read_text

PRICES_FILE = "prices.csv"


@dataclass(frozen=True)
class PriceHistory:
    """Closing prices: index = trading dates (ascending), one column per listing key."""

    closes: pd.DataFrame


def load_prices(path: Path, company: CompanyFile, roots: Sequence[Path] = ()) -> PriceHistory:
    """Read and check every row; raise one AssumptionsError with all problems.

    The file is read like every input (see :mod:`reportgen.inputs.sources`): a folder, a dangling or
    outward link, bytes that are not UTF-8 or control characters are errors with their position.
    """
    name = display_path(path)
    problems: list[str] = []
    keys = [li.key for li in company.listings]
    dates: list[dt.date] = []
    rows: list[list[float]] = []
    header: list[str] | None = None
    # read_text drops the byte-order mark spreadsheets put in front of "CSV UTF-8".
    text = read_text(path, roots)
    for lineno, record in enumerate(csv.reader(text.splitlines()), start=1):
        if not record or record[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [c.strip() for c in record]
            expected = ["date", *keys]
            if header != expected:
                problems.append(
                    f"{name}:{lineno}:1: header: expected columns {','.join(expected)}, "
                    f"got {','.join(header)}"
                )
                break
            continue
        if len(record) != len(header):
            problems.append(f"{name}:{lineno}:1: expected {len(header)} values, got {len(record)}")
            continue
        try:
            day = dt.date.fromisoformat(record[0].strip())
        except ValueError:
            problems.append(f"{name}:{lineno}:1: date: expected a date like 2026-05-08, got {record[0]!r}")
            continue
        if dates and day <= dates[-1]:
            problems.append(f"{name}:{lineno}:1: date: {day} is not after the previous row ({dates[-1]})")
        values: list[float] = []
        for i, (key, raw) in enumerate(zip(keys, record[1:], strict=True), start=1):
            col = 1 + sum(len(field) + 1 for field in record[:i])
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not (value > 0 and math.isfinite(value)):
                problems.append(f"{name}:{lineno}:{col}: {key}: expected a positive price, got {raw!r}")
            values.append(value)
        dates.append(day)
        rows.append(values)
    if header is None and not problems:
        problems.append(f"{name}:1:1: file has no header row")
    price_date = company.note.price_date
    needed_from = price_date - dt.timedelta(weeks=52)
    if not problems and dates and dates[0] > needed_from:
        problems.append(
            f"{name}: the history starts on {dates[0]}; the 52-week range needs prices from "
            f"{needed_from} or earlier"
        )
    if not problems:
        if price_date not in dates:
            problems.append(
                f"{name}: no row for the pricing date {price_date} (note.price_date in company.yaml)"
            )
        else:
            row = rows[dates.index(price_date)]
            for listing, value in zip(company.listings, row, strict=True):
                if abs(value - listing.price) > 0.005:
                    problems.append(
                        f"{name}: {listing.key} closes at {value} on {price_date}, "
                        f"but company.yaml gives the price as {listing.price}"
                    )
    if problems:
        raise AssumptionsError(problems)
    closes = pd.DataFrame(rows, index=pd.DatetimeIndex(dates, name="date"), columns=keys)
    return PriceHistory(closes[closes.index <= pd.Timestamp(price_date)])
