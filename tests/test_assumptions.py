"""Bad input: every problem names file:line:col and the field, exit code 2, no traceback.

Each test plants one mistake in a copy of the default note. The expected line is found
by searching the edited file for the planted text, and the column is counted from its
indentation, so nothing here is copied from the program's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.assumptions import load_assumptions
from reportgen.cli import main
from reportgen.errors import AssumptionsError
from tests.conftest import edit


def line_of(path: Path, text: str) -> int:
    """1-based number of the only line containing ``text``."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) == 1, hits
    return hits[0]


def col_of(path: Path, text: str, token: str) -> int:
    """1-based column where ``token`` starts on the line containing ``text``."""
    line = path.read_text(encoding="utf-8").splitlines()[line_of(path, text) - 1]
    return line.index(token) + 1


def check(note: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(note)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_default_note_is_valid(note_copy: Path) -> None:
    code, out = check(note_copy)
    assert code == 0, out
    assert out.strip().endswith(": ok")


def test_wrong_type_number_as_string(note_copy: Path) -> None:
    f = note_copy / "company.yaml"
    edit(f, "    price: 138.60", '    price: "1,138.60"')
    code, out = check(note_copy)
    assert code == 2
    where = f"company.yaml:{line_of(f, '1,138.60')}:{col_of(f, '1,138.60', chr(34))}"
    assert where in out
    assert "listings[0].price" in out
    assert "expected a number" in out and "'1,138.60'" in out


def test_percentage_written_as_text(note_copy: Path) -> None:
    f = note_copy / "valuation.yaml"
    edit(f, "  discount: 0.30", "  discount: 30%")
    code, out = check(note_copy)
    assert code == 2
    assert f"valuation.yaml:{line_of(f, 'discount: 30%')}:13: net_cash.discount" in out
    assert "0.3 for 30%" in out


def test_boolean_where_a_number_belongs(note_copy: Path) -> None:
    f = note_copy / "company.yaml"
    edit(f, "    rounding: 5", "    rounding: yes")
    code, out = check(note_copy)
    assert code == 2
    assert f"company.yaml:{line_of(f, 'rounding: yes')}:15: listings[0].rounding" in out
    assert "boolean" in out


def test_unknown_key_with_suggestion(note_copy: Path) -> None:
    f = note_copy / "forecast.yaml"
    edit(f, "      growth: {2027: 0.23,", "      grwoth: {2027: 0.23,")
    code, out = check(note_copy)
    assert code == 2
    assert f"forecast.yaml:{line_of(f, 'grwoth')}:7: cloud.segments[1].grwoth: unknown key 'grwoth'" in out
    assert "did you mean 'growth'" in out


def test_missing_field(note_copy: Path) -> None:
    f = note_copy / "valuation.yaml"
    edit(f, "    multiple: 6.5\n", "")
    code, out = check(note_copy)
    assert code == 2
    # The cloud part starts at the "- key: cloud" line; its mapping begins at column 5.
    assert f"valuation.yaml:{line_of(f, '- key: cloud')}:5: parts[1].multiple" in out
    assert "missing" in out


def test_duplicate_key(note_copy: Path) -> None:
    f = note_copy / "valuation.yaml"
    edit(f, "    multiple: 6.5\n", "    multiple: 6.5\n    multiple: 7.5\n")
    code, out = check(note_copy)
    assert code == 2
    assert f"valuation.yaml:{line_of(f, 'multiple: 7.5')}:5:" in out
    assert f"duplicate key 'multiple' (first defined on line {line_of(f, 'multiple: 6.5')})" in out


def test_malformed_yaml(note_copy: Path) -> None:
    f = note_copy / "scenarios.yaml"
    edit(f, "price: {2024: 1.582, 2025: 1.582}", "price: {2024: 1.582, 2025: 1.582")
    code, out = check(note_copy)
    assert code == 2
    opened = line_of(f, "price: {2024")
    # The unclosed "{" opens at column 8; the parser notices on the next line ("scenarios:").
    assert f"scenarios.yaml:{opened + 1}:" in out
    assert f"line {opened}, column 8" in out
    assert "invalid YAML" in out


def test_year_off_the_timeline(note_copy: Path) -> None:
    f = note_copy / "forecast.yaml"
    edit(f, "capex: {2026: 132.0,", "capex: {2019: 1.0, 2026: 132.0,")
    code, out = check(note_copy)
    assert code == 2
    assert (
        f"forecast.yaml:{line_of(f, 'capex: {2019')}:{col_of(f, 'capex: {2019', '2019')}: capex.2019" in out
    )
    assert "not on the timeline 2025-2031" in out


@pytest.mark.parametrize("bad", [".nan", ".inf"])
def test_nan_and_infinity_are_errors(note_copy: Path, bad: str) -> None:
    f = note_copy / "forecast.yaml"
    edit(f, "{2026: 132.0,", f"{{2026: {bad},")
    code, out = check(note_copy)
    assert code == 2
    assert f"forecast.yaml:{line_of(f, bad)}:" in out


def test_unknown_valuation_metric(note_copy: Path) -> None:
    f = note_copy / "valuation.yaml"
    edit(f, "    metric: rev_aidc", "    metric: rev_aidcc")
    code, out = check(note_copy)
    assert code == 2
    assert f"valuation.yaml:{line_of(f, 'rev_aidcc')}:13: parts[2].metric: unknown metric 'rev_aidcc'" in out


def test_all_problems_of_all_files_reported_at_once(note_copy: Path) -> None:
    edit(note_copy / "company.yaml", "    rounding: 5", "    rounding: true")
    edit(note_copy / "valuation.yaml", "  discount: 0.30", "  discount: 1.5")
    edit(note_copy / "narrative.yaml", "headline: >-", "headlin: >-")
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note_copy)
    files = {p.split(":")[0].rsplit("/", 1)[-1] for p in info.value.problems}
    assert files == {"company.yaml", "valuation.yaml", "narrative.yaml"}
    assert info.value.exit_code == 2


