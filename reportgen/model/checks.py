"""valuation.yaml checked against the model run, and model.yaml compiled against company.yaml.

Each check yields ``(location, message)`` for :func:`reportgen.inputs.explain.validate`: declared
keys, lines, periods, units and weights first, then the valuation itself is computed so a DCF that
cannot be valued is named at its line.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel

from reportgen.errors import ValuationError
from reportgen.inputs.checks import checked_period, checked_span, unique_keys
from reportgen.inputs.periods import MONTHS, Timeline
from reportgen.inputs.schema import CompanyFile, House, ModelFile, ValuationFile
from reportgen.inputs.sourcemap import Loc
from reportgen.model.engine import CompiledModel, ModelRun, compile_model
from reportgen.model.methods import method
from reportgen.model.sensitivity import check_input, check_ranges, check_work
from reportgen.model.valuation import Valuation, build_valuation


def model_checker(company: CompanyFile | None, out: list[CompiledModel]) -> Any:
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


def known_line(run: ModelRun, key: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if key not in run.lines:
        hint = get_close_matches(key, list(run.lines), n=1)
        yield loc, f"unknown line '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")


def valuation_checker(
    run: ModelRun, company: CompanyFile | None, house: House | None, out: list[Valuation]
) -> Any:
    """Check valuation.yaml against the run, then value it: the one valuation of the note, kept in
    ``out`` for the loaded note to carry (every later stage reads it; nothing values it again)."""

    def check(valuation: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(valuation, ValuationFile)
        problems = list(_check_valuation(run, valuation, company))
        yield from problems
        if problems or company is None or house is None:
            return
        # Everything is declared right: now compute, so a DCF that cannot be valued
        # (WACC below growth, a negative terminal cash flow) is named at its line.
        bounded = list(check_work(valuation))  # before anything is valued
        yield from bounded
        if bounded:
            return
        try:
            result = build_valuation(valuation, run, company, house)
        except ValuationError as exc:
            yield exc.loc, exc.detail
            return
        yield from check_ranges(valuation, run, company, house)
        out.append(result)

    return check


def _check_valuation(
    run: ModelRun, v: ValuationFile, company: CompanyFile | None
) -> Iterator[tuple[Loc, str]]:
    """Declarations that can be checked before computing: keys, lines, units, paths, weights."""
    yield from unique_keys(v.methods, ("methods",), "method")
    yield from unique_keys(v.bridge, ("bridge",), "bridge item")
    yield from unique_keys(v.sensitivities, ("sensitivities",), "sensitivity")
    bad = list(known_line(run, v.shares, ("shares",)))
    yield from bad
    if bad:
        return
    shares = run.lines[v.shares]
    year, problems = checked_period(shares.timeline, v.year, ("year",))
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
            known = list(known_line(run, item.line, (*loc, "line")))
            yield from known
            if not known:
                money.append((item.line, (*loc, "line")))
                tl = run.lines[item.line].timeline
                if item.period is not None:
                    yield from checked_period(tl, item.period, (*loc, "period"))[1]
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
    yield from unique_keys(m.parts, (*loc, "parts"), "part")
    for j, part in enumerate(m.parts):
        where = (*loc, "parts", j, "metric")
        bad = list(known_line(run, part.metric, where))
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
    bad = [p for key, where in refs for p in known_line(run, key, where)]
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
    _, problems = checked_span(tl, m.periods, (*loc, "periods"), "periods")
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
