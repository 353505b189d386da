"""The model engine on models small enough to work by hand (timeline FY24A-FY27E unless said)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from reportgen.errors import ModelError
from reportgen.inputs.units import parse_unit
from reportgen.model.engine import compile_model, run_model
from reportgen.model.line import Quantity
from tests.factories import line, problems_of, run, tiny_company, tiny_model

NAN = math.nan
YEARS = (2024, 2025, 2026, 2027)


def values(model_lines: dict[str, Any], key: str, **kw: Any) -> list[float]:
    """The computed values of one line over its timeline."""
    return list(run(tiny_model(model_lines, **kw)).lines[key].values)


def same(got: list[float], expected: list[float]) -> bool:
    """Equal to 1e-9, NaN where NaN is expected."""
    return len(got) == len(expected) and all(
        math.isnan(g) if math.isnan(e) else g == pytest.approx(e, rel=1e-9)
        for g, e in zip(got, expected, strict=True)
    )


def messages(problems: list[tuple[tuple[Any, ...], str]]) -> dict[tuple[Any, ...], str]:
    return dict(problems)


# --------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # 10 x 1.5 = 15; 15 x 1.25 = 18.75; 18.75 x 0.8 = 15
        ({"values": {2024: 10.0}, "growth": {2025: 0.5, 2026: 0.25, 2027: -0.2}}, [10.0, 15.0, 18.75, 15.0]),
        # nothing before the base: FY24 is empty; 4 x 1.5 = 6; 6 x 1.25 = 7.5
        ({"values": {2025: 4.0}, "growth": {2026: 0.5, 2027: 0.25}}, [NAN, 4.0, 6.0, 7.5]),
        # values beside growth: the reported FY26 value restarts the chain; 200 x 1.1 = 220
        (
            {"values": {2024: 100.0, 2026: 200.0}, "growth": {2025: 0.5, 2027: 0.1}},
            [100.0, 150.0, 200.0, 220.0],
        ),
        # zero growth keeps the value; 8 x 1.0 = 8
        ({"values": {2024: 8.0}, "growth": {2025: 0.0, 2026: 0.0, 2027: 0.0}}, [8.0] * 4),
    ],
)
def test_growth_compounds_from_the_base(spec: dict[str, Any], expected: list[float]) -> None:
    assert same(values({"x": line("CNY bn", **spec)}, "x"), expected)


def test_values_alone_and_a_single_number() -> None:
    got = run(tiny_model({"a": line("CNY mn", values={2025: 3.0}), "b": line("mn shares", values=8000.0)}))
    assert same(list(got.lines["a"].values), [NAN, 3.0, NAN, NAN])
    assert same(list(got.lines["b"].values), [8000.0] * 4)  # one number: every period


def test_sum_of_children_with_a_missing_child_is_nan() -> None:
    model_lines = {
        "total": line("CNY mn", sum=["a", "b", "c"]),
        "a": line("CNY mn", values={2024: 1.0, 2025: 2.0, 2026: 3.0, 2027: 4.0}),
        "b": line("CNY mn", values={2024: 10.0, 2025: 20.0, 2027: 40.0}),  # no FY26
        "c": line("CNY mn", values=-0.5),
    }
    # FY24 1 + 10 - 0.5 = 10.5; FY25 2 + 20 - 0.5 = 21.5; FY26 b missing; FY27 4 + 40 - 0.5 = 43.5
    assert same(values(model_lines, "total"), [10.5, 21.5, NAN, 43.5])


def test_values_beside_a_sum_win() -> None:
    model_lines = {
        "total": line("CNY mn", values={2024: 99.0}, sum=["a", "b"]),
        "a": line("CNY mn", values={2025: 1.0, 2026: 2.0, 2027: 3.0}),
        "b": line("CNY mn", values={2025: 10.0, 2026: 20.0, 2027: 30.0}),
    }
    # FY24 reported 99 (the children have no FY24); then 11, 22, 33
    assert same(values(model_lines, "total"), [99.0, 11.0, 22.0, 33.0])


def test_sum_tree_total_and_children() -> None:
    result = run(
        tiny_model(
            {
                "group": line("CNY mn", sum=["seg", "other"]),
                "seg": line("CNY mn", sum=["s1", "s2"]),
                "s1": line("CNY mn", values=1.0),
                "s2": line("CNY mn", values=3.0),
                "other": line("CNY mn", values=4.0),
            }
        )
    )
    s1 = result.lines["s1"]
    assert s1.total is not None and s1.total.key == "group"  # the top of the tree, not 'seg'
    assert s1.share_at(2027) == pytest.approx(1 / 8)  # 1 / (1 + 3 + 4)
    assert result.children == {"group": ("seg", "other"), "seg": ("s1", "s2")}


def test_ratio_with_a_rate_line() -> None:
    model_lines = {
        "rev": line("CNY mn", values={2024: 100.0, 2025: 200.0, 2026: 300.0, 2027: 400.0}),
        "tax_rate": line("%", values={2024: 0.25, 2025: 0.2, 2026: 0.1}),  # no FY27 rate
        "tax": line("CNY mn", ratio={"of": "rev", "rate": "tax_rate"}),
    }
    # 100 x 0.25 = 25; 200 x 0.2 = 40; 300 x 0.1 = 30; FY27 has no rate: NaN
    assert same(values(model_lines, "tax"), [25.0, 40.0, 30.0, NAN])


def test_ratio_with_inline_rates() -> None:
    model_lines = {
        "rev": line("CNY bn", values={2024: 10.0}, growth={2025: 0.1, 2026: 0.1, 2027: 0.1}),
        "cost": line(
            "CNY bn", values={2024: 6.5}, ratio={"of": "rev", "rate": {2025: 0.6, 2026: 0.5, 2027: 0.4}}
        ),
    }
    # rev 10, 11, 12.1, 13.31; cost: FY24 reported 6.5,
    # then 11 x 0.6 = 6.6, 12.1 x 0.5 = 6.05, 13.31 x 0.4 = 5.324
    assert same(values(model_lines, "cost"), [6.5, 6.6, 6.05, 5.324])


def test_formula_lines() -> None:
    model_lines = {
        "rev": line("CNY mn", values={2024: 100.0, 2025: 120.0, 2026: 150.0, 2027: 150.0}),
        "cost": line("CNY mn", values=60.0),
        "shares": line("mn shares", values=20.0),
        "profit": line("CNY mn", formula="rev - cost"),
        "eps": line("CNY per share", formula="profit / shares"),
        "rev_growth": line("%", formula="growth(rev)"),
        "rev_bn": line("CNY bn", formula='convert(rev, "CNY bn")'),
        "rev_usd": line("USD mn", formula='fx(rev, "USD")'),
    }
    result = run(tiny_model(model_lines))
    got = {k: list(result.lines[k].values) for k in model_lines}
    assert same(got["profit"], [40.0, 60.0, 90.0, 90.0])  # 100-60, 120-60, 150-60, 150-60
    assert same(got["eps"], [2.0, 3.0, 4.5, 4.5])  # 40/20, 60/20, 90/20
    assert same(got["rev_growth"], [NAN, 0.2, 0.25, 0.0])  # 120/100-1, 150/120-1, 150/150-1
    assert same(got["rev_bn"], [0.1, 0.12, 0.15, 0.15])  # / 1000
    assert same(got["rev_usd"], [100 / 7, 120 / 7, 150 / 7, 150 / 7])  # Rmb7.0 per US$


def test_values_beside_a_formula_win() -> None:
    model_lines = {
        "a": line("CNY mn", values=10.0),
        "b": line("CNY mn", values={2024: 1.0, 2025: 2.0}, formula="a * 3"),
    }
    assert same(values(model_lines, "b"), [1.0, 2.0, 30.0, 30.0])


def test_dependency_order_does_not_follow_declaration_order() -> None:
    """Lines declared before the lines they read; reversing the file changes nothing."""
    model_lines = {
        "net": line("CNY mn", formula="gross - tax"),
        "tax": line("CNY mn", ratio={"of": "gross", "rate": "rate"}),
        "gross": line("CNY mn", sum=["x", "y"]),
        "rate": line("%", values=0.25),
        "x": line("CNY mn", values={2024: 40.0}, growth={2025: 0.5, 2026: 0.5, 2027: 0.5}),
        "y": line("CNY mn", values=60.0),
    }
    # x 40, 60, 90, 135; gross 100, 120, 150, 195; net = gross x (1 - 0.25)
    expected = [75.0, 90.0, 112.5, 146.25]
    assert same(values(model_lines, "net"), expected)
    assert same(values(dict(reversed(model_lines.items())), "net"), expected)


def test_line_quantities_and_views() -> None:
    result = run(
        tiny_model({"rev": line("CNY bn", values={2024: 100.0, 2025: 110.0, 2026: 121.0, 2027: 133.1})})
    )
    rev = result.lines["rev"]
    assert rev[2026] == Quantity(121.0, parse_unit("CNY bn"))
    assert rev.growth_at(2025) == pytest.approx(0.1)  # 110 / 100 - 1
    assert rev.cagr_ratio(2024, 2027) == pytest.approx(0.1)  # (133.1/100) ** (1/3) - 1
    assert rev.total_over(2025, 2026) == pytest.approx(231.0)  # 110 + 121
    assert math.isnan(rev.value(2030))  # off the timeline


def test_quantity_division_turns_like_units_into_a_plain_ratio() -> None:
    bn, mn = parse_unit("CNY bn"), parse_unit("CNY mn")
    assert (Quantity(1.0, bn) / Quantity(500.0, mn)).value == pytest.approx(2.0)  # 1e9 / 5e8
    assert (Quantity(1.0, bn) / Quantity(500.0, mn)).unit.dimensionless


# --------------------------------------------------------------------------- timelines


QUARTERS = {"q": {"kind": "quarters", "first": "1QFY25", "last": "4QFY26", "last_actual": "2QFY26"}}
Q_VALUES = {
    "1QFY25": 100.0,
    "2QFY25": 200.0,
    "3QFY25": 300.0,
    "4QFY25": 400.0,
    "1QFY26": 110.0,
    "2QFY26": 180.0,
    "3QFY26": 330.0,
    "4QFY26": 500.0,
}


def test_quarterly_growth_formula_is_year_on_year() -> None:
    model_lines = {"rev": line("CNY mn", values=Q_VALUES), "yoy": line("%", formula="growth(rev)")}
    result = run(tiny_model(model_lines, timelines=QUARTERS))
    # 110/100 - 1 = 0.1; 180/200 - 1 = -0.1; 330/300 - 1 = 0.1; 500/400 - 1 = 0.25
    assert same(list(result.lines["yoy"].values), [NAN] * 4 + [0.1, -0.1, 0.1, 0.25])
    assert result.lines["rev"].growth_at("4QFY26") == pytest.approx(0.25)  # the prose view agrees
    assert result.timeline.label("2QFY26") == "2QFY26A"
    assert result.timeline.label("3QFY26") == "3QFY26E"


def test_quarterly_growth_line_compounds_quarter_on_quarter() -> None:
    """docs/reference.md: growth is over the previous quarter on a quarterly timeline."""
    spec = line("CNY mn", values={"1QFY25": 100.0}, growth={q: 0.1 for q in list(Q_VALUES)[1:4]})
    timelines = {"q": {"kind": "quarters", "first": "1QFY25", "last": "4QFY25"}}
    # 100, 110, 121, 133.1
    assert same(values({"x": spec}, "x", timelines=timelines), [100.0, 110.0, 121.0, 133.1])


@pytest.mark.parametrize(
    ("year_end", "calendar", "label"),
    [("March", False, "FY27E"), ("December", False, "2027E"), ("March", True, "2027E")],
)
def test_year_labels_follow_the_company(year_end: str, calendar: bool, label: str) -> None:
    timelines = {"t": {"first": 2024, "last": 2027, "last_actual": 2025, "calendar": calendar}}
    model = tiny_model({"a": line("CNY mn", values=1.0)}, timelines=timelines)
    result = run(model, tiny_company(fiscal_year_end=year_end))
    assert result.timeline.label(2027) == label


def test_line_on_a_second_timeline() -> None:
    timelines = {"fy": {"first": 2024, "last": 2027}, "cy": {"first": 2023, "last": 2024, "calendar": True}}
    model_lines = {"a": line("CNY mn", values=1.0), "m": line("CNY bn", timeline="cy", values={2023: 5.0})}
    result = run(tiny_model(model_lines, timelines=timelines))
    assert result.lines["m"].timeline.periods == (2023, 2024)
    assert result.lines["m"].timeline.label(2023) == "2023E"


# --------------------------------------------------------------------------- scenarios


SCENARIO_LINES = {
    "rev": line("CNY mn", values={2024: 100.0}, growth={2025: 0.1, 2026: 0.1, 2027: 0.1}),
    "cost": line("CNY mn", ratio={"of": "rev", "rate": "cost_rate"}),
    "cost_rate": line("%", values=0.6),
    "profit": line("CNY mn", formula="rev - cost"),
    "capex": line("CNY mn", values=5.0),
}
BULL = {"growth": {2025: 0.2, 2026: 0.2, 2027: 0.2}}


def test_scenario_overrides_change_only_their_case() -> None:
    scenarios = [
        {"key": "base", "label": "Base case"},
        {"key": "bull", "label": "Bull", "lines": {"rev": BULL}},
    ]
    result = run(tiny_model(SCENARIO_LINES, scenarios=scenarios))
    assert list(result.cases) == ["base", "bull"]
    assert result.base.key == "base"
    # base: 100, 110, 121, 133.1; profit = rev x 0.4
    assert same(list(result.line("profit").values), [40.0, 44.0, 48.4, 53.24])
    # bull: 100 (FY24 value kept), 120, 144, 172.8; profit 40, 48, 57.6, 69.12
    assert same(list(result.line("rev", "bull").values), [100.0, 120.0, 144.0, 172.8])
    assert same(list(result.line("profit", "bull").values), [40.0, 48.0, 57.6, 69.12])
    assert same(list(result.line("capex", "bull").values), [5.0] * 4)  # untouched


def test_without_scenarios_there_is_one_base_case() -> None:
    result = run(tiny_model(SCENARIO_LINES))
    assert list(result.cases) == ["base"]
    assert result.base.label == "Base case"


def test_override_that_switches_definition() -> None:
    """growth: null drops the growth; the override's formula defines the line instead."""
    scenarios = [
        {"key": "base", "label": "Base"},
        {"key": "flat", "label": "Flat", "lines": {"rev": {"growth": None, "formula": "prev(capex) * 20"}}},
    ]
    result = run(tiny_model(SCENARIO_LINES, scenarios=scenarios))
    # FY24 value 100 kept; then prev(capex) x 20 = 5 x 20 = 100
    assert same(list(result.line("rev", "flat").values), [100.0] * 4)


