"""Load YAML with line/column marks and report every validation problem as ``file:line:col``."""

from __future__ import annotations

import collections.abc
import copy
import datetime
import difflib
import hashlib
import inspect
import math
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reportgen.errors import AssumptionsError
from reportgen.inputs.sources import CONTROL, control_message, display_path, line_col, read_text

__all__ = [
    "Check",
    "Loc",
    "SourceMap",
    "display_path",
    "format_problem",
    "load_yaml",
    "validate",
]

Loc = tuple[str | int, ...]
"""Path of mapping keys and list indexes from the document root."""

M = TypeVar("M", bound=BaseModel)

Check = Callable[[M], Iterable[tuple[Loc, str]]]
"""A cross-field check: yields ``(loc, message)`` for every problem it finds."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _TAG + name for name in ("null", "bool", "int", "float", "str", "timestamp", "value")
)
_MAX_NODES = 200_000
"""Values after alias expansion: guards against alias bombs ("billion laughs")."""
MAX_VALUES = 50_000
"""Values written in one file (a note's largest file has about a thousand)."""
MAX_DEPTH = 32
"""Nesting of mappings and lists (ours need six); deeper would strain the recursive composer."""
MAX_STRING = 20_000
"""Characters in one value: a long paragraph is two thousand."""
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""What a text mapping key may be. Keys become HTML ids, CSS names and file names (a chart's SVG),
so one rule here keeps quotes, slashes, dots and spaces out of all of them."""
MAX_NUMBER = 1e18
"""Largest magnitude of a number written in a file: beyond it a figure is a typo, not a fact."""
#: Integers YAML 1.1 reads in another base (010 = 8, 0x10 = 16, 0b10 = 2) or sexagesimal (1:30).
_LEGACY_NUMBER = re.compile(r"^[-+]?(0[0-9_]+$|0[xXbB]|[0-9][0-9_]*(:[0-5]?[0-9])+)")


# --------------------------------------------------------------------------- source map


@dataclass(frozen=True)
class SourceMap:
    """Where each node of a loaded YAML document was written (1-based line and column)."""

    path: Path
    marks: Mapping[Loc, tuple[int, int]] = field(default_factory=dict, hash=False)
    key_marks: Mapping[Loc, tuple[int, int]] = field(default_factory=dict, hash=False)

    @cached_property
    def _sequence_locs(self) -> frozenset[Loc]:
        """Locs known to hold a non-empty list (their items have value marks but no key marks)."""
        return frozenset(loc[:-1] for loc in self.marks if loc and loc not in self.key_marks)

    def mark(self, loc: Loc, *, key: bool = False) -> tuple[int, int] | None:
        """(line, column) for the longest known prefix of ``loc``; the key mark if ``key``."""
        if key and loc in self.key_marks:
            return self.key_marks[loc]
        for end in range(len(loc), -1, -1):
            found = self.marks.get(loc[:end])
            if found is not None:
                return found
        return None

    def where(self, loc: Loc, *, key: bool = False) -> str:
        """``file:line:col`` for the longest known prefix of ``loc``.

        With ``key=True`` (a problem with the key itself, e.g. an unknown or misspelt key)
        the mark of the mapping key is preferred over the mark of its value.
        """
        found = self.mark(loc, key=key)
        name = display_path(self.path)
        return name if found is None else f"{name}:{found[0]}:{found[1]}"

    def dotted(self, loc: Loc) -> str:
        """``segments[2].growth.2027``: list indexes in brackets, mapping keys joined by dots."""
        out = ""
        for i, seg in enumerate(loc):
            if isinstance(seg, int) and loc[:i] in self._sequence_locs:
                out += f"[{seg}]"
            else:
                out += f".{seg}" if out else str(seg)
        return out or "(top level)"


def format_problem(smap: SourceMap, loc: Loc, message: str, *, key: bool = False) -> str:
    """``file:line:col: dotted.path: message``."""
    return f"{smap.where(loc, key=key)}: {smap.dotted(loc)}: {message}"


# --------------------------------------------------------------------------- loading


class _Loader(yaml.SafeLoader):
    """SafeLoader subclass, so nothing we do here leaks into ``yaml.SafeLoader`` itself."""


class _TooLarge(Exception):
    pass


class _Builder:
    """Turns a composed node graph into plain Python data while recording marks."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.key_marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[tuple[tuple[int, int], Loc, str, bool]] = []
        self._active: set[int] = set()
        self._count = 0

    def problem(self, mark: tuple[int, int], loc: Loc, message: str, *, key: bool = False) -> None:
        self.problems.append((mark, loc, message, key))

    def build(self, node: Node, loc: Loc) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLarge
        self.marks.setdefault(loc, _mark(node))
        if id(node) in self._active:
            self.problem(_mark(node), loc, "recursive alias (an anchor is used inside itself)")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, loc)
            if isinstance(node, SequenceNode):
                if node.tag != _TAG + "seq":
                    self.problem(_mark(node), loc, f"unsupported YAML tag {node.tag!r}")
                    return None
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, loc)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: Node, loc: Loc) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problem(_mark(node), loc, f"unsupported YAML tag {node.tag!r}")
            return None
        if node.tag == _TAG + "value":  # a lone '=' in YAML 1.1; keep it as text
            return str(node.value)
        if node.tag in (_TAG + "int", _TAG + "float") and _LEGACY_NUMBER.match(str(node.value)):
            # YAML 1.1 reads 010 as octal 8 and 0x10 as 16: never what an analyst typing a figure means.
            self.problem(
                _mark(node),
                loc,
                f"cannot read {node.value!r}: write the number without leading zeros or prefixes",
            )
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            mark = _mark_of(exc.problem_mark) or _mark(node)
            self.problem(mark, loc, f"cannot read {node.value!r}: {exc.problem}")
            return None
        except (ValueError, OverflowError, TypeError) as exc:
            self.problem(_mark(node), loc, f"cannot read {node.value!r}: {exc}")
            return None
        if isinstance(value, str) and (found := CONTROL.search(value)):
            self.problem(_mark(node), loc, control_message(found.group()))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(_mark(node), loc, f"NaN/infinity is not a number we can model (got {node.value})")
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= MAX_NUMBER:
            shown = (
                node.value
                if len(node.value) <= 24
                else f"{node.value[:12]}... ({len(node.value)} characters)"
            )
            self.problem(_mark(node), loc, f"{shown} is too large: numbers must stay below {MAX_NUMBER:.0e}")
            return None
        return value

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str | int, Any] | None:
        if node.tag != _TAG + "map":
            self.problem(_mark(node), loc, f"unsupported YAML tag {node.tag!r}")
            return None
        out: dict[str | int, Any] = {}
        first_line: dict[str | int, int] = {}
        for key_node, value_node in node.value:
            key_mark = _mark(key_node)
            if key_node.tag == _TAG + "merge":
                self.problem(key_mark, loc, "merge keys (<<) are not supported; write the keys out in full")
                continue
            key = self._key(key_node, loc)
            if key is None:
                continue
            sub = (*loc, key)
            if key in first_line:
                self.problem(
                    key_mark,
                    sub,
                    f"duplicate key {key!r} (first defined on line {first_line[key]})",
                    key=True,
                )
                self.build(value_node, sub)  # still report problems inside it
                continue
            first_line[key] = key_mark[0]
            self.key_marks[sub] = key_mark
            self.marks[sub] = _mark(value_node)
            out[key] = self.build(value_node, sub)
        return out

    def _key(self, node: Node, loc: Loc) -> str | int | None:
        """The key as str or int, or None (after recording a problem) for anything else."""
        mark = _mark(node)
        if not isinstance(node, ScalarNode):
            kind = "a mapping" if isinstance(node, MappingNode) else "a list"
            self.problem(mark, loc, f"mapping keys must be text or whole numbers, got {kind}")
            return None
        value = self._scalar(node, loc)
        if isinstance(value, str) and not KEY_PATTERN.fullmatch(value):
            shown = value if len(value) <= 40 else value[:37] + "..."
            self.problem(
                mark,
                loc,
                f"keys are names of letters, digits, '_' and '-' (at most 64), got {shown!r}",
            )
            return None
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if value is None and node.tag != _TAG + "null":
            return None  # _scalar already reported why
        text = node.value
        if isinstance(value, bool):
            hint = f"the key {text!r} was read as a boolean; write it in quotes ('{text}')"
        elif value is None:
            hint = "a mapping key is empty or null"
        elif isinstance(value, datetime.date):
            hint = f"the key {text!r} was read as a date; write it in quotes ('{text}')"
        else:
            hint = f"the key {text!r} was read as {_describe(value)}; write it in quotes"
        self.problem(mark, loc, f"mapping keys must be text or whole numbers: {hint}")
        return None


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mark_of(mark: Any) -> tuple[int, int] | None:
    if mark is None:
        return None
    return int(mark.line) + 1, int(mark.column) + 1


