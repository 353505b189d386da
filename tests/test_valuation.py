"""Methods, the EV-to-equity bridge, blends, conversion per listing, rounding and rating,
each on a case worked by hand.

The main case is tests/factories.py's tiny_valuation_model (FY27E): rev_cloud 31,600,
rev_aidc 60,000, adj_net_income 30,000 (CNY mn), 8,000 mn diluted shares; US$1 = Rmb7.0,
HK$1 = Rmb0.9; the ADS is 8 shares rounded to US$5, the H share 1 share rounded to HK$1.
The revenue parts are on EV/Sales (enterprise values), the core on P/E (equity).
"""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import ValuationError
from reportgen.inputs.schema import MethodSpec
from reportgen.model.engine import ModelRun
from reportgen.model.methods import method
from reportgen.model.valuation import Valuation, build_valuation, rate, round_to, valuation_lines
from reportgen.registry import MULTIPLES
from tests.factories import (
    TINY_CASH,
    TINY_PARTS,
    line,
    multiples,
    run,
    tiny_company,
    tiny_house,
    tiny_model,
    tiny_valuation,
    tiny_valuation_model,
)


@pytest.fixture(scope="module")
def main_run() -> ModelRun:
    return run(tiny_valuation_model())


def value(model_run: ModelRun, **company: Any) -> Valuation:
    return build_valuation(tiny_valuation(), model_run, tiny_company(**company), tiny_house())


def test_the_model_gives_the_hand_worked_metrics(main_run: ModelRun) -> None:
    # a1 7.5 + a2 12.0 + b 12.1 = 31.6 CNY bn = 31,600 CNY mn (see factories.tiny_valuation_model)
    assert main_run.lines["cloud_revenue"].value(2027) == pytest.approx(31.6)
    assert main_run.lines["rev_cloud"].value(2027) == pytest.approx(31600)


# --------------------------------------------------------------------------- the registry