def test_scenario_can_override_a_ratio() -> None:
    scenarios = [
        {"key": "base", "label": "Base"},
        {
            "key": "lean",
            "label": "Lean",
            "lines": {"cost": {"ratio": {"of": "rev", "rate": dict.fromkeys(YEARS, 0.5)}}},
        },
    ]
    result = run(tiny_model(SCENARIO_LINES, scenarios=scenarios))
    # rev 100, 110, 121, 133.1 x 0.5
    assert same(list(result.line("cost", "lean").values), [50.0, 55.0, 60.5, 66.55])


@pytest.mark.parametrize(
    ("scenarios", "loc", "message"),
    [
        ([{"key": "base", "label": "B", "lines": {"rev": BULL}}], ("scenarios", 0, "lines"), "base case"),
        (
            [{"key": "base", "label": "B"}, {"key": "base", "label": "C"}],
            ("scenarios", 1, "key"),
            "'base' is used twice",
        ),
        (
            [{"key": "base", "label": "B"}, {"key": "x", "label": "X", "lines": {"revv": BULL}}],
            ("scenarios", 1, "lines", "revv"),
            "unknown line 'revv'; did you mean 'rev'?",
        ),
        (
            [
                {"key": "base", "label": "B"},
                {"key": "x", "label": "X", "lines": {"profit": {"formula": "rev - cots"}}},
            ],
            ("scenarios", 1, "lines", "profit", "formula"),
            "unknown line 'cots'; did you mean 'cost'? (in scenario 'x')",
        ),
    ],
)
def test_scenario_problems(scenarios: list[dict[str, Any]], loc: tuple[Any, ...], message: str) -> None:
    got = messages(problems_of(tiny_model(SCENARIO_LINES, scenarios=scenarios)))
    assert message in got.get(loc, ""), got


