"""Model line definitions -> Excel formulas: growth, ratio, sum and the assumption language's formulas.

Each period of a derived line becomes one A1-style formula over the cells of the same sheet,
mirroring the engine's arithmetic step for step (``reportgen.model.engine`` and
``reportgen.model.expr``): growth is ``=prev*(1+g)``, a ratio ``=of*rate``, a sum
``=SUM(children)``, and a formula is translated node by node. Conversions go through named
cells: ``convert(x, "CNY mn")`` from CNY bn is ``x*(SCALE_BN/SCALE_MN)``, ``fx(x, "USD")`` is
``x*(FX_CNY/FX_USD)``, so the factors the engine multiplies by are visible and editable.

Where the engine has no value (an input missing, division by zero), the workbook leaves the cell
empty rather than writing a formula; a cell is only translated where the model has a number, so
every reference it makes is to a cell that has one too. A construct that cannot be written as an
Excel formula (one the translator does not know, or one past Excel's limits on formula length and
nesting) raises :class:`UntranslatableError`, naming the line and the construct: a value is never
pasted in its place.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reportgen.errors import ReportgenError
from reportgen.inputs.units import Unit, parse_unit
from reportgen.model.expr import Env, Formula, evaluate, formula_unit

#: Excel's limits on one formula (Excel specifications and limits, also LibreOffice's for .xlsx).
MAX_FORMULA_CHARS = 8192
MAX_FUNCTION_NESTING = 64
MAX_FUNCTION_ARGS = 255
#: Named scale cells, by the scale word analysts write (``SCALE_1`` is the plain unit).
SCALE_WORDS: dict[float, str] = {1.0: "1", 1e3: "K", 1e6: "MN", 1e9: "BN", 1e12: "TN"}

_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[RrCc][0-9]*|[Rr][0-9]*[Cc][0-9]*")


class UntranslatableError(ReportgenError):
    """A line whose definition cannot be written as an Excel formula (bad input: exit 2).

    ``line`` and ``construct`` name what failed; the workbook writer adds where model.yaml
    declares the line.
    """

    exit_code = 2

    def __init__(self, line: str, construct: str, why: str) -> None:
        self.line, self.construct, self.why = line, construct, why
        #: The scenario whose sheet failed (None: the base case).
        self.case: str | None = None
        super().__init__(f"model.yaml: lines.{line}: cannot write '{construct}' as an Excel formula: {why}")


# --------------------------------------------------------------------------- references and names


def column_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(sheet: str) -> str:
    """A sheet name as formulas write it: always quoted, so 'fy25' is never read as a cell."""
    return "'" + sheet.replace("'", "''") + "'"


def cell(row: int, col: int, *, sheet: str | None = None, absolute: bool = False) -> str:
    """A1 reference of a 0-based (row, col), optionally on another sheet and absolute."""
    dollar = "$" if absolute else ""
    text = f"{dollar}{column_letters(col)}{dollar}{row + 1}"
    return f"{quote_sheet(sheet)}!{text}" if sheet is not None else text


def excel_name(text: str) -> str:
    """A defined name for a key: '-' becomes '.', and a name Excel would read as a cell
    (``a1``, ``R2C3``), a number or a boolean gets a leading underscore."""
    name = text.replace("-", ".")
    if (
        not name
        or name[0].isdigit()
        or _A1.fullmatch(name)
        or _R1C1.fullmatch(name)
        or name.upper() in ("TRUE", "FALSE")
    ):
        name = "_" + name
    return name


def scale_name(scale: float) -> str:
    """The named cell holding a scale: SCALE_BN for 1e9; other scales by their digits."""
    for value, word in SCALE_WORDS.items():
        if math.isclose(scale, value, rel_tol=1e-12):
            return f"SCALE_{word}"
    digits = format(scale, "g").replace(".", "_").replace("-", "M").replace("+", "")
    return f"SCALE_{digits}"


def fx_name(currency: str) -> str:
    """The named cell holding a currency's rate in the reporting currency: FX_USD."""
    return f"FX_{currency}"


# --------------------------------------------------------------------------- formula translation


