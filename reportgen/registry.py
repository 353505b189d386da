"""Registries: every extension point (chart kind, table kind, method kind, multiple, note type,
prose filter) names its implementations in one place, and everything else reads the names from it.

The registries are declared here, in a module that imports nothing of the package, so that an
early stage (the schema, which validates ``kind: waterfall``) can check a name against a later
stage's registry without importing that stage. The implementing module registers each entry when
it is imported; a registry imports its home modules the first time anyone asks for its names, as a
plugin system finds its plugins. Adding a kind is then one module (or one function) and one
``register`` call: the schema's allowed values, the checks and the reference docs follow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries of one kind, listed alphabetically."""

    def __init__(self, what: str, *homes: str) -> None:
        #: What one entry is called in messages ("chart kind").
        self.what = what
        #: The modules whose import registers the entries: a kind may live in a later stage (the
        #: bridge table, in compare), which the stage that looks kinds up must not import.
        self.homes = homes
        self._entries: dict[str, T] = {}
        self._loaded = False

    def register(self, name: str, entry: T | None = None) -> Any:
        """Register ``entry`` under ``name``; without ``entry``, a decorator that registers its target."""
        if entry is None:

            def decorate(target: T) -> T:
                self._add(name, target)
                return target

            return decorate
        self._add(name, entry)
        return entry

    def _add(self, name: str, entry: T) -> None:
        if name in self._entries:
            raise RuntimeError(f"{self.what} {name!r} is registered twice")
        self._entries[name] = entry

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for home in self.homes:
                importlib.import_module(home)

    def names(self) -> tuple[str, ...]:
        """Every registered name, in alphabetical order.

        Not registration order: that depends on which implementing module a program happens to
        import first, and the names reach error messages and the committed JSON Schemas, which
        must read the same from every command.
        """
        self._load()
        return tuple(sorted(self._entries, key=lambda n: (n.casefold(), n)))

    def items(self) -> Iterator[tuple[str, T]]:
        """(name, entry) pairs, in the order of ``names``."""
        return iter(tuple((n, self._entries[n]) for n in self.names()))

    def __getitem__(self, name: str) -> T:
        self._load()
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries

    def check(self, name: str) -> str:
        """``name`` if registered, else a ValueError listing the registered names (a schema validator)."""
        if name not in self:
            known = ", ".join(repr(n) for n in self.names())
            raise ValueError(f"unknown {self.what} {name!r}; expected one of {known}")
        return name

    def expected(self) -> str:
        """The names as a list in prose, "'a', 'b' or 'c'" (as pydantic words a Literal's choices)."""
        quoted = [repr(n) for n in self.names()]
        return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"

    def json_schema(self, schema: dict[str, Any]) -> None:
        """Write the registered names into a JSON Schema node as its ``enum`` (for ``json_schema_extra``)."""
        schema["enum"] = list(self.names())


@dataclass(frozen=True)
class NoteType:
    """A note type (company.yaml ``note.kind``): its entry template and what it adds to a build.

    ``build`` takes the loaded note and returns the type's own content (a results note's checked
    quarter and its chart); ``check`` refuses a folder that belongs to another type.
    """

    template: str
    build: Callable[[Any], Any] | None = None
    #: What ``build`` does, as the build's progress line says it.
    doing: str = ""
    check: Callable[[Any], None] | None = None


#: Callables are typed loosely here: their exact types live in the stages that implement them,
#: which this module must not import. Each home module re-exports a typed view where it helps.
Entry = Callable[..., Any]

# The package's registries; moving an implementation moves its home here.
CHART_KINDS: Registry[Entry] = Registry("chart kind", "reportgen.exhibits.charts.build")
TABLE_KINDS: Registry[Entry] = Registry(
    "table kind",
    "reportgen.exhibits.line_tables",
    "reportgen.exhibits.valuation_tables",
    "reportgen.exhibits.dataset_tables",
    "reportgen.compare.bridge_exhibits",
)
METHOD_KINDS: Registry[Entry] = Registry("valuation method kind", "reportgen.model.valuation")
MULTIPLES: Registry[Any] = Registry("multiple", "reportgen.model.methods")
NOTE_TYPES: Registry[NoteType] = Registry("note type", "reportgen.render.notetypes")
PROSE_FILTERS: Registry[Entry] = Registry("prose filter", "reportgen.exhibits.formatting")