def test_scenario_formula_units_are_checked() -> None:
    model_lines = {**SCENARIO_LINES, "other": line("CNY bn", values=1.0)}
    scenarios = [
        {"key": "base", "label": "B"},
        {"key": "x", "label": "X", "lines": {"profit": {"formula": "rev + other"}}},
    ]
    got = messages(problems_of(tiny_model(model_lines, scenarios=scenarios)))
    assert "different scales" in got.get(("scenarios", 1, "lines", "profit", "formula"), "")


def test_cycle_made_by_a_scenario_is_reported() -> None:
    scenarios = [
        {"key": "base", "label": "B"},
        {
            "key": "x",
            "label": "X",
            "lines": {"rev": {"values": None, "growth": None, "formula": "profit * 2"}},
        },
    ]
    got = problems_of(tiny_model(SCENARIO_LINES, scenarios=scenarios))
    assert any("circle" in message for _loc, message in got), got


# --------------------------------------------------------------------------- problems


def test_cycle_detection_names_the_cycle() -> None:
    model_lines = {
        "a": line("CNY mn", formula="b + c"),
        "b": line("CNY mn", sum=["c"]),
        "c": line("CNY mn", ratio={"of": "a", "rate": "r"}),
        "r": line("%", values=0.5),
        "d": line("CNY mn", values=1.0),
    }
    problems = problems_of(tiny_model(model_lines))
    [(loc, message)] = [(loc, m) for loc, m in problems if "circle" in m]
    assert loc[0] == "lines" and loc[1] in {"a", "b", "c"}
    cycle = message.split(": ", 1)[1].split(" -> ")
    assert cycle[0] == cycle[-1]  # a closed path
    assert set(cycle) in ({"a", "c"}, {"a", "b", "c"})  # a reads c directly and through b
    assert "d" not in cycle and "r" not in cycle


