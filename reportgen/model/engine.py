"""model.yaml -> ModelRun: lines declared as data, ordered by dependency, run once per scenario.

``compile_model`` checks everything that can be checked before running (periods, units,
references, cycles, coverage) and reports each problem with its YAML location;
``run_model`` then evaluates every line for every scenario with no further surprises
but arithmetic ones (overflow), which it reports as ModelError naming the line.
"""

from __future__ import annotations

import graphlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from reportgen.errors import ModelError
from reportgen.inputs.periods import Period, PeriodError, Timeline, TimelineBoundError, make_timeline
from reportgen.inputs.schema import CompanyFile, LineSpec, ModelFile, RatioSpec
from reportgen.inputs.units import Unit, UnitError, parse_unit
from reportgen.model.expr import Env, Formula, FormulaError, evaluate, formula_unit, parse_formula
from reportgen.model.line import Line

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]
#: Growth above this (as a fraction) is almost always a percentage typed as a number.
MAX_GROWTH = 100.0
DEFINITIONS = ("growth", "ratio", "sum", "formula")


@dataclass(frozen=True)
class LineDef:
    """One line ready to run: periods normalised, references checked, unit parsed."""

    key: str
    label: str
    unit: Unit
    timeline: Timeline
    values: Mapping[Period, float]
    growth: Mapping[Period, float] = field(default_factory=dict)
    ratio_of: str | None = None
    rate_line: str | None = None
    rates: Mapping[Period, float] = field(default_factory=dict)
    children: tuple[str, ...] = ()
    formula: Formula | None = None
    note: str | None = None
    assumed: bool = False

    @property
    def inputs(self) -> set[str]:
        """Lines this one reads."""
        refs = set(self.children) | {k for k in (self.ratio_of, self.rate_line) if k}
        return refs | (set(self.formula.names) if self.formula else set())


@dataclass(frozen=True)
class Case:
    """One scenario's line definitions, in the order they can be computed."""

    key: str
    label: str
    defs: Mapping[str, LineDef]
    order: tuple[str, ...]


@dataclass(frozen=True)
class CompiledModel:
    """Everything checked; ``run_model`` turns it into numbers."""

    timelines: Mapping[str, Timeline]
    cases: tuple[Case, ...]
    fx_rate: Callable[[str], float]


@dataclass(frozen=True)
class Scenario:
    """One case's computed lines."""

    key: str
    label: str
    lines: Mapping[str, Line]


@dataclass(frozen=True)
class ModelRun:
    """All cases of the model. The first case is the base the note is written on."""

    timelines: Mapping[str, Timeline]
    cases: Mapping[str, Scenario]
    children: Mapping[str, tuple[str, ...]]

    @property
    def base(self) -> Scenario:
        return next(iter(self.cases.values()))

    @property
    def lines(self) -> Mapping[str, Line]:
        return self.base.lines

    @property
    def timeline(self) -> Timeline:
        """The default timeline (the first declared)."""
        return next(iter(self.timelines.values()))

    def line(self, key: str, case: str | None = None) -> Line:
        return (self.cases[case] if case else self.base).lines[key]


class OverflowModelError(ModelError):
    """A line whose values overflow to infinity; ``loc`` is where model.yaml declares it, so the
    loader can name the file, line and column."""

    def __init__(self, loc: Loc, detail: str) -> None:
        self.loc, self.detail = loc, detail
        super().__init__(f"model.yaml: {'.'.join(str(s) for s in loc)}: {detail}")


# --------------------------------------------------------------------------- compile


