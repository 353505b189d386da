"""The share-price chart: the lead listing's closing prices, its target, and our earlier calls.

Not a declared chart kind: it is drawn from the price history whenever the note is priced, sits
in the cover's side column at its own size, and carries the published calls regulators ask for.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Protocol

import altair as alt
import pandas as pd

from reportgen.errors import RenderError
from reportgen.exhibits.charts.frame import Row
from reportgen.exhibits.charts.marks import vega_spec
from reportgen.exhibits.charts.theme import chart_config, colour
from reportgen.exhibits.charts.words import day_text
from reportgen.inputs.prices import PriceHistory
from reportgen.inputs.schema import CompanyFile, House
from reportgen.model.valuation import Valuation

#: The share-price chart sits in the cover's side column, half a column wide.
PRICE_KEY = "price"
PRICE_SIZE = (300, 125)


class Call(Protocol):
    """A published call as the chart reads it (``record.history.HistoryRow``, a later stage).

    Typed by shape so that this stage does not import the one that records calls.
    """

    @property
    def date(self) -> dt.date: ...
    @property
    def rating(self) -> str: ...
    @property
    def targets(self) -> tuple[float, ...]: ...
    @property
    def current(self) -> bool: ...


def price_chart(
    prices: PriceHistory,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    illustrative: bool,
    calls: tuple[Call, ...] = (),
) -> tuple[str, str, dict[str, Any], str]:
    """The lead listing's closing price over the history, with its target as a dashed rule:
    the caption title, the alt text, the finished spec and the source line.

    Earlier published calls inside the price history are drawn as the regulators ask: the
    target each call set, as a step from its date to the next call, and a marker labelled
    with the rating's initial and the target (the appendix table lists them in full).
    """
    lst = company.listings[0]
    if lst.key not in prices.closes or lst.key not in valuation.targets:
        raise RenderError(f"chart price: no prices or target for the lead listing '{lst.key}'")
    target = valuation.targets[lst.key]
    series = prices.closes[lst.key].dropna()
    if series.empty:
        raise RenderError(f"chart price: no closing prices for '{lst.key}'")
    index = pd.DatetimeIndex(series.index)
    rows: list[Row] = [
        {"date": day.date().isoformat(), "close": round(float(v), 4)}
        for day, v in zip(index, series, strict=True)
    ]
    ink = colour(house, "series1", "#000000")
    accent = colour(house, "accent", "#000000")
    line = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(strokeWidth=1.4, color=ink)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                # Dates are calendar days: read and label them in UTC, the same in every time zone.
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(format="%b %y", formatType="utc", tickCount=6, grid=False),
            ),
            y=alt.Y("close:Q", title=f"{lst.symbol} per {lst.security}", scale=alt.Scale(zero=False)),
        )
    )
    tp_rows = [{"tp": target.fair_value, "label": f"Target {lst.symbol}{target.fair_value:,.0f}"}]
    tp = alt.Chart(alt.Data(values=tp_rows)).mark_rule(strokeDash=[4, 3], color=accent).encode(y="tp:Q")
    tp_label = tp.mark_text(align="left", dx=4, dy=-6, color=accent).encode(x=alt.value(0), text="label:N")
    first, last = index[0].date(), index[-1].date()
    earlier = [c for c in calls if not c.current and first <= c.date <= last and not math.isnan(c.targets[0])]
    layers: list[Any] = [line, tp, tp_label]
    if earlier:
        ends = [c.date for c in earlier[1:]] + [last]
        steps = [
            {"date": day.isoformat(), "tp": c.targets[0], "call": i}
            for i, (c, end) in enumerate(zip(earlier, ends, strict=True))
            for day in (c.date, end)
        ]
        marks = [
            {
                "date": c.date.isoformat(),
                "tp": c.targets[0],
                "label": f"{c.rating} {lst.symbol}{c.targets[0]:,.0f}",
            }
            for c in earlier
        ]
        x = alt.X("date:T", scale=alt.Scale(type="utc"))
        layers.append(
            alt.Chart(alt.Data(values=steps))
            .mark_line(strokeWidth=1.0, color=accent, opacity=0.8)
            .encode(x=x, y="tp:Q", detail="call:N")
        )
        points = alt.Chart(alt.Data(values=marks)).encode(x=x, y="tp:Q")
        layers.append(points.mark_point(shape="triangle-up", filled=True, size=40, color=accent))
        layers.append(
            points.mark_text(align="left", dx=3, dy=-8, fontSize=7, color=accent).encode(text="label:N")
        )
    body = vega_spec(alt.layer(*layers), *PRICE_SIZE)
    history_text = "".join(
        f" On {day_text(c.date)} we published {c.rating} with a target of {lst.symbol}{c.targets[0]:,.0f}."
        for c in earlier
    )
    alt_text = (
        f"Line of {lst.ticker} closing prices from {day_text(first)} to {day_text(last)}, between "
        f"{lst.symbol}{series.min():,.2f} and {lst.symbol}{series.max():,.2f}, ending at "
        f"{lst.symbol}{series.iloc[-1]:,.2f}; a dashed line marks the target of "
        f"{lst.symbol}{target.fair_value:,.0f}.{history_text}"
    )
    source = (
        "Illustrative prices (analyst's assumption), not market data"
        if illustrative
        else f"Source: exchange closing prices to {day_text(last)}"
    )
    spec = {**body, "description": alt_text, "usermeta": {"key": PRICE_KEY}, "config": chart_config(house)}
    title = f"{lst.ticker} share price ({lst.symbol}) and target"
    return title, alt_text, spec, source
