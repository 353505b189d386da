"""exhibits.yaml and narrative.yaml checked against the model run, and figures too large to print.

Each check yields ``(location, message)`` for :func:`reportgen.inputs.explain.validate`: every
table, row and chart names lines, periods and scenarios the run has; the narrative places each
exhibit once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reportgen.exhibits.dataset_checks import (
    DATASET_CHARTS,
    DATASET_TABLES,
    check_dataset_chart,
    check_dataset_table,
    check_image,
)
from reportgen.exhibits.formatting import MAX_PRINTABLE
from reportgen.exhibits.images import Picture
from reportgen.inputs.checks import checked_period, checked_span, unique_keys
from reportgen.inputs.datasets import Dataset
from reportgen.inputs.periods import Timeline
from reportgen.inputs.schema import ChartSpec, ExhibitsFile, NarrativeFile, RowSpec, TableSpec, ValuationFile
from reportgen.inputs.sourcemap import Loc, SourceMap, format_problem
from reportgen.model.checks import known_line
from reportgen.model.engine import ModelRun


def oversized(run: ModelRun, smap: SourceMap) -> Iterator[str]:
    """Lines whose values grow past what can be printed (compounding a typo): named, not a traceback."""
    for case in run.cases.values():
        for key, line in case.lines.items():
            for period, value in zip(line.timeline.periods, line.values, strict=True):
                if not math.isnan(value) and not abs(value) < MAX_PRINTABLE:
                    where = f" in the {case.key} case" if case is not run.base else ""
                    yield format_problem(
                        smap,
                        ("lines", key),
                        f"reaches {value:.3g} in {line.timeline.label(period)}{where}; figures beyond "
                        f"{MAX_PRINTABLE:.0e} cannot be printed: check the units and growth rates",
                    )
                    break


def exhibits_checker(
    run: ModelRun,
    valuation: ValuationFile | None,
    datasets: Mapping[str, Dataset] | None = None,
    folder: Path | None = None,
    pictures: dict[str, Picture] | None = None,
) -> Any:
    """Every exhibit against what it draws: model lines, the valuation, datasets, picture files
    (each picture that passes is kept in ``pictures``, so it is read once).

    ``datasets`` is None when datasets.yaml has problems of its own: exhibits that show a dataset
    are then not checked, rather than each reported as naming a missing one.
    """

    def check(exhibits: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(exhibits, ExhibitsFile)
        for key in exhibits.tables.keys() & exhibits.charts.keys():
            yield ("charts", key), f"'{key}' is also a table key: exhibit keys must be unique"
        for key in exhibits.images.keys() & (exhibits.tables.keys() | exhibits.charts.keys()):
            yield ("images", key), f"'{key}' is also a table or chart key: exhibit keys must be unique"
        for key, table in exhibits.tables.items():
            if table.kind in DATASET_TABLES:
                if datasets is not None:
                    yield from check_dataset_table(table, datasets, ("tables", key))
                continue
            if table.dataset is not None:
                yield ("tables", key, "dataset"), f"a {table.kind} table shows model lines, not a dataset"
            yield from _check_table(run, table, ("tables", key))
            if valuation is not None:
                yield from _check_valuation_table(table, valuation, ("tables", key))
        for key, chart in exhibits.charts.items():
            if chart.kind in DATASET_CHARTS or chart.dataset is not None:
                if datasets is not None:
                    yield from check_dataset_chart(chart, datasets, ("charts", key))
                continue
            yield from _check_chart(run, chart, ("charts", key))
        for key, image in exhibits.images.items():
            if folder is not None:
                yield from check_image(image, folder, ("images", key), pictures)

    return check


def _timeline_of(run: ModelRun, key: str | None, loc: Loc) -> tuple[Timeline | None, list[tuple[Loc, str]]]:
    if key is None:
        return run.timeline, []
    if key not in run.timelines:
        return None, [((*loc, "timeline"), f"unknown timeline '{key}'; have {', '.join(run.timelines)}")]
    return run.timelines[key], []


def _check_cases(run: ModelRun, cases: list[str] | None, loc: Loc) -> Iterator[tuple[Loc, str]]:
    for i, case in enumerate(cases or []):
        if case not in run.cases:
            yield (*loc, i), f"unknown scenario '{case}'; have {', '.join(run.cases)}"


def _check_table(run: ModelRun, table: TableSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    tl, problems = _timeline_of(run, table.timeline, loc)
    yield from problems
    if tl is None:
        return
    periods, problems = checked_span(tl, table.periods, (*loc, "periods"), "periods")
    yield from problems
    if table.cagr is not None:
        span, problems = checked_span(tl, table.cagr, (*loc, "cagr"), "cagr")
        yield from problems
        if len(span) == 1:
            yield (*loc, "cagr"), "a CAGR needs two different periods"
    yield from _check_cases(run, table.scenarios, (*loc, "scenarios"))
    if table.kind == "revisions":
        if not table.lines:
            yield (*loc, "lines"), "a revisions table lists the lines to compare"
        for i, key in enumerate(table.lines):
            bad = list(known_line(run, key, (*loc, "lines", i)))
            yield from bad
        return
    if table.kind in ("valuation", "sensitivity", "bridge"):
        return
    if not table.rows:
        yield (*loc, "rows"), "a table needs rows"
    for i, row in enumerate(table.rows):
        yield from _check_row(run, row, (*loc, "rows", i), tl, periods, table.scenarios)


def _check_valuation_table(table: TableSpec, v: ValuationFile, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """A valuation table names a method of valuation.yaml; a sensitivity table one of its grids."""
    methods = [m.key for m in v.methods]
    grids = [s.key for s in v.sensitivities]
    if table.method is not None and table.kind != "valuation":
        yield (*loc, "method"), "method belongs to a valuation table"
    elif table.method is not None and table.method not in methods:
        yield (*loc, "method"), f"no method '{table.method}' in valuation.yaml; have {', '.join(methods)}"
    if table.kind == "sensitivity":
        if table.sensitivity is None:
            yield loc, "a sensitivity table names its grid: sensitivity: <key in valuation.yaml>"
        elif table.sensitivity not in grids:
            have = ", ".join(grids) or "none"
            yield (
                (*loc, "sensitivity"),
                f"no sensitivity '{table.sensitivity}' in valuation.yaml; have {have}",
            )
    elif table.sensitivity is not None:
        yield (*loc, "sensitivity"), "sensitivity belongs to a sensitivity table"


def _check_row(
    run: ModelRun, row: RowSpec, loc: Loc, tl: Timeline, periods: tuple[Any, ...], cases: list[str] | None
) -> Iterator[tuple[Loc, str]]:
    kinds = [k for k in ("line", "yoy", "ratio", "heading", "price_multiple") if getattr(row, k) is not None]
    if len(kinds) != 1:
        yield (
            loc,
            "give exactly one of line, yoy, ratio, heading or price_multiple"
            + (f" (got {', '.join(kinds)})" if kinds else ""),
        )
        return
    kind = kinds[0]
    if row.scenario is not None:
        yield from _check_cases(run, [row.scenario], (*loc, "scenario"))
    if kind == "heading":
        return
    keys = [(k, (*loc, kind, i)) for i, k in enumerate(row.ratio or [])] if kind == "ratio" else []
    if kind == "ratio" and len(row.ratio or []) != 2:
        yield (*loc, "ratio"), "expected [numerator, denominator]"
        return
    if kind != "ratio":
        keys = [(getattr(row, kind), (*loc, kind))]
    if row.with_share:
        keys.append((row.with_share, (*loc, "with_share")))
    bad = False
    for key, where in keys:
        for problem in known_line(run, key, where):
            bad = True
            yield problem
        if not bad and run.lines[key].timeline is not tl:
            bad = True
            yield where, f"'{key}' is on timeline '{run.lines[key].timeline.key}', not the table's '{tl.key}'"
    if bad or kind != "line":
        return
    assert row.line is not None
    for case in cases or [row.scenario or run.base.key]:
        line = run.line(row.line, case) if case in run.cases else run.lines[row.line]
        missing = [tl.label(p) for p in periods if math.isnan(line.value(p))]
        if missing:
            yield (
                (*loc, "line"),
                f"'{row.line}' has no value for {', '.join(missing)}, which the table shows; "
                "give values or narrow the table's periods",
            )
            return


def _check_chart(run: ModelRun, chart: ChartSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    tl, problems = _timeline_of(run, chart.timeline, loc)
    yield from problems
    if tl is None:
        return
    yield from checked_span(tl, chart.periods, (*loc, "periods"), "periods")[1]
    if chart.period is not None:
        yield from checked_period(tl, chart.period, (*loc, "period"))[1]
    yield from _check_cases(run, chart.scenarios, (*loc, "scenarios"))
    if chart.data == "bridge":
        if chart.kind != "waterfall":
            yield (*loc, "data"), "a target bridge is drawn as a waterfall"
        return
    if chart.kind == "football_field":
        return
    if chart.data == "valuation":
        if chart.kind not in ("horizontal_bars", "waterfall"):
            yield (*loc, "data"), "valuation data is drawn as horizontal_bars or waterfall"
        return
    if not chart.lines:
        yield (*loc, "lines"), "a chart needs at least one line"
    refs = [(k, (*loc, "lines", i)) for i, k in enumerate(chart.lines)]
    refs += [(k, (*loc, "labels", k)) for k in chart.labels if k not in chart.lines]
    if chart.total:
        refs.append((chart.total, (*loc, "total")))
    if chart.rhs is not None:
        given = [k for k in ("line", "yoy", "share") if getattr(chart.rhs, k) is not None]
        if len(given) != 1:
            yield (*loc, "rhs"), "give exactly one of line, yoy or share"
        if chart.rhs.line:
            refs.append((chart.rhs.line, (*loc, "rhs", "line")))
        if chart.rhs.yoy:
            refs.append((chart.rhs.yoy, (*loc, "rhs", "yoy")))
        for i, k in enumerate(chart.rhs.share or []):
            refs.append((k, (*loc, "rhs", "share", i)))
    for key, where in refs:
        bad = list(known_line(run, key, where))
        yield from bad
        if not bad and run.lines[key].timeline is not tl:
            yield where, f"'{key}' is on timeline '{run.lines[key].timeline.key}', not the chart's '{tl.key}'"
    if chart.kind in ("horizontal_bars", "waterfall") and chart.period is None:
        yield (*loc, "period"), f"a {chart.kind} chart of lines shows one period: give period"


def narrative_checker(exhibits: ExhibitsFile | None) -> Any:
    def check(narrative: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(narrative, NarrativeFile)
        yield from unique_keys(narrative.sections, ("sections",), "section")
        if exhibits is None:
            return
        known = [*exhibits.tables, *exhibits.charts, *exhibits.images]
        placed: dict[str, Loc] = {}
        spots: list[tuple[str, Loc]] = []
        if narrative.cover_table is not None:
            spots.append((narrative.cover_table, ("cover_table",)))
        for i, section in enumerate(narrative.sections):
            for j, item in enumerate(section.exhibits):
                if isinstance(item, str):
                    spots.append((item, ("sections", i, "exhibits", j)))
                    continue
                if len(item) != 2:
                    yield ("sections", i, "exhibits", j), "a row of exhibits pairs two: [left, right]"
                spots += [(key, ("sections", i, "exhibits", j, k)) for k, key in enumerate(item)]
        for key, loc in spots:
            if key not in known:
                hint = get_close_matches(key, known, n=1)
                yield (
                    loc,
                    f"no exhibit '{key}' in exhibits.yaml" + (f"; did you mean '{hint[0]}'?" if hint else ""),
                )
            elif key in placed:
                yield loc, f"exhibit '{key}' is placed twice; each exhibit appears once"
            placed[key] = loc
        if narrative.cover_table is not None and narrative.cover_table in exhibits.charts:
            yield ("cover_table",), f"'{narrative.cover_table}' is a chart; the cover takes a table"
        if not any(s.risks for s in narrative.sections):
            yield ("sections",), "no section prints the risks: add 'risks: true' to one"

    return check
