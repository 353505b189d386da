"""Load a note's assumption files into one validated, frozen Assumptions object.

A note is a folder under ``assumptions/`` holding company.yaml, model.yaml,
valuation.yaml, exhibits.yaml and narrative.yaml (and optionally prices.csv); the
house profile is ``assumptions/house.yaml``. Every file is checked in full and all problems of all
files are reported together, each as ``file:line:col: field: message``.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

from pydantic import BaseModel

from reportgen.errors import AssumptionsError, ModelError, ValuationError
from reportgen.exhibits.formatting import MAX_PRINTABLE
from reportgen.inputs.periods import MONTHS, PeriodError, Timeline
from reportgen.inputs.prices import PRICES_FILE, PriceHistory, load_prices
from reportgen.inputs.schema import (
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
from reportgen.inputs.sources import read_input
from reportgen.inputs.yamlsource import Loc, SourceMap, format_problem, load_yaml, validate
from reportgen.model.engine import CompiledModel, ModelRun, compile_model, run_model
from reportgen.model.methods import method
from reportgen.model.sensitivity import check_input
from reportgen.model.valuation import build_valuation

HOUSE_FILE = "house.yaml"
NOTE_FILES = ("company.yaml", "model.yaml", "valuation.yaml", "exhibits.yaml", "narrative.yaml")
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
COLOUR_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: Implied prices of two listings of the same shares may differ by this much at most.
MAX_LISTING_GAP = 0.03

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


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
    #: Problems that do not stop the build (a terminal value above its declared share of EV),
    #: as ``file:line:col: field: message``; the CLI prints them.
    warnings: tuple[str, ...] = ()


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
    # Files may be links, but only to files among the assumptions: never to anything outside them.
    note_roots = (folder.parent, folder)
    house_roots = (house_file.parent,)

    def load(path: Path, model: type[M], checks: Iterable[Any] = ()) -> M | None:
        roots = house_roots if path == house_file else note_roots
        try:
            data, smap = load_yaml(path, roots)
            sources[path.name] = smap
            return validate(model, data, smap, checks=list(checks))  # type: ignore[return-value]
        except AssumptionsError as exc:
            problems.extend(exc.problems)
            return None

    house = load(house_file, House, [_check_house, _logo_checker(house_file.parent)])
    logo = _logo_path(house_file.parent, house, problems) if house else None
    company = load(folder / "company.yaml", CompanyFile, [_check_company])
    compiled: list[CompiledModel] = []
    model_checks = [_model_checker(company, compiled)] if company else []
    model = load(folder / "model.yaml", ModelFile, model_checks)
    run = None
    if compiled:
        try:
            run = run_model(compiled[0])
        except ModelError as exc:
            problems.append(exc.format_message())
        if run is not None:
            problems.extend(_oversized(run, sources["model.yaml"]))
    warnings: list[tuple[Loc, str]] = []
    valuation = load(
        folder / "valuation.yaml",
        ValuationFile,
        [_valuation_checker(run, company, house, warnings)] if run else [],
    )
    warned = tuple(format_problem(sources["valuation.yaml"], loc, message) for loc, message in warnings)
    for text in warned:
        log.info("%s", text)
    exhibits = load(
        folder / "exhibits.yaml", ExhibitsFile, [_exhibits_checker(run, valuation)] if run else []
    )
    narrative = load(folder / "narrative.yaml", NarrativeFile, [_narrative_checker(exhibits)])
    prices = None
    if company is not None and os.path.lexists(folder / PRICES_FILE):
        try:
            prices = load_prices(folder / PRICES_FILE, company, note_roots)
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
        logo=logo,
        narrative_source=sources["narrative.yaml"],
        warnings=warned,
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


def _oversized(run: ModelRun, smap: SourceMap) -> Iterator[str]:
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


def _is_svg(raw: bytes) -> bool:
    """Well-formed XML whose root is <svg>: what WeasyPrint and browsers can draw."""
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
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
        elif not os.path.lexists(path):
            yield ("logo",), f"no file {house.logo!r} beside house.yaml"
        else:
            try:
                raw = read_input(path, (folder,))
            except AssumptionsError as exc:
                yield ("logo",), exc.problems[0].split(": ", 1)[-1]
                return
            ok = _is_svg(raw) if path.suffix.lower() == ".svg" else raw[:8] == b"\x89PNG\r\n\x1a\n"
            if not ok:
                yield ("logo",), f"{house.logo!r} is not a readable {path.suffix.lower()[1:].upper()} image"

    return check


def _logo_path(folder: Path, house: House, problems: list[str]) -> Path | None:
    """The logo beside house.yaml, once ``_logo_checker`` found it inside the assumptions and readable."""
    if house.logo is None or problems:
        return None
    return folder / house.logo


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


def _valuation_checker(
    run: ModelRun, company: CompanyFile | None, house: House | None, warnings: list[tuple[Loc, str]]
) -> Any:
    def check(valuation: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(valuation, ValuationFile)
        problems = list(_check_valuation(run, valuation, company))
        yield from problems
        if problems or company is None or house is None:
            return
        # Everything is declared right: now compute, so a DCF that cannot be valued
        # (WACC below growth, a negative terminal cash flow) is named at its line.
        try:
            result = build_valuation(valuation, run, company, house)
        except ValuationError as exc:
            yield exc.loc, exc.detail
            return
        warnings.extend(result.warnings)

    return check


def _check_valuation(
    run: ModelRun, v: ValuationFile, company: CompanyFile | None
) -> Iterator[tuple[Loc, str]]:
    """Declarations that can be checked before computing: keys, lines, units, paths, weights."""
    yield from _unique_keys(v.methods, ("methods",), "method")
    yield from _unique_keys(v.bridge, ("bridge",), "bridge item")
    yield from _unique_keys(v.sensitivities, ("sensitivities",), "sensitivity")
    bad = list(_known_line(run, v.shares, ("shares",)))
    yield from bad
    if bad:
        return
    shares = run.lines[v.shares]
    year, problems = _period(shares.timeline, v.year, ("year",))
    yield from problems
    if year is None:
        return
    if "share" not in dict(shares.unit.dims):
        yield (("shares",), f"'{v.shares}' is in {shares.unit}; expected a share count such as 'mn shares'")
    elif math.isnan(shares.value(year)):
        yield ("shares",), f"'{v.shares}' has no value for {shares.timeline.label(year)}"
    money: list[tuple[str, Loc]] = []
    for i, m in enumerate(v.methods):
        loc: Loc = ("methods", i)
        if m.kind == "multiples":
            yield from _check_multiples(run, m, loc, shares.timeline, year)
            named = [(j, p) for j, p in enumerate(m.parts) if p.metric in run.lines]
            money += [(p.metric, (*loc, "parts", j, "metric")) for j, p in named]
        else:
            found = list(_check_dcf(run, m, loc))
            yield from found
            if found:
                continue
            assert m.fcf is not None
            keys = ("line",) if m.fcf.line else ("ebit", "da", "capex", "working_capital")
            money += [(getattr(m.fcf, k), (*loc, "fcf", k)) for k in keys]
    for i, item in enumerate(v.bridge):
        loc = ("bridge", i)
        if (item.amount is None) == (item.line is None):
            yield loc, "give exactly one of amount or line"
        elif item.line is not None:
            known = list(_known_line(run, item.line, (*loc, "line")))
            yield from known
            if not known:
                money.append((item.line, (*loc, "line")))
                tl = run.lines[item.line].timeline
                if item.period is not None:
                    yield from _period(tl, item.period, (*loc, "period"))[1]
                elif tl.last_actual is None:
                    yield (*loc, "period"), f"'{item.line}' has no reported period: give period"
    yield from _same_money_unit(run, money)
    gives_ev = any(
        m.kind == "dcf" or any(method(p.method).basis == "enterprise" for p in m.parts) for m in v.methods
    )
    if v.bridge and not gives_ev:
        yield (
            ("bridge",),
            "no method gives an enterprise value, so the bridge would apply to nothing: equity "
            "multiples (P/E, P/B, P/S) already include cash and claims; remove the bridge "
            "or use an EV method",
        )
    weights = math.fsum(m.weight for m in v.methods)
    if abs(weights - 1.0) > 1e-9:
        yield ("methods",), f"method weights sum to {weights:g}; they must sum to 1"
    for i, s in enumerate(v.sensitivities):
        for axis in ("rows", "columns"):
            problem = check_input(v, getattr(s, axis).input)
            if problem:
                yield ("sensitivities", i, axis, "input"), problem
        if (
            company is not None
            and s.listing is not None
            and s.listing not in {li.key for li in company.listings}
        ):
            yield ("sensitivities", i, "listing"), f"unknown listing '{s.listing}'"
    for i, m in enumerate(v.methods):
        if m.range is not None:
            problem = check_input(v, m.range.input)
            if problem:
                yield ("methods", i, "range", "input"), problem
            elif m.range.low >= m.range.high:
                yield ("methods", i, "range"), "low must be below high"


def _check_multiples(run: ModelRun, m: Any, loc: Loc, tl: Timeline, year: Any) -> Iterator[tuple[Loc, str]]:
    if not m.parts:
        yield (*loc, "parts"), "a multiples method needs at least one part"
    for field_name in ("periods", "fcf", "wacc", "terminal", "valuation_date"):
        if getattr(m, field_name) is not None:
            yield (*loc, field_name), f"'{field_name}' belongs to a dcf method, not to multiples"
    yield from _unique_keys(m.parts, (*loc, "parts"), "part")
    for j, part in enumerate(m.parts):
        where = (*loc, "parts", j, "metric")
        bad = list(_known_line(run, part.metric, where))
        yield from bad
        if bad:
            continue
        metric = run.lines[part.metric]
        if metric.timeline is not tl:
            yield where, f"'{part.metric}' is not on the timeline of the shares line"
            continue
        if not metric.unit.is_money:
            yield where, f"'{part.metric}' is in {metric.unit}; a multiple needs a money line"
            continue
        value = metric.value(year)
        if math.isnan(value):
            yield where, f"'{part.metric}' has no value for {tl.label(year)}"
        elif value <= 0:
            yield (
                (*loc, "parts", j, "multiple"),
                f"a {part.method} multiple of '{part.metric}' = {value:,.0f} (zero or negative) is not "
                "meaningful; value this part another way",
            )


def _check_dcf(run: ModelRun, m: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if m.parts:
        yield (*loc, "parts"), "a dcf method has no parts; value parts in a multiples method"
    missing = [k for k in ("periods", "fcf", "wacc", "terminal") if getattr(m, k) is None]
    if missing:
        yield loc, f"a dcf method needs {', '.join(missing)}"
        return
    fcf, term = m.fcf, m.terminal
    built = ("ebit", "tax_rate", "da", "capex", "working_capital")
    given = [k for k in built if getattr(fcf, k) is not None]
    if fcf.line is not None and given:
        yield (*loc, "fcf"), f"give line, or the build ({', '.join(built)}), not both"
        return
    if fcf.line is None and len(given) != len(built):
        lacking = [k for k in built if k not in given]
        yield (*loc, "fcf"), f"give line, or every part of the build (missing {', '.join(lacking)})"
        return
    refs = [(fcf.line, (*loc, "fcf", "line"))] if fcf.line else []
    refs += [(getattr(fcf, k), (*loc, "fcf", k)) for k in built if isinstance(getattr(fcf, k), str)]
    if (term.growth is None) == (term.exit_multiple is None):
        yield (*loc, "terminal"), "give exactly one of growth or exit_multiple"
        return
    if term.exit_multiple is not None:
        if term.exit_metric is None:
            yield (*loc, "terminal"), "an exit multiple needs exit_metric (the line it multiplies)"
            return
        refs.append((term.exit_metric, (*loc, "terminal", "exit_metric")))
    elif term.exit_metric is not None:
        yield (*loc, "terminal", "exit_metric"), "exit_metric goes with exit_multiple, not growth"
    bad = [p for key, where in refs for p in _known_line(run, key, where)]
    yield from bad
    if bad:
        return
    tl = run.lines[refs[0][0]].timeline
    if tl.kind != "annual" and tl.per_year != 1:
        yield refs[0][1], "a DCF discounts annual cash flows: use lines on a yearly timeline"
        return
    for key, where in refs[1:]:
        if run.lines[key].timeline is not tl:
            yield where, f"'{key}' is not on the timeline of '{refs[0][0]}'"
    if len(m.periods) != 2:
        yield (*loc, "periods"), f"expected [first, last], got {len(m.periods)} values"
        return
    _, problems = _span(tl, m.periods, (*loc, "periods"), "periods")
    yield from problems


def _same_money_unit(run: ModelRun, refs: list[tuple[str, Loc]]) -> Iterator[tuple[Loc, str]]:
    """Every value is added to every other: one money unit for all the lines the valuation reads."""
    if not refs:
        return
    first_key = refs[0][0]
    first = run.lines[first_key].unit
    for key, where in refs[1:]:
        unit = run.lines[key].unit
        if not unit.is_money:
            yield where, f"'{key}' is in {unit}; the valuation adds money lines"
        elif not unit.compatible(first) or str(unit) != str(first):
            yield where, f"'{key}' is in {unit} but '{first_key}' in {first}: value everything in one unit"


def _exhibits_checker(run: ModelRun, valuation: ValuationFile | None) -> Any:
    def check(exhibits: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(exhibits, ExhibitsFile)
        for key in exhibits.tables.keys() & exhibits.charts.keys():
            yield ("charts", key), f"'{key}' is also a table key: exhibit keys must be unique"
        for key, table in exhibits.tables.items():
            yield from _check_table(run, table, ("tables", key))
            if valuation is not None:
                yield from _check_valuation_table(table, valuation, ("tables", key))
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
