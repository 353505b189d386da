"""Sensitivity grids and football-field ranges, each value a full re-run of build_valuation.

An input is a dotted path into valuation.yaml whose list items are named by key:
``methods.dcf.wacc``, ``methods.sotp.parts.retail.multiple``, ``bridge.cash.discount``,
``year``. Re-running rather than approximating keeps every cell exactly what the note
would print had the analyst written that input.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from reportgen.errors import ValuationError
from reportgen.inputs.schema import CompanyFile, GridAxis, House, ValuationFile, WaccBuild
from reportgen.inputs.sourcemap import Loc
from reportgen.model.dcf import wacc_of
from reportgen.model.engine import ModelRun
from reportgen.model.valuation import (
    MethodRange,
    Sensitivity,
    Valuation,
    build_valuation,
    listing_value,
)


class InputError(ValueError):
    """A dotted input path that names no number in valuation.yaml."""


def read_input(v: ValuationFile, path: str) -> Any:
    """The value at ``path`` as written (a number, or a WACC build)."""
    obj: Any = v
    segs = path.split(".")
    i = 0
    while i < len(segs):
        obj, i = _step(obj, segs, i, path)
    return obj


def with_input(v: ValuationFile, path: str, value: float) -> ValuationFile:
    """A copy of ``v`` with the number at ``path`` replaced (a WACC build by a plain rate)."""
    result = _set(v, path.split("."), value, path)
    assert isinstance(result, ValuationFile)
    return result


def _step(obj: Any, segs: list[str], i: int, path: str) -> tuple[Any, int]:
    name = segs[i]
    if not isinstance(obj, BaseModel) or name not in type(obj).model_fields:
        raise InputError(f"'{path}': nothing named '{name}' there")
    current = getattr(obj, name)
    if isinstance(current, list):
        if i + 1 >= len(segs):
            raise InputError(f"'{path}': name an item of {name} by its key")
        return _item(current, segs[i + 1], name, path)[1], i + 2
    return current, i + 1


def _item(items: list[Any], key: str, name: str, path: str) -> tuple[int, Any]:
    for j, item in enumerate(items):
        if getattr(item, "key", None) == key:
            return j, item
    keys = ", ".join(str(getattr(it, "key", "?")) for it in items)
    raise InputError(f"'{path}': no item '{key}' in {name}; have {keys}")


def _set(obj: Any, segs: list[str], value: float, path: str) -> Any:
    name, rest = segs[0], segs[1:]
    if not isinstance(obj, BaseModel) or name not in type(obj).model_fields:
        raise InputError(f"'{path}': nothing named '{name}' there")
    current = getattr(obj, name)
    if isinstance(current, list):
        if not rest:
            raise InputError(f"'{path}': name an item of {name} by its key")
        j, item = _item(current, rest[0], name, path)
        if len(rest) == 1:
            raise InputError(f"'{path}': name a number inside '{rest[0]}'")
        new = _set(item, rest[1:], value, path)
        return obj.model_copy(update={name: [*current[:j], new, *current[j + 1 :]]})
    if rest:
        return obj.model_copy(update={name: _set(current, rest, value, path)})
    is_number = isinstance(current, (int, float)) and not isinstance(current, bool)
    if not (is_number or isinstance(current, WaccBuild)):
        raise InputError(f"'{path}' is not a number in valuation.yaml")
    return obj.model_copy(update={name: value})


def check_input(v: ValuationFile, path: str) -> str | None:
    """Why ``path`` cannot be varied, or None when it can."""
    try:
        with_input(v, path, 0.0)
        read_input(v, path)
    except InputError as exc:
        return str(exc)
    return None


def input_loc(v: ValuationFile, path: str) -> Loc:
    """Where ``path`` is written in valuation.yaml, as a loc for file:line:col."""
    loc: list[str | int] = []
    obj: Any = v
    for seg in path.split("."):
        if isinstance(obj, list):
            j, obj = _item(obj, seg, "", path)
            loc.append(j)
        else:
            loc.append(seg)
            obj = getattr(obj, seg)
    return tuple(loc)


#: Most valuations one note may ask for: its own, both ends of each football-field range and every
#: cell of every grid, each a full re-run of build_valuation.
MAX_VALUATIONS = 2_000
#: Most methods and parts valued over all those valuations (valuations x (methods + parts)): a note
#: of a thousand parts gets a couple of hundred valuations, not tens of thousands (minutes of work).
MAX_VALUED_ITEMS = 200_000


def check_work(v: ValuationFile) -> Iterator[tuple[Loc, str]]:
    """Refuse, before anything is valued, a valuation.yaml asking for more work than a note needs,
    named at the range or grid that takes it over the bound."""
    size = sum(1 + len(m.parts) for m in v.methods)
    asks: list[tuple[Loc, int, str]] = [(("methods",), 1, "valuing the methods")]
    asks += [(("methods", i, "range"), 2, "this range") for i, m in enumerate(v.methods) if m.range]
    asks += [
        (("sensitivities", i), len(g.rows.values) * len(g.columns.values), "this grid")
        for i, g in enumerate(v.sensitivities)
    ]
    count = 0
    for loc, n, what in asks:
        count += n
        if count > MAX_VALUATIONS or count * size > MAX_VALUED_ITEMS:
            yield (
                loc,
                f"{what} takes the note to {count:,} valuations of {size:,} methods and parts; a note may "
                f"ask for at most {MAX_VALUATIONS:,} valuations and {MAX_VALUED_ITEMS:,} method and part "
                "values in all: use fewer grids, grid values or parts",
            )
            return


def check_ranges(
    v: ValuationFile, run: ModelRun, company: CompanyFile, house: House
) -> Iterator[tuple[Loc, str]]:
    """Each football-field range valued at both ends; an end that cannot be valued is named where
    it is written (the method's ``range.low`` or ``range.high``), not at the input it edits."""
    for i, spec in enumerate(v.methods):
        if spec.range is None:
            continue
        for end in ("low", "high"):
            x = getattr(spec.range, end)
            try:
                build_valuation(with_input(v, spec.range.input, x), run, company, house)
            except ValuationError as exc:
                yield (
                    ("methods", i, "range", end),
                    f"with {spec.range.input} at {x:g} the valuation fails: {exc.detail}",
                )


def add_sensitivities(
    val: Valuation, v: ValuationFile, run: ModelRun, company: CompanyFile, house: House
) -> Valuation:
    """``val`` with its declared grids and each method's football-field range filled in."""
    for loc, message in check_work(v):  # the loader has refused this already; never compute it
        raise ValuationError(loc, message)
    grids = tuple(
        _grid(spec.key, spec.rows, spec.columns, spec.listing, v, run, company, house)
        for spec in v.sensitivities
    )
    ranges = _ranges(val, v, run, company, house) + _grid_ranges(grids, val, company)
    return replace(val, sensitivities=grids, ranges=ranges)


def _grid_ranges(
    grids: tuple[Sensitivity, ...], val: Valuation, company: CompanyFile
) -> tuple[MethodRange, ...]:
    """Each grid of the lead listing as one more bar: the span of its (rounded) targets."""
    lead = company.listings[0]
    out = []
    for g in grids:
        cells = [c for row in g.cells for c in row if c is not None]
        if g.listing.key != lead.key or not cells:
            continue
        base = g.cells[g.base[0]][g.base[1]] if g.base is not None else None
        out.append(
            MethodRange(
                g.key,
                f"{g.row_label} \u00d7 {g.column_label}",
                min(cells),
                base if base is not None else val.targets[lead.key].fair_value,
                max(cells),
                "sensitivity grid",
            )
        )
    return tuple(out)


def _close(a: float, b: Any) -> bool:
    return isinstance(b, (int, float)) and math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)


