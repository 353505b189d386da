"""Checks of the assumption files that need no model: the house profile, its logo, company.yaml.

Each check yields ``(location, message)``; :func:`reportgen.inputs.explain.validate` maps the
location to ``file:line:col``. The helpers for keys and periods are shared with the checks of
the later stages (valuation.yaml against the model, exhibits and narrative against the run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reportgen.errors import AssumptionsError
from reportgen.inputs.periods import MONTHS, PeriodError, Timeline
from reportgen.inputs.schema import CompanyFile, House, Listing
from reportgen.inputs.sourcemap import Loc
from reportgen.inputs.sources import read_input
from reportgen.inputs.svgsafe import svg_problems

HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
COLOUR_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: Implied prices of two listings of the same shares may differ by this much at most.
MAX_LISTING_GAP = 0.03


def check_house(house: BaseModel) -> Iterator[tuple[Loc, str]]:
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


def logo_checker(folder: Path) -> Any:
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
            if path.suffix.lower() == ".svg":
                # Published as is beside the HTML twin and drawn in the PDF: nothing but drawing.
                for problem in svg_problems(raw):
                    unreadable = any(w in problem for w in ("not well-formed", "not readable", "not <svg>"))
                    what = "is not a readable SVG image" if unreadable else "is not safe to publish"
                    yield ("logo",), f"{house.logo!r} {what}: {problem}"
            elif raw[:8] != b"\x89PNG\r\n\x1a\n":
                yield ("logo",), f"{house.logo!r} is not a readable PNG image"

    return check


def logo_path(folder: Path, house: House, problems: list[str]) -> Path | None:
    """The logo beside house.yaml, once ``logo_checker`` found it inside the assumptions and readable."""
    if house.logo is None or problems:
        return None
    return folder / house.logo


def unique_keys(items: Iterable[Any], loc: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    """Each item's ``key`` may appear once: a repeated key would silently shadow the first."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.key in seen:
            yield (*loc, i, "key"), f"{what} key '{item.key}' is used twice"
        seen.add(item.key)


def check_company(company: BaseModel) -> Iterator[tuple[Loc, str]]:
    assert isinstance(company, CompanyFile)
    yield from unique_keys(company.listings, ("listings",), "listing")
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


def checked_period(tl: Timeline, raw: Any, loc: Loc) -> tuple[Any, list[tuple[Loc, str]]]:
    """``raw`` as a period of ``tl``, or the problem with it."""
    try:
        return tl.normalise(raw), []
    except PeriodError as exc:
        return None, [(loc, str(exc))]


def checked_span(
    tl: Timeline, raw: list[Any] | None, loc: Loc, what: str
) -> tuple[tuple[Any, ...], list[tuple[Loc, str]]]:
    """The periods a [first, last] pair covers; default: the timeline's estimates."""
    if raw is None:
        return tuple(p for p in tl.periods if not tl.is_actual(p)) or tl.periods, []
    if len(raw) != 2:
        return (), [(loc, f"{what}: expected [first, last], got {len(raw)} values")]
    first, p1 = checked_period(tl, raw[0], (*loc, 0))
    last, p2 = checked_period(tl, raw[1], (*loc, 1))
    if p1 or p2:
        return (), p1 + p2
    span = tl.span(first, last)
    if not span:
        return (), [(loc, f"{what}: {tl.label(first)} comes after {tl.label(last)}")]
    return span, []
