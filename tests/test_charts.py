"""Charts: deterministic specs carrying the model's numbers, SVGs that render, the house theme."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import altair as alt
import pandas as pd
import pytest

from reportgen import charts as ch
from reportgen.charts import Charts, build_chart_specs, build_charts, render_svg
from reportgen.errors import RenderError
from reportgen.model.line import Line
from reportgen.model.ratios import NM
from reportgen.theme import PX_PER_PT, chart_config, palette
from tests.conftest import Model

KEYS = ("cloud-revenue", "ai-revenue", "maas-revenue", "capex", "market-scenarios", "sotp")
FY = {y: f"FY{y % 100:02d}E" for y in range(2026, 2032)}


@pytest.fixture(scope="module")
def specs(model: Model) -> dict[str, dict[str, Any]]:
    return build_chart_specs(model.forecast, model.market, model.valuation, model.a.house)


@pytest.fixture(scope="module")
def charts(model: Model) -> Charts:
    """Speed is measured by `make bench`, not asserted here."""
    return build_charts(model.forecast, model.market, model.valuation, model.a.house)


def rows(spec: dict[str, Any], *fields: str) -> list[dict[str, Any]]:
    """Inline data rows anywhere in a (layered) spec that have all the given fields."""
    found: list[dict[str, Any]] = []
    for node in _walk(spec):
        values = node.get("data", {}).get("values") if isinstance(node.get("data"), dict) else None
        if values and all(f in values[0] for f in fields):
            found.extend(values)
    return found


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def series(spec: dict[str, Any], field: str, name: str) -> dict[str, float]:
    """year label -> value for the rows whose ``field`` is ``name`` (deduplicated by year)."""
    return {r["year"]: r["value"] for r in rows(spec, "year", field, "value") if r[field] == name}


# --------------------------------------------------------------------------- determinism


def test_specs_are_deterministic_and_complete(model: Model, specs: dict[str, dict]) -> None:
    again = build_chart_specs(model.forecast, model.market, model.valuation, model.a.house)
    assert tuple(specs) == KEYS
    assert json.dumps(again, sort_keys=True) == json.dumps(specs, sort_keys=True)
    for spec in specs.values():
        json.dumps(spec, allow_nan=False)  # no NaN leaks into the JSON


def test_specs_ignore_the_process_wide_altair_theme(model: Model, specs: dict) -> None:
    with alt.theme.enable("dark"):
        other = build_chart_specs(model.forecast, model.market, model.valuation, model.a.house)
    assert other == specs


@pytest.mark.parametrize("key", KEYS)
def test_spec_is_valid_vega_lite_with_key_and_no_title(specs: dict[str, dict], key: str) -> None:
    spec = specs[key]
    alt.TopLevelSpec.from_dict(spec, validate=True)
    assert spec["usermeta"] == {"key": key}
    assert "title" not in spec  # the figure caption carries the title


def test_svg_renders_deterministically(specs: dict[str, dict]) -> None:
    first = [render_svg(s) for s in specs.values()]
    second = [render_svg(s) for s in specs.values()]
    assert first == second
    assert all(svg.lstrip().startswith("<svg") for svg in first)


def test_build_charts(charts: Charts, specs: dict[str, dict]) -> None:
    assert charts.keys == KEYS and len(charts) == len(KEYS)
    assert [c.key for c in charts] == list(KEYS)
    for chart in charts.items:
        assert chart.spec == specs[chart.key]
        assert "<svg" in chart.svg and chart.title and chart.spec["description"] == chart.alt
    with pytest.raises(KeyError, match="no chart 'nope'"):
        charts["nope"]


@pytest.mark.parametrize(
    ("key", "size"), [("cloud-revenue", ch.FULL), ("capex", (ch.FULL[0], 200)), ("ai-revenue", ch.HALF)]
)
def test_svg_is_the_size_the_spec_asks_for(charts: Charts, key: str, size: tuple[int, int]) -> None:
    svg = charts[key].svg
    assert f'width="{size[0]}"' in svg[:300] and f'height="{size[1]}"' in svg[:300]


def test_render_failure_names_the_chart() -> None:
    bad = {"mark": "no-such-mark", "data": {"values": []}, "usermeta": {"key": "broken"}}
    with pytest.raises(RenderError, match="chart broken"):
        render_svg(bad)


# --------------------------------------------------------------------------- data matches model


def test_cloud_revenue_stacks_to_the_model_total(model: Model, specs: dict[str, dict]) -> None:
    fc = model.forecast
    spec = specs["cloud-revenue"]
    segs = rows(spec, "year", "segment", "value")
    assert sorted({r["year"] for r in segs}, key=list(FY.values()).index) == list(FY.values())
    assert [r["segment"] for r in segs[:4]] == ["MaaS", "AI-IaaS", "AI-PaaS", "Non-AI"]
    for year, label in FY.items():
        stacked = sum(r["value"] for r in segs if r["year"] == label)
        assert stacked == pytest.approx(fc.cloud.loc["total", year], rel=1e-12)
    totals = {r["year"]: r["value"] for r in rows(spec, "year", "value") if len(r) == 2}
    assert totals == {FY[y]: pytest.approx(fc.cloud.loc["total", y]) for y in FY}
    growth = series(spec, "series", "Total growth yoy (RHS)")
    assert growth == {FY[y]: pytest.approx(fc.cloud_line("total").yoy[y]) for y in FY}
    # hand-checked against the seed note (Figure 5)
    fy31 = [r for r in segs if r["year"] == "FY31E"]
    assert sum(r["value"] for r in fy31) == pytest.approx(833.4, abs=0.1)
    assert next(r["value"] for r in fy31 if r["segment"] == "MaaS") == pytest.approx(438.6, abs=0.1)


def test_ai_revenue_and_share(model: Model, specs: dict[str, dict]) -> None:
    ai = model.forecast.cloud_line("ai")
    spec = specs["ai-revenue"]
    assert series(spec, "series", "AI revenue") == {FY[y]: pytest.approx(ai[y]) for y in FY}
    share = series(spec, "series", "Share of cloud (RHS)")
    assert share == {FY[y]: pytest.approx(ai.share[y]) for y in FY}
    assert share["FY31E"] == pytest.approx(0.70, abs=0.01)


def test_maas_growth_skips_the_year_without_a_base(model: Model, specs: dict[str, dict]) -> None:
    maas = model.forecast.cloud_line("maas")
    spec = specs["maas-revenue"]
    assert series(spec, "series", "MaaS revenue") == {FY[y]: pytest.approx(maas[y]) for y in FY}
    growth = series(spec, "series", "Growth yoy (RHS)")
    assert "FY26E" not in growth  # FY25 MaaS is not in the model: growth is NaN, not plotted
    assert growth == {FY[y]: pytest.approx(maas.yoy[y]) for y in FY if y > 2026}
    assert growth["FY27E"] == pytest.approx(8.59, abs=0.005)


def test_capex_and_ratio(model: Model, specs: dict[str, dict]) -> None:
    fc = model.forecast
    spec = specs["capex"]
    assert series(spec, "series", "Capex") == {FY[y]: pytest.approx(fc.capex[y]) for y in FY}
    ratio = series(spec, "series", "% of cloud revenue (RHS)")
    assert ratio == {FY[y]: pytest.approx(fc.capex_ratio[y]) for y in FY}
    assert ratio["FY26E"] == pytest.approx(0.83, abs=0.005)  # seed note


def test_market_cases_over_the_estimate_years(model: Model, specs: dict[str, dict]) -> None:
    spec = specs["market-scenarios"]
    data = rows(spec, "year", "case", "value")
    cases = list(model.market.cases.values())
    assert [r["year"] for r in data[:: len(cases)]] == ["2026E", "2027E", "2028E", "2029E", "2030E"]
    for case in cases:
        got = series(spec, "case", case.name)
        assert got == {f"{y}E": pytest.approx(case.size[y]) for y in range(2026, 2031)}
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["scale"]["domain"] == [c.name for c in cases]
    assert "log" not in json.dumps(spec)


def test_sotp_parts_add_up_to_fair_value(model: Model, specs: dict[str, dict]) -> None:
    val = model.valuation
    data = rows(specs["sotp"], "part", "value")
    assert [r["part"] for r in data[:-1]] == [p.name for p in val.parts]
    assert [r["value"] for r in data[:-1]] == [p.per_share for p in val.parts]
    assert data[-1]["part"] == "Net cash, less 30% discount"
    assert data[-1]["value"] == pytest.approx(val.net_cash_value / val.shares)
    assert sum(r["value"] for r in data) == pytest.approx(val.fair_value)


# --------------------------------------------------------------------------- alt text


def test_alt_texts_quote_the_key_figures(model: Model, charts: Charts) -> None:
    fc, val = model.forecast, model.valuation
    cloud = charts["cloud-revenue"].alt
    assert "Rmb159.0bn in FY26E to Rmb833.4bn in FY31E" in cloud
    assert "MaaS rises from Rmb1.0bn in FY26E to Rmb438.6bn in FY31E" in cloud
    assert "a peak of 43% in FY27E" in cloud
    assert "Rmb585.5bn" in charts["ai-revenue"].alt and "70%" in charts["ai-revenue"].alt
    assert "falls from 859% in FY27E to 69% in FY31E" in charts["maas-revenue"].alt
    capex = charts["capex"].alt
    assert f"Rmb{fc.capex[2026]:.1f}bn" in capex and "falls from 83% in FY26E" in capex
    market = charts["market-scenarios"].alt
    assert f"base case Rmb{model.market.cases['base'].size[2030]:,.1f}bn" in market
    sotp = charts["sotp"].alt
    assert f"Rmb{val.fair_value:,.1f} per share" in sotp and "Rmb181.7" in sotp
    assert all(p.name in sotp for p in val.parts)


# --------------------------------------------------------------------------- theme


def test_theme_uses_the_house_palette_and_style(model: Model, specs: dict[str, dict]) -> None:
    house = model.a.house
    config = chart_config(house)
    series_colours = [house.colours[f"series{i}"] for i in range(1, 6)]
    assert palette(house) == series_colours
    assert config["range"]["category"] == series_colours
    assert config["font"].startswith("Inter") and config["font"].endswith("sans-serif")
    assert config["axisX"]["grid"] is False and config["axisY"]["grid"] is True
    assert config["legend"]["orient"] in ("top", "bottom")
    assert chart_config(house) == config  # deterministic
    for spec in specs.values():
        assert spec["config"] == config
    # the bars take house colours; the accent is kept for lines
    cloud = json.dumps(specs["cloud-revenue"])
    assert house.colours["accent"] in cloud and house.colours["series1"] in cloud


def test_every_text_is_at_least_7pt_at_print_size(specs: dict[str, dict]) -> None:
    for key, spec in specs.items():
        for node in _walk(spec):
            for name, value in node.items():
                if name.lower().endswith("fontsize"):
                    assert value / PX_PER_PT >= 7, f"{key}: {name}={value}px"


# --------------------------------------------------------------------------- helpers


def test_year_labels() -> None:
    assert ch.fy_label(2025, 2025) == "FY25A" and ch.fy_label(2031, 2025) == "FY31E"
    assert ch.cy_label(2025, 2025) == "2025A" and ch.cy_label(2026, 2025) == "2026E"
    assert ch.short_label("Non-AI-related cloud revenues") == "Non-AI"
    assert ch.short_label("MaaS revenues") == "MaaS"


def test_nm_and_nan_points_are_dropped() -> None:
    line = Line("x", "X", pd.Series({2025: -1.0, 2026: 2.0, 2027: 3.0}))
    ratios = {**line.yoy, 2028: math.nan}
    assert line.yoy[2026] is NM
    got = ch._ratio_rows(ratios, [2026, 2027, 2028], lambda y: str(y), "g")
    assert got == [{"year": "2027", "series": "g", "value": pytest.approx(0.5)}]


@pytest.mark.parametrize(
    ("lo", "hi", "most", "unit", "expected"),
    [
        (0.0, 833.4, 5, 1.0, [0, 250, 500, 750, 1000]),  # steps of 200 would need 6 ticks
        (0.0, 140.9, 5, 1.0, [0, 50, 100, 150]),  # the top bar (140.9) sits below the top tick
        (0.3479, 0.4278, 4, 0.01, [0.30, 0.35, 0.40, 0.45]),  # total growth 35%-43%
        (0.15, 0.70, 4, 0.01, [0.0, 0.25, 0.50, 0.75]),
    ],
)
def test_bracket_ticks_enclose_the_data(
    lo: float, hi: float, most: int, unit: float, expected: list[float]
) -> None:
    assert ch.bracket_ticks(lo, hi, most, unit) == pytest.approx(expected)