def test_every_method_the_schema_admits_is_registered_with_its_basis() -> None:
    admitted = MethodSpec.model_json_schema()["$defs"]
    enums = {tuple(d["enum"]) for d in _walk(admitted) if "enum" in d}
    names = {"P/E", "P/B", "P/S", "dividend yield", "EV/EBITDA", "EV/EBITA", "EV/EBIT", "EV/Sales"}
    assert set(MULTIPLES.names()) == names
    assert tuple(MULTIPLES.names()) in enums  # the schema's list is the registry's
    enterprise = {name for name, m in MULTIPLES.items() if m.basis == "enterprise"}
    assert enterprise == {"EV/EBITDA", "EV/EBITA", "EV/EBIT", "EV/Sales"}
    assert method("dividend yield").value(1000.0, 0.04) == pytest.approx(25000.0)  # 1,000 / 4%
    assert method("P/E").value(30.0, 10.0) == pytest.approx(300.0)


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every mapping in a JSON schema, depth first."""
    if isinstance(node, dict):
        return [node, *(d for v in node.values() for d in _walk(v))]
    if isinstance(node, list):
        return [d for v in node for d in _walk(v)]
    return []


# --------------------------------------------------------------------------- sum of the parts


def test_ev_parts_are_bridged_once_and_equity_parts_added(main_run: ModelRun) -> None:
    v = value(main_run)
    (m,) = v.methods
    # EV parts: cloud 31,600 x 2 = 63,200; intl 60,000 x 1 = 60,000 -> EV 123,200
    # bridge: net cash 10,000 x (1 - 0.3) = 7,000; equity part: core 30,000 x 10 = 300,000
    assert [p.value for p in v.parts] == pytest.approx([63200, 60000, 300000])
    assert [p.basis for p in v.parts] == ["enterprise", "enterprise", "equity"]
    assert m.enterprise_value == pytest.approx(123200)
    assert [(b.amount, b.value) for b in m.bridge] == [(10000, pytest.approx(7000))]
    assert m.equity_value == pytest.approx(430200)  # 123,200 + 7,000 + 300,000
    assert v.equity_value == pytest.approx(430200)
    # CNY mn / mn shares = CNY per share: 430,200 / 8,000 = 53.775
    assert v.per_share_factor == pytest.approx(1.0)
    assert v.fair_value == pytest.approx(53.775)
    assert v.parts[2].share == pytest.approx(300000 / 430200)
    assert v.parts[0].per_share == pytest.approx(7.9)  # 63,200 / 8,000
    assert m.bridge[0].per_share == pytest.approx(0.875)  # 7,000 / 8,000
    assert m.bridge[0].display_label == "Net cash, less 30% discount"
    assert (v.year, v.unit, v.shares) == (2027, "CNY mn", pytest.approx(8000))


def test_a_method_of_equity_parts_only_is_never_bridged(main_run: ModelRun) -> None:
    # Core 30,000 x 10 = 300,000 is already equity: net cash must not be added again.
    only_equity = [TINY_PARTS[2]]
    v = build_valuation(tiny_valuation(parts=only_equity), main_run, tiny_company(), tiny_house())
    assert v.methods[0].enterprise_value is None
    assert v.methods[0].bridge == ()
    assert v.equity_value == pytest.approx(300000)
    assert v.fair_value == pytest.approx(37.5)  # 300,000 / 8,000


def test_bridge_kinds_signs_and_haircuts(main_run: ModelRun) -> None:
    bridge = [
        {"key": "debt", "label": "Net debt", "kind": "net_debt", "amount": 20000.0, "discount": 0.3},
        {"key": "mi", "label": "Minorities", "kind": "minorities", "amount": 5000.0},
        {"key": "assoc", "label": "Associates", "kind": "associates", "amount": 4000.0, "discount": 0.25},
        {"key": "inv", "label": "Investments", "kind": "investments", "amount": 1000.0},
        {"key": "adj", "label": "Pension deficit", "kind": "other", "amount": -800.0},
    ]
    v = build_valuation(tiny_valuation(bridge=bridge), main_run, tiny_company(), tiny_house())
    effects = [b.value for b in v.methods[0].bridge]
    # debt -20,000 (a haircut never shrinks debt); minorities -5,000; associates 4,000 x 0.75
    # = 3,000; investments +1,000; other as signed -800
    assert effects == pytest.approx([-20000, -5000, 3000, 1000, -800])
    # 123,200 - 20,000 - 5,000 + 3,000 + 1,000 - 800 + 300,000 = 401,400
    assert v.equity_value == pytest.approx(401400)
    assert v.fair_value == pytest.approx(401400 / 8000)


def test_a_bridge_item_read_from_a_model_line() -> None:
    # net_debt is 1,500 at FY24 (the last reported year) and 900 at FY26.
    model = tiny_model(
        {
            "ebitda": line("CNY mn", values={2027: 1000.0}),
            "net_debt": line("CNY mn", values={2024: 1500.0, 2026: 900.0}),
            "shares": line("mn shares", values=100.0),
        }
    )
    parts = [{"key": "g", "name": "Group", "method": "EV/EBITDA", "metric": "ebitda", "multiple": 8.0}]
    bridge = [{"key": "nd", "label": "Net debt", "kind": "net_debt", "line": "net_debt"}]
    at_last_actual = tiny_valuation(shares="shares", parts=parts, bridge=bridge)
    v = build_valuation(at_last_actual, run(model), tiny_company(), tiny_house())
    assert v.equity_value == pytest.approx(6500)  # 1,000 x 8 = 8,000 EV - 1,500 (FY24A)
    at_fy26 = tiny_valuation(shares="shares", parts=parts, bridge=[{**bridge[0], "period": 2026}])
    v = build_valuation(at_fy26, run(model), tiny_company(), tiny_house())
    assert v.equity_value == pytest.approx(7100)  # 8,000 - 900
    assert v.fair_value == pytest.approx(71.0)  # 7,100 / 100


def test_holding_company_discount_applies_to_the_parts_not_the_bridge(main_run: ModelRun) -> None:
    method = multiples(TINY_PARTS, holding_discount=0.1)
    v = build_valuation(tiny_valuation(methods=[method]), main_run, tiny_company(), tiny_house())
    # parts 63,200 + 60,000 + 300,000 = 423,200; less 10% = 380,880; plus net cash 7,000 = 387,880
    assert v.methods[0].gross_value == pytest.approx(423200)
    assert v.equity_value == pytest.approx(387880)


def test_dividend_yield_values_equity() -> None:
    model = tiny_model(
        {"divs": line("CNY mn", values={2027: 1000.0}), "shares": line("mn shares", values=100.0)}
    )
    parts = [{"key": "g", "name": "G", "method": "dividend yield", "metric": "divs", "multiple": 0.04}]
    v = build_valuation(
        tiny_valuation(shares="shares", parts=parts, bridge=[]), run(model), tiny_company(), tiny_house()
    )
    assert v.equity_value == pytest.approx(25000)  # 1,000 / 4%
    assert v.fair_value == pytest.approx(250)  # 25,000 / 100


def test_a_blend_weights_each_methods_value_per_share(main_run: ModelRun) -> None:
    sotp = multiples(TINY_PARTS, key="sotp", weight=0.6)
    pe = multiples([{**TINY_PARTS[2], "multiple": 12.0}], key="pe", weight=0.4)
    v = build_valuation(tiny_valuation(methods=[sotp, pe]), main_run, tiny_company(), tiny_house())
    # sotp 430,200 / 8,000 = 53.775; pe 30,000 x 12 = 360,000 / 8,000 = 45.0 (no bridge)
    assert [m.per_share for m in v.methods] == pytest.approx([53.775, 45.0])
    # 0.6 x 53.775 + 0.4 x 45.0 = 32.265 + 18.0 = 50.265
    assert v.fair_value == pytest.approx(50.265)
    assert v.equity_value == pytest.approx(0.6 * 430200 + 0.4 * 360000)
    assert v.lead.key == "sotp"


def test_weights_must_sum_to_one(main_run: ModelRun) -> None:
    a = multiples(TINY_PARTS, key="a", weight=0.5)
    b = multiples(TINY_PARTS, key="b", weight=0.4)
    with pytest.raises(ValuationError, match=r"method weights sum to 0\.9; they must sum to 1"):
        build_valuation(tiny_valuation(methods=[a, b]), main_run, tiny_company(), tiny_house())


def test_valuation_lines_lists_what_the_valuation_reads() -> None:
    assert valuation_lines(tiny_valuation()) == {"diluted_shares", "rev_cloud", "rev_aidc", "adj_net_income"}


# --------------------------------------------------------------------------- targets per listing


def test_targets_per_listing(main_run: ModelRun) -> None:
    v = value(main_run)
    ads, h = v.targets["ads"], v.targets["h"]
    assert ads.fair_value == 60  # 53.775 x 8 / 7.0 = 61.46 -> nearest 5
    assert ads.unrounded == pytest.approx(61.4571, abs=1e-4)
    assert h.fair_value == 60  # 53.775 / 0.9 = 59.75 -> nearest 1
    assert ads.upside == pytest.approx(0.20)  # 60 / 50 - 1
    assert ads.dividend_yield == pytest.approx(0.02)  # 1 / 50
    assert ads.etr == pytest.approx(0.22)
    assert ads.rating == "Buy"
    assert h.etr == pytest.approx(60 / 58 - 1)  # 3.4%, no dividend
    assert h.rating == "Hold"
    # market cap in bn of the listing's currency: price / shares per unit x 8,000 mn / 1,000
    assert ads.market_cap_bn == pytest.approx(50.0)  # 50 / 8 x 8,000 / 1,000
    assert h.market_cap_bn == pytest.approx(464.0)  # 58 x 8,000 / 1,000


def test_market_cap_uses_shares_outstanding_when_given(main_run: ModelRun) -> None:
    v = value(main_run, shares_outstanding=10000.0)
    assert v.targets["ads"].market_cap_bn == pytest.approx(62.5)  # 50 / 8 x 10,000 / 1,000


def test_negative_return_is_sell(main_run: ModelRun) -> None:
    v = value(main_run, h_price=65.0)
    assert v.targets["h"].etr == pytest.approx(60 / 65 - 1)
    assert v.targets["h"].rating == "Sell"


@pytest.mark.parametrize(("price", "rating"), [(53.06, "Buy"), (53.10, "Hold")])
def test_rating_uses_the_return_as_printed(main_run: ModelRun, price: float, rating: str) -> None:
    """Target 60 + dividend 1: 61/53.06 - 1 = 14.96%, printed 15.0% -> Buy; 61/53.10 - 1 = 14.88% -> Hold."""
    v = value(main_run, ads_price=price, h_price=price * 7 / 8 / 0.9)
    assert v.targets["ads"].rating == rating


# --------------------------------------------------------------------------- units and rounding


def one_part(
    metric: float,
    *,
    unit: str = "CNY mn",
    shares: float = 8000.0,
    shares_unit: str = "mn shares",
    method: str = "EV/EBITDA",
    multiple: float = 10.0,
    net_cash: float = 0.0,
    discount: float = 0.0,
    **company: Any,
) -> Valuation:
    """One part valued at ``multiple`` x ``metric`` (FY27E), plus net cash through the bridge."""
    model = tiny_model(
        {
            "earnings": line(unit, values={2027: metric}),
            "shares": line(shares_unit, values={2027: shares}),
        }
    )
    valuation = tiny_valuation(
        shares="shares",
        parts=[{"key": "all", "name": "All", "method": method, "metric": "earnings", "multiple": multiple}],
        bridge=[{**TINY_CASH, "amount": net_cash, "discount": discount}],
    )
    return build_valuation(valuation, run(model), tiny_company(**company), tiny_house())


def test_metrics_in_bn_over_mn_shares() -> None:
    # 10 bn x 5 = 50 bn; net cash 2 bn x (1 - 0.5) = 1 bn; 51 bn / 1,000 mn shares:
    # CNY bn / mn shares = 1e9 / 1e6 = 1,000 CNY per share per unit: 51 / 1,000 x 1,000 = Rmb51
    v = one_part(10.0, unit="CNY bn", shares=1000.0, multiple=5.0, net_cash=2.0, discount=0.5)
    assert v.per_share_factor == pytest.approx(1000.0)
    assert v.equity_value == pytest.approx(51.0)
    assert v.fair_value == pytest.approx(51.0)
    assert v.methods[0].bridge[0].per_share == pytest.approx(1.0)  # 1 / 1,000 x 1,000
    assert v.targets["ads"].fair_value == 60  # 51 x 8 / 7 = 58.29 -> nearest 5
    assert v.targets["h"].fair_value == 57  # 51 / 0.9 = 56.67 -> nearest 1


def test_shares_in_bn() -> None:
    # CNY mn / bn shares: 1e6 / 1e9 = 0.001. 8,000 x 10 = 80,000 CNY mn / 8 bn shares = Rmb10 per share
    v = one_part(8000.0, shares=8.0, shares_unit="bn shares")
    assert v.fair_value == pytest.approx(10.0)


def test_metrics_in_usd_are_converted_to_the_reporting_currency() -> None:
    # US$100mn x 10 = US$1,000mn / 100 mn shares = US$10 per share = Rmb70 (x 7.0)
    v = one_part(100.0, unit="USD mn", shares=100.0)
    assert v.per_share_factor == pytest.approx(7.0)
    assert v.fair_value == pytest.approx(70.0)
    assert v.targets["ads"].fair_value == 80  # 70 x 8 / 7 = 80
    assert v.targets["h"].fair_value == 78  # 70 / 0.9 = 77.78 -> 78


def test_listing_target_rounds_half_up() -> None:
    # 141,750 x 10 = 1,417,500 / 8,000 = Rmb177.1875 per share
    # ADS: 177.1875 x 8 / 7 = 1,417.5 / 7 = 202.5 -> 205 (half up; banker's rounding gives 200)
    # H: 177.1875 / 0.9 = 196.875 -> 197
    v = one_part(141750.0)
    assert v.fair_value == pytest.approx(177.1875)
    assert v.targets["ads"].fair_value == 205
    assert v.targets["h"].fair_value == 197


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (207.46, 5, 205),
        (207.5, 5, 210),
        (202.5, 5, 205),
        (197.5, 5, 200),  # 39.5 steps -> 40
        (203.56, 1, 204),
        (59.75, 0.5, 60.0),
        (12.34, 0.1, 12.3),
        (12.35, 0.1, 12.4),  # 123.5 tenths -> 124 (binary 12.35 is below it: decimal arithmetic matters)
        (0.1495, 0.001, 0.150),
        (-0.0005, 0.001, -0.001),  # half away from zero
    ],
)
def test_round_to_step_half_up(value: float, step: float, expected: float) -> None:
    assert round_to(value, step) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("etr", "rating"),
    [(0.15, "Buy"), (0.30, "Buy"), (0.1499, "Hold"), (0.0, "Hold"), (-0.0001, "Sell"), (-0.01, "Sell")],
)
def test_rating_thresholds(etr: float, rating: str) -> None:
    assert rate(etr, tiny_house()) == rating


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("metric", "method"),
    [(0.0, "P/E"), (-500.0, "P/E"), (0.0, "P/S"), (-1.0, "EV/EBITA")],
)
def test_zero_or_negative_metric_is_an_error(metric: float, method: str) -> None:
    with pytest.raises(
        ValuationError, match=f"All: a {method} multiple of a zero or negative earnings"
    ) as info:
        one_part(metric, method=method)
    assert info.value.loc == ("methods", 0, "parts", 0, "metric")


def test_missing_metric_is_an_error() -> None:
    model = tiny_model(
        {"earnings": line("CNY mn", values={2026: 1.0}), "shares": line("mn shares", values=1.0)}
    )
    parts = [{"key": "all", "name": "All", "method": "P/E", "metric": "earnings", "multiple": 10.0}]
    valuation = tiny_valuation(shares="shares", parts=parts, bridge=[])
    with pytest.raises(ValuationError, match="All needs earnings for 2027, which the model lacks"):
        build_valuation(valuation, run(model), tiny_company(), tiny_house())


@pytest.mark.parametrize("shares", [0.0, -8000.0])
def test_non_positive_shares_are_an_error(shares: float) -> None:
    with pytest.raises(ValuationError, match="diluted shares for 2027 must be positive"):
        one_part(1000.0, shares=shares)


@pytest.mark.parametrize(
    ("net_cash", "equity"),
    [
        (-10000.0, "0"),  # 1,000 x 10 - 10,000 = 0
        (-25000.0, "-15,000"),  # 10,000 - 25,000
    ],
)
def test_non_positive_equity_is_an_error(net_cash: float, equity: str) -> None:
    with pytest.raises(
        ValuationError, match=f"equity value is {equity}; a target price needs a positive value"
    ):
        one_part(1000.0, net_cash=net_cash, discount=0.3)


def test_the_old_layout_is_refused_with_directions() -> None:
    from pydantic import ValidationError

    from reportgen.inputs.schema import ValuationFile

    old = {
        "year": 2027,
        "shares": "s",
        "parts": [{"key": "a", "name": "A", "method": "P/E", "metric": "m", "multiple": 1.0}],
        "net_cash": {"amount": 1.0, "discount": 0.0, "note": "n"},
    }
    with pytest.raises(ValidationError, match="put the parts under methods"):
        ValuationFile.model_validate(old, strict=True)
