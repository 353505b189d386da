"""Checked results.yaml -> Results: beat/miss against estimate and consensus, reconciliation, exhibits.

Pure: numbers stay raw floats in frozen objects; templates format them. Nothing here
knows a company: items, labels and units come from the note's results.yaml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from reportgen.exhibits.prose_values import Namespace
from reportgen.exhibits.table import Column, Row, Table, unit_label
from reportgen.inputs.periods import parse_quarter
from reportgen.inputs.schema import CompanyFile, House
from reportgen.inputs.units import PERCENT, Unit, parse_unit
from reportgen.model.line import Quantity
from reportgen.model.ratios import Ratio, growth
from reportgen.results.load import LoadedResults
from reportgen.results.reconcile import Approx, Check, judge_equal, judge_growth
from reportgen.results.schema import Cite, Quote, ReportedItem, Topic
from reportgen.results.transcript import speakers_of

Flag = Literal["beat", "in line", "miss"]
YearAgoSource = Literal["stated", "derived", "analyst"]


def judge(actual: float, expected: float, band: float, percent: bool, better: str) -> tuple[float, Flag]:
    """Difference from an expectation and its flag.

    Levels compare in % of the expectation's size; percentages in percentage points.
    Within ``band`` either way is 'in line'; for costs and losses (``better='lower'``)
    coming in below the expectation is the beat.
    """
    diff = actual - expected if percent else (actual - expected) / abs(expected)
    signed = diff if better == "higher" else -diff
    if signed > band + 1e-12:
        return diff, "beat"
    if signed < -band - 1e-12:
        return diff, "miss"
    return diff, "in line"


@dataclass(frozen=True)
class Comparison:
    """Actual against one expectation."""

    expected: float
    diff: float
    flag: Flag


@dataclass(frozen=True)
class Figure:
    """One reported item, with its year-ago level, recomputed growth and comparisons."""

    key: str
    item: ReportedItem
    unit: Unit
    actual: float | None
    year_ago: float | None
    year_ago_source: YearAgoSource | None
    yoy: Ratio
    stated_growth: float | None
    vs_estimate: Comparison | None
    vs_consensus: Comparison | None
    decimals: int

    @property
    def percent(self) -> bool:
        return self.unit == PERCENT

    @property
    def quantity(self) -> Quantity | None:
        """The reported level with its unit, for the money / pct filters."""
        return None if self.actual is None else Quantity(self.actual, self.unit)

    @property
    def growth(self) -> float | None:
        """Growth for the chart: recomputed from the levels where both are stated, else as stated."""
        if self.year_ago_source in ("stated", "derived") and isinstance(self.yoy, float):
            return self.yoy
        return self.stated_growth


@dataclass(frozen=True)
class PrintedQuote:
    """A verified quote with where it starts in the transcript."""

    quote: Quote
    line: int


@dataclass(frozen=True)
class Results:
    """Everything a results note adds to a deep dive's context."""

    quarter: str
    quarter_label: str
    figures: tuple[Figure, ...]
    checks: tuple[Check, ...]
    quotes: tuple[PrintedQuote, ...]
    topics: tuple[tuple[Topic, int], ...]
    tables: dict[str, Table]
    band: float
    loaded: LoadedResults

    @property
    def warnings(self) -> tuple[str, ...]:
        """Reconciliation failures, one sentence each, for the build's stderr."""
        return tuple(f"{c.label}: {c.detail}" for c in self.checks if c.warning)

    @property
    def headline(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.item.headline)

    @property
    def chart_figures(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.item.chart and f.growth is not None)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def quarter_label(quarter: str) -> str:
    """'3qfy22' -> '3QFY22' (the model's label style)."""
    year, q, fiscal = parse_quarter(quarter)
    return f"{q}Q{'FY' if fiscal else ''}{year % 100:02d}"


