"""Load a note's assumption files into one validated, frozen Assumptions object.

A note is a folder under ``assumptions/`` holding company.yaml, model.yaml,
valuation.yaml, exhibits.yaml and narrative.yaml (and optionally prices.csv); the
house profile is ``assumptions/house.yaml``. Every file is checked in full and all problems of all
files are reported together, each as ``file:line:col: field: message``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

from pydantic import BaseModel

from reportgen.errors import AssumptionsError, ModelError
from reportgen.model.engine import CompiledModel, ModelRun, compile_model, run_model
from reportgen.periods import MONTHS, PeriodError, Timeline
from reportgen.prices import PRICES_FILE, PriceHistory, load_prices
from reportgen.schema import (
    ChartSpec,
    CompanyFile,
    ExhibitsFile,
    House,
    Listing,
    ModelFile,
    NarrativeFile,
    RowSpec,
    TableSpec,
    ValuationFile,
)
from reportgen.yamlsource import Loc, SourceMap, load_yaml, validate

HOUSE_FILE = "house.yaml"
NOTE_FILES = ("company.yaml", "model.yaml", "valuation.yaml", "exhibits.yaml", "narrative.yaml")
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
COLOUR_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: Implied prices of two listings of the same shares may differ by this much at most.
MAX_LISTING_GAP = 0.03

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Assumptions:
    """Everything one note needs, validated, with its model already run. ``slug`` names the output."""

    slug: str
    folder: Path
    house: House
    company: CompanyFile
    model: ModelFile
    valuation: ValuationFile
    exhibits: ExhibitsFile
    narrative: NarrativeFile
    compiled: CompiledModel = field(compare=False, repr=False)
    run: ModelRun = field(compare=False, repr=False)
    prices: PriceHistory | None = None
    logo: Path | None = None
    narrative_source: SourceMap | None = field(default=None, compare=False, repr=False)


def find_notes(root: Path) -> list[Path]:
    """Note folders under ``root`` (or ``root`` itself), sorted for a stable build order."""
    if (root / "company.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "company.yaml").is_file())


def house_path_for(note_folder: Path) -> Path:
    """The house profile beside the note folders (assumptions/house.yaml)."""
    return note_folder.parent / HOUSE_FILE


def load_assumptions(folder: Path, house_file: Path | None = None) -> Assumptions:
    """Read and validate every file of one note, compile and run its model, then check the
    exhibits and narrative against the numbers; raise one AssumptionsError for all problems."""
    problems: list[str] = []
    sources: dict[str, SourceMap] = {}
    house_file = house_file or house_path_for(folder)

    def load(path: Path, model: type[M], checks: Iterable[Any] = ()) -> M | None:
        try:
            data, smap = load_yaml(path)
            sources[path.name] = smap
            return validate(model, data, smap, checks=list(checks))  # type: ignore[return-value]
        except AssumptionsError as exc:
            problems.extend(exc.problems)
            return None

    house = load(house_file, House, [_check_house, _logo_checker(house_file.parent)])
    company_checks = [_check_company, *([_rating_checker(house)] if house else [])]
    company = load(folder / "company.yaml", CompanyFile, company_checks)
    compiled: list[CompiledModel] = []
    model_checks = [_model_checker(company, compiled)] if company else []
    model = load(folder / "model.yaml", ModelFile, model_checks)
    run = None
    if compiled:
        try:
            run = run_model(compiled[0])
        except ModelError as exc:
            problems.append(exc.format_message())
    valuation = load(folder / "valuation.yaml", ValuationFile, [_valuation_checker(run)] if run else [])
    exhibits = load(folder / "exhibits.yaml", ExhibitsFile, [_exhibits_checker(run)] if run else [])
    narrative = load(folder / "narrative.yaml", NarrativeFile, [_narrative_checker(exhibits)])
    prices = None
    if company is not None and (folder / PRICES_FILE).is_file():
        try:
            prices = load_prices(folder / PRICES_FILE, company)
        except AssumptionsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AssumptionsError(problems)
    assert house and company and model and valuation and exhibits and narrative and run and compiled
    return Assumptions(
        slug=folder.name,
        folder=folder,
        house=house,
        company=company,
        model=model,
        valuation=valuation,
        exhibits=exhibits,
        narrative=narrative,
        compiled=compiled[0],
        run=run,
        prices=prices,
        logo=house_file.parent / house.logo if house.logo else None,
        narrative_source=sources["narrative.yaml"],
    )


# --------------------------------------------------------------------------- checks
# Each check yields (location, message); yamlsource maps the location to file:line:col.


def _check_house(house: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(house, House)
    bands = house.rating_scheme
    for i, band in enumerate(bands[:-1]):
        if band.min_return is None:
            yield ("rating_scheme", i, "min_return"), "every rating but the last needs a min_return"
        elif i and bands[i - 1].min_return is not None and band.min_return >= bands[i - 1].min_return:  # type: ignore[operator]
            yield ("rating_scheme", i, "min_return"), "thresholds must fall from one rating to the next"
    if bands[-1].min_return is not None:
        yield (
            ("rating_scheme", len(bands) - 1, "min_return"),
            "the last rating catches everything below: leave min_return out",
        )
    for name in ("primary", "accent", "muted", "rule", "series1"):
        if name not in house.colours:
            yield ("colours",), f"colour '{name}' is required"
    for name, value in house.colours.items():
        if not COLOUR_NAME.fullmatch(name):
            # The name becomes a CSS custom property (--name): anything else could inject CSS.
            yield (
                ("colours", name),
                f"colour names are letters, digits and '-' (like 'series1'), got {name!r}",
            )
        elif not HEX_COLOUR.fullmatch(value):
            yield ("colours", name), f"expected a colour like '#0B3C5D', got {value!r}"


def _is_svg(path: Path) -> bool:
    """Well-formed XML whose root is <svg>: what WeasyPrint and browsers can draw."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return False
    return root.tag.rsplit("}", 1)[-1] == "svg"