def _yaml_error(name: str, text: str, exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = _mark_of(exc.problem_mark) or _mark_of(exc.context_mark)
        problem = exc.problem or exc.context or "malformed YAML"
        context_mark = _mark_of(exc.context_mark)
        if exc.context and exc.problem and context_mark is not None:
            context = f"{exc.context} (line {context_mark[0]}, column {context_mark[1]})"
            # "expected a single document ..., but found another" reads best context-first.
            problem = f"{context}, {problem}" if problem.startswith("but ") else f"{problem}, {context}"
        message = f"invalid YAML: {problem}"
        where = name if mark is None else f"{name}:{mark[0]}:{mark[1]}"
        return f"{where}: {message}"
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = line_col(text, exc.position)
        return f"{name}:{line}:{col}: invalid YAML: {exc.reason} (character {exc.character!r})"
    return f"{name}: invalid YAML: {exc}"


def _check_bounds(name: str, text: str) -> None:
    """Refuse documents too deep, too many or too long values, reading events one at a time.

    The event parser is iterative and stops at the first excess, so a hostile file costs
    little; the recursive composer only ever sees documents within the limits.
    """
    depth = values = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            problem = ""
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                values += 1
                if depth > MAX_DEPTH:
                    problem = f"nested more than {MAX_DEPTH} levels deep"
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                values += 1
                if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_STRING:
                    problem = f"a value of {len(event.value):,} characters; the limit is {MAX_STRING:,}"
            if values > MAX_VALUES:
                problem = f"more than {MAX_VALUES:,} values in one file"
            if problem:
                mark = _mark_of(event.start_mark) or (1, 1)
                raise AssumptionsError(f"{name}:{mark[0]}:{mark[1]}: document too large: {problem}")
    except yaml.YAMLError:
        return  # malformed: the full load below reports it with its position


def load_yaml(path: Path, roots: Sequence[Path] = ()) -> tuple[Any, SourceMap]:
    """Read ``path`` as UTF-8 YAML into plain data plus a :class:`SourceMap`.

    The file is read through :func:`reportgen.inputs.sources.read_text` (inside ``roots``, bounded,
    no control characters) and its shape bounded before it is composed. Raises
    :class:`AssumptionsError` listing every problem found: unreadable file, invalid UTF-8,
    malformed YAML, empty document, duplicate keys, NaN/infinity, merge keys, unknown tags,
    and keys that are neither text nor whole numbers.
    """
    path = Path(path)
    name = display_path(path)
    text = read_text(path, roots)
    key = (str(path), hashlib.sha256(text.encode("utf-8")).digest())
    if key in _PARSED:  # same file, same text: a watch or batch process parsed it already
        data, smap = _PARSED[key]
        return copy.deepcopy(data), smap
    _check_bounds(name, text)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise AssumptionsError(_yaml_error(name, text, exc)) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise AssumptionsError(_yaml_error(name, text, exc)) from None
        if node is None:
            raise AssumptionsError(f"{name}:1:1: file is empty")
        builder = _Builder(loader)
        try:
            data = builder.build(node, ())
        except _TooLarge:
            raise AssumptionsError(
                f"{name}: document too large (more than {_MAX_NODES} values after alias expansion)"
            ) from None
    finally:
        loader.dispose()

    smap = SourceMap(path=path, marks=builder.marks, key_marks=builder.key_marks)
    if builder.problems:
        ordered = sorted(builder.problems, key=lambda p: p[0])
        lines = [f"{name}:{m[0]}:{m[1]}: {smap.dotted(loc)}: {message}" for m, loc, message, _ in ordered]
        raise AssumptionsError(_unique(lines))
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = (copy.deepcopy(data), smap)
    return data, smap


#: Parsed documents by (path, content hash): a long-lived process parses each version of a file once.
_PARSED: dict[tuple[str, bytes], tuple[Any, SourceMap]] = {}
_PARSED_LIMIT = 256


# --------------------------------------------------------------------------- validation


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
    raise AssumptionsError(_unique([text for _, _, text in sorted(found)]))


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
        expected = _unique([m.expected for m in members if m.expected])
        joined = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0]
        prefix = "invalid key: " if members[0].key else ""
        hint = _unique([m.hint for m in members if m.hint])
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
    got = _describe(value)
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


def _describe(value: Any) -> str:
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


def _unique(items: Iterable[str]) -> list[str]:
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
        match = difflib.get_close_matches(loc[-1], _unique(pool), n=1, cutoff=0.6)
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
