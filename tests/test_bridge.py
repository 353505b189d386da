"""The target-price bridge: Shapley values by hand, exact sums, grouping beyond the cap."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from reportgen.compare.bridge import MAX_DRIVERS, OTHER, ROUNDING, build_bridge, describe, leaves, shapley
from reportgen.model.valuation import build_valuation
from reportgen.note import load_assumptions
from tests.helpers import DEFAULT_NOTE, edit

CORVANE = DEFAULT_NOTE.parent / "corvane-systems"


def test_shapley_of_two_drivers_by_hand() -> None:
    # Value = multiple x metric: multiple 10 -> 12 (player 0), metric 100 -> 110 (player 1).
    # v({}) = 1000, v({0}) = 1200, v({1}) = 1100, v({0, 1}) = 1320.
    # phi_0 = 1/2 (1200 - 1000) + 1/2 (1320 - 1100) = 100 + 110 = 210
    # phi_1 = 1/2 (1100 - 1000) + 1/2 (1320 - 1200) = 50 + 60 = 110; together 320 = 1320 - 1000.
    def value(s: frozenset[int]) -> tuple[float]:
        return ((12.0 if 0 in s else 10.0) * (110.0 if 1 in s else 100.0),)

    phi = shapley(2, value)
    assert phi[0][0] == pytest.approx(210.0)
    assert phi[1][0] == pytest.approx(110.0)


def test_shapley_is_order_independent_for_three_drivers() -> None:
    # v(S) = product of the factors of S: 2, 3, 5. Relabelling the players permutes the result.
    factors = (2.0, 3.0, 5.0)

    def value_in(order: tuple[int, ...]):  # type: ignore[no-untyped-def]
        return lambda s: (math.prod(factors[order[i]] for i in s),)

    straight = [p[0] for p in shapley(3, value_in((0, 1, 2)))]
    reversed_ = [p[0] for p in shapley(3, value_in((2, 1, 0)))]
    assert straight == pytest.approx(reversed_[::-1])
    assert sum(straight) == pytest.approx(2 * 3 * 5 - 1)


@pytest.fixture
def corvane(tmp_path: Path) -> Path:
    root = tmp_path / "assumptions"
    root.mkdir()
    shutil.copy(DEFAULT_NOTE.parent / "house.yaml", root)
    shutil.copy(DEFAULT_NOTE.parent / "house-logo.svg", root)
    shutil.copytree(CORVANE, root / CORVANE.name)
    return root / CORVANE.name


def _on_the_parts(folder: Path) -> None:
    """Corvane is valued by DCF with its sum of the parts at zero weight: swap the weights, so
    the target is the sum of the parts, whose arithmetic is short enough to do by hand."""
    edit(folder / "valuation.yaml", "weight: 1.0", "weight: 9.9")
    edit(folder / "valuation.yaml", "weight: 0.0", "weight: 1.0")
    edit(folder / "valuation.yaml", "weight: 9.9", "weight: 0.0")


def test_two_driver_bridge_by_hand(corvane: Path, tmp_path: Path) -> None:
    """Commerce software at 4.5x -> 5.0x sales, and 2027E diluted shares 414mn -> 400mn."""
    _on_the_parts(corvane)
    before = tmp_path / "before" / "assumptions"
    shutil.copytree(corvane.parent, before)
    edit(corvane / "valuation.yaml", "multiple: 4.5", "multiple: 5.0")
    edit(corvane / "model.yaml", "2026: 418, 2027: 414,", "2026: 418, 2027: 400,")
    old, new = load_assumptions(before / CORVANE.name), load_assumptions(corvane)
    bridge = build_bridge(old, new)
    assert bridge is not None
    (lb,) = bridge.listings
    steps = {s.label: s.amount for s in lb.steps}
    assert set(steps) == {"Commerce software multiple", "Diluted shares, 2027E", ROUNDING}
    # 2027E software revenue = 760 x 1.18 x 1.17 = 1,049.256 (US$ mn); the multiple adds
    # 0.5 x 1,049.256 = 524.628 to equity value. One listing, one share per unit, in US$.
    extra = 0.5 * 760 * 1.18 * 1.17
    # Multiple first: +524.628 / 414; multiple last: +524.628 / 400. Shapley averages both.
    assert steps["Commerce software multiple"] == pytest.approx(0.5 * (extra / 414 + extra / 400))
    # Shares first: E/400 - E/414; shares last: (E + 524.628)/400 - (E + 524.628)/414.
    e = build_valuation(old.valuation, old.run, old.company, old.house).equity_value
    by_shares = 0.5 * ((e / 400 - e / 414) + ((e + extra) / 400 - (e + extra) / 414))
    assert steps["Diluted shares, 2027E"] == pytest.approx(by_shares)
    # The steps, rounding included, add up to the printed move exactly.
    assert math.fsum(steps.values()) == pytest.approx(lb.new_target - lb.old_target, abs=1e-9)


def test_many_drivers_are_capped_and_still_sum_exactly(note_copy: Path) -> None:
    for old, new in [
        ("multiple: 10.0", "multiple: 10.5"),
        ("multiple: 6.5", "multiple: 7.0"),
        ("multiple: 2.0", "multiple: 2.2"),
        ("multiple: 1.0", "multiple: 1.1"),
        ("amount: 265000", "amount: 300000"),
        ("discount: 0.30", "discount: 0.25"),
    ]:
        edit(note_copy / "valuation.yaml", old, new)
    edit(note_copy / "company.yaml", "USD: 7.005", "USD: 7.05")
    edit(note_copy / "company.yaml", "HKD: 0.8924", "HKD: 0.8950")
    edit(note_copy / "model.yaml", "growth: {2027: 8.59,", "growth: {2027: 9.5,")
    bridge = build_bridge(load_assumptions(DEFAULT_NOTE), load_assumptions(note_copy))
    assert bridge is not None
    assert len(bridge.drivers) == MAX_DRIVERS
    grouped = [label for label, changes in bridge.drivers if len(changes) > 1]
    assert len(grouped) == 1 and grouped[0].startswith(OTHER)
    for lb in bridge.listings:
        assert lb.moved
        total = math.fsum(s.amount for s in lb.steps)
        assert total == pytest.approx(lb.new_target - lb.old_target, abs=1e-9)
    fair = bridge.fair_value
    assert fair is not None
    assert math.fsum(s.amount for s in fair.steps) == pytest.approx(fair.new_target - fair.old_target)


def test_inputs_that_cannot_move_a_target_are_not_drivers(note_copy: Path) -> None:
    # A sensitivity grid's values are valuation.yaml leaves that never move the target.
    edit(
        note_copy / "valuation.yaml", "values: [5.5, 6.0, 6.5, 7.0, 7.5]", "values: [5.0, 6.0, 6.5, 7.0, 8.0]"
    )
    edit(note_copy / "company.yaml", "dividend_per_unit: 1.05", "dividend_per_unit: 1.10")
    edit(note_copy / "company.yaml", "exchange: NYSE", "exchange: NYSE American")
    bridge = build_bridge(load_assumptions(DEFAULT_NOTE), load_assumptions(note_copy))
    assert bridge is not None
    assert bridge.drivers == ()
    assert not bridge.moved


def test_leaves_follow_list_items_by_key_and_name_them() -> None:
    old = {"parts": [{"key": "a", "name": "Alpha", "multiple": 1.0}], "year": 2027}
    new = {"parts": [{"key": "a", "name": "Alpha", "multiple": 2.0}], "year": 2027}
    assert list(leaves(old, new)) == [(("parts", 0, "multiple"), 1.0, 2.0)]
    assert describe(new, ("parts", 0, "multiple")) == "Alpha multiple"
    # An item added or removed makes the whole list one change.
    added = {"parts": [*new["parts"], {"key": "b", "name": "Beta", "multiple": 1.0}], "year": 2027}
    assert [p for p, _, _ in leaves(old, added)] == [("parts",)]
