"""Tests that YAML problems are reported with exact file:line:col, dotted path and message."""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from reportgen.errors import AssumptionsError
from reportgen.inputs.explain import validate
from reportgen.inputs.sourcemap import Loc, SourceMap, format_problem
from reportgen.inputs.yamlsource import load_yaml

STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)

Write = Callable[..., Path]


class Segment(BaseModel):
    model_config = STRICT

    name: str
    revenue: float
    growth: dict[int, float] = Field(default_factory=dict)


class Company(BaseModel):
    model_config = STRICT

    company: str
    wacc: float = Field(gt=0)
    terminal_growth: float
    rating: Literal["buy", "hold", "sell"] = "hold"
    segments: list[Segment] = Field(default_factory=list)


class Timeline(BaseModel):
    model_config = STRICT

    first_year: int
    last_year: int
    capex: dict[int, float]


def years_on_timeline(obj: Timeline) -> Iterator[tuple[Loc, str]]:
    span = f"{obj.first_year}-{obj.last_year}"
    for year in obj.capex:
        if not obj.first_year <= year <= obj.last_year:
            yield ("capex", year), f"fiscal year {year} is not on the timeline {span}"


def capex_not_negative(obj: Timeline) -> Iterator[tuple[Loc, str]]:
    for year, amount in obj.capex.items():
        if amount < 0:
            yield ("capex", year), f"capex must not be negative, got {amount}"


def long_enough(obj: Timeline) -> Iterator[tuple[Loc, str]]:
    years = obj.last_year - obj.first_year
    if years < 10:
        yield ("last_year",), f"a forecast of {years} years is too short; need at least 10"


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    """Write a dedented snippet (first line = line 1) to tmp_path and run from there."""
    monkeypatch.chdir(tmp_path)

    def _write(text: str, name: str = "model.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def problems(
    path: Path,
    model: type[BaseModel] = Company,
    checks: Sequence[Callable[[Any], Iterable[tuple[Loc, str]]]] = (),
) -> list[str]:
    """Load and validate ``path``, expecting failure; return the reported problems."""
    with pytest.raises(AssumptionsError) as info:
        data, smap = load_yaml(path)
        validate(model, data, smap, checks)
    assert info.value.exit_code == 2
    return info.value.problems


# --------------------------------------------------------------------------- load_yaml


def test_loads_plain_data_with_value_and_key_marks(write: Write) -> None:
    path = write(
        """
        company: Acme
        listed: 2026-05-11
        capex:
          2027: 10.5
          2028: -3
        tags: [a, "b"]
        note: ~
        """
    )
    data, smap = load_yaml(path)
    assert data == {
        "company": "Acme",
        "listed": datetime.date(2026, 5, 11),
        "capex": {2027: 10.5, 2028: -3},
        "tags": ["a", "b"],
        "note": None,
    }
    assert type(data) is dict
    assert [type(k) for k in data["capex"]] == [int, int]
    assert smap.marks[()] == (1, 1)
    assert smap.marks[("company",)] == (1, 10)
    assert smap.key_marks[("capex",)] == (3, 1)
    assert smap.marks[("capex",)] == (4, 3)
    assert smap.key_marks[("capex", 2027)] == (4, 3)
    assert smap.marks[("capex", 2027)] == (4, 9)
    assert smap.marks[("tags", 1)] == (6, 11)
    assert smap.where(("capex", 2027)) == "model.yaml:4:9"
    assert smap.where(("capex", 2027), key=True) == "model.yaml:4:3"
    assert smap.where(("capex", 1999)) == "model.yaml:4:3"  # longest known prefix
    assert smap.where(("tags", 1), key=True) == "model.yaml:6:11"  # list items have no key
    assert smap.dotted(("tags", 1)) == "tags[1]"
    assert smap.dotted(("capex", 2027)) == "capex.2027"
    assert smap.dotted(()) == "(top level)"


def test_duplicate_key_names_both_lines(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        company: Beta
        """
    )
    assert problems(path) == ["model.yaml:3:1: company: duplicate key 'company' (first defined on line 1)"]


def test_all_load_problems_are_reported_together_in_line_order(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: .nan
        growth:
          2027: 0.1
          2027: 0.2
        ? [a, b]
        : 1
        base: &base {x: 1}
        derived:
          <<: *base
        terminal: -.inf
        """
    )
    assert problems(path) == [
        "model.yaml:2:7: wacc: NaN/infinity is not a number we can model (got .nan)",
        "model.yaml:5:3: growth.2027: duplicate key 2027 (first defined on line 4)",
        "model.yaml:6:3: (top level): mapping keys must be text or whole numbers, got a list",
        "model.yaml:10:3: derived: merge keys (<<) are not supported; write the keys out in full",
        "model.yaml:11:11: terminal: NaN/infinity is not a number we can model (got -.inf)",
    ]