def test_build_with_bad_input_exits_2_without_traceback(note_copy: Path, tmp_path: Path) -> None:
    edit(note_copy / "company.yaml", "    rounding: 5", "    rounding: true")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "company.yaml:" in result.output
    assert not (tmp_path / "out" / note_copy.name).exists()


# --------------------------------------------------------------------------- cross-field rules


@pytest.mark.parametrize(
    ("file", "old", "new", "anchor", "message"),
    [
        (
            "forecast.yaml",
            "    sales_marketing:",
            "    sales_and_marketing:",
            "lines:",
            "required line 'sales_marketing' is missing; is 'sales_and_marketing' a misspelling of it?",
        ),
        ("forecast.yaml", "    - key: non_ai", "    - key: total", "- key: total", "'total' is reserved"),
        (
            "forecast.yaml",
            "growth: {2027: 8.59,",
            "growth: {2027: 8590,",
            "growth: {2027: 8590",
            "did you type a percentage?",
        ),
        (
            "forecast.yaml",
            "values: {2026: 3.429}",
            "values: {2026: -3.429}",
            "values: {2026: -3.429}",
            "revenue cannot be negative",
        ),
        (
            "company.yaml",
            "    phone: +852 3900 1201",
            "    phone: +852 3900 1201\n    certifying: false",
            "analysts:",
            "at least one analyst must certify",
        ),
        (
            "company.yaml",
            "    price: 135.90",
            "    price: 180.00",
            "price: 180.00",
            "away from the ADS's per share",
        ),
        (
            "company.yaml",
            "  previous_rating: Buy",
            "  previous_rating: Outperform",
            "previous_rating:",
            "expected one of Buy, Hold, Sell (house.yaml), got 'Outperform'",
        ),
        (
            "narrative.yaml",
            "  - key: capex",
            "  - key: cloud",
            "  - key: cloud\n    title: Capital",
            "section key 'cloud' is used twice",
        ),
        (
            "scenarios.yaml",
            "  - key: bear",
            "  - key: bull",
            "  - key: bull\n    name: Bear",
            "scenario key 'bull' is used twice",
        ),
    ],
)
def test_cross_field_rules(note_copy: Path, file: str, old: str, new: str, anchor: str, message: str) -> None:
    f = note_copy / file
    edit(f, old, new)
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note_copy)
    text = "\n".join(info.value.problems)
    assert message in text
    first_line = anchor.splitlines()[0]
    expected_line = line_of(f, first_line) if "\n" not in anchor else _line_of_block(f, anchor)
    hits = [p for p in info.value.problems if message in p]
    assert any(f"{file}:{expected_line}:" in p or f"{file}:{expected_line + 1}:" in p for p in hits), hits


