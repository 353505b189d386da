"""Timelines: fiscal and calendar years, quarters, labels, offsets and errors.

Label conventions are those of docs/reference.md: a March year end prints FY27E, a
December year end (or ``calendar: true``) prints 2027E, quarters print 3QFY26A / 4Q25E.
"""

from __future__ import annotations

import pytest

from reportgen.inputs.periods import PeriodError, Timeline, make_timeline, parse_quarter


def fy(fiscal: bool = True) -> Timeline:
    """FY25 reported, FY26-FY31 estimated."""
    return make_timeline("fy", "annual", 2025, 2031, 2025, fiscal=fiscal, year_end="March")


def quarters(fiscal: bool = True) -> Timeline:
    """4QFY25 .. 2QFY27 (seven quarters), reported to 3QFY26."""
    first, last, actual = ("4QFY25", "2QFY27", "3QFY26") if fiscal else ("4Q25", "2Q27", "3Q26")
    return make_timeline("q", "quarterly", first, last, actual, fiscal=fiscal)


@pytest.mark.parametrize(
    ("fiscal", "period", "label"),
    [
        (True, 2025, "FY25A"),
        (True, 2026, "FY26E"),
        (True, 2031, "FY31E"),
        (False, 2025, "2025A"),
        (False, 2027, "2027E"),
    ],
)
def test_year_labels(fiscal: bool, period: int, label: str) -> None:
    assert fy(fiscal).label(period) == label


def test_label_without_suffix_and_span_label() -> None:
    assert fy().label(2027, suffix=False) == "FY27"
    assert fy().span_label == "FY25-FY31"
    assert fy(fiscal=False).span_label == "2025-2031"


def test_year_off_the_timeline_has_no_suffix() -> None:
    assert fy().label(2040) == "FY40"  # not on the timeline: neither actual nor estimate


def test_fiscal_quarters_in_order_with_labels() -> None:
    tl = quarters()
    assert tl.periods == ("4QFY25", "1QFY26", "2QFY26", "3QFY26", "4QFY26", "1QFY27", "2QFY27")
    assert [tl.label(p) for p in tl.periods[1:5]] == ["1QFY26A", "2QFY26A", "3QFY26A", "4QFY26E"]


def test_calendar_quarters_labels() -> None:
    tl = quarters(fiscal=False)
    assert tl.periods[:2] == ("4Q25", "1Q26")
    assert tl.label("4Q25") == "4Q25A"
    assert tl.label("4Q26") == "4Q26E"


def test_quarters_cross_the_year_in_order() -> None:
    tl = make_timeline("q", "quarterly", "3QFY25", "2QFY26", None, fiscal=True)
    # 3Q, 4Q of FY25, then 1Q, 2Q of FY26
    assert tl.periods == ("3QFY25", "4QFY25", "1QFY26", "2QFY26")
    assert tl.label("1QFY26") == "1QFY26E"  # no last_actual: all estimates


@pytest.mark.parametrize(("kind", "per_year"), [("annual", 1), ("quarterly", 4)])
def test_per_year(kind: str, per_year: int) -> None:
    tl = fy() if kind == "annual" else quarters()
    assert tl.per_year == per_year


def test_yoy_offset_is_four_quarters() -> None:
    tl = quarters()
    assert tl.offset("1QFY27", -tl.per_year) == "1QFY26"
    assert tl.offset("2QFY27", -4) == "2QFY26"
    assert tl.offset("3QFY26", -4) is None  # 3QFY25 is before the timeline starts
    assert tl.offset("1QFY27", 2) is None  # 3QFY27 is after it ends


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        ("1QFY26", "1QFY27", 1.0),  # 4 quarters / 4
        ("1QFY26", "4QFY26", 0.75),  # 3 quarters / 4
        ("4QFY25", "2QFY27", 1.5),  # 6 quarters / 4
    ],
)
def test_years_between_quarters(start: str, end: str, years: float) -> None:
    assert quarters().years_between(start, end) == pytest.approx(years)


def test_years_between_years() -> None:
    assert fy().years_between(2026, 2031) == 5  # 2031 - 2026


def test_is_actual_and_span() -> None:
    tl = fy()
    assert tl.is_actual(2025)
    assert not tl.is_actual(2026)
    assert tl.span(2026, 2028) == (2026, 2027, 2028)
    assert tl.span(2028, 2026) == ()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("3QFY26", "3QFY26"),
        ("3qfy26", "3QFY26"),  # case-insensitive
        ("3Q26", "3QFY26"),  # written without FY on a fiscal timeline
        ("3QFY2026", "3QFY26"),  # four-digit year
        (" 1QFY27 ", "1QFY27"),
    ],
)
def test_normalise_quarter(raw: str, key: str) -> None:
    assert quarters().normalise(raw) == key


def test_normalise_year() -> None:
    assert fy().normalise(2027) == 2027


@pytest.mark.parametrize(
    ("timeline", "raw", "message"),
    [
        ("annual", "2027", "expected a year such as 2025"),
        ("annual", True, "expected a year"),
        ("annual", 2040, "FY40 is not on the timeline FY25-FY31"),
        ("annual", 2024, "FY24 is not on the timeline"),
        ("quarterly", 2026, "expected a quarter such as 4QFY25"),
        ("quarterly", "Q3FY26", "expected a quarter such as 3QFY26 or 4Q25"),
        ("quarterly", "5QFY26", "expected a quarter"),
        ("quarterly", "3QFY27", "3QFY27 is not on the timeline 4QFY25-2QFY27"),
    ],
)
def test_normalise_errors(timeline: str, raw: object, message: str) -> None:
    tl = fy() if timeline == "annual" else quarters()
    with pytest.raises(PeriodError, match=message):
        tl.normalise(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "parsed"),
    [("3QFY26", (2026, 3, True)), ("4Q25", (2025, 4, False)), ("1Q2030", (2030, 1, False))],
)
def test_parse_quarter(key: str, parsed: tuple[int, int, bool]) -> None:
    assert parse_quarter(key) == parsed


@pytest.mark.parametrize(
    ("kind", "first", "last", "actual", "message"),
    [
        ("annual", 2031, 2025, None, "ends \\(2025\\) before it starts \\(2031\\)"),
        ("quarterly", "2QFY26", "1QFY26", None, "before it starts"),
        ("annual", "2025", 2031, None, "between years"),
        ("annual", 1, 1000, None, "1000 periods"),
        ("annual", 2025, 2031, 2040, "not on the timeline"),
        ("quarterly", "1QFY26", "4QFY26", "1QFY25", "not on the timeline"),
    ],
)
def test_make_timeline_errors(kind: str, first: object, last: object, actual: object, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        make_timeline("t", kind, first, last, actual, fiscal=True)  # type: ignore[arg-type]