@dataclass(frozen=True)
class LineGrid:
    """What translating one line's cells needs: where lines sit and what the case computed."""

    #: Line key -> 0-based row on this sheet.
    rows: Mapping[str, int]
    #: Column of the first period.
    first_col: int
    units: Mapping[str, Unit]
    #: The case's computed values by line, one per period (NaN where the model has none).
    values: Mapping[str, Sequence[float]]
    per_year: int
    fx_rate: Callable[[str], float]

    def ref(self, key: str, index: int) -> str:
        return cell(self.rows[key], self.first_col + index)


# Precedence of what an emitted piece of formula text is, for parentheses.
_SUM, _PRODUCT, _UNARY, _ATOM = 1, 2, 3, 4
_OPS: dict[type, tuple[str, int]] = {
    ast.Add: ("+", _SUM),
    ast.Sub: ("-", _SUM),
    ast.Mult: ("*", _PRODUCT),
    ast.Div: ("/", _PRODUCT),
}


class _Translator:
    """Walks one formula for one period; ``depth`` counts nested Excel functions."""

    def __init__(self, key: str, formula: Formula, grid: LineGrid) -> None:
        self.key, self.formula, self.grid = key, formula, grid

    def fail(self, node: ast.AST, why: str) -> UntranslatableError:
        return UntranslatableError(self.key, ast.unparse(node), why)

    def emit(self, node: ast.AST, i: int, depth: int = 0) -> tuple[str, int]:
        text, prec = self._emit(node, i, depth)
        if len(text) > MAX_FORMULA_CHARS:
            raise self.fail(
                node,
                f"it takes {len(text):,} characters, past Excel's {MAX_FORMULA_CHARS:,} for one formula; "
                "give part of it a line of its own",
            )
        return text, prec

    def _emit(self, node: ast.AST, i: int, depth: int) -> tuple[str, int]:
        if i < 0:
            raise self.fail(node, "it reads a period before the timeline's first")
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            value = float(node.value)  # type: ignore[arg-type]
            return (str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)), _ATOM
        if isinstance(node, ast.Name) and node.id in self.grid.rows:
            return self.grid.ref(node.id, i), _ATOM
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            inner, prec = self.emit(node.operand, i, depth)
            if isinstance(node.op, ast.UAdd):
                return inner, prec
            return "-" + (inner if prec >= _UNARY else f"({inner})"), _UNARY
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            op, prec = _OPS[type(node.op)]
            left, lp = self.emit(node.left, i, depth)
            right, rp = self.emit(node.right, i, depth)
            if lp < prec:
                left = f"({left})"
            if rp < prec or (rp == prec and op in "-/") or rp == _UNARY:
                right = f"({right})"
            return f"{left}{op}{right}", prec
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node, node.func.id, i, depth)
        raise self.fail(node, "the translator has no Excel form for it")

    def _call(self, node: ast.Call, name: str, i: int, depth: int) -> tuple[str, int]:
        args = node.args
        if name == "prev" and len(args) == 1:
            return self.emit(args[0], i - 1, depth)
        if name in ("growth", "cagr") and depth + 1 > MAX_FUNCTION_NESTING:
            raise self.fail(node, f"Excel nests at most {MAX_FUNCTION_NESTING} functions in one formula")
        if name == "growth" and len(args) == 1:
            return self._growth(args[0], i, self.grid.per_year, 1, depth)
        if name == "cagr" and len(args) == 2 and isinstance(args[1], ast.Constant):
            years = int(args[1].value)  # type: ignore[arg-type]
            return self._growth(args[0], i, years * self.grid.per_year, years, depth)
        if name == "cumsum" and len(args) == 1:
            return self._cumsum(node, args[0], i, depth)
        if name in ("convert", "fx") and len(args) == 2 and isinstance(args[1], ast.Constant):
            return self._convert(name, args[0], str(args[1].value), i, depth)
        raise self.fail(node, f"the translator has no Excel form for {name}()")

    def _atom(self, node: ast.AST, i: int, depth: int) -> str:
        text, prec = self.emit(node, i, depth)
        return text if prec == _ATOM else f"({text})"

    def _growth(self, x: ast.expr, i: int, back: int, years: int, depth: int) -> tuple[str, int]:
        """growth(x) and cagr(x, n): NA() where the engine finds growth not meaningful."""
        now, then = self._atom(x, i, depth + 1), self._atom(x, i - back, depth + 1)
        if years == 1:
            return f"IF({then}>0,{now}/{then}-1,NA())", _ATOM
        return f"IF(AND({then}>0,{now}>0),({now}/{then})^(1/{years})-1,NA())", _ATOM

    def _cumsum(self, node: ast.Call, x: ast.expr, i: int, depth: int) -> tuple[str, int]:
        """The running total from the first period x has a value, as the engine starts it."""
        series = self._values(x)
        start = next((j for j, v in enumerate(series) if not math.isnan(v)), None)
        if start is None or start > i:
            raise self.fail(node, "it has no value to start the running total from")
        if isinstance(x, ast.Name):
            row = self.grid.rows[x.id]
            first = f"${column_letters(self.grid.first_col + start)}{row + 1}"  # the total's anchor
            return f"SUM({first}:{self.grid.ref(x.id, i)})", _ATOM
        terms = [self.emit(x, j, depth) for j in range(start, i + 1)]
        text = "+".join(t if p > _SUM else f"({t})" for t, p in terms)
        if len(terms) == 1:
            return terms[0]
        if len(text) > MAX_FORMULA_CHARS:
            raise self.fail(
                node,
                f"a running total of an expression over {len(terms)} periods takes {len(text):,} "
                f"characters, past Excel's {MAX_FORMULA_CHARS:,}; give the expression a line of its own",
            )
        return text, _SUM

    def _convert(self, name: str, x: ast.expr, target: str, i: int, depth: int) -> tuple[str, int]:
        source = formula_unit(Formula("", x, frozenset()), self.grid.units)
        inner, prec = self.emit(x, i, depth)
        if name == "convert":
            factor = source.factor_to(parse_unit(target))
            top, bottom = scale_name(source.scale), scale_name(parse_unit(target).scale)
        else:
            assert source.currency is not None  # the model's unit check made sure
            factor = self.grid.fx_rate(source.currency) / self.grid.fx_rate(target)
            top, bottom = fx_name(source.currency), fx_name(target)
        if top == bottom and factor == 1.0:
            return inner, prec
        return f"{inner if prec >= _PRODUCT else f'({inner})'}*({top}/{bottom})", _PRODUCT

    def _values(self, node: ast.expr) -> list[float]:
        env = Env(
            units=self.grid.units,
            values={k: list(v) for k, v in self.grid.values.items()},
            per_year=self.grid.per_year,
            fx_rate=self.grid.fx_rate,
        )
        n = len(next(iter(self.grid.values.values())))
        return evaluate(Formula("", node, frozenset()), env, n)