def compile_model(spec: ModelFile, company: CompanyFile) -> tuple[CompiledModel | None, list[Problem]]:
    """Check the model file against itself and the company file; all problems at once."""
    problems: list[Problem] = []
    timelines = _timelines(spec, company, problems)
    if not timelines:
        return None, problems
    default = next(iter(timelines))
    units: dict[str, Unit] = {}
    for key, line in spec.lines.items():
        try:
            units[key] = parse_unit(line.unit)
        except UnitError as exc:
            problems.append((("lines", key, "unit"), str(exc)))
    cases: list[Case] = []
    seen: set[str] = set()
    scenarios = spec.scenarios or []
    if scenarios and scenarios[0].lines:
        problems.append(
            (("scenarios", 0, "lines"), "the first scenario is the base case: it overrides nothing")
        )
    for i, scenario in enumerate(scenarios):
        if scenario.key in seen:
            problems.append((("scenarios", i, "key"), f"scenario key '{scenario.key}' is used twice"))
        seen.add(scenario.key)
        for key in scenario.lines:
            if key not in spec.lines:
                problems.append((("scenarios", i, "lines", key), _unknown(key, spec.lines, "line")))
    plans: list[tuple[str, str, Mapping[str, Any]]] = [("base", "Base case", {})] if not scenarios else []
    plans += [(s.key, s.label, s.lines) for s in scenarios]
    for index, (case_key, label, overrides) in enumerate(plans):
        defs: dict[str, LineDef] = {}
        for key, line in spec.lines.items():
            over = overrides.get(key)
            where_over: Loc = ("scenarios", index, "lines", key)
            # Validate the merge, so an override's nested blocks (a ratio) become models again.
            merged = (
                LineSpec.model_validate(
                    {**line.model_dump(exclude_unset=True), **over.model_dump(exclude_unset=True)}
                )
                if over
                else line
            )
            def_problems: list[Problem] = []
            built = _line_def(key, merged, timelines, default, units, spec, def_problems)
            for loc, message in def_problems:
                if index == 0:
                    problems.append((loc, message))
                elif over is not None:  # an unchanged line's problems are the base case's
                    problems.append(((*where_over, *loc[2:]), f"{message} (in scenario '{case_key}')"))
            if built is not None:
                defs[key] = built
        case_problems: list[Problem] = []
        order = _order(defs, case_problems)
        if order is not None:
            for key in order:
                case_problems.extend(_unit_problems(defs[key], defs, company))
        for loc, message in case_problems:
            key = str(loc[1]) if len(loc) > 1 else ""
            if index == 0:
                problems.append((loc, message))
            elif key in overrides:  # only what the scenario changed can be new
                where = ("scenarios", index, "lines", key, *loc[2:])
                problems.append((where, f"{message} (in scenario '{case_key}')"))
        if order is None:
            return None, _unique(problems)
        cases.append(Case(case_key, label, MappingProxyType(defs), order))
    problems = _unique(problems)
    if problems:
        return None, problems
    return (
        CompiledModel(MappingProxyType(timelines), tuple(cases), company.fx_rate),
        [],
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _unknown(key: str, known: Mapping[str, object], what: str) -> str:
    from difflib import get_close_matches

    hint = get_close_matches(key, list(known), n=1)
    return f"unknown {what} '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")


def _timelines(spec: ModelFile, company: CompanyFile, problems: list[Problem]) -> dict[str, Timeline]:
    year_end = company.company.fiscal_year_end
    out: dict[str, Timeline] = {}
    for key, tl in spec.timelines.items():
        fiscal = year_end != "December" and not tl.calendar
        try:
            out[key] = make_timeline(
                key,
                "quarterly" if tl.kind == "quarters" else "annual",
                tl.first,
                tl.last,
                tl.last_actual,
                fiscal=fiscal,
                year_end=year_end,
            )
        except TimelineBoundError as exc:  # named at `last`: that is what runs too far (or short)
            problems.append((("timelines", key, "last"), str(exc)))
        except PeriodError as exc:
            problems.append((("timelines", key), str(exc)))
    return out


def _periods(
    values: Mapping[int | str, float], tl: Timeline, loc: Loc, problems: list[Problem]
) -> dict[Period, float]:
    out: dict[Period, float] = {}
    for raw, value in values.items():
        try:
            out[tl.normalise(raw)] = float(value)
        except PeriodError as exc:
            problems.append(((*loc, raw), str(exc)))
    return out