def _grid(
    key: str,
    rows: GridAxis,
    cols: GridAxis,
    listing_key: str | None,
    v: ValuationFile,
    run: ModelRun,
    company: CompanyFile,
    house: House,
) -> Sensitivity:
    listing = next((li for li in company.listings if li.key == listing_key), company.listings[0])
    cells: list[tuple[float | None, ...]] = []
    for r in rows.values:
        row: list[float | None] = []
        for c in cols.values:
            edited = with_input(with_input(v, rows.input, r), cols.input, c)
            try:
                row.append(build_valuation(edited, run, company, house).targets[listing.key].fair_value)
            except ValuationError:
                row.append(None)
        cells.append(tuple(row))
    base_r, base_c = read_input(v, rows.input), read_input(v, cols.input)
    r_at = next((i for i, x in enumerate(rows.values) if _close(x, _rate(base_r))), None)
    c_at = next((i for i, x in enumerate(cols.values) if _close(x, _rate(base_c))), None)
    return Sensitivity(
        key,
        listing,
        rows.label,
        tuple(rows.values),
        rows.format,
        cols.label,
        tuple(cols.values),
        cols.format,
        tuple(cells),
        (r_at, c_at) if r_at is not None and c_at is not None else None,
    )


def _rate(value: Any) -> Any:
    """A WACC build compares as the rate it builds."""
    if isinstance(value, WaccBuild):
        return wacc_of(value).rate
    return value


def _ranges(
    val: Valuation, v: ValuationFile, run: ModelRun, company: CompanyFile, house: House
) -> tuple[MethodRange, ...]:
    """Each method's value per unit of the lead listing; low-high where a range is declared."""
    lead = company.listings[0]
    out = []
    for spec, result in zip(v.methods, val.methods, strict=True):
        base = listing_value(result.per_share, lead, company)
        if spec.range is None:
            out.append(MethodRange(spec.key, spec.label, base, base, base, ""))
            continue
        ends = []
        for x in (spec.range.low, spec.range.high):
            edited = with_input(v, spec.range.input, x)
            ends.append(
                listing_value(
                    build_valuation(edited, run, company, house).method(spec.key).per_share, lead, company
                )
            )
        out.append(
            MethodRange(
                spec.key, spec.label, min(ends), base, max(ends), spec.range.label or spec.range.input
            )
        )
    return tuple(out)
