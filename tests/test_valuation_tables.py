"""Valuation exhibits: the DCF layout, a sum of the parts with its bridge, the blend, and
the football-field chart, on tests/test_dcf.py's and tests/factories.py's hand-worked cases."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from reportgen.exhibits.charts.build import build_chart_specs
from reportgen.exhibits.table import Table, TableInputs
from reportgen.exhibits.tables import build_table
from reportgen.inputs.schema import ChartSpec, TableSpec
from reportgen.model.sensitivity import add_sensitivities
from reportgen.model.valuation import build_valuation
from tests.factories import (
    NET_DEBT,
    TINY_PARTS,
    dcf_model,
    multiples,
    run,
    tiny_company,
    tiny_house,
    tiny_valuation,
    tiny_valuation_model,
)

COMPANY = tiny_company(fiscal_year_end="December")
BUILD = {"ebit": "ebit", "tax_rate": "tax_rate", "da": "da", "capex": "capex", "working_capital": "nwc"}


def row(table: Table, label: str) -> tuple[Any, ...]:
    (found,) = [r.cells for r in table.rows if r.label == label]
    return found


def test_the_dcf_table_prints_the_build_discounting_and_bridge() -> None:
    model = dcf_model()
    method = {
        "key": "dcf",
        "label": "DCF",
        "kind": "dcf",
        "periods": [2025, 2027],
        "fcf": BUILD,
        "wacc": 0.10,
        "terminal": {"growth": 0.02},
        "valuation_date": dt.date(2024, 12, 31),
    }
    v = tiny_valuation(shares="shares", methods=[method], bridge=[NET_DEBT])
    val = build_valuation(v, model, COMPANY, tiny_house())
    table = build_table(
        "dcf", TableSpec(kind="valuation", title="DCF", method="dcf"), TableInputs(model, val, COMPANY), ""
    )
    assert [c.label for c in table.columns] == ["2025E", "2026E", "2027E", "Terminal"]
    assert row(table, "EBIT") == (200.0, 220.0, 242.0, "")
    assert row(table, "Less: capital expenditure") == (-40.0, -45.0, -50.0, "")
    assert row(table, "Less: increase in working capital") == (-10.0, -15.0, -5.0, "")
    # FCF 130, 135, 156.5; the terminal column holds the year after: 156.5 x 1.02 = 159.63
    assert row(table, "Free cash flow to the firm") == pytest.approx((130.0, 135.0, 156.5, 159.63))
    assert row(table, "Discount period (years)") == (1.0, 2.0, 3.0, 3.0)
    tv = 156.5 * 1.02 / 0.08  # 1,995.5
    assert row(table, "Terminal value (2.0% growth)")[-1] == pytest.approx(tv)
    pv = (130 / 1.1, 135 / 1.21, 156.5 / 1.331, tv / 1.331)
    assert row(table, "Present value") == pytest.approx(pv)
    ev = sum(pv)
    assert row(table, "Enterprise value")[-1] == pytest.approx(ev)
    assert row(table, "Net debt")[-1] == pytest.approx(-200.0)
    assert row(table, "Equity value")[-1] == pytest.approx(ev - 200)
    assert row(table, "Equity value per share (Rmb)")[-1] == pytest.approx((ev - 200) / 100)
    assert "Terminal value = 2027E FCF x (1 + 2.0%) / (WACC 10.00% - 2.0%)" in table.notes[1]


def test_the_sum_of_the_parts_table_bridges_the_enterprise_parts() -> None:
    model_run = run(tiny_valuation_model())
    val = build_valuation(tiny_valuation(), model_run, tiny_company(), tiny_house())
    table = build_table(
        "s", TableSpec(kind="valuation", title="SOTP"), TableInputs(model_run, val, tiny_company()), ""
    )
    labels = [r.label for r in table.rows]
    assert labels == [
        "Valued on enterprise value",
        "Cloud",
        "Intl",
        "Enterprise value",
        "Net cash, less 30% discount",
        "Valued on equity",
        "Core",
        "Equity value",
        "Diluted shares (mn)",
    ]
    # EV 63,200 + 60,000 = 123,200 (Rmb15.40 a share); net cash 7,000; equity 430,200 (Rmb53.775)
    assert row(table, "Enterprise value")[3:5] == pytest.approx((123200, 15.4))
    assert row(table, "Net cash, less 30% discount")[3] == pytest.approx(7000)
    assert row(table, "Equity value")[3:5] == pytest.approx((430200, 53.775))
    assert row(table, "Cloud")[0] == "EV/Sales on revenue"


def test_the_blend_table_weights_the_methods() -> None:
    model_run = run(tiny_valuation_model())
    sotp = multiples(TINY_PARTS, key="sotp", weight=0.6)
    pe = multiples([{**TINY_PARTS[2], "multiple": 12.0}], key="pe", weight=0.4, label="P/E")
    val = build_valuation(tiny_valuation(methods=[sotp, pe]), model_run, tiny_company(), tiny_house())
    table = build_table(
        "b", TableSpec(kind="valuation", title="Blend"), TableInputs(model_run, val, tiny_company()), ""
    )
    # per share 53.775 and 45.0; contributions 0.6 x 53.775 = 32.265 and 0.4 x 45 = 18.0
    assert row(table, "Sum of the parts")[1:] == pytest.approx((53.775, 0.6, 32.265))
    assert row(table, "P/E")[1:] == pytest.approx((45.0, 0.4, 18.0))
    assert row(table, "Blended fair value")[1] == pytest.approx(50.265)


def test_the_football_field_draws_each_range_against_price_and_target() -> None:
    model_run = run(tiny_valuation_model())
    grid = {
        "key": "mult",
        "rows": {"input": "methods.sotp.parts.cloud.multiple", "label": "Cloud", "values": [1.0, 2.0, 3.0]},
        "columns": {"input": "methods.sotp.parts.core.multiple", "label": "Core", "values": [10.0, 12.0]},
    }
    method = multiples(
        TINY_PARTS, range={"input": "methods.sotp.parts.core.multiple", "low": 8.0, "high": 12.0}
    )
    v = tiny_valuation(methods=[method], sensitivities=[grid])
    company = tiny_company()
    val = add_sensitivities(
        build_valuation(v, model_run, company, tiny_house()), v, model_run, company, tiny_house()
    )
    spec = build_chart_specs(
        {"ff": ChartSpec(kind="football_field", title="FF")}, model_run, val, company, tiny_house()
    )["ff"]
    text = json.dumps(spec, sort_keys=True)
    # Core at 8x and 12x: 430,200 -/+ 60,000 = 370,200 and 490,200 / 8,000 x 8 / 7 = US$52.89 and US$70.03
    bars = next(layer["data"]["values"] for layer in spec["layer"] if "data" in layer)
    assert bars[0]["low"] == pytest.approx(370200 / 8000 * 8 / 7)
    assert bars[0]["high"] == pytest.approx(490200 / 8000 * 8 / 7)
    assert bars[1]["item"] == "Cloud \u00d7 Core"
    assert '"label": "Price US$50.00"' in text and '"label": "Target US$60"' in text
    assert "Football field of value per ADS (US$) by method" in spec["description"]