def _line_of_block(path: Path, block: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(block)].count("\n") + 1


def test_house_colours_must_be_hex(note_copy: Path) -> None:
    f = note_copy.parent / "house.yaml"
    edit(f, '  accent: "#D9822B"', '  accent: "orangey"')
    with pytest.raises(
        AssumptionsError, match=r"house\.yaml:\d+:\d+: colours\.accent: expected a colour like"
    ):
        load_assumptions(note_copy)


def test_prices_csv_must_be_utf8_and_may_carry_a_bom(note_copy: Path) -> None:
    f = note_copy / "prices.csv"
    raw = f.read_bytes()
    f.write_bytes(b"\xef\xbb\xbf" + raw)  # Excel's "CSV UTF-8"
    assert load_assumptions(note_copy).prices is not None
    f.write_bytes(raw.replace(b"# Daily", "# Caf\u00e9 daily".encode("latin-1")))
    with pytest.raises(AssumptionsError, match=r"prices\.csv: not UTF-8 text"):
        load_assumptions(note_copy)


def test_prices_csv_needs_a_year_of_history(note_copy: Path) -> None:
    f = note_copy / "prices.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("date,"))
    f.write_text("\n".join([*lines[: header_at + 1], *lines[-30:]]) + "\n", encoding="utf-8")
    with pytest.raises(AssumptionsError, match="52-week range needs prices from 2025-05-09 or earlier"):
        load_assumptions(note_copy)


def test_check_also_compiles_the_prose(note_copy: Path) -> None:
    edit(note_copy / "narrative.yaml", "{{ cloud.maas[2028] | rmb_bn }}", "{{ cloud.saas[2028] | rmb_bn }}")
    code, out = check(note_copy)
    assert code == 2
    assert "narrative.yaml:" in out and "saas" in out and "(in {{ cloud.saas[2028] | rmb_bn }})" in out


def test_unwritable_output_folder_is_a_clear_error(note_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(blocker / "sub")])
    assert result.exit_code == 1
    assert "cannot write to the output folder" in result.output
    assert "Traceback" not in result.output


def test_pe_on_negative_earnings_is_refused_where_the_part_is_defined(note_copy: Path) -> None:
    edit(note_copy / "forecast.yaml", "      values: {2027: 124600}", "      values: {2027: -124600}")
    v = note_copy / "valuation.yaml"
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note_copy)
    (problem,) = info.value.problems
    assert f"valuation.yaml:{line_of(v, 'multiple: 10.0')}:" in problem
    assert "P/E multiple of 'ecommerce_net_profit' = -124,600 (zero or negative) is not meaningful" in problem


def test_negative_equity_is_bad_input_not_a_crash(note_copy: Path) -> None:
    edit(note_copy / "valuation.yaml", "  amount: 265000", "  amount: -5000000")
    code, out = check(note_copy)
    assert code == 2
    assert "valuation.yaml: equity value is" in out and "a target price needs a positive value" in out


def test_duplicate_valuation_part(note_copy: Path) -> None:
    f = note_copy / "valuation.yaml"
    edit(f, "  - key: others", "  - key: aidc")
    with pytest.raises(
        AssumptionsError, match=r"valuation\.yaml:\d+:\d+: parts\[3\]\.key: part key 'aidc' is used twice"
    ):
        load_assumptions(note_copy)


def test_malformed_svg_logo(note_copy: Path) -> None:
    (note_copy.parent / "house-logo.svg").write_text("<svg><rect></svg>", encoding="utf-8")
    with pytest.raises(
        AssumptionsError, match=r"house\.yaml:\d+:\d+: logo: 'house-logo.svg' is not a readable SVG"
    ):
        load_assumptions(note_copy)
