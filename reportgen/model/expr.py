"""Formulas over model lines: parsed with ``ast`` against a whitelist, never ``eval``.

Allowed: numbers, line keys, ``+ - * /``, parentheses, unary minus, and the functions in
FUNCTIONS. A formula is checked once (names, units) and then evaluated period by period
on plain lists, so a line's formula is as cheap as the arithmetic in it.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reportgen.inputs.units import DIMENSIONLESS, Unit, UnitError, check_add, parse_unit

Values = list[float]

#: Function name -> (arguments, what it does), for messages and the reference page.
FUNCTIONS: dict[str, tuple[str, str]] = {
    "prev": ("x", "the previous period's value of x"),
    "growth": ("x", "growth of x over the same period a year earlier (a fraction)"),
    "cagr": ("x, years", "compound annual growth of x over the last `years` years"),
    "cumsum": ("x", "running total of x from the first period"),
    "convert": ('x, "unit"', 'x in another scale of the same unit, e.g. convert(x, "CNY mn")'),
    "fx": ('x, "CUR"', "money x converted into currency CUR at the note's FX rates"),
}
MAX_FORMULA_LENGTH = 2000
MAX_DEPTH = 40


class FormulaError(ValueError):
    """A formula that does not parse, names what it may not, or mixes units."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, its parsed tree and the lines it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]


def parse_formula(text: str) -> Formula:
    """Parse and whitelist ``text``; FormulaError says what is not allowed."""
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"formula longer than {MAX_FORMULA_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"cannot read the formula: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("cannot read the formula") from None
    names: set[str] = set()
    _check(tree, names, 0)
    return Formula(text.strip(), tree, frozenset(names))


def _check(node: ast.AST, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"formula nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        _check(node.left, names, depth + 1)
        _check(node.right, names, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, names, depth + 1)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if not math.isfinite(float(node.value)):  # type: ignore[arg-type]
            raise FormulaError("numbers in formulas must be finite")
    elif isinstance(node, ast.Name):
        names.add(node.id)
    elif isinstance(node, ast.Call):
        _check_call(node, names, depth)
    else:
        raise FormulaError(
            f"'{ast.unparse(node)}' is not allowed: use numbers, line keys, + - * /, parentheses "
            f"and {', '.join(FUNCTIONS)}()"
        )


def _check_call(node: ast.Call, names: set[str], depth: int) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise FormulaError(f"unknown function in '{ast.unparse(node)}'; allowed: {', '.join(FUNCTIONS)}")
    name, args = node.func.id, node.args
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments")
    wanted = FUNCTIONS[name][0].count(",") + 1
    if len(args) != wanted:
        raise FormulaError(f"{name}({FUNCTIONS[name][0]}) takes {wanted} argument(s), got {len(args)}")
    _check(args[0], names, depth + 1)
    if name in ("convert", "fx") and not (
        isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)
    ):
        raise FormulaError(f'{name}() needs its second argument in quotes, e.g. {name}(x, "CNY mn")')
    if name == "cagr" and not (
        isinstance(args[1], ast.Constant) and type(args[1].value) is int and 1 <= args[1].value <= 50
    ):
        raise FormulaError("cagr(x, years) needs a whole number of years from 1 to 50")


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Env:
    """What evaluation needs besides the formula: line values and units, the timeline, FX."""

    units: Mapping[str, Unit]
    values: Mapping[str, Values]
    per_year: int = 1
    #: Rate to turn one unit of a currency into the reporting currency.
    fx_rate: Callable[[str], float] | None = None


def formula_unit(formula: Formula, units: Mapping[str, Unit], currencies: Sequence[str] = ()) -> Unit:
    """The unit the formula produces; FormulaError for incompatible arithmetic."""
    try:
        return _unit(formula.tree, units, currencies)
    except UnitError as exc:
        raise FormulaError(str(exc)) from None


