"""Load YAML with line/column marks, bounded in shape and size, refusing what YAML 1.1 would misread.

Validation against the schema, with every problem as ``file:line:col``, is
:mod:`reportgen.inputs.explain` (``validate`` is re-exported here for callers of its former home).
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reportgen.errors import AssumptionsError
from reportgen.inputs.explain import describe, unique, validate
from reportgen.inputs.sourcemap import Loc, SourceMap
from reportgen.inputs.sources import CONTROL, control_message, display_path, line_col, read_text

__all__ = [
    "Loc",
    "SourceMap",
    "display_path",
    "load_yaml",
    "validate",
]

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
            hint = f"the key {text!r} was read as {describe(value)}; write it in quotes"
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
        raise AssumptionsError(unique(lines))
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = (copy.deepcopy(data), smap)
    return data, smap


#: Parsed documents by (path, content hash): a long-lived process parses each version of a file once.
_PARSED: dict[tuple[str, bytes], tuple[Any, SourceMap]] = {}
_PARSED_LIMIT = 256