def test_key_read_as_boolean_is_rejected(write: Write) -> None:
    path = write(
        """
        countries:
          no: 0.3
        """
    )
    assert problems(path) == [
        (
            "model.yaml:2:3: countries: mapping keys must be text or whole numbers: "
            "the key 'no' was read as a boolean; write it in quotes ('no')"
        )
    ]


def test_python_tags_are_refused(write: Write) -> None:
    path = write('cmd: !!python/object/apply:os.system ["echo hi"]\n')
    tag = "tag:yaml.org,2002:python/object/apply:os.system"
    assert problems(path) == [f"model.yaml:1:6: cmd: unsupported YAML tag {tag!r}"]


def test_malformed_yaml_points_at_the_parser_problem(write: Write) -> None:
    path = write(
        """
        company: Acme
          wacc: 0.1
        """
    )
    assert problems(path) == ["model.yaml:2:7: invalid YAML: mapping values are not allowed here"]


def test_unclosed_flow_list_names_where_it_started(write: Write) -> None:
    path = write(
        """
        a: [1, 2
        b: 3
        """
    )
    assert problems(path) == [
        (
            "model.yaml:2:2: invalid YAML: expected ',' or ']', but got ':', "
            "while parsing a flow sequence (line 1, column 4)"
        )
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n"])
def test_empty_file(write: Write, text: str) -> None:
    path = write(text)
    assert problems(path) == ["model.yaml:1:1: file is empty"]


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert problems(Path("nope.yaml")) == ["nope.yaml: file not found"]


def test_invalid_utf8_names_file_and_position(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.yaml").write_bytes(b"company: Acme\nwacc: \xff\n")
    assert problems(Path("model.yaml")) == [
        "model.yaml:2:7: file is not valid UTF-8 (byte 0xff); save it as UTF-8"
    ]


def test_file_outside_cwd_is_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    path = tmp_path / "model.yaml"
    path.write_text("wacc: .inf\n", encoding="utf-8")
    assert problems(path) == [f"{path}:1:7: wacc: NaN/infinity is not a number we can model (got .inf)"]


# --------------------------------------------------------------------------- validate


def test_valid_file_returns_the_model(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        segments:
          - name: Retail
            revenue: 100
            growth: {2027: 0.05}
        """
    )
    data, smap = load_yaml(path)
    company = validate(Company, data, smap)
    assert isinstance(company, Company)
    assert company.segments[0].growth == {2027: 0.05}
    assert company.rating == "hold"


def test_unknown_key_suggests_close_field_and_missing_points_at_parent(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growht: 0.02
        """
    )
    assert problems(path) == [
        "model.yaml:1:1: terminal_growth: required field is missing",
        ("model.yaml:3:1: terminal_growht: unknown key 'terminal_growht'; did you mean 'terminal_growth'?"),
    ]


def test_unknown_key_without_close_match_has_no_suggestion(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        colour: blue
        """
    )
    assert problems(path) == ["model.yaml:4:1: colour: unknown key 'colour'"]


def test_missing_field_in_list_item_points_at_that_item(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        segments:
          - name: Retail
            revenue: 100.0
          - name: Online
        """
    )
    assert problems(path) == ["model.yaml:7:5: segments[1].revenue: required field is missing"]


def test_number_with_thousands_separator(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        segments:
          - name: Retail
            revenue: "1,234"
        """
    )
    assert problems(path) == [
        (
            "model.yaml:6:14: segments[0].revenue: expected a number, got the string '1,234'; "
            "write 1234 without thousands separators"
        )
    ]


def test_percentage_string_gets_a_decimal_hint(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 12%
        terminal_growth: 2.5%
        """
    )
    assert problems(path) == [
        "model.yaml:2:7: wacc: expected a number, got the string '12%'; write 0.12 for 12%",
        ("model.yaml:3:18: terminal_growth: expected a number, got the string '2.5%'; write 0.025 for 2.5%"),
    ]


def test_boolean_where_a_number_belongs(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: true
        """
    )
    assert problems(path) == ["model.yaml:3:18: terminal_growth: expected a number, got a boolean (true)"]


def test_wrong_types_in_a_nested_list_item(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        segments:
          - name: Retail
            revenue: 100.0
          - name: 42
            revenue: [1, 2]
            revnue: 3
        """
    )
    assert problems(path) == [
        (
            "model.yaml:7:11: segments[1].name: expected a string, got the number 42; "
            "put it in quotes if it is meant as text"
        ),
        "model.yaml:8:14: segments[1].revenue: expected a number, got a list",
        "model.yaml:9:5: segments[1].revnue: unknown key 'revnue'; did you mean 'revenue'?",
    ]


def test_dict_key_of_wrong_type_points_at_the_key(write: Write) -> None:
    path = write(
        """
        company: Acme
        wacc: 0.09
        terminal_growth: 0.02
        segments:
          - name: Retail
            revenue: 100.0
            growth:
              2027: 0.05
              "2028": 0.06
              2029: fast
        """
    )
    assert problems(path) == [
        (
            "model.yaml:9:7: segments[0].growth.2028: invalid key: expected a whole number, "
            "got the string '2028'; write it without quotes, e.g. 2028"
        ),
        "model.yaml:10:13: segments[0].growth.2029: expected a number, got the string 'fast'",
    ]


def test_several_validation_errors_are_reported_at_once_in_line_order(write: Write) -> None:
    path = write(
        """
        wacc: -0.01
        company: 7
        rating: strong buy
        segments:
          - name: Retail
            revenue: 1.0e+3
            growth: {2027: 0.1, 2028: "x"}
        """
    )
    assert problems(path) == [
        "model.yaml:1:1: terminal_growth: required field is missing",
        "model.yaml:1:7: wacc: expected a value greater than 0, got the number -0.01",
        (
            "model.yaml:2:10: company: expected a string, got the number 7; "
            "put it in quotes if it is meant as text"
        ),
        "model.yaml:3:9: rating: expected 'buy', 'hold' or 'sell', got the string 'strong buy'",
        "model.yaml:7:31: segments[0].growth.2028: expected a number, got the string 'x'",
    ]


class Override(BaseModel):
    model_config = STRICT

    value: float | str


def test_union_member_errors_are_merged_into_one_line(write: Write) -> None:
    path = write(
        """
        value: [1, 2]
        """
    )
    assert problems(path, Override) == ["model.yaml:1:8: value: expected a number or a string, got a list"]


def test_top_level_list_instead_of_mapping(write: Write) -> None:
    path = write(
        """
        - company: Acme
        """
    )
    assert problems(path) == [
        "model.yaml:1:1: (top level): expected a mapping (key: value pairs), got a list"
    ]


def test_check_reporting_a_bad_dict_key_points_at_the_key(write: Write) -> None:
    path = write(
        """
        first_year: 2025
        last_year: 2031
        capex:
          2026: 10.0
          2040: 12.5
        """
    )
    assert problems(path, Timeline, [years_on_timeline]) == [
        "model.yaml:5:3: capex.2040: fiscal year 2040 is not on the timeline 2025-2031"
    ]


def test_check_problems_are_collected_and_sorted_by_line(write: Write) -> None:
    path = write(
        """
        first_year: 2025
        last_year: 2031
        capex:
          2026: 10.0
          2040: 12.5
          2031: -1.0
        """
    )
    checks = [years_on_timeline, capex_not_negative, long_enough]
    assert problems(path, Timeline, checks) == [
        "model.yaml:2:12: last_year: a forecast of 6 years is too short; need at least 10",
        "model.yaml:5:3: capex.2040: fiscal year 2040 is not on the timeline 2025-2031",
        "model.yaml:6:3: capex.2031: capex must not be negative, got -1.0",
    ]


def test_checks_pass_returns_the_model(write: Write) -> None:
    path = write(
        """
        first_year: 2025
        last_year: 2035
        capex: {2026: 10.0}
        """
    )
    data, smap = load_yaml(path)
    timeline = validate(Timeline, data, smap, [years_on_timeline, long_enough])
    assert timeline.capex == {2026: 10.0}


def test_format_problem(write: Write) -> None:
    smap = SourceMap(
        path=Path("model.yaml"),
        marks={(): (1, 1), ("segments",): (2, 3), ("segments", 0): (2, 5)},
        key_marks={("segments",): (1, 1)},
    )
    assert format_problem(smap, ("segments", 0, "growth", 2027), "too fast") == (
        "model.yaml:2:5: segments[0].growth.2027: too fast"
    )
    assert format_problem(smap, ("segments",), "unknown key", key=True) == (
        "model.yaml:1:1: segments: unknown key"
    )


@pytest.mark.parametrize("text", ["010", "-010", "0x10", "0b11", "1:30", "0_7"])
def test_numbers_yaml_11_reads_in_another_base_are_refused(write: Write, text: str) -> None:
    """YAML 1.1 reads 010 as 8, 0x10 as 16 and 1:30 as 90: an analyst never means that."""
    path = write(f"capex: {text}\n")
    with pytest.raises(AssumptionsError) as info:
        load_yaml(path)
    assert info.value.problems == [
        f"model.yaml:1:8: capex: cannot read '{text}': write the number without leading zeros or prefixes"
    ]


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0), ("10", 10), ("0.5", 0.5), ("2027", 2027), ("1_000", 1000)]
)
def test_plain_numbers_still_read(write: Write, text: str, value: float) -> None:
    data, _ = load_yaml(write(f"capex: {text}\n"))
    assert data == {"capex": value}


def test_a_leading_zero_key_is_refused(write: Write) -> None:
    path = write("values:\n  02027: 1.0\n")
    with pytest.raises(AssumptionsError, match=r"model.yaml:2:3: values: cannot read '02027'"):
        load_yaml(path)
