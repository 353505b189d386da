"""Sensitivity grids and football-field ranges: every cell a re-run, checked by hand.

The DCF case is tests/test_dcf.py's: FCF 100, 110, 121 (CNY mn) in 2025-27, valued at
31 Dec 2024, net debt 200, 100 mn shares; the H share is 1 share at HK$1 = Rmb0.9,
rounded to HK$1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reportgen.exhibits.table import TableInputs
from reportgen.exhibits.tables import build_table
from reportgen.inputs.schema import TableSpec, ValuationFile
from reportgen.model.engine import ModelRun
from reportgen.model.sensitivity import InputError, add_sensitivities, check_input, read_input, with_input
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


def dcf_file(**extra: Any) -> ValuationFile:
    method = {
        "key": "dcf",
        "label": "DCF",
        "kind": "dcf",
        "periods": [2025, 2027],
        "fcf": {"line": "fcf"},
        "wacc": 0.10,
        "terminal": {"growth": 0.02},
        "valuation_date": dt.date(2024, 12, 31),
        "range": {"input": "methods.dcf.wacc", "low": 0.09, "high": 0.11},
    }
    grid = {
        "key": "wg",
        "listing": "h",
        "rows": {"input": "methods.dcf.wacc", "label": "WACC", "values": [0.09, 0.10, 0.11]},
        "columns": {"input": "methods.dcf.terminal.growth", "label": "g", "values": [0.02, 0.03, 0.11]},
    }
    return tiny_valuation(shares="shares", methods=[method], bridge=[NET_DEBT], sensitivities=[grid], **extra)


@pytest.fixture(scope="module")
def model() -> ModelRun:
    return dcf_model()


def h_target(per_share: float) -> float:
    """Rmb per share -> HK$ per H share (1 share, HK$1 = Rmb0.9), rounded half up to HK$1."""
    return float(int(per_share / 0.9 + 0.5))


def test_the_base_cell_is_the_published_target(model: ModelRun) -> None:
    v = dcf_file()
    val = add_sensitivities(build_valuation(v, model, COMPANY, tiny_house()), v, model, COMPANY, tiny_house())
    (grid,) = val.sensitivities
    assert grid.base == (1, 0)  # WACC 10% is row 1, growth 2% column 0: the inputs as written
    assert grid.cells[1][0] == val.targets["h"].fair_value
    # By hand: EV 1,431.82 - 200 = 1,231.82 / 100 = Rmb12.318 / 0.9 = HK$13.69 -> HK$14
    assert grid.cells[1][0] == 14.0


def test_a_cell_is_a_full_re_valuation(model: ModelRun) -> None:
    v = dcf_file()
    val = add_sensitivities(build_valuation(v, model, COMPANY, tiny_house()), v, model, COMPANY, tiny_house())
    grid = val.sensitivities[0]
    # WACC 9%, growth 2%: PV = 100/1.09 + 110/1.09^2 + 121/1.09^3 = 91.743 + 92.585 + 93.434 = 277.762
    # TV = 121 x 1.02 / 0.07 = 1,763.14; / 1.09^3 (1.29503) = 1,361.47; EV 1,639.23
    # equity 1,439.23 / 100 = Rmb14.392 / 0.9 = HK$15.99 -> HK$16
    pv = 100 / 1.09 + 110 / 1.09**2 + 121 / 1.09**3 + 121 * 1.02 / 0.07 / 1.09**3
    assert grid.cells[0][0] == h_target((pv - 200) / 100) == 16.0
    # and the same as valuing the edited file directly
    edited = with_input(with_input(v, "methods.dcf.wacc", 0.11), "methods.dcf.terminal.growth", 0.03)
    direct = build_valuation(edited, model, COMPANY, tiny_house()).targets["h"].fair_value
    assert grid.cells[2][1] == direct


def test_a_cell_without_a_finite_value_is_empty(model: ModelRun) -> None:
    v = dcf_file()
    val = add_sensitivities(build_valuation(v, model, COMPANY, tiny_house()), v, model, COMPANY, tiny_house())
    grid = val.sensitivities[0]
    # growth 11% is at or above every WACC in the grid (9-11%): no perpetuity value
    assert [row[2] for row in grid.cells] == [None, None, None]
    table = build_table(
        "t", TableSpec(kind="sensitivity", title="T", sensitivity="wg"), TableInputs(model, val, COMPANY), ""
    )
    assert repr(table.rows[0].cells[2]) == "NM"
    assert table.marks == ((1, 0),)
    assert [c.label for c in table.columns] == ["2.0%", "3.0%", "11.0%"]
    assert [r.label for r in table.rows] == ["9.0%", "10.0%", "11.0%"]


def test_the_football_field_range_re_values_the_method(model: ModelRun) -> None:
    v = dcf_file()
    val = add_sensitivities(build_valuation(v, model, COMPANY, tiny_house()), v, model, COMPANY, tiny_house())
    dcf_range = val.ranges[0]
    # The lead listing is the ADS: 8 shares at US$1 = Rmb7.0, unrounded.
    at_9 = (100 / 1.09 + 110 / 1.09**2 + 121 / 1.09**3 + 121 * 1.02 / 0.07 / 1.09**3 - 200) / 100
    at_11 = (100 / 1.11 + 110 / 1.11**2 + 121 / 1.11**3 + 121 * 1.02 / 0.09 / 1.11**3 - 200) / 100
    assert dcf_range.high == pytest.approx(at_9 * 8 / 7.0)  # the lower WACC gives the higher value
    assert dcf_range.low == pytest.approx(at_11 * 8 / 7.0)
    assert dcf_range.base == pytest.approx(val.fair_value * 8 / 7.0)
    assert len(val.ranges) == 1  # the grid shows the H share, not the lead listing: no extra bar


def test_a_sotp_grid_on_two_multiples() -> None:
    model_run = run(tiny_valuation_model())
    grid = {
        "key": "mult",
        "rows": {"input": "methods.sotp.parts.cloud.multiple", "label": "Cloud", "values": [1.0, 2.0]},
        "columns": {"input": "methods.sotp.parts.core.multiple", "label": "Core", "values": [10.0, 12.0]},
    }
    v = tiny_valuation(sensitivities=[grid])
    val = add_sensitivities(
        build_valuation(v, model_run, tiny_company(), tiny_house()),
        v,
        model_run,
        tiny_company(),
        tiny_house(),
    )
    cells = val.sensitivities[0].cells
    # cloud 1x, core 12x: 31,600 + 60,000 + 7,000 + 360,000 = 458,600 / 8,000 = 57.325
    # ADS: 57.325 x 8 / 7 = 65.51 -> US$65
    assert cells[0][1] == 65.0
    assert cells[1][0] == val.targets["ads"].fair_value == 60.0  # the base: 2x and 10x
    # the grid of the lead listing adds a bar to the football field: its lowest and highest cell
    assert [(r.low, r.high) for r in val.ranges[1:]] == [
        (min(min(c) for c in cells), max(max(c) for c in cells))
    ]


def test_input_paths_name_items_by_key() -> None:
    v = tiny_valuation(methods=[multiples(TINY_PARTS, key="sotp")])
    assert read_input(v, "methods.sotp.parts.cloud.multiple") == 2.0
    assert read_input(v, "bridge.cash.discount") == 0.3
    assert read_input(v, "year") == 2027
    edited = with_input(v, "bridge.cash.discount", 0.5)
    assert edited.bridge[0].discount == 0.5 and v.bridge[0].discount == 0.3  # a copy; v unchanged
    assert check_input(v, "methods.sotp.parts.nope.multiple") == (
        "'methods.sotp.parts.nope.multiple': no item 'nope' in parts; have cloud, aidc, core"
    )
    assert check_input(v, "methods.sotp.label") == "'methods.sotp.label' is not a number in valuation.yaml"
    assert "nothing named 'wac'" in (check_input(v, "methods.sotp.wac") or "")
    with pytest.raises(InputError, match="name an item of methods by its key"):
        with_input(v, "methods", 1.0)