def translate_formula(key: str, formula: Formula, index: int, grid: LineGrid) -> str:
    """The Excel formula (with '=') of ``key``'s formula in the period at ``index``."""
    text, _ = _Translator(key, formula, grid).emit(formula.tree, index)
    return "=" + text


def scales_used(formula: Formula, units: Mapping[str, Unit]) -> set[float]:
    """Every scale a formula's conversions name, so the workbook can give each a cell."""
    found: set[float] = set()
    for node in ast.walk(formula.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "convert"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Constant)
        ):
            source = formula_unit(Formula("", node.args[0], frozenset()), units)
            found |= {source.scale, parse_unit(str(node.args[1].value)).scale}
    return found


def growth_formula(prev: str, rate: str) -> str:
    """=prev*(1+g): the previous period grown by the period's rate."""
    return f"={prev}*(1+{rate})"


def ratio_formula(of: str, rate: str) -> str:
    """=of*rate."""
    return f"={of}*{rate}"


def sum_formula(key: str, refs: Sequence[str]) -> str:
    """=SUM(children): one argument per child line, as Excel allows at most 255."""
    if len(refs) > MAX_FUNCTION_ARGS:
        raise UntranslatableError(
            key, f"sum of {len(refs)} lines", f"Excel's SUM takes at most {MAX_FUNCTION_ARGS} arguments"
        )
    return f"=SUM({','.join(refs)})"