def _logo_checker(folder: Path) -> Any:
    def check(house: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(house, House)
        if house.logo is None:
            return
        path = folder / house.logo
        if Path(house.logo).is_absolute() or ".." in Path(house.logo).parts:
            yield ("logo",), "give the logo as a file name beside house.yaml"
        elif path.suffix.lower() not in {".svg", ".png"}:
            yield ("logo",), f"expected an .svg or .png file, got {house.logo!r}"
        elif not path.is_file():
            yield ("logo",), f"no file {house.logo!r} beside house.yaml"
        else:
            ok = (
                _is_svg(path)
                if path.suffix.lower() == ".svg"
                else path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            )
            if not ok:
                yield ("logo",), f"{house.logo!r} is not a readable {path.suffix.lower()[1:].upper()} image"

    return check


def _rating_checker(house: House) -> Any:
    def check(company: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(company, CompanyFile)
        names = [band.name for band in house.rating_scheme]
        previous = company.note.previous_rating
        if previous is not None and previous not in names:
            yield (
                ("note", "previous_rating"),
                f"expected one of {', '.join(names)} (house.yaml), got {previous!r}",
            )

    return check


def _unique_keys(items: Iterable[Any], loc: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    """Each item's ``key`` may appear once: a repeated key would silently shadow the first."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.key in seen:
            yield (*loc, i, "key"), f"{what} key '{item.key}' is used twice"
        seen.add(item.key)


def _check_company(company: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(company, CompanyFile)
    yield from _unique_keys(company.listings, ("listings",), "listing")
    for i, listing in enumerate(company.listings):
        if listing.currency not in company.fx and listing.currency != company.company.reporting_currency:
            yield (
                ("listings", i, "currency"),
                f"no FX rate for {listing.currency} in fx (have {', '.join(company.fx)})",
            )
    for code, rate in company.fx.items():
        if rate <= 0:
            yield ("fx", code), f"FX rate must be positive, got {rate}"
    if company.note.price_date > company.note.date:
        yield ("note", "price_date"), "price_date is after the publication date"
    if not any(a.certifying for a in company.analysts):
        yield ("analysts",), "at least one analyst must certify the note (certifying: true)"
    reporting = company.company.reporting_currency

    def per_share(listing: Listing) -> float | None:
        fx = 1.0 if listing.currency == reporting else company.fx.get(listing.currency)
        return None if fx is None else listing.price * fx / listing.shares_per_unit

    if any(rate <= 0 for rate in company.fx.values()):
        return  # the rate is wrong; comparing prices through it would only mislead
    lead = per_share(company.listings[0])
    for i, listing in enumerate(company.listings[1:], start=1):
        other = per_share(listing)
        if lead and other and abs(other / lead - 1) > MAX_LISTING_GAP:
            yield (
                ("listings", i, "price"),
                f"at the FX rates this price is {other / lead - 1:+.1%} away from the "
                f"{company.listings[0].security}'s per share; check the price, FX rate or shares per unit",
            )

    if company.company.fiscal_year_end not in MONTHS:
        yield (
            ("company", "fiscal_year_end"),
            f"expected a month name such as March or December, got {company.company.fiscal_year_end!r}",
        )


def _model_checker(company: CompanyFile | None, out: list[CompiledModel]) -> Any:
    """Compile the model (periods, units, references, cycles); keep the result for the build."""

    def check(model: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(model, ModelFile) and company is not None
        if company.company.fiscal_year_end not in MONTHS:
            return  # reported against company.yaml
        compiled, problems = compile_model(model, company)
        yield from problems
        if compiled is not None:
            out.append(compiled)

    return check


def _period(tl: Timeline, raw: Any, loc: Loc) -> tuple[Any, list[tuple[Loc, str]]]:
    """``raw`` as a period of ``tl``, or the problem with it."""
    try:
        return tl.normalise(raw), []
    except PeriodError as exc:
        return None, [(loc, str(exc))]


def _known_line(run: ModelRun, key: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if key not in run.lines:
        hint = get_close_matches(key, list(run.lines), n=1)
        yield loc, f"unknown line '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")


def _valuation_checker(run: ModelRun) -> Any:
    def check(valuation: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(valuation, ValuationFile)
        yield from _unique_keys(valuation.parts, ("parts",), "part")
        bad = list(_known_line(run, valuation.shares, ("shares",)))
        for i, part in enumerate(valuation.parts):
            bad += list(_known_line(run, part.metric, ("parts", i, "metric")))
        yield from bad
        if bad:
            return
        shares = run.lines[valuation.shares]
        year, problems = _period(shares.timeline, valuation.year, ("year",))
        yield from problems
        if year is None:
            return
        if "share" not in dict(shares.unit.dims):
            yield (
                ("shares",),
                f"'{valuation.shares}' is in {shares.unit}; expected a share count such as 'mn shares'",
            )
        first = run.lines[valuation.parts[0].metric].unit
        for i, part in enumerate(valuation.parts):
            metric = run.lines[part.metric]
            if metric.timeline is not shares.timeline:
                yield (
                    ("parts", i, "metric"),
                    f"'{part.metric}' is not on the timeline of '{valuation.shares}'",
                )
                continue
            if not metric.unit.is_money:
                yield (
                    ("parts", i, "metric"),
                    f"'{part.metric}' is in {metric.unit}; a multiple needs a money line",
                )
            elif not metric.unit.compatible(first):
                yield (
                    ("parts", i, "metric"),
                    f"'{part.metric}' is in {metric.unit} but '{valuation.parts[0].metric}' in {first}: "
                    "value every part in one unit",
                )
            value = metric.value(year)
            if math.isnan(value):
                yield (
                    ("parts", i, "metric"),
                    f"'{part.metric}' has no value for {shares.timeline.label(year)}",
                )
            elif value <= 0:
                yield (
                    ("parts", i, "multiple"),
                    f"a {part.method} multiple of '{part.metric}' = {value:,.0f} (zero or negative) is not "
                    "meaningful; value this part another way",
                )
        if math.isnan(shares.value(year)):
            yield ("shares",), f"'{valuation.shares}' has no value for {shares.timeline.label(year)}"

    return check


def _exhibits_checker(run: ModelRun) -> Any:
    def check(exhibits: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(exhibits, ExhibitsFile)
        for key in exhibits.tables.keys() & exhibits.charts.keys():
            yield ("charts", key), f"'{key}' is also a table key: exhibit keys must be unique"
        for key, table in exhibits.tables.items():
            yield from _check_table(run, table, ("tables", key))
        for key, chart in exhibits.charts.items():
            yield from _check_chart(run, chart, ("charts", key))

    return check


def _timeline_of(run: ModelRun, key: str | None, loc: Loc) -> tuple[Timeline | None, list[tuple[Loc, str]]]:
    if key is None:
        return run.timeline, []
    if key not in run.timelines:
        return None, [((*loc, "timeline"), f"unknown timeline '{key}'; have {', '.join(run.timelines)}")]
    return run.timelines[key], []


def _span(
    tl: Timeline, raw: list[Any] | None, loc: Loc, what: str
) -> tuple[tuple[Any, ...], list[tuple[Loc, str]]]:
    """The periods a [first, last] pair covers; default: the timeline's estimates."""
    if raw is None:
        return tuple(p for p in tl.periods if not tl.is_actual(p)) or tl.periods, []
    if len(raw) != 2:
        return (), [(loc, f"{what}: expected [first, last], got {len(raw)} values")]
    first, p1 = _period(tl, raw[0], (*loc, 0))
    last, p2 = _period(tl, raw[1], (*loc, 1))
    if p1 or p2:
        return (), p1 + p2
    span = tl.span(first, last)
    if not span:
        return (), [(loc, f"{what}: {tl.label(first)} comes after {tl.label(last)}")]
    return span, []


def _check_cases(run: ModelRun, cases: list[str] | None, loc: Loc) -> Iterator[tuple[Loc, str]]:
    for i, case in enumerate(cases or []):
        if case not in run.cases:
            yield (*loc, i), f"unknown scenario '{case}'; have {', '.join(run.cases)}"


def _check_table(run: ModelRun, table: TableSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    tl, problems = _timeline_of(run, table.timeline, loc)
    yield from problems
    if tl is None:
        return
    periods, problems = _span(tl, table.periods, (*loc, "periods"), "periods")
    yield from problems
    if table.cagr is not None:
        span, problems = _span(tl, table.cagr, (*loc, "cagr"), "cagr")
        yield from problems
        if len(span) == 1:
            yield (*loc, "cagr"), "a CAGR needs two different periods"
    yield from _check_cases(run, table.scenarios, (*loc, "scenarios"))
    if table.kind == "revisions":
        if not table.lines:
            yield (*loc, "lines"), "a revisions table lists the lines to compare"
        for i, key in enumerate(table.lines):
            bad = list(_known_line(run, key, (*loc, "lines", i)))
            yield from bad
            if not bad and key not in run.previous:
                yield (*loc, "lines", i), f"'{key}' has no previous estimates (model.yaml: previous)"
        return
    if table.kind in ("valuation", "bridge"):
        return
    if not table.rows:
        yield (*loc, "rows"), "a table needs rows"
    for i, row in enumerate(table.rows):
        yield from _check_row(run, row, (*loc, "rows", i), tl, periods, table.scenarios)


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
        for problem in _known_line(run, key, where):
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
    yield from _span(tl, chart.periods, (*loc, "periods"), "periods")[1]
    if chart.period is not None:
        yield from _period(tl, chart.period, (*loc, "period"))[1]
    yield from _check_cases(run, chart.scenarios, (*loc, "scenarios"))
    if chart.data == "bridge":
        if chart.kind != "waterfall":
            yield (*loc, "data"), "a target bridge is drawn as a waterfall"
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
        bad = list(_known_line(run, key, where))
        yield from bad
        if not bad and run.lines[key].timeline is not tl:
            yield where, f"'{key}' is on timeline '{run.lines[key].timeline.key}', not the chart's '{tl.key}'"
    if chart.kind in ("horizontal_bars", "waterfall") and chart.period is None:
        yield (*loc, "period"), f"a {chart.kind} chart of lines shows one period: give period"


def _narrative_checker(exhibits: ExhibitsFile | None) -> Any:
    def check(narrative: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(narrative, NarrativeFile)
        yield from _unique_keys(narrative.sections, ("sections",), "section")
        if exhibits is None:
            return
        known = [*exhibits.tables, *exhibits.charts]
        placed: dict[str, Loc] = {}
        spots: list[tuple[str, Loc]] = []
        if narrative.cover_table is not None:
            spots.append((narrative.cover_table, ("cover_table",)))
        for i, section in enumerate(narrative.sections):
            spots += [(key, ("sections", i, "exhibits", j)) for j, key in enumerate(section.exhibits)]
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
