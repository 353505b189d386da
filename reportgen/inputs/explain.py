"""Explain pydantic validation errors as ``file:line:col: field: message``, then run cross-field checks.

:func:`validate` validates loaded data strictly against a schema model; each error is resolved
against the data (union labels dropped, keys told from values) and worded for an analyst: what
was expected, what was found, and how to write it ("write 0.25 for 25%", "did you mean ...?").
"""

from __future__ import annotations

import collections.abc
import datetime
import difflib
import inspect
import math
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from reportgen.errors import AssumptionsError
from reportgen.inputs.sourcemap import Loc, SourceMap, format_problem

__all__ = ["Check", "describe", "unique", "validate"]

M = TypeVar("M", bound=BaseModel)

Check = Callable[[M], Iterable[tuple[Loc, str]]]
"""A cross-field check: yields ``(loc, message)`` for every problem it finds."""


def validate(
    model: type[M],
    data: Any,
    smap: SourceMap,
    checks: Sequence[Callable[[M], Iterable[tuple[Loc, str]]]] = (),
) -> M:
    """Validate ``data`` strictly against ``model``, then run the cross-field ``checks``.

    Every problem (pydantic errors first, checks only once the model validates) is mapped
    to ``file:line:col: dotted.path: message`` and raised in one :class:`AssumptionsError`,
    sorted by position in the file.
    """
    found: list[tuple[tuple[int, int], int, str]] = []

    def add(loc: Loc, message: str, *, key: bool) -> None:
        mark = smap.mark(loc, key=key) or (0, 0)
        found.append((mark, len(found), format_problem(smap, loc, message, key=key)))

    try:
        obj = model.model_validate(data, strict=True)
    except ValidationError as exc:
        for loc, message, key in _merge_union_errors([_explain(model, data, err) for err in exc.errors()]):
            add(loc, message, key=key)
    else:
        for check in checks:
            for raw_loc, message in check(obj):
                loc = tuple(raw_loc)
                add(loc, message, key=_is_key_loc(model, data, loc))
        if not found:
            return obj
    raise AssumptionsError(unique([text for _, _, text in sorted(found)]))


@dataclass(frozen=True)
class _Explained:
    """One pydantic error, resolved against the data."""

    loc: Loc
    message: str
    key: bool
    labelled: bool = False  # union member labels were dropped from the loc
    expected: str | None = None
    got: str | None = None
    hint: str = ""


def _merge_union_errors(items: list[_Explained]) -> list[tuple[Loc, str, bool]]:
    """Fold ``float | str`` style member errors into one "expected a number or a string"."""
    out: list[tuple[Loc, str, bool]] = []
    groups: dict[tuple[Loc, bool, str], list[_Explained]] = {}
    order: list[tuple[Loc, bool, str] | _Explained] = []
    for item in items:
        if item.labelled and item.expected is not None and item.got is not None:
            gkey = (item.loc, item.key, item.got)
            if gkey not in groups:
                groups[gkey] = []
                order.append(gkey)
            groups[gkey].append(item)
        else:
            order.append(item)
    for entry in order:
        if isinstance(entry, _Explained):
            out.append((entry.loc, entry.message, entry.key))
            continue
        members = groups[entry]
        if len(members) == 1:
            out.append((members[0].loc, members[0].message, members[0].key))
            continue
        expected = unique([m.expected for m in members if m.expected])
        joined = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0]
        prefix = "invalid key: " if members[0].key else ""
        hint = unique([m.hint for m in members if m.hint])
        out.append((entry[0], f"{prefix}expected {joined}, got {entry[2]}{''.join(hint)}", entry[1]))
    return out


def _resolve(data: Any, loc: Sequence[Any], err_type: str) -> tuple[Loc, bool, bool]:
    """Pydantic loc -> (data path, points at a key, had union/tag labels that were dropped)."""
    out: list[str | int] = []
    cur = data
    key = False
    labelled = False
    last = len(loc) - 1
    for i, seg in enumerate(loc):
        if seg == "[key]":
            key = True
            continue
        if _has(cur, seg):
            out.append(seg)
            cur = cur[seg]
        elif i == last and err_type in ("missing", "invalid_key") and isinstance(seg, str | int):
            out.append(seg)
        else:
            labelled = True  # union member name or discriminator tag: not part of the data
    return tuple(out), key, labelled


def _has(container: Any, seg: Any) -> bool:
    """Is ``seg`` a key of the dict / an index of the list ``container``?"""
    if isinstance(container, dict):
        try:
            return seg in container
        except TypeError:  # unhashable
            return False
    return isinstance(container, list) and isinstance(seg, int) and 0 <= seg < len(container)


def _explain(model: type[BaseModel], data: Any, err: Any) -> _Explained:
    err_type = str(err["type"])
    loc, key, labelled = _resolve(data, err["loc"], err_type)
    value = err.get("input")
    ctx = err.get("ctx") or {}

    if err_type == "missing":
        return _Explained(loc, "required field is missing", key=False)
    if err_type == "extra_forbidden":
        name = loc[-1] if loc else "?"
        message = f"unknown key {name!r}"
        suggestion = _suggest(model, data, loc)
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
        return _Explained(loc, message, key=True)
    if err_type == "invalid_key":
        return _Explained(loc, f"unexpected key {value!r}: keys here must be field names (text)", key=True)

    prefix = "invalid key: " if key else ""
    got = describe(value)
    expected = _EXPECTED.get(err_type)
    if expected is not None:
        hint = _hint(err_type, value)
        return _Explained(
            loc,
            f"{prefix}expected {expected}, got {got}{hint}",
            key=key,
            labelled=labelled,
            expected=expected,
            got=got,
            hint=hint,
        )
    if err_type in ("literal_error", "enum"):
        return _Explained(loc, f"{prefix}expected {ctx.get('expected')}, got {got}", key=key)
    bound = _BOUNDS.get(err_type)
    if bound is not None:
        word, ctx_key = bound
        limit = ctx.get(ctx_key)
        if isinstance(limit, int | float) and not isinstance(limit, bool) and math.isfinite(limit):
            limit = _plain(Decimal(str(limit)))
        return _Explained(loc, f"{prefix}expected a value {word} {limit}, got {got}", key=key)
    message = str(err.get("msg", "invalid value"))
    for lead in ("Value error, ", "Assertion failed, "):
        if message.startswith(lead):
            message = message[len(lead) :]
            return _Explained(loc, prefix + message, key=key)
    if _is_scalar(value):
        message += f" (got {got})"
    return _Explained(loc, prefix + message[:1].lower() + message[1:], key=key)


