"""Charts: every declared kind carries hand-worked numbers from a tiny model, and renders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest

from reportgen.errors import RenderError
from reportgen.exhibits.charts.build import Charts, build_chart_specs, build_charts
from reportgen.exhibits.charts.frame import FULL, HALF
from reportgen.exhibits.charts.numbers import bracket_ticks, unit_numbers
from reportgen.exhibits.charts.svg import register_fonts, render_svg
from reportgen.exhibits.charts.theme import PX_PER_PT, chart_config
from reportgen.inputs.prices import PriceHistory
from reportgen.inputs.schema import ChartSpec, CompanyFile, ExhibitsFile, House, ModelFile, ValuationFile
from reportgen.model.engine import ModelRun, compile_model, run_model
from reportgen.model.valuation import Valuation, build_valuation
from reportgen.note import load_assumptions

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "templates" / "assets" / "fonts"
DEFAULT_NOTE = ROOT / "assumptions" / "alibaba-cloud"
YEARS = ["2025E", "2026E", "2027E", "2028E"]

# --------------------------------------------------------------------------- a tiny model

HOUSE = House.model_validate(
    {
        "name": "Test House",
        "short_name": "TH",
        "division": "Equity Research",
        "colours": {
            "primary": "#111111",
            "accent": "#EE7700",
            "muted": "#777777",
            "rule": "#DDDDDD",
            "series1": "#003366",
            "series2": "#3388CC",
            "series3": "#99CCEE",
            "series4": "#EE7700",
        },
        "rating_scheme": [
            {"name": "Buy", "min_return": 0.15, "definition": "Up a lot."},
            {"name": "Hold", "definition": "Anything else."},
        ],
        "texts": {"certification": "c", "methodology": "m", "disclosures": ["d"], "disclaimer": "x"},
    }
)

COMPANY = CompanyFile.model_validate(
    {
        "company": {
            "name": "Test Industries",
            "short_name": "Test",
            "sector": "Widgets",
            "country": "Nowhere",
            "reporting_currency": "EUR",
            "reporting_symbol": "€",
            "fiscal_year_end": "December",
        },
        "note": {
            "title": "T",
            "type": "Update",
            "date": dt.date(2026, 3, 5),
            "price_date": dt.date(2026, 3, 4),
        },
        "fx": {},
        "listings": [
            {
                "key": "ord",
                "ticker": "TST",
                "exchange": "XEX",
                "security": "share",
                "currency": "EUR",
                "symbol": "€",
                "price": 5.0,
                "shares_per_unit": 1.0,
                "rounding": 0.5,
                "dividend_per_unit": 0.0,
            }
        ],
        "analysts": [{"name": "A. Analyst", "title": "Analyst", "email": "a@x.example", "phone": "1"}],
    }
)

# Years 2025-2028 are estimates (2024 is the last actual), so they are the default periods.
MODEL = ModelFile.model_validate(
    {
        "timelines": {"y": {"first": 2024, "last": 2028, "last_actual": 2024}},
        "lines": {
            "a": {
                "label": "Alpha",
                "unit": "EUR bn",
                "values": {2024: 10.0, 2025: 12.0, 2026: 15.0, 2027: 15.0, 2028: 18.0},
            },
            "b": {
                "label": "Beta",
                "unit": "EUR bn",
                "values": {2024: -2.0, 2025: 3.0, 2026: 5.0, 2027: 4.0, 2028: 6.0},
            },
            "total": {"label": "Total", "unit": "EUR bn", "sum": ["a", "b"]},
            "cost": {"label": "Cost", "unit": "EUR bn", "values": {2026: -4.0}},
            "margin": {"label": "Margin", "unit": "%", "values": {2025: 0.1, 2026: 0.2, 2028: 0.25}},
            "profit": {"label": "Profit", "unit": "EUR mn", "values": {2026: 50.0}},
            "sales": {"label": "Sales", "unit": "EUR mn", "values": {2026: 200.0}},
            "shares": {"label": "Shares", "unit": "mn shares", "values": 100.0},
        },
        "scenarios": [
            {"key": "base", "label": "Base case"},
            {
                "key": "high",
                "label": "High case",
                "lines": {"a": {"values": {2024: 10.0, 2025: 13.0, 2026: 17.0, 2027: 20.0, 2028: 22.0}}},
            },
        ],
    }
)

# Part one is equity (P/E); part two an enterprise value (EV/Sales), bridged by net cash.
VALUATION = ValuationFile.model_validate(
    {
        "year": 2026,
        "shares": "shares",
        "methods": [
            {
                "key": "sotp",
                "label": "Sum of the parts",
                "kind": "multiples",
                "parts": [
                    {"key": "p1", "name": "Part one", "method": "P/E", "metric": "profit", "multiple": 10.0},
                    {
                        "key": "p2",
                        "name": "Part two",
                        "method": "EV/Sales",
                        "metric": "sales",
                        "multiple": 0.5,
                    },
                ],
            }
        ],
        "bridge": [
            {"key": "cash", "label": "Net cash", "kind": "net_cash", "amount": 100.0, "discount": 0.2},
        ],
    }
)

# One chart of every kind (and the variants of each), declared as an analyst would.
SPECS: dict[str, ChartSpec] = {
    key: ChartSpec.model_validate(value)
    for key, value in {
        "stack": {
            "kind": "stacked_bars",
            "title": "Stack",
            "lines": ["a", "b"],
            "labels": {"a": "A"},
            "total": "total",
            "rhs": {"yoy": "b"},
        },
        "stack-sum": {"kind": "stacked_bars", "title": "Stack", "lines": ["a", "b"], "periods": [2026, 2027]},
        "bars": {
            "kind": "bars_line",
            "title": "Bars",
            "lines": ["a"],
            "rhs": {"share": ["a", "total"]},
            "width": "half",
        },
        "bars-pct": {
            "kind": "bars_line",
            "title": "Bars",
            "lines": ["a"],
            "rhs": {"line": "margin", "label": "Margin (RHS)"},
            "height": 200,
        },
        "bars-no-rhs": {"kind": "bars_line", "title": "Bars", "lines": ["a"], "rhs": {"yoy": "profit"}},
        "cases": {"kind": "grouped_bars", "title": "Cases", "lines": ["a"], "scenarios": ["base", "high"]},
        "pair": {"kind": "grouped_bars", "title": "Pair", "lines": ["a", "b"]},
        "line": {"kind": "lines", "title": "Line", "lines": ["margin"], "width": "half"},
        "case-lines": {"kind": "lines", "title": "Lines", "lines": ["a"], "scenarios": ["base", "high"]},
        "hbars": {"kind": "horizontal_bars", "title": "H", "lines": ["a", "b"], "period": 2026},
        "sotp": {"kind": "horizontal_bars", "title": "SOTP", "data": "valuation"},
        "steps": {"kind": "waterfall", "title": "W", "lines": ["a", "b", "cost"], "period": 2026},
        "bridge": {"kind": "waterfall", "title": "Bridge", "data": "valuation"},
    }.items()
}


@pytest.fixture(scope="module")
def run() -> ModelRun:
    compiled, problems = compile_model(MODEL, COMPANY)
    assert compiled is not None, problems
    return run_model(compiled)


@pytest.fixture(scope="module")
def valuation(run: ModelRun) -> Valuation:
    return build_valuation(VALUATION, run, COMPANY, HOUSE)


@pytest.fixture(scope="module")
def specs(run: ModelRun, valuation: Valuation) -> dict[str, dict[str, Any]]:
    return build_chart_specs(SPECS, run, valuation, COMPANY, HOUSE)


@pytest.fixture(scope="module")
def charts(run: ModelRun, valuation: Valuation) -> Charts:
    register_fonts(FONTS)
    return build_charts(SPECS, run, valuation, COMPANY, HOUSE)


# --------------------------------------------------------------------------- reading specs


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def rows(spec: dict[str, Any], *fields: str) -> list[dict[str, Any]]:
    """Inline data rows anywhere in a (layered) spec that have all the given fields."""
    found: list[dict[str, Any]] = []
    for node in _walk(spec):
        data = node.get("data")
        values = data.get("values") if isinstance(data, dict) else None
        if values and all(f in values[0] for f in fields):
            found.extend(values)
    return found


def series(spec: dict[str, Any], name: str) -> dict[str, float]:
    """period label -> value of the named series (layers sharing data collapse to one)."""
    return {r["period"]: r["value"] for r in rows(spec, "period", "series", "value") if r["series"] == name}


# --------------------------------------------------------------------------- the kinds


def test_stacked_bars_stack_the_lines_and_label_the_total(specs: dict[str, dict]) -> None:
    spec = specs["stack"]
    assert series(spec, "A") == dict(zip(YEARS, [12.0, 15.0, 15.0, 18.0], strict=True))
    assert series(spec, "Beta") == dict(zip(YEARS, [3.0, 5.0, 4.0, 6.0], strict=True))
    totals = [r for r in rows(spec, "period", "value", "label") if "series" not in r]
    assert [(r["period"], r["value"], r["label"]) for r in totals] == [
        ("2025E", 15.0, "15.0"),
        ("2026E", 20.0, "20.0"),
        ("2027E", 19.0, "19.0"),
        ("2028E", 24.0, "24.0"),
    ]
    # Beta's 2025 growth is over a negative 2024 base: NM, so no point.
    growth = series(spec, "Beta growth yoy (RHS)")
    assert growth == {
        "2026E": pytest.approx(5 / 3 - 1),
        "2027E": pytest.approx(-0.2),
        "2028E": pytest.approx(0.5),
    }


def test_stacked_bars_without_a_total_line_sum_the_stack(specs: dict[str, dict]) -> None:
    spec = specs["stack-sum"]
    totals = [r for r in rows(spec, "period", "value", "label") if "series" not in r]
    assert [(r["period"], r["value"]) for r in totals] == [("2026E", 20.0), ("2027E", 19.0)]
    assert "resolve" not in json.dumps(spec)  # no right axis declared


def test_bars_line_with_share_on_the_right(specs: dict[str, dict]) -> None:
    spec = specs["bars"]
    assert series(spec, "Alpha") == dict(zip(YEARS, [12.0, 15.0, 15.0, 18.0], strict=True))
    share = series(spec, "Alpha as % of Total (RHS)")
    assert share == {"2025E": 0.8, "2026E": 0.75, "2027E": pytest.approx(15 / 19), "2028E": 0.75}
    right = [
        n["axis"]
        for n in _walk(spec)
        if isinstance(n.get("axis"), dict) and n["axis"].get("orient") == "right"
    ]
    assert right and right[0]["format"] == ".0%"


def test_rhs_line_drops_the_missing_period(specs: dict[str, dict]) -> None:
    margin = series(specs["bars-pct"], "Margin (RHS)")
    assert margin == {"2025E": 0.1, "2026E": 0.2, "2028E": 0.25}  # 2027 has no value: no point


def test_rhs_with_no_meaningful_point_is_left_out(specs: dict[str, dict]) -> None:
    spec = specs["bars-no-rhs"]  # profit has one value, so no growth anywhere
    assert "resolve" not in spec and '"orient": "right"' not in json.dumps(spec)
    assert "right axis" not in spec["description"]


def test_grouped_bars_one_bar_per_case(specs: dict[str, dict]) -> None:
    spec = specs["cases"]
    assert series(spec, "Base case") == dict(zip(YEARS, [12.0, 15.0, 15.0, 18.0], strict=True))
    assert series(spec, "High case") == dict(zip(YEARS, [13.0, 17.0, 20.0, 22.0], strict=True))
    assert "xOffset" in json.dumps(spec)
    pair = specs["pair"]
    assert series(pair, "Beta") == dict(zip(YEARS, [3.0, 5.0, 4.0, 6.0], strict=True))


def test_lines_one_per_line_or_case(specs: dict[str, dict]) -> None:
    assert series(specs["line"], "Margin") == {"2025E": 0.1, "2026E": 0.2, "2028E": 0.25}
    assert series(specs["case-lines"], "High case") == dict(zip(YEARS, [13.0, 17.0, 20.0, 22.0], strict=True))


def test_horizontal_bars_of_lines_at_one_period(specs: dict[str, dict]) -> None:
    data = rows(specs["hbars"], "item", "value")
    assert [(r["item"], r["value"]) for r in data] == [("Alpha", 15.0), ("Beta", 5.0)]


def test_horizontal_bars_of_the_valuation(specs: dict[str, dict]) -> None:
    # Part one 50 x 10 = 500, part two 200 x 0.5 = 100, net cash 100 less 20% = 80 (EUR mn),
    # over 100 mn shares: 5.00 + 1.00 + 0.80 = 6.80 per share.
    data = rows(specs["sotp"], "item", "value")
    assert [r["item"] for r in data] == ["Part one", "Part two", "Net cash, less 20% discount"]
    assert [r["value"] for r in data] == pytest.approx([5.0, 1.0, 0.8])
    assert [r["label"] for r in data] == ["5.00", "1.00", "0.80"]


def test_waterfall_of_lines_steps_to_the_total(specs: dict[str, dict]) -> None:
    data = rows(specs["steps"], "item", "start", "end")
    got = [(r["item"], r["start"], r["end"], r["kind"], r["label"]) for r in data]
    assert got == [
        ("Alpha", 0.0, 15.0, "total", "15.0"),
        ("Beta", 15.0, 20.0, "increase", "+5.0"),
        ("Cost", 20.0, 16.0, "decrease", "-4.0"),
        ("Total", 0.0, 16.0, "total", "16.0"),
    ]


def test_waterfall_of_the_valuation_ends_at_fair_value(specs: dict[str, dict], valuation: Valuation) -> None:
    data = rows(specs["bridge"], "item", "start", "end")
    assert [r["item"] for r in data] == [
        "Part one",
        "Part two",
        "Net cash, less 20% discount",
        "Fair value per share",
    ]
    assert [(r["start"], r["end"]) for r in data] == [
        (0.0, pytest.approx(5.0)),
        (pytest.approx(5.0), pytest.approx(6.0)),
        (pytest.approx(6.0), pytest.approx(6.8)),
        (0.0, pytest.approx(6.8)),
    ]
    assert valuation.fair_value == pytest.approx(6.8)


# --------------------------------------------------------------------------- words


def test_axis_titles_print_the_currency_symbol_and_scale(specs: dict[str, dict]) -> None:
    titles = {n["axis"].get("title") for n in _walk(specs["stack"]) if isinstance(n.get("axis"), dict)}
    assert "€ bn" in titles
    sotp = specs["bridge"]
    assert "€ per share" in {n["axis"].get("title") for n in _walk(sotp) if isinstance(n.get("axis"), dict)}


def test_alt_texts_quote_first_last_and_turning_points(charts: Charts) -> None:
    stack = charts["stack"].alt
    assert "Stacked bars of A and Beta (€ bn), 2025E-2028E" in stack
    assert "labelled with Total, which rises from €15.0bn in 2025E to €24.0bn in 2028E" in stack
    assert "A rises from €12.0bn in 2025E to €18.0bn in 2028E" in stack
    assert (
        "Beta growth yoy, which goes from 67% in 2026E to a low of -20% in 2027E, then rises to 50% in 2028E"
        in stack
    )
    # 75% in 2026E is a low, but it prints the same as the last point: no turning point to name.
    assert "Alpha as % of Total, which falls from 80% in 2025E to 75% in 2028E" in charts["bars"].alt
    cases = charts["cases"].alt
    assert cases.startswith("Grouped bars of Alpha in 2 cases (€ bn), 2025E-2028E")
    assert "High case rises from €13.0bn in 2025E to €22.0bn in 2028E" in cases
    assert charts["line"].alt == (
        "Line of Margin (%), 2025E-2028E; Margin rises from 10% in 2025E to 25% in 2028E."
    )
    assert (
        charts["hbars"].alt
        == "Horizontal bars of Alpha and Beta in 2026E (€ bn): Alpha €15.0bn; Beta €5.0bn."
    )
    assert "Part one €5.0; Part two €1.0; Net cash, less 20% discount €0.8; together €6.8 per share" in (
        charts["sotp"].alt
    )
    assert charts["steps"].alt == (
        "Waterfall in 2026E (€ bn) from Alpha at €15.0bn: Beta +€5.0bn; Cost -€4.0bn; "
        "ending at Total of €16.0bn."
    )
    for chart in charts:
        assert chart.spec["description"] == chart.alt


# --------------------------------------------------------------------------- the finished charts


def test_specs_are_deterministic_and_free_of_nan(run: ModelRun, valuation: Valuation, specs: dict) -> None:
    again = build_chart_specs(SPECS, run, valuation, COMPANY, HOUSE)
    assert json.dumps(again, sort_keys=True, allow_nan=False) == json.dumps(
        specs, sort_keys=True, allow_nan=False
    )
    assert list(specs) == list(SPECS)


def test_specs_ignore_the_process_wide_altair_theme(run: ModelRun, valuation: Valuation, specs: dict) -> None:
    with alt.theme.enable("dark"):
        other = build_chart_specs(SPECS, run, valuation, COMPANY, HOUSE)
    assert other == specs


@pytest.mark.parametrize("key", list(SPECS))
def test_every_kind_is_valid_vega_lite_and_renders(charts: Charts, key: str) -> None:
    chart = charts[key]
    alt.TopLevelSpec.from_dict(chart.spec, validate=True)
    assert chart.spec["usermeta"] == {"key": key}
    assert chart.spec["config"] == chart_config(HOUSE)
    assert "title" not in chart.spec  # the figure caption carries the title
    assert chart.svg.lstrip().startswith("<svg")
    assert chart.title == SPECS[key].title and chart.width == SPECS[key].width and chart.source == ""


@pytest.mark.parametrize(("key", "size"), [("stack", FULL), ("bars", HALF), ("bars-pct", (620, 200))])
def test_svg_is_the_size_the_spec_asks_for(charts: Charts, key: str, size: tuple[int, int]) -> None:
    head = charts[key].svg[:300]
    assert f'width="{size[0]}"' in head and f'height="{size[1]}"' in head


def test_every_text_is_at_least_7pt_at_print_size(specs: dict[str, dict]) -> None:
    for key, spec in specs.items():
        for node in _walk(spec):
            for name, value in node.items():
                if name.lower().endswith("fontsize"):
                    assert value / PX_PER_PT >= 7, f"{key}: {name}={value}px"


def test_charts_lookup(charts: Charts) -> None:
    assert charts.keys == tuple(SPECS) and len(charts) == len(SPECS)
    with pytest.raises(KeyError, match="no chart 'nope'"):
        charts["nope"]


def test_render_failure_names_the_chart() -> None:
    bad = {"mark": "no-such-mark", "data": {"values": []}, "usermeta": {"key": "broken"}}
    with pytest.raises(RenderError, match="chart broken"):
        render_svg(bad)


def test_unknown_line_names_the_chart(run: ModelRun, valuation: Valuation) -> None:
    bad = {"oops": ChartSpec(kind="bars_line", title="x", lines=["nope"])}
    with pytest.raises(RenderError, match="chart oops: unknown line 'nope'"):
        build_chart_specs(bad, run, valuation, COMPANY, HOUSE)


# --------------------------------------------------------------------------- share price


@pytest.fixture(scope="module")
def prices() -> PriceHistory:
    days = pd.DatetimeIndex([dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)], name="date")
    return PriceHistory(pd.DataFrame({"ord": [4.0, 5.5, 5.0]}, index=days))


@pytest.mark.parametrize(
    ("illustrative", "source"),
    [
        (False, "Source: exchange closing prices to 4 Mar 2026"),
        (True, "Illustrative prices (analyst's assumption), not market data"),
    ],
)
def test_price_chart(
    run: ModelRun, valuation: Valuation, prices: PriceHistory, illustrative: bool, source: str
) -> None:
    register_fonts(FONTS)
    only = {"line": SPECS["line"]}
    charts = build_charts(
        only, run, valuation, COMPANY, HOUSE, prices=prices, illustrative_prices=illustrative
    )
    assert charts.keys == ("line", "price")
    price = charts["price"]
    assert price.source == source and price.width == "half"
    assert [r["close"] for r in rows(price.spec, "date", "close")] == [4.0, 5.5, 5.0]
    # 6.80 per share rounds to the listing's 0.5 step: a 7.0 target.
    assert rows(price.spec, "tp")[0]["tp"] == 7.0
    assert "between €4.00 and €5.50, ending at €5.00" in price.alt and "target of €7" in price.alt
    assert price.svg.lstrip().startswith("<svg")


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("lo", "hi", "most", "unit", "expected"),
    [
        (0.0, 833.4, 5, 1.0, [0, 250, 500, 750, 1000]),  # steps of 200 would need 6 ticks
        (0.0, 140.9, 5, 1.0, [0, 50, 100, 150]),  # the top bar (140.9) sits below the top tick
        (0.3479, 0.4278, 4, 0.01, [0.30, 0.35, 0.40, 0.45]),
        (0.15, 0.70, 4, 0.01, [0.0, 0.25, 0.50, 0.75]),
    ],
)
def test_bracket_ticks_enclose_the_data(
    lo: float, hi: float, most: int, unit: float, expected: list[float]
) -> None:
    assert bracket_ticks(lo, hi, most, unit) == pytest.approx(expected)


# --------------------------------------------------------------------------- the default note


def test_the_default_notes_declared_charts_build_and_render() -> None:
    from reportgen.inputs.yamlsource import load_yaml, validate

    def load(path: Path, model: Any) -> Any:
        data, smap = load_yaml(path)
        return validate(model, data, smap)

    company = load(DEFAULT_NOTE / "company.yaml", CompanyFile)
    exhibits = load(DEFAULT_NOTE / "exhibits.yaml", ExhibitsFile)
    house = load(DEFAULT_NOTE.parent / "house.yaml", House)
    compiled, problems = compile_model(load(DEFAULT_NOTE / "model.yaml", ModelFile), company)
    assert compiled is not None, problems
    run = run_model(compiled)
    valuation = build_valuation(load(DEFAULT_NOTE / "valuation.yaml", ValuationFile), run, company, house)
    register_fonts(FONTS)
    datasets = load_assumptions(DEFAULT_NOTE).datasets  # the evidence charts draw datasets.yaml
    charts = build_charts(exhibits.charts, run, valuation, company, house, datasets=datasets)
    # A target bridge needs a previous version: bridge_exhibits draws it (tests/test_bridge_exhibits.py).
    assert charts.keys == tuple(k for k, s in exhibits.charts.items() if s.data != "bridge")
    for chart in charts:
        assert chart.svg.lstrip().startswith("<svg") and chart.alt and chart.title
        json.dumps(chart.spec, allow_nan=False)


@pytest.mark.parametrize(
    ("unit", "top", "decimals"),
    [
        ("EUR mn", 3000.0, 0),  # millions from the thousands: 3,000, not 3,000.0
        ("EUR mn", 950.0, 1),
        ("EUR bn", 3000.0, 1),  # billions keep a decimal until the tens of thousands
        ("EUR bn", 12000.0, 0),
    ],
)
def test_bar_label_decimals_follow_scale_and_size(unit: str, top: float, decimals: int) -> None:
    from reportgen.inputs.units import parse_unit

    assert unit_numbers(parse_unit(unit), COMPANY, [top]).decimals == decimals


@pytest.mark.parametrize(
    ("left", "low", "high", "expected"),
    [
        # Four steps above zero on the left; growth of 30-45% needs a step of 0.2 (4 x 0.1 < 0.45).
        ([0.0, 250.0, 500.0, 750.0, 1000.0], 0.0, 0.45, [0.0, 0.2, 0.4, 0.6, 0.8]),
        # One step below zero and two above: -5% needs 0.05 below, 30% needs 0.15 above -> 0.2.
        ([-100.0, 0.0, 100.0, 200.0], -0.05, 0.30, [-0.2, 0.0, 0.2, 0.4]),
        # A flat ratio of 11-12% on five steps: 0.025 x 5 = 0.125 holds 0.12 (0.02 x 5 = 0.10 does not).
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 0.0, 0.12, [0.0, 0.025, 0.05, 0.075, 0.1, 0.125]),
    ],
)
def test_the_right_axis_shares_the_left_axis_gridlines_and_zero(
    left: list[float], low: float, high: float, expected: list[float]
) -> None:
    from reportgen.exhibits.charts.numbers import right_ticks

    assert right_ticks(left, low, high, 0.001) == pytest.approx(expected)
