"""Where each value of a YAML file was written, and problems named by it as ``file:line:col``.

A :class:`SourceMap` comes with every document :func:`reportgen.inputs.yamlsource.load_yaml`
reads; a :data:`Loc` (the path of keys and indexes to a value) is how every check names what it
found wrong, and :func:`format_problem` turns the two into ``file:line:col: dotted.path: message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from reportgen.inputs.sources import display_path

Loc = tuple[str | int, ...]
"""Path of mapping keys and list indexes from the document root."""


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
