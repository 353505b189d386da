"""Bad valuation.yaml and valuation exhibits: each problem named at its file, line and column.

Edits apply to a copy of the corvane-systems note (a DCF, a zero-weight sum of the parts,
net debt, a WACC x growth grid).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import at, edit, expect, problems_of

NOTE = "corvane-systems"


@pytest.fixture
def corvane(note_copy: Path) -> Path:
    return note_copy.parent / NOTE


@pytest.mark.parametrize(
    ("old", "new", "anchor", "token", "field", "message"),
    [
        (
            "    weight: 0.0\n",
            "    weight: 0.5\n",
            "  - key: dcf",
            "-",
            "methods",
            "method weights sum to 1.5; they must sum to 1",
        ),
        (
            "      growth: 0.03\n",
            "      growth: 0.03\n      exit_multiple: 10.0\n",
            "      growth: 0.03",
            "growth",
            "methods[0].terminal",
            "give exactly one of growth or exit_multiple",
        ),
        (
            "      capex: capex\n",
            "",
            "      ebit: ebit",
            "ebit",
            "methods[0].fcf",
            "missing capex",
        ),
        (
            "      ebit: ebit\n",
            "      ebit: ebit\n      line: ebitda\n",
            "      ebit: ebit",
            "ebit",
            "methods[0].fcf",
            "give line, or the build",
        ),
        (
            "      da: da\n",
            "      da: dna\n",
            "      da: dna",
            "dna",
            "methods[0].fcf.da",
            "unknown line 'dna'",
        ),
        (
            "    amount: 1400                   # term loan less cash, end-2025 (invented)\n",
            "    amount: 1400\n    line: ebitda\n",
            "  - key: net_debt",
            "key",
            "bridge[0]",
            "give exactly one of amount or line",
        ),
        (
            "      input: methods.dcf.terminal.growth\n",
            "      input: methods.dcf.terminal.grwoth\n",
            "input: methods.dcf.terminal.grwoth",
            "methods.dcf.terminal.grwoth",
            "sensitivities[0].columns.input",
            "nothing named 'grwoth' there",
        ),
        (
            "      input: methods.sotp.parts.payments.multiple\n",
            "      input: methods.sotp.parts.payment.multiple\n",
            "input: methods.sotp.parts.payment.multiple",
            "methods.sotp.parts.payment.multiple",
            "methods[1].range.input",
            "no item 'payment' in parts; have payments, software, other",
        ),
        (
            "      low: 10.0\n",
            "      low: 15.0\n",
            "input: methods.sotp.parts.payments.multiple",
            "input",
            "methods[1].range",
            "low must be below high",
        ),
        (
            "    periods: [2026, 2030]\n",
            "    periods: [2026, 2030]\n    parts: [{key: a, name: A, method: P/E, metric: ebit, multiple: 1}]\n",  # noqa: E501
            "    parts: [{key: a",
            "[",
            "methods[0].parts",
            "a dcf method has no parts",
        ),
    ],
)
def test_bad_valuation_is_named_where_it_is_written(
    corvane: Path, old: str, new: str, anchor: str, token: str, field: str, message: str
) -> None:
    f = corvane / "valuation.yaml"
    edit(f, old, new)
    expect(problems_of(corvane), f, at(f, anchor, token), field, message)


def test_a_bridge_with_no_enterprise_value_to_apply_to(corvane: Path) -> None:
    f = corvane / "valuation.yaml"
    # Keep only equity parts: drop the DCF's weight onto a P/S-and-P/E sum of the parts.
    edit(f, "    weight: 1.0\n", "    weight: 0.0\n")
    edit(f, "    weight: 0.0\n    parts:", "    weight: 1.0\n    parts:")
    edit(f, "        method: EV/EBITDA\n", "        method: P/S\n")
    # The DCF still gives EV, so the bridge is used: no complaint yet.
    assert not any("bridge would apply to nothing" in p for p in _problems_or_none(corvane))
    edit(
        f,
        "  - key: dcf\n    label: DCF\n    kind: dcf\n",
        "  - key: dcf\n    label: DCF\n    kind: multiples\n",
    )
    problems = problems_of(corvane)
    assert any("'periods' belongs to a dcf method, not to multiples" in p for p in problems)


def _problems_or_none(note: Path) -> list[str]:
    from reportgen.errors import AssumptionsError
    from reportgen.note import load_assumptions

    try:
        load_assumptions(note)
    except AssumptionsError as exc:
        return exc.problems
    return []


def test_equity_only_methods_refuse_a_bridge(tmp_path: Path, note_copy: Path) -> None:
    q = note_copy.parent / "quellmark-instruments"
    f = q / "valuation.yaml"
    edit(f, "        method: EV/EBITDA\n", "        method: P/E\n")
    edit(f, "        metric: ebitda\n", "        metric: net_income\n")
    expect(problems_of(q), f, at(f, "  - key: net_debt", "-"), "bridge", "the bridge would apply to nothing")


@pytest.mark.parametrize(
    ("old", "new", "token", "field", "message"),
    [
        (
            "    method: dcf\n",
            "    method: dfc\n",
            "dfc",
            "tables.dcf.method",
            "no method 'dfc' in valuation.yaml",
        ),
        (
            "    sensitivity: wacc_growth\n",
            "    sensitivity: wacc\n",
            "wacc",
            "tables.dcf-sensitivity.sensitivity",
            "no sensitivity 'wacc' in valuation.yaml; have wacc_growth",
        ),
    ],
)
def test_valuation_tables_name_what_valuation_yaml_declares(
    corvane: Path, old: str, new: str, token: str, field: str, message: str
) -> None:
    f = corvane / "exhibits.yaml"
    edit(f, old, new)
    expect(problems_of(corvane), f, at(f, new.strip(), token), field, message)