def _places(value: float, percent: bool) -> int:
    x = round(abs(value) * (100 if percent else 1), 9)
    text = f"{x:.9f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _decimals(item: ReportedItem, percent: bool) -> int:
    """Print a row to the most decimals any of its figures is written with."""
    values = [
        item.actual.value if item.actual else None,
        item.year_ago.value if item.year_ago else None,
        item.estimate,
        item.consensus,
    ]
    return max((_places(v, percent) for v in values if v is not None), default=0)


def build_figure(key: str, item: ReportedItem, band: float) -> Figure:
    """One item: year-ago level from the call (stated or level less stated change) or the analyst."""
    unit = parse_unit(item.unit)
    percent = unit == PERCENT
    actual = item.actual.value if item.actual else None
    year_ago: float | None = None
    source: YearAgoSource | None = None
    if item.year_ago is not None:
        year_ago = item.year_ago.value
        source = "stated" if item.year_ago.cite is not None else "analyst"
    elif actual is not None and item.change is not None:
        year_ago, source = actual - item.change.value, "derived"

    def compare(expected: float | None) -> Comparison | None:
        if expected is None or actual is None:
            return None
        diff, flag = judge(actual, expected, band, percent, item.better)
        return Comparison(expected, diff, flag)

    return Figure(
        key=key,
        item=item,
        unit=unit,
        actual=actual,
        year_ago=year_ago,
        year_ago_source=source,
        yoy=growth(actual, year_ago) if not percent else math.nan,
        stated_growth=item.growth.value if item.growth else None,
        vs_estimate=compare(item.estimate),
        vs_consensus=compare(item.consensus),
        decimals=_decimals(item, percent),
    )


def _fmt(value: float, unit: Unit) -> str:
    text = f"{value * 100:.1f}%" if unit == PERCENT else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if unit == PERCENT else f"{text} {unit}"


def reconcile(figures: tuple[Figure, ...], loaded: LoadedResults) -> tuple[Check, ...]:
    """Every check the stated figures allow: growth vs levels, change vs levels, totals vs parts."""
    out: list[Check] = []
    for f in figures:
        item = f.item
        if item.actual is None or f.percent:
            continue
        actual = Approx.stated(item.actual.value)
        previous: Approx | None = None
        how = ""
        if item.year_ago is not None:
            previous = Approx.stated(item.year_ago.value)
            how = "the stated year-ago level" if item.year_ago.cite else "the analyst's year-ago input"
        elif item.change is not None:
            previous = actual - Approx.stated(item.change.value)
            how = f"the level less the stated change of {_fmt(item.change.value, f.unit)}"
        if previous is None and item.growth_base is not None:
            base = next(b for b in figures if b.key == item.growth_base)
            if base.item.year_ago is not None:
                previous = Approx.stated(base.item.year_ago.value)
            elif base.item.actual is not None and base.item.change is not None:
                previous = Approx.stated(base.item.actual.value) - Approx.stated(base.item.change.value)
            how = f"the year-ago level of {base.item.label}"
        if item.year_ago is not None and item.change is not None:
            implied = actual - Approx.stated(item.change.value)
            status = judge_equal(previous or implied, implied)
            out.append(
                Check(
                    f"{f.key}.change",
                    f"{item.label}: change vs levels",
                    status,
                    f"{_fmt(item.actual.value, f.unit)} less the stated change "
                    f"{_fmt(item.change.value, f.unit)} gives {_fmt(implied.value, f.unit)}; "
                    f"year-ago level {_fmt(item.year_ago.value, f.unit)}",
                )
            )
        if item.growth is not None and previous is not None:
            stated = Approx.stated(item.growth.value, percent=True)
            status, point = judge_growth(stated, actual, previous)
            out.append(
                Check(
                    f"{f.key}.growth",
                    f"{item.label}: stated growth vs levels",
                    status,
                    f"stated {item.growth.value * 100:+.0f}% (line {_line(loaded, item.growth.cite)}); "
                    f"{_fmt(item.actual.value, f.unit)} on {how} ({_fmt(previous.value, f.unit)}) "
                    f"gives {point * 100:+.1f}%",
                )
            )
    by_key = {f.key: f for f in figures}
    for check in loaded.spec.checks:
        total_fig = by_key[check.total]
        assert total_fig.item.actual is not None
        total = Approx.stated(total_fig.item.actual.value)
        parts = Approx(0.0)
        words: list[str] = []
        for ref in check.parts:
            fig = by_key[ref.lstrip("-")]
            assert fig.item.actual is not None
            part = Approx.stated(fig.item.actual.value)
            scale = fig.unit.scale / total_fig.unit.scale
            part = Approx(part.value * scale, part.error * scale)
            parts = parts - part if ref.startswith("-") else parts + part
            sign = "less" if ref.startswith("-") else "plus"
            lead = sign if words or sign == "less" else ""
            words.append(f"{lead} {fig.item.label} {_fmt(fig.item.actual.value, fig.unit)}".strip())
        status = judge_equal(total, parts)
        out.append(
            Check(
                check.key,
                check.label,
                status,
                f"{total_fig.item.label} {_fmt(total.value, total_fig.unit)} (line "
                f"{_line(loaded, total_fig.item.actual.cite)}) against {' '.join(words)} = "
                f"{_fmt(parts.value, total_fig.unit)}",
            )
        )
    return tuple(out)