_EXPECTED: dict[str, str] = {
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "dataclass_type": "a mapping (key: value pairs)",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
    "none_required": "nothing (null)",
}

_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("of at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("of at most", "le"),
    "multiple_of": ("that is a multiple of", "multiple_of"),
}

_NUMERIC = frozenset(
    {"float_type", "float_parsing", "decimal_type", "decimal_parsing", "int_type", "int_parsing"}
)
_PERCENT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*%\s*$")
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$")


def _hint(err_type: str, value: Any) -> str:
    """Extra advice appended to an "expected X, got Y" message ('' if none)."""
    whole = err_type.startswith("int")
    if err_type in _NUMERIC and isinstance(value, str):
        percent = _PERCENT.match(value)
        if percent:
            number = Decimal(percent.group(1)) / 100
            return f"; write {_plain(number)} for {percent.group(1)}%"
        if _THOUSANDS.match(value):
            return f"; write {value.strip().replace(',', '')} without thousands separators"
        try:
            number = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            return ""
        if not number.is_finite():
            return ""
        if whole and number == number.to_integral_value():
            return f"; write it without quotes, e.g. {int(number)}"
        return f"; write it as a plain number without quotes, e.g. {_plain(number)}"
    if err_type == "string_type" and _is_scalar(value) and value is not None:
        return "; put it in quotes if it is meant as text"
    return ""


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | datetime.date)


def describe(value: Any) -> str:
    """What was found, in words: ``the string '1,234'``, ``a boolean (true)``, ``a list``."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if value is None:
        return "nothing (an empty or null value)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------- type walking


def _candidates(annotation: Any) -> list[Any]:
    """Concrete alternatives of an annotation: strips Annotated, splits unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _candidates(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [c for arg in get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _model_class(annotation: Any) -> type[BaseModel] | None:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_mapping_type(annotation: Any) -> bool:
    origin = get_origin(annotation) or annotation
    return (
        inspect.isclass(origin)
        and issubclass(origin, collections.abc.Mapping)
        and _model_class(annotation) is None
    )


def _field(cls: type[BaseModel], name: str) -> FieldInfo | None:
    for field_name, info in cls.model_fields.items():
        if name in (field_name, info.alias, info.validation_alias):
            return info
    return None


def _step(annotation: Any, seg: str | int) -> Any:
    """The annotation one level down, or None if it cannot be worked out."""
    for cand in _candidates(annotation):
        cls = _model_class(cand)
        if cls is not None:
            info = _field(cls, seg) if isinstance(seg, str) else None
            if info is not None:
                return info.annotation
            continue
        origin = get_origin(cand) or cand
        args = get_args(cand)
        if not inspect.isclass(origin):
            continue
        if issubclass(origin, collections.abc.Mapping):
            return args[1] if len(args) == 2 else Any
        if issubclass(origin, tuple) and isinstance(seg, int):
            if len(args) == 2 and args[1] is Ellipsis:
                return args[0]
            return args[seg] if 0 <= seg < len(args) else None
        if issubclass(origin, collections.abc.Sequence | collections.abc.Set) and not issubclass(
            origin, str | bytes
        ):
            return args[0] if args else Any
    return None


def _annotation_at(model: type[BaseModel], loc: Loc) -> Any:
    annotation: Any = model
    for seg in loc:
        annotation = _step(annotation, seg)
        if annotation is None:
            return None
    return annotation


def _data_at(data: Any, loc: Loc) -> Any:
    cur = data
    for seg in loc:
        if not _has(cur, seg):
            return None
        cur = cur[seg]
    return cur


def _suggest(model: type[BaseModel], data: Any, loc: Loc) -> str | None:
    """Closest field name of the model owning ``loc[:-1]`` to the unknown key ``loc[-1]``."""
    if not loc or not isinstance(loc[-1], str):
        return None
    parent = _annotation_at(model, loc[:-1])
    if parent is None:
        return None
    names: list[str] = []
    for cand in _candidates(parent):
        cls = _model_class(cand)
        if cls is not None:
            names.extend(info.alias or name for name, info in cls.model_fields.items())
    present = _data_at(data, loc[:-1])
    absent = [n for n in names if not (isinstance(present, dict) and n in present)]
    for pool in (absent, names):
        match = difflib.get_close_matches(loc[-1], unique(pool), n=1, cutoff=0.6)
        if match:
            return match[0]
    return None


def _is_key_loc(model: type[BaseModel], data: Any, loc: Loc) -> bool:
    """Does a check's ``loc`` end in a dict key (rather than a model field or list item)?"""
    if not loc:
        return False
    parent = _annotation_at(model, loc[:-1])
    if parent is not None:
        return any(_is_mapping_type(c) for c in _candidates(parent))
    return isinstance(loc[-1], int) and isinstance(_data_at(data, loc[:-1]), dict)