def _line_def(
    key: str,
    line: LineSpec,
    timelines: Mapping[str, Timeline],
    default: str,
    units: Mapping[str, Unit],
    spec: ModelFile,
    problems: list[Problem],
) -> LineDef | None:
    loc: Loc = ("lines", key)
    tl_key = line.timeline or default
    if tl_key not in timelines:
        problems.append(((*loc, "timeline"), _unknown(tl_key, timelines, "timeline")))
        return None
    tl = timelines[tl_key]
    kinds = [name for name in DEFINITIONS if getattr(line, name) is not None]
    if len(kinds) > 1:
        problems.append((loc, f"give one definition, not {' and '.join(kinds)}"))
        return None
    if not kinds and line.values is None:
        problems.append((loc, "give values, or one of growth, ratio, sum or formula"))
        return None
    if isinstance(line.values, float | int):
        values = dict.fromkeys(tl.periods, float(line.values))
    else:
        values = _periods(line.values or {}, tl, (*loc, "values"), problems)
    growth = _periods(line.growth or {}, tl, (*loc, "growth"), problems)
    refs: list[tuple[Loc, str]] = []
    ratio_of = rate_line = None
    rates: dict[Period, float] = {}
    if isinstance(line.ratio, RatioSpec):
        ratio_of = line.ratio.of
        refs.append(((*loc, "ratio", "of"), ratio_of))
        if isinstance(line.ratio.rate, str):
            rate_line = line.ratio.rate
            refs.append(((*loc, "ratio", "rate"), rate_line))
        else:
            rates = _periods(line.ratio.rate, tl, (*loc, "ratio", "rate"), problems)
    children = tuple(line.sum or ())
    for i, child in enumerate(children):
        refs.append(((*loc, "sum", i), child))
    if line.sum is not None and not children:
        problems.append(((*loc, "sum"), "a sum needs at least one line"))
    formula = None
    if line.formula is not None:
        try:
            formula = parse_formula(line.formula)
        except FormulaError as exc:
            problems.append(((*loc, "formula"), f"{exc} (in '{line.formula.strip()}')"))
            return None
        refs += [((*loc, "formula"), name) for name in sorted(formula.names)]
    ok = True
    for where, ref in refs:
        if ref == key:
            problems.append((where, f"'{key}' refers to itself"))
            ok = False
        elif ref not in spec.lines:
            problems.append((where, _unknown(ref, spec.lines, "line")))
            ok = False
        elif (spec.lines[ref].timeline or default) != tl_key:
            problems.append(
                (where, f"'{ref}' is on timeline '{spec.lines[ref].timeline or default}', not '{tl_key}'")
            )
            ok = False
    for period in growth:
        if period in values:
            problems.append(
                ((*loc, "growth", period), f"{tl.label(period)} has both a value and a growth rate: keep one")
            )
            ok = False
    for period, g in growth.items():
        if g <= -1:
            problems.append(((*loc, "growth", period), f"growth of {g} would take the line to zero or below"))
        elif g > MAX_GROWTH:
            problems.append(
                (
                    (*loc, "growth", period),
                    f"growth of {g} is {g:.0%}; growth is a fraction (0.43 for 43%): "
                    "did you type a percentage?",
                )
            )
    if growth:
        problems.extend(_growth_coverage(key, tl, values, growth))
    if not ok or key not in units:
        return None
    return LineDef(
        key=key,
        label=line.label,
        unit=units[key],
        timeline=tl,
        values=MappingProxyType(values),
        growth=MappingProxyType(growth),
        ratio_of=ratio_of,
        rate_line=rate_line,
        rates=MappingProxyType(rates),
        children=children,
        formula=formula,
        note=line.note,
        assumed=line.assumed,
    )


def _growth_coverage(
    key: str, tl: Timeline, values: Mapping[Period, float], growth: Mapping[Period, float]
) -> Iterator[Problem]:
    """A growth line needs a base before its first growth, and no gaps up to the timeline's end."""
    started = False
    for period in tl.periods:
        if period in values:
            started = True
        elif period in growth:
            if not started:
                yield (
                    ("lines", key, "growth", period),
                    f"{tl.label(period)} has growth but no earlier value to grow from",
                )
                return
        elif started:
            yield (
                ("lines", key),
                f"no value or growth for {tl.label(period)}: every period after the first value needs one",
            )
            return


def _order(defs: Mapping[str, LineDef], problems: list[Problem]) -> tuple[str, ...] | None:
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for key, d in defs.items():
        sorter.add(key, *sorted(r for r in d.inputs if r in defs))
    try:
        return tuple(sorter.static_order())
    except graphlib.CycleError as exc:
        cycle = list(exc.args[1])
        problems.append(
            (("lines", cycle[0]), "lines depend on each other in a circle: " + " -> ".join(cycle))
        )
        return None


