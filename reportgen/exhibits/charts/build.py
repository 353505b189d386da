"""Declared chart specs + model -> Vega-Lite specs, alt texts and SVGs for the note's figures.

The charts' public face: the rest of the package asks this module for a note's figures, and
each declared chart is drawn by the kind CHART_KINDS names for it. This module is that
registry's home, so it imports every kind module: asking the registry for a kind loads them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from reportgen.exhibits.charts import bars, categories, dated, football, lines, waterfall
from reportgen.exhibits.charts.frame import Frame, Width, make_frame
from reportgen.exhibits.charts.price import PRICE_KEY, Call, price_chart
from reportgen.exhibits.charts.svg import render_svg
from reportgen.exhibits.charts.theme import chart_config
from reportgen.inputs.datasets import Dataset
from reportgen.inputs.prices import PriceHistory
from reportgen.inputs.schema import ChartSpec, CompanyFile, House
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import Valuation
from reportgen.registry import CHART_KINDS

#: The modules whose import registers the chart kinds (see ``reportgen.registry``).
KIND_MODULES = (bars, categories, dated, football, lines, waterfall)


@dataclass(frozen=True)
class Chart:
    """One figure: caption title, text alternative, spec, SVG, column width and source line.

    Drawn first with an empty ``svg``, so that specs can be built (and compared) without
    rendering; ``build_charts`` then renders each.
    """

    key: str
    title: str
    alt: str
    spec: dict[str, Any]
    svg: str
    width: Width = "full"
    source: str = ""
    #: Footnotes printed under the chart (a dataset's notes).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Charts:
    """All figures in a fixed order; looked up by key from the templates."""

    items: tuple[Chart, ...]

    def __getitem__(self, key: str) -> Chart:
        for chart in self.items:
            if chart.key == key:
                return chart
        raise KeyError(f"no chart {key!r}; have {', '.join(c.key for c in self.items)}")

    def __iter__(self) -> Iterator[Chart]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        """Chart keys in order."""
        return tuple(c.key for c in self.items)


def build_chart_specs(
    specs: Mapping[str, ChartSpec],
    run: ModelRun,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    datasets: Mapping[str, Dataset] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every declared chart's Vega-Lite spec by key. Pure and deterministic: tests compare these."""
    return {d.key: d.spec for d in _drafts(specs, run, valuation, company, house, datasets or {})}


def build_charts(
    specs: Mapping[str, ChartSpec],
    run: ModelRun,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    *,
    prices: PriceHistory | None = None,
    illustrative_prices: bool = False,
    calls: tuple[Call, ...] = (),
    render: Callable[[Mapping[str, Any]], str] | None = None,
    datasets: Mapping[str, Dataset] | None = None,
) -> Charts:
    """Drafts and SVGs for every declared chart in order, then the share-price chart if priced.

    ``calls`` are the note's published calls (``history.py``), drawn over the price history.
    ``render`` turns a spec into SVG (default ``render_svg``); the build passes a cached one.
    """
    render = render or render_svg
    drafts = _drafts(specs, run, valuation, company, house, datasets or {})
    if prices is not None:
        title, alt_text, spec, source = price_chart(
            prices, valuation, company, house, illustrative_prices, calls
        )
        drafts.append(Chart(PRICE_KEY, title, alt_text, spec, "", "half", source))
    return Charts(tuple(replace(d, svg=render(d.spec)) for d in drafts))


def _drafts(
    specs: Mapping[str, ChartSpec],
    run: ModelRun,
    valuation: Valuation,
    company: CompanyFile,
    house: House,
    datasets: Mapping[str, Dataset],
) -> list[Chart]:
    """Every declared chart, in the order declared, not yet rendered."""
    out: list[Chart] = []
    for key, spec in specs.items():
        if spec.data == "bridge":
            continue  # needs a previous version: drawn by bridge_exhibits when there is one
        frame = make_frame(key, spec, run, valuation, company, house, datasets)
        body, alt_text = CHART_KINDS[spec.kind](frame)
        out.append(_draft(frame, body, alt_text))
    return out


def _draft(frame: Frame, body: dict[str, Any], alt_text: str) -> Chart:
    """Finish a spec: house config, the key for error messages, the alt text as description."""
    spec = dict(body)
    spec["description"] = alt_text
    spec["usermeta"] = {"key": frame.key}
    spec["config"] = chart_config(frame.house)
    if frame.spec.source:
        source = f"Source: {frame.spec.source}"
    else:
        source = frame.dataset.source_line if frame.spec.dataset else ""
    notes = frame.dataset.notes if frame.spec.dataset else ()
    return Chart(frame.key, frame.spec.title, alt_text, spec, "", frame.spec.width, source, notes)