def _line(loaded: LoadedResults, cite: Cite) -> str:
    found = loaded.transcript.find(cite.text, cite.line)
    return str(found) if found is not None else "?"


def build_results(loaded: LoadedResults, company: CompanyFile, house: House) -> Results:
    """The results stage: figures, checks, verified quotes with their lines, tables."""
    spec = loaded.spec
    band = house.results.in_line_band
    figures = tuple(build_figure(key, item, band) for key, item in spec.items.items())
    label = quarter_label(spec.quarter)
    quotes = tuple(
        PrintedQuote(q, loaded.transcript.find(q.text, q.line) or _turn_line(loaded, q)) for q in spec.quotes
    )
    topics = tuple((t, loaded.transcript.find(t.cite.text, t.cite.line) or 0) for t in spec.topics)
    tables = {
        "results_beat_miss": beat_miss_table(figures, company, label, band),
        "results_kpis": kpi_table(figures, company, label),
    }
    return Results(
        quarter=spec.quarter,
        quarter_label=label,
        figures=figures,
        checks=reconcile(figures, loaded),
        quotes=quotes,
        topics=topics,
        tables={k: v for k, v in tables.items() if v.rows},
        band=band,
        loaded=loaded,
    )


def _turn_line(loaded: LoadedResults, quote: Quote) -> int:
    """A quote spanning lines inside one turn: the line of the turn that holds it."""
    turns = [t for t in speakers_of(loaded.transcript, quote.text) if t.speaker == quote.speaker]
    return turns[0].first if turns else 0


# --------------------------------------------------------------------------- exhibits


def _row_label(f: Figure, company: CompanyFile) -> str:
    unit = unit_label(f.unit, company)
    return f"{f.item.label} ({unit})" if unit and not f.percent else f.item.label


def _num(value: float | None) -> float:
    return math.nan if value is None else value


def _style(f: Figure) -> tuple[str, ...]:
    return (f"indent{f.item.indent}",) if f.item.indent else ()


