"""Units of model lines: parse 'CNY bn', '%', 'mn shares', 'CNY per mn tokens'; check arithmetic.

A unit is a product of dimensions (currency codes, 'share', or any word such as 'token')
with integer powers, times a scale (bn = 1e9). Lines store numbers in their own unit, so
adding CNY bn to CNY mn, or money to a percentage, is refused: conversion is always
written out (``convert(x, "CNY mn")``, ``fx(x, "USD")``) and checked here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Scale words analysts write, and what they multiply by.
SCALES: dict[str, float] = {"k": 1e3, "th": 1e3, "mn": 1e6, "m": 1e6, "bn": 1e9, "tn": 1e12}
#: Printed scale suffix for money ('€833.4bn').
SCALE_WORDS: dict[float, str] = {1e3: "k", 1e6: "mn", 1e9: "bn", 1e12: "tn"}
_CURRENCY = re.compile(r"[A-Z]{3}")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class UnitError(ValueError):
    """A unit that cannot be parsed, or arithmetic between incompatible units."""


@dataclass(frozen=True, order=True)
class Unit:
    """``dims`` as sorted (name, power) pairs; ``display`` says how numbers print.

    ``display`` is 'pct' for '%' (stored as a fraction, 0.43 = 43%), 'mult' for 'x', and
    '' otherwise. ``text`` keeps the analyst's spelling for captions.
    """

    dims: tuple[tuple[str, int], ...] = ()
    scale: float = 1.0
    display: str = ""
    text: str = ""

    # ----------------------------------------------------------------- views

    @property
    def dimensionless(self) -> bool:
        return not self.dims

    @property
    def currency(self) -> str | None:
        """The currency of a money or per-unit money amount, else None."""
        money = [d for d, p in self.dims if p == 1 and _CURRENCY.fullmatch(d)]
        return money[0] if len(money) == 1 else None

    @property
    def is_money(self) -> bool:
        """A plain amount of one currency (CNY bn), not a per-share or per-token figure."""
        return self.currency is not None and len(self.dims) == 1

    @property
    def per(self) -> str | None:
        """What a per-unit money amount is per ('share', 'ADS'), if that is all it is."""
        if self.currency is None or len(self.dims) != 2:
            return None
        other = [d for d, p in self.dims if p == -1]
        return other[0] if other else None

    def same_kind(self, other: Unit) -> bool:
        """Same dimensions: convertible by scale alone."""
        return self.dims == other.dims

    def compatible(self, other: Unit) -> bool:
        """Addable without conversion: same dimensions and scale."""
        return self.dims == other.dims and math.isclose(self.scale, other.scale, rel_tol=1e-12)

    def __str__(self) -> str:
        return self.text or describe(self)

    # ----------------------------------------------------------------- algebra

    def __mul__(self, other: Unit) -> Unit:
        return _make(_combine(self.dims, other.dims, 1), self.scale * other.scale)

    def __truediv__(self, other: Unit) -> Unit:
        return _make(_combine(self.dims, other.dims, -1), self.scale / other.scale)

    def factor_to(self, other: Unit) -> float:
        """Multiply a number in this unit by this to express it in ``other`` (same dims only)."""
        if not self.same_kind(other):
            raise UnitError(f"cannot convert {self} to {other}: different kinds of quantity")
        return self.scale / other.scale


DIMENSIONLESS = Unit()
PERCENT = Unit(display="pct", text="%")
MULTIPLE = Unit(display="mult", text="x")


def _combine(a: tuple[tuple[str, int], ...], b: tuple[tuple[str, int], ...], sign: int) -> dict[str, int]:
    out = dict(a)
    for name, power in b:
        out[name] = out.get(name, 0) + sign * power
    return {k: v for k, v in out.items() if v}


def _make(dims: dict[str, int], scale: float) -> Unit:
    return Unit(tuple(sorted(dims.items())), scale)


def _singular(word: str) -> str:
    """'shares' and 'share' are one dimension; so are 'tokens' and 'token'."""
    if len(word) > 3 and word.endswith("s") and not word.isupper() and not word.endswith("ss"):
        return word[:-1]
    return word


def _side(text: str, whole: str) -> tuple[dict[str, int], float]:
    """One side of 'A per B': words are scales, currency codes or dimension names."""
    dims: dict[str, int] = {}
    scale = 1.0
    words = text.split()
    if not words:
        raise UnitError(f"unit {whole!r}: expected something on each side of 'per'")
    for word in words:
        if word in SCALES:
            scale *= SCALES[word]
        elif word.isdigit():
            scale *= float(word)
        elif word == "per":
            raise UnitError(f"unit {whole!r}: at most one 'per'")
        elif _WORD.fullmatch(word):
            name = word if _CURRENCY.fullmatch(word) else _singular(word)
            dims[name] = dims.get(name, 0) + 1
        else:
            raise UnitError(f"unit {whole!r}: cannot read {word!r}")
    return dims, scale


def parse_unit(text: str) -> Unit:
    """'CNY bn' -> money in billions; '%' -> fraction; 'x' -> multiple; 'USD per share';
    'mn shares'; 'tn tokens'; 'CNY per mn tokens'. Raises UnitError with the reason."""
    raw = text.strip()
    if raw == "%":
        return PERCENT
    if raw == "x":
        return MULTIPLE
    if raw in ("", "number", "count"):
        return Unit(text=raw)
    halves = re.split(r"\s+per\s+|\s*/\s*", raw)
    if len(halves) > 2:
        raise UnitError(f"unit {text!r}: at most one 'per'")
    top, scale = _side(halves[0], raw) if halves[0].strip() not in ("", "1") else ({}, 1.0)
    if len(halves) == 2:
        bottom, bottom_scale = _side(halves[1], raw)
        top = _combine(tuple(top.items()), tuple(bottom.items()), -1)
        scale /= bottom_scale
    unit = _make(top, scale)
    return Unit(unit.dims, unit.scale, "", raw)


def describe(unit: Unit) -> str:
    """A readable spelling for units made by arithmetic (no analyst text to reuse)."""
    if unit.display == "pct":
        return "%"
    if unit.display == "mult":
        return "x"
    top = [n for n, p in unit.dims for _ in range(p) if p > 0]
    bottom = [n for n, p in unit.dims for _ in range(-p) if p < 0]
    word = SCALE_WORDS.get(unit.scale, "" if unit.scale == 1 else f"{unit.scale:g}")
    head = " ".join([*top, word] if top and _CURRENCY.fullmatch(top[0]) else [word, *top]).strip()
    text = head or "1"
    if bottom:
        text += " per " + " ".join(bottom)
    return text if text != "1" else "number"


def check_add(a: Unit, b: Unit, op: str) -> Unit:
    """The unit of ``a op b`` for + and -: both must be the same unit."""
    if a.compatible(b):
        return a if a.text else b
    if a.same_kind(b):
        raise UnitError(f'{a} {op} {b}: different scales; convert one first, e.g. convert(x, "{a}")')
    raise UnitError(f"{a} {op} {b}: incompatible units")