def _unit_problems(d: LineDef, defs: Mapping[str, LineDef], company: CompanyFile) -> Iterator[Problem]:
    loc: Loc = ("lines", d.key)
    for i, child in enumerate(d.children):
        if child in defs and not defs[child].unit.compatible(d.unit):
            yield (
                (*loc, "sum", i),
                f"'{child}' is in {defs[child].unit}, but '{d.key}' is in {d.unit}: a sum needs one unit",
            )
    if d.ratio_of and d.ratio_of in defs:
        base = defs[d.ratio_of].unit
        if not base.compatible(d.unit):
            yield (
                (*loc, "ratio", "of"),
                f"'{d.ratio_of}' is in {base}, but '{d.key}' is in {d.unit}; "
                "a ratio keeps the unit of its base",
            )
        if d.rate_line and d.rate_line in defs and not defs[d.rate_line].unit.dimensionless:
            yield (
                (*loc, "ratio", "rate"),
                f"the rate line '{d.rate_line}' must be a % (it is in {defs[d.rate_line].unit})",
            )
    if d.formula is not None and d.formula.names <= defs.keys():  # a broken input is reported already
        units = {k: v.unit for k, v in defs.items()}
        try:
            got = formula_unit(d.formula, units, company.currencies)
        except FormulaError as exc:
            yield (*loc, "formula"), f"{exc} (in '{d.formula.text}')"
            return
        if not got.compatible(d.unit):
            hint = f'; convert it, e.g. convert(..., "{d.unit}")' if got.same_kind(d.unit) else ""
            yield (*loc, "formula"), f"the formula gives {got}, but the line is declared in {d.unit}{hint}"


# --------------------------------------------------------------------------- run


def run_model(model: CompiledModel) -> ModelRun:
    """Evaluate every line for every case. Pure: the compiled model is not changed."""
    cases: dict[str, Scenario] = {}
    for case in model.cases:
        cases[case.key] = Scenario(case.key, case.label, MappingProxyType(_run_case(case, model)))
    base = model.cases[0]
    children = {k: d.children for k, d in base.defs.items() if d.children}
    return ModelRun(model.timelines, MappingProxyType(cases), MappingProxyType(children))


def _run_case(case: Case, model: CompiledModel) -> dict[str, Line]:
    computed: dict[str, list[float]] = {}
    for key in case.order:
        d = case.defs[key]
        values = _evaluate(d, computed, case.defs, model)
        for period, v in zip(d.timeline.periods, values, strict=True):
            if math.isinf(v):
                raise OverflowModelError(
                    ("lines", key),
                    f"{d.timeline.label(period)} is too large to compute (overflow) in the "
                    f"{case.label.lower()}: check the units and growth rates",
                )
        computed[key] = values
    parents = {child: k for k, d in case.defs.items() for child in d.children}
    lines = {
        k: Line(k, d.label, d.unit, d.timeline, tuple(computed[k]), note=d.note, assumed=d.assumed)
        for k, d in case.defs.items()
    }
    for key in lines:
        root = key
        while root in parents:
            root = parents[root]
        if root != key:
            lines[key] = replace(lines[key], total=lines[root])
    return lines


def _fsum(values: tuple[float, ...]) -> float:
    """An exact sum; overflow gives inf, which run_model reports against the line."""
    try:
        return math.fsum(values)
    except OverflowError:
        return math.inf


def _evaluate(
    d: LineDef, computed: Mapping[str, list[float]], defs: Mapping[str, LineDef], model: CompiledModel
) -> list[float]:
    periods = d.timeline.periods
    n = len(periods)
    given = [d.values.get(p, math.nan) for p in periods]
    if d.growth:
        out: list[float] = []
        for i, p in enumerate(periods):
            if p in d.growth:
                prev = out[i - 1] if i else math.nan
                out.append(prev * (1.0 + d.growth[p]))
            else:
                out.append(given[i])
        return out
    if d.children:
        derived = [
            _fsum(vals) if not any(math.isnan(v) for v in vals) else math.nan
            for vals in zip(*(computed[c] for c in d.children), strict=True)
        ]
    elif d.ratio_of:
        rates = computed[d.rate_line] if d.rate_line else [d.rates.get(p, math.nan) for p in periods]
        derived = [a * r for a, r in zip(computed[d.ratio_of], rates, strict=True)]
    elif d.formula is not None:
        env = Env(
            units={k: v.unit for k, v in defs.items()},
            values=computed,
            per_year=d.timeline.per_year,
            fx_rate=model.fx_rate,
        )
        derived = evaluate(d.formula, env, n)
    else:
        return given
    return [g if not math.isnan(g) else v for g, v in zip(given, derived, strict=True)]