@pytest.mark.parametrize(
    ("model_lines", "loc", "message"),
    [
        (
            {
                "t": line("CNY bn", sum=["a", "b"]),
                "a": line("CNY bn", values=1.0),
                "b": line("CNY mn", values=1.0),
            },
            ("lines", "t", "sum", 1),
            "'b' is in CNY mn, but 't' is in CNY bn: a sum needs one unit",
        ),
        (
            {
                "c": line("CNY mn", ratio={"of": "r", "rate": dict.fromkeys(YEARS, 0.5)}),
                "r": line("CNY bn", values=1.0),
            },
            ("lines", "c", "ratio", "of"),
            "'r' is in CNY bn, but 'c' is in CNY mn; a ratio keeps the unit of its base",
        ),
        (
            {
                "c": line("CNY mn", ratio={"of": "r", "rate": "k"}),
                "r": line("CNY mn", values=1.0),
                "k": line("mn shares", values=1.0),
            },
            ("lines", "c", "ratio", "rate"),
            "the rate line 'k' must be a % (it is in mn shares)",
        ),
        (
            {
                "f": line("CNY mn", formula="a - b"),
                "a": line("CNY mn", values=1.0),
                "b": line("CNY bn", values=1.0),
            },
            ("lines", "f", "formula"),
            "CNY mn - CNY bn: different scales; convert one first, e.g. convert(x, \"CNY mn\") (in 'a - b')",
        ),
        (
            {"f": line("CNY mn", formula="a * 2"), "a": line("CNY bn", values=1.0)},
            ("lines", "f", "formula"),
            "the formula gives CNY bn, but the line is declared in CNY mn; "
            'convert it, e.g. convert(..., "CNY mn")',
        ),
    ],
)
def test_unit_mismatch_reported_with_loc(
    model_lines: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    got = messages(problems_of(tiny_model(model_lines)))
    assert got.get(loc) == message, got


@pytest.mark.parametrize(
    ("spec", "loc", "message"),
    [
        (
            {"values": {2024: 1.0}, "growth": {2024: 0.1}},
            ("lines", "x", "growth", 2024),
            "both a value and a growth",
        ),
        ({"values": {2025: 1.0}, "growth": {2024: 0.1}}, ("lines", "x", "growth", 2024), "no earlier value"),
        (
            {"values": {2024: 1.0}, "growth": {2026: 0.1, 2027: 0.1}},
            ("lines", "x"),
            "no value or growth for FY25E",
        ),
        (
            {"values": {2024: 1.0}, "growth": {2025: 43.0 * 3}},
            ("lines", "x", "growth", 2025),
            "did you type a percentage",
        ),
        ({"values": {2024: 1.0}, "growth": {2025: -1.0}}, ("lines", "x", "growth", 2025), "zero or below"),
        ({"values": {2030: 1.0}}, ("lines", "x", "values", 2030), "FY30 is not on the timeline FY24-FY27"),
        ({"values": {"1QFY25": 1.0}}, ("lines", "x", "values", "1QFY25"), "expected a year"),
        ({"sum": ["a"], "formula": "a"}, ("lines", "x"), "give one definition, not sum and formula"),
        ({}, ("lines", "x"), "give values, or one of growth, ratio, sum or formula"),
        ({"sum": []}, ("lines", "x", "sum"), "a sum needs at least one line"),
        ({"formula": "x * 2"}, ("lines", "x", "formula"), "'x' refers to itself"),
        ({"sum": ["aa"]}, ("lines", "x", "sum", 0), "unknown line 'aa'; did you mean 'a'?"),
        ({"formula": "a.b"}, ("lines", "x", "formula"), "is not allowed"),
        ({"ratio": {"of": "a", "rate": "nope"}}, ("lines", "x", "ratio", "rate"), "unknown line 'nope'"),
        ({"values": 1.0, "timeline": "cy"}, ("lines", "x", "timeline"), "unknown timeline 'cy'"),
    ],
)
def test_line_problems(spec: dict[str, Any], loc: tuple[Any, ...], message: str) -> None:
    got = messages(problems_of(tiny_model({"x": line("CNY mn", **spec), "a": line("CNY mn", values=1.0)})))
    assert message in got.get(loc, ""), got


def test_lines_must_share_a_timeline() -> None:
    timelines = {"fy": {"first": 2024, "last": 2027}, "cy": {"first": 2024, "last": 2027, "calendar": True}}
    model_lines = {"a": line("CNY mn", values=1.0), "m": line("CNY mn", timeline="cy", formula="a * 2")}
    got = messages(problems_of(tiny_model(model_lines, timelines=timelines)))
    assert got[("lines", "m", "formula")] == "'a' is on timeline 'fy', not 'cy'"


def test_unparsable_unit_and_bad_timeline_are_reported() -> None:
    got = messages(problems_of(tiny_model({"a": line("CNY $", values=1.0)})))
    assert "cannot read '$'" in got[("lines", "a", "unit")]
    got = messages(
        problems_of(
            tiny_model({"a": line("CNY mn", values=1.0)}, timelines={"t": {"first": 2027, "last": 2024}})
        )
    )
    assert "before it starts" in got[("timelines", "t", "last")]


def test_all_problems_are_reported_at_once() -> None:
    model_lines = {"a": line("CNY mn", formula="zz"), "b": line("CNY mn", sum=["yy"])}
    got = messages(problems_of(tiny_model(model_lines)))
    assert set(got) == {("lines", "a", "formula"), ("lines", "b", "sum", 0)}


# --------------------------------------------------------------------------- overflow


@pytest.mark.parametrize(
    ("model_lines", "where"),
    [
        # 1e307 x (1 + 99) = 1e309 > 1.8e308: FY25 overflows
        ({"big": line("CNY mn", values={2024: 1e307}, growth={2025: 99.0, 2026: 0.0, 2027: 0.0})}, "FY25E"),
        # 1e200 x 1e200 = 1e400
        ({"a": line("number", values=1e200), "big": line("number", formula="a * a")}, "FY24E"),
        # 1e300 / 1e-300 = 1e600
        (
            {
                "a": line("CNY mn", values=1e300),
                "b": line("number", values={2024: 1.0, 2025: 1.0, 2026: 1e-300, 2027: 1.0}),
                "big": line("CNY mn", formula="a / b"),
            },
            "FY26E",
        ),
    ],
)
def test_overflow_is_a_model_error_naming_the_line(model_lines: dict[str, Any], where: str) -> None:
    compiled, problems = compile_model(
        tiny_model(model_lines, timelines={"fy": {"first": 2024, "last": 2027}}), tiny_company()
    )
    assert problems == [] and compiled is not None
    with pytest.raises(
        ModelError, match=f"lines.big: {where} is too large to compute \\(overflow\\) in the base case"
    ):
        run_model(compiled)


def test_overflow_in_a_sum_is_a_model_error() -> None:
    model_lines = {
        "a": line("CNY mn", values=1e308),
        "b": line("CNY mn", values=1e308),
        "big": line("CNY mn", sum=["a", "b"]),  # 2e308 > 1.8e308
    }
    compiled, problems = compile_model(tiny_model(model_lines), tiny_company())
    assert problems == [] and compiled is not None
    with pytest.raises(ModelError, match=r"lines\.big"):
        run_model(compiled)


def test_fx_from_a_currency_without_a_rate_is_reported() -> None:
    model_lines = {"eur": line("EUR mn", values=1.0), "cny": line("CNY mn", formula='fx(eur, "CNY")')}
    compiled, problems = compile_model(tiny_model(model_lines), tiny_company())
    if compiled is not None:  # acceptable too: caught at run time as bad input
        with pytest.raises(ModelError):
            run_model(compiled)
    else:
        assert any("EUR" in message for _loc, message in problems)