def beat_miss_table(figures: tuple[Figure, ...], company: CompanyFile, quarter: str, band: float) -> Table:
    """Reported vs our estimate vs consensus, by segment: levels, yoy recomputed, differences, flags."""
    cols = (
        Column(f"{quarter}A", actual=True),
        Column("Year ago", actual=True),
        Column("yoy", kind="pct", decimals=0),
        Column("Our est."),
        Column("vs est.", kind="pct", decimals=1),
        Column("Consensus"),
        Column("vs cons.", kind="pct", decimals=1),
        Column("Verdict", kind="text"),
    )
    rows: list[Row] = []
    analyst_year_ago: list[str] = []
    derived: list[str] = []
    for f in figures:
        if f.item.kind != "financial" or f.actual is None:
            continue
        if f.year_ago_source == "analyst":
            analyst_year_ago.append(f.item.label)
        if f.year_ago_source == "derived":
            derived.append(f.item.label)
        est, cons = f.vs_estimate, f.vs_consensus
        # Stated / derived year-ago levels: recomputed; an analyst's year-ago: the call's own rate.
        shown = f.growth if f.growth is not None else f.yoy
        yoy = shown if isinstance(shown, float) else math.nan
        rows.append(
            Row(
                _row_label(f, company),
                (
                    f.actual,
                    _num(f.year_ago),
                    yoy,
                    _num(est.expected if est else None),
                    _num(est.diff if est else None),
                    _num(cons.expected if cons else None),
                    _num(cons.diff if cons else None),
                    cons.flag if cons else "",
                ),
                "num",
                f.decimals,
                _style(f),
            )
        )
    notes = [
        f"Verdict against consensus. In line: within {band * 100:g}% of the expectation (percentage points "
        "for ratios), the house band; for losses a smaller loss than expected is a beat. yoy is recomputed "
        "from the two levels where the call gives both, otherwise as stated on the call.",
        "Our estimate and consensus are the analyst's inputs, not figures from the call.",
    ]
    if derived:
        notes.append(
            f"Year ago derived from the level and the change stated on the call: {', '.join(derived)}."
        )
    if analyst_year_ago:
        notes.append(
            f"Year ago is the analyst's input (not stated on the call): {', '.join(analyst_year_ago)}; "
            "yoy there is the growth stated on the call."
        )
    return Table(
        "results_beat_miss",
        f"{quarter} reported against our estimate and consensus",
        "",
        cols,
        tuple(rows),
        "Source: company earnings call (reported figures); analyst's estimates and consensus inputs",
        tuple(notes),
    )


def kpi_table(figures: tuple[Figure, ...], company: CompanyFile, quarter: str) -> Table:
    """Operating KPIs as stated on the call, with the year-ago level where the call gives it."""
    kpis = [f for f in figures if f.item.kind == "kpi"]
    with_year_ago = any(f.year_ago is not None for f in kpis)
    cols = (
        Column(f"{quarter}A", actual=True),
        *((Column("Year ago", actual=True),) if with_year_ago else ()),
        Column("Stated yoy", kind="pct", decimals=0),
    )
    rows = tuple(
        Row(
            _row_label(f, company),
            (
                _num(f.actual),
                *((_num(f.year_ago),) if with_year_ago else ()),
                _num(f.stated_growth),
            ),
            "pct" if f.percent else "num",
            f.decimals,
            _style(f),
        )
        for f in kpis
    )
    return Table(
        "results_kpis",
        f"{quarter} operating indicators stated on the call",
        "",
        cols,
        rows,
        "Source: company earnings call",
        ("n/a: not stated on the call.",),
    )


# --------------------------------------------------------------------------- prose values


def prose_values(results: Results) -> dict[str, object]:
    """What the analyst's text may quote: each item's levels as quantities, its ratios as numbers."""
    items: dict[str, object] = {}
    for f in results.figures:
        values: dict[str, object] = {"label": f.item.label}
        for name, value in (
            ("actual", f.actual),
            ("year_ago", f.year_ago),
            ("estimate", f.item.estimate),
            ("consensus", f.item.consensus),
        ):
            if value is not None:
                values[name] = Quantity(value, f.unit)
        if f.year_ago is not None and isinstance(f.yoy, float) and not math.isnan(f.yoy):
            values["yoy"] = f.yoy
        if f.stated_growth is not None:
            values["stated_growth"] = f.stated_growth
        for name, comp in (("estimate", f.vs_estimate), ("consensus", f.vs_consensus)):
            if comp is not None:
                values[f"vs_{name}"] = comp.diff
                values[f"{name}_flag"] = comp.flag
        items[f.key] = Namespace(**values)
    return {"results": Namespace(quarter=results.quarter_label, **items)}