def _unit(node: ast.AST, units: Mapping[str, Unit], currencies: Sequence[str]) -> Unit:
    if isinstance(node, ast.Constant):
        return DIMENSIONLESS
    if isinstance(node, ast.Name):
        return units[node.id]
    if isinstance(node, ast.UnaryOp):
        return _unit(node.operand, units, currencies)
    if isinstance(node, ast.BinOp):
        a, b = _unit(node.left, units, currencies), _unit(node.right, units, currencies)
        if isinstance(node.op, ast.Add | ast.Sub):
            sign = "+" if isinstance(node.op, ast.Add) else "-"
            if isinstance(node.right, ast.Constant) and not a.dimensionless:
                raise UnitError(f"{a} {sign} a bare number: give the number a line with a unit")
            return check_add(a, b, sign)
        return a * b if isinstance(node.op, ast.Mult) else a / b
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name, args = node.func.id, node.args
    inner = _unit(args[0], units, currencies)
    if name in ("prev", "cumsum"):
        return inner
    if name in ("growth", "cagr"):
        return parse_unit("%")
    target_text = str(args[1].value)  # type: ignore[attr-defined]
    if name == "convert":
        target = parse_unit(target_text)
        inner.factor_to(target)
        return target
    # fx: money of one currency -> the same scale of another.
    currency = inner.currency
    if currency is None:
        raise UnitError(f"fx() converts money, but its argument is in {inner}")
    for code in (currency, target_text):
        if currencies and code not in currencies:
            raise UnitError(f"fx(): no rate for {code!r}; the note has {', '.join(currencies)}")
    dims = tuple(sorted((target_text if d == currency else d, p) for d, p in inner.dims))
    return Unit(dims, inner.scale)


# --------------------------------------------------------------------------- evaluation


def evaluate(formula: Formula, env: Env, length: int) -> Values:
    """Values of the formula for each of ``length`` periods; NaN where an input is missing."""
    return _eval(formula.tree, env, length)


def _eval(node: ast.AST, env: Env, n: int) -> Values:
    if isinstance(node, ast.Constant):
        return [float(node.value)] * n  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return list(env.values[node.id])
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, env, n)
        return [-v for v in inner] if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, n), _eval(node.right, env, n)
        op = _BINOPS[type(node.op)]
        return [op(x, y) for x, y in zip(a, b, strict=True)]
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name, args = node.func.id, node.args
    x = _eval(args[0], env, n)
    if name == "prev":
        return [math.nan, *x[:-1]]
    if name == "growth":
        k = env.per_year
        return [math.nan] * min(k, n) + [_ratio(x[i], x[i - k]) - 1.0 for i in range(k, n)]
    if name == "cagr":
        years = int(args[1].value)  # type: ignore[attr-defined]
        k = years * env.per_year
        return [math.nan] * min(k, n) + [_root(x[i - k], x[i], years) for i in range(k, n)]
    if name == "cumsum":
        out: Values = []
        total: float | None = None  # the running total starts at the first value, not before
        for v in x:
            if total is None and math.isnan(v):
                out.append(math.nan)
                continue
            total = (total or 0.0) + v
            out.append(total)
        return out
    target = str(args[1].value)  # type: ignore[attr-defined]
    if name == "convert":
        source = formula_unit(Formula("", args[0], frozenset()), env.units)
        factor = source.factor_to(parse_unit(target))
        return [v * factor for v in x]
    source_unit = formula_unit(Formula("", args[0], frozenset()), env.units)
    assert env.fx_rate is not None and source_unit.currency is not None
    factor = env.fx_rate(source_unit.currency) / env.fx_rate(target)
    return [v * factor for v in x]


def _div(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _ratio(a: float, b: float) -> float:
    """a / b for growth: NaN when the base is zero or negative (growth is not meaningful)."""
    return a / b if b > 0 else math.nan


def _root(start: float, end: float, years: int) -> float:
    if not (start > 0 and end > 0):
        return math.nan
    return float((end / start) ** (1.0 / years) - 1.0)


_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _div,
}
