"""House chart theme: the Vega-Lite ``config`` every chart in the note shares."""

from __future__ import annotations

from typing import Any

from reportgen.inputs.schema import House

#: The note ships Inter; the rest keep the layout sane on machines without it.
FONT = "Inter, 'Helvetica Neue', Helvetica, Arial, sans-serif"
#: Charts are laid out at 96 px per inch and printed at that size, so 1 px = 0.75 pt.
PX_PER_PT = 96 / 72
#: Smallest text on a chart: 10 px = 7.5 pt, above the 7 pt floor for print.
TEXT_PX = 10
TITLE_PX = 10


def palette(house: House) -> list[str]:
    """The house chart series (series1, series2, ...) in order: the category range."""
    keys = sorted(
        (k for k in house.colours if k.startswith("series") and k[6:].isdigit()),
        key=lambda k: int(k[6:]),
    )
    return [house.colours[k] for k in keys]


def colour(house: House, name: str, default: str) -> str:
    """A named house colour, falling back so a sparse palette still renders."""
    return house.colours.get(name, default)


def chart_config(house: House) -> dict[str, Any]:
    """Vega-Lite config for the house style; pure, so equal houses give equal specs."""
    ink = colour(house, "primary", "#222222")
    muted = colour(house, "muted", "#666666")
    rule = colour(house, "rule", "#DDDDDD")
    axis_common: dict[str, Any] = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": TEXT_PX,
        "titleFontSize": TITLE_PX,
        "labelColor": muted,
        "titleColor": muted,
        "titleFontWeight": "normal",
        "labelPadding": 3,
        "titlePadding": 6,
        "ticks": False,
    }
    return {
        # width/height are the whole figure, so the note can place it at its natural size.
        "autosize": {"type": "fit", "contains": "padding"},
        "padding": {"top": 4, "right": 4, "bottom": 4, "left": 4},
        "background": "#FFFFFF",
        "font": FONT,
        "view": {"stroke": None},
        "axis": {**axis_common, "domain": False, "grid": False},
        "axisX": {
            "grid": False,
            "domain": True,
            "domainColor": muted,
            "domainWidth": 0.75,
            "labelAngle": 0,
        },
        "axisY": {"grid": True, "gridColor": rule, "gridWidth": 0.5},
        "legend": {
            "orient": "top",
            "direction": "horizontal",
            "title": None,
            "labelFont": FONT,
            "labelFontSize": TEXT_PX,
            "labelColor": ink,
            "symbolSize": 80,
            "symbolType": "square",
            "symbolStrokeWidth": 0,
            "columnPadding": 12,
            "padding": 0,
            "offset": 6,
            "labelLimit": 260,
        },
        "title": {"font": FONT, "fontSize": TITLE_PX, "color": ink},
        "range": {"category": palette(house)},
        "bar": {"color": colour(house, "series1", ink)},
        "line": {"color": colour(house, "accent", ink), "strokeWidth": 1.75},
        "point": {"color": colour(house, "accent", ink), "filled": True, "size": 28},
        "text": {"font": FONT, "fontSize": TEXT_PX, "color": ink},
    }
