"""Load a note's assumption files into one validated, frozen Assumptions object.

A note is a folder under ``assumptions/`` holding company.yaml, forecast.yaml,
scenarios.yaml, valuation.yaml and narrative.yaml; the house profile is
``assumptions/house.yaml``. Every file is checked in full and all problems of all
files are reported together, each as ``file:line:col: field: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

from pydantic import BaseModel

from reportgen.errors import AssumptionsError
from reportgen.model.forecast import DERIVED_LABELS, REQUIRED_LINES
from reportgen.prices import PRICES_FILE, PriceHistory, load_prices
from reportgen.schema import (
    CompanyFile,
    ForecastFile,
    House,
    Listing,
    NarrativeFile,
    ScenariosFile,
    Segment,
    ValuationFile,
)
from reportgen.yamlsource import Loc, SourceMap, load_yaml, validate

HOUSE_FILE = "house.yaml"
DERIVED_LINES = frozenset(DERIVED_LABELS)
#: Names the prose uses for whole-business lines; a segment may not take them.
RESERVED_SEGMENT_KEYS = frozenset({"total", "external"})
#: Growth above this (as a fraction) is almost always a percentage typed as a number.
MAX_SEGMENT_GROWTH = 20.0
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
#: Implied prices of two listings of the same shares may differ by this much at most.
MAX_LISTING_GAP = 0.03
MAX_SCENARIO_GROWTH = 100.0

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Assumptions:
    """Everything one note needs, validated. ``slug`` names the output files."""

    slug: str
    folder: Path
    house: House
    company: CompanyFile
    forecast: ForecastFile
    scenarios: ScenariosFile
    valuation: ValuationFile
    narrative: NarrativeFile
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
    """Read and validate every file of one note; raise one AssumptionsError for all problems."""
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
    forecast = load(folder / "forecast.yaml", ForecastFile, [_check_forecast])
    scenarios = load(folder / "scenarios.yaml", ScenariosFile, [_check_scenarios])
    valuation_checks = [_valuation_checker(forecast)] if forecast else []
    valuation = load(folder / "valuation.yaml", ValuationFile, valuation_checks)
    narrative = load(folder / "narrative.yaml", NarrativeFile, [_check_narrative])
    prices = None
    if company is not None and (folder / PRICES_FILE).is_file():
        try:
            prices = load_prices(folder / PRICES_FILE, company)
        except AssumptionsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AssumptionsError(problems)
    assert house and company and forecast and scenarios and valuation and narrative
    return Assumptions(
        slug=folder.name,
        folder=folder,
        house=house,
        company=company,
        forecast=forecast,
        scenarios=scenarios,
        valuation=valuation,
        narrative=narrative,
        prices=prices,
        logo=house_file.parent / house.logo if house.logo else None,
        narrative_source=sources["narrative.yaml"],
    )


# --------------------------------------------------------------------------- checks
# Each check yields (location, message); yamlsource maps the location to file:line:col.


def _years_outside(values: dict[int, float], first: int, last: int, loc: Loc) -> Iterator[tuple[Loc, str]]:
    for year in values:
        if not first <= year <= last:
            yield (*loc, year), f"fiscal year {year} is not on the timeline {first}-{last}"


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
        if not HEX_COLOUR.fullmatch(value):
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


def _check_narrative(narrative: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(narrative, NarrativeFile)
    yield from _unique_keys(narrative.sections, ("sections",), "section")


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

    lead = per_share(company.listings[0])
    for i, listing in enumerate(company.listings[1:], start=1):
        other = per_share(listing)
        if lead and other and abs(other / lead - 1) > MAX_LISTING_GAP:
            yield (
                ("listings", i, "price"),
                f"at the FX rates this price is {other / lead - 1:+.1%} away from the "
                f"{company.listings[0].security}'s per share; check the price, FX rate or shares per unit",
            )


def _check_segment_tree(
    segments: list[Segment], loc: Loc, first: int, last: int, forecast_from: int, top: bool, seen: set[str]
) -> Iterator[tuple[Loc, str]]:
    for i, seg in enumerate(segments):
        here = (*loc, i)
        if seg.key in seen:
            yield (*here, "key"), f"segment key '{seg.key}' is used twice"
        if seg.key in RESERVED_SEGMENT_KEYS:
            yield (*here, "key"), f"'{seg.key}' is reserved for the whole cloud business; pick another key"
        seen.add(seg.key)
        for year, value in seg.values.items():
            if value < 0:
                yield (*here, "values", year), f"revenue cannot be negative, got {value}"
        for year, g in seg.growth.items():
            if g <= -1:
                yield (*here, "growth", year), f"growth of {g} would take revenue to zero or below"
            elif g > MAX_SEGMENT_GROWTH:
                yield (
                    (*here, "growth", year),
                    f"growth of {g} is {g:.0%}; growth is a fraction (0.43 for 43%): "
                    "did you type a percentage?",
                )
        yield from _years_outside(seg.values, first, last, (*here, "values"))
        yield from _years_outside(seg.growth, first, last, (*here, "growth"))
        for year in seg.growth:
            if year in seg.values:
                yield (*here, "growth", year), f"{year} has both a value and a growth rate: keep one"
            if year == first:
                yield (*here, "growth", year), f"{year} is the first year: growth needs a previous year"
        if seg.children:
            if seg.growth:
                yield (*here, "growth"), "a segment with children is their sum: give growth to the children"
            yield from _check_segment_tree(
                seg.children, (*here, "children"), first, last, forecast_from, False, seen
            )
            covered = set(seg.values)
        else:
            covered = _covered_years(seg, first, last)
            for year in range(forecast_from, last + 1):
                if year not in covered:
                    yield (*here,), f"no value or growth for {year}: every forecast year needs one"
                    break
        if top and first not in covered and not seg.children:
            yield (*here, "values"), f"top-level segments need a value for {first}"


def _covered_years(seg: Segment, first: int, last: int) -> set[int]:
    covered: set[int] = set()
    for year in range(first, last + 1):
        if year in seg.values or (year in seg.growth and year - 1 in covered):
            covered.add(year)
    return covered


def _check_forecast(forecast: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(forecast, ForecastFile)
    tl = forecast.timeline
    if not tl.first_year <= tl.last_actual < tl.last_year:
        yield ("timeline",), "need first_year <= last_actual < last_year"
        return
    first, last = tl.first_year, tl.last_year
    yield from _check_segment_tree(
        forecast.cloud.segments, ("cloud", "segments"), first, last, tl.last_actual + 1, True, set()
    )
    fin = forecast.financials
    needs = {
        "external_share": range(tl.last_actual + 1, last + 1),
        "ebita_margin": range(fin.first_year, fin.last_year + 1),
    }
    for name, years in needs.items():
        values: dict[int, float] = getattr(forecast.cloud, name)
        yield from _years_outside(values, first, last, ("cloud", name))
        for year, v in values.items():
            if not 0 <= v <= 1:
                yield ("cloud", name, year), f"expected a fraction between 0 and 1, got {v}"
        missing = [y for y in years if y not in values]
        if missing:
            yield ("cloud", name), f"missing values for {', '.join(map(str, missing))}"
    for year, v in forecast.capex.items():
        if v < 0:
            yield ("capex", year), f"capex cannot be negative, got {v}"
    yield from _years_outside(forecast.capex, first, last, ("capex",))
    if not first <= fin.first_year <= fin.last_year <= last:
        yield ("financials", "first_year"), f"financial years must lie within the timeline {first}-{last}"
    fin_years = range(fin.first_year, fin.last_year + 1)
    for key in REQUIRED_LINES:
        if key not in fin.lines:
            hint = get_close_matches(key, [k for k in fin.lines if k not in REQUIRED_LINES], n=1)
            also = f"; is '{hint[0]}' a misspelling of it?" if hint else ""
            yield ("financials", "lines"), f"required line '{key}' is missing{also}"
            continue
        missing = [y for y in fin_years if y not in fin.lines[key].values]
        if missing:
            yield (
                ("financials", "lines", key, "values"),
                f"'{key}' needs a value for every financial year; missing {', '.join(map(str, missing))}",
            )
    for key, line in fin.lines.items():
        if key in DERIVED_LINES:
            yield ("financials", "lines", key), f"'{key}' is computed by the model; it cannot be an input"
        yield from _years_outside(line.values, first, last, ("financials", "lines", key, "values"))
    for key, values in fin.previous.items():
        if key not in fin.lines and key not in DERIVED_LINES:
            yield ("financials", "previous", key), f"unknown line '{key}'"
        yield from _years_outside(values, first, last, ("financials", "previous", key))


def _check_scenarios(scen: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(scen, ScenariosFile)
    first, last = scen.first_year, scen.last_year
    actual_years = set(scen.consumption)
    if set(scen.price) != actual_years:
        yield ("price",), "price and consumption need the same actual years"
    for name in ("consumption", "price"):
        yield from _years_outside(getattr(scen, name), first, last, (name,))
    if first not in actual_years:
        yield ("consumption",), f"need an actual value for the first year {first}"
    last_actual = max(actual_years, default=first)
    yield from _unique_keys(scen.scenarios, ("scenarios",), "scenario")
    for i, case in enumerate(scen.scenarios):
        for name in ("consumption_growth", "price_growth"):
            values: dict[int, float] = getattr(case, name)
            yield from _years_outside(values, first, last, ("scenarios", i, name))
            missing = [y for y in range(last_actual + 1, last + 1) if y not in values]
            if missing:
                yield ("scenarios", i, name), f"missing growth for {', '.join(map(str, missing))}"
            for year, g in values.items():
                if year <= last_actual:
                    yield (
                        ("scenarios", i, name, year),
                        f"{year} is an actual year; growth starts in {last_actual + 1}",
                    )
                if g <= -1:
                    yield ("scenarios", i, name, year), f"growth of {g} would make the value zero or negative"
                elif g > MAX_SCENARIO_GROWTH:
                    yield (
                        ("scenarios", i, name, year),
                        f"growth of {g} is {g:.0%}; growth is a fraction: did you type a percentage?",
                    )


def _valuation_checker(forecast: ForecastFile) -> Any:
    def check(valuation: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(valuation, ValuationFile)
        fin = forecast.financials
        if not fin.first_year <= valuation.year <= fin.last_year:
            yield (
                ("year",),
                f"valuation year {valuation.year} is outside the financial years "
                f"{fin.first_year}-{fin.last_year}",
            )
        yield from _unique_keys(valuation.parts, ("parts",), "part")
        known = sorted(set(fin.lines) | DERIVED_LINES)
        for i, part in enumerate(valuation.parts):
            if part.metric not in known:
                yield (
                    ("parts", i, "metric"),
                    f"unknown metric '{part.metric}'; expected one of {', '.join(known)}",
                )
            elif part.metric in fin.lines and valuation.year not in fin.lines[part.metric].values:
                yield ("parts", i, "metric"), f"'{part.metric}' has no value for {valuation.year}"
            elif part.metric in fin.lines and fin.lines[part.metric].values[valuation.year] <= 0:
                value = fin.lines[part.metric].values[valuation.year]
                yield (
                    ("parts", i, "multiple"),
                    f"a {part.method} multiple of '{part.metric}' = {value:,.0f} (zero or negative) is not "
                    "meaningful; value this part another way",
                )
        if valuation.shares_line not in fin.lines:
            yield ("shares_line",), f"unknown line '{valuation.shares_line}'"
        elif valuation.year not in fin.lines[valuation.shares_line].values:
            yield ("shares_line",), f"'{valuation.shares_line}' has no value for {valuation.year}"

    return check
