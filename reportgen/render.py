"""NoteContext -> HTML string: the Jinja environment, exhibit numbering and sandboxed prose."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from types import CodeType
from typing import Any, ClassVar

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from reportgen.context import Namespace, NoteContext
from reportgen.errors import ProseError, RenderError
from reportgen.formatting import make_filters
from reportgen.model.line import Line, Quantity
from reportgen.model.ratios import NotMeaningful
from reportgen.model.valuation import PartValue, Target
from reportgen.schema import Listing
from reportgen.yamlsource import Loc, SourceMap, format_problem

log = logging.getLogger(__name__)

ENTRY_TEMPLATE = "note.html"


def _finalize(value: Any) -> Any:
    """Refuse to print None, NaN or NM: a hole in the model must not reach the page."""
    if value is None:
        raise RenderError("a template printed None: a value is missing from the model")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise RenderError("a template printed NaN: a value is missing from the model")
    if isinstance(value, NotMeaningful):
        raise RenderError("a template printed NM directly: format it with a cell_* filter")
    return value


class Exhibits:
    """Numbers figures and tables in the order the templates first show them.

    Rendering runs twice: the first pass records the order, the second prints the
    numbers, so a cross-reference may point forwards ("see Figure 9").
    """

    def __init__(self, order: Sequence[str] = ()) -> None:
        self.known = {key: i + 1 for i, key in enumerate(order)}
        self.seen: list[str] = []

    def number(self, key: str) -> int:
        """Register an exhibit where it is shown and return its number."""
        if key in self.seen:
            raise RenderError(f"exhibit '{key}' is shown twice")
        self.seen.append(key)
        return self.known.get(key, len(self.seen))

    def ref(self, key: str) -> Markup:
        """A link to an exhibit: 'Figure N' in the text, its page added by print CSS."""
        if self.known and key not in self.known:
            raise RenderError(f"cross-reference to unknown exhibit '{key}'; known: {', '.join(self.known)}")
        number = self.known.get(key, 0)
        return Markup('<a class="xref" href="#fig-{0}">Figure {1}</a>').format(key, number)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process, so a batch worker or ``watch``
    compiles each template once. Jinja checks each entry against its source's checksum, so
    an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Any) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Any) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def get_env(template_dirs: Sequence[Path], filters: dict[str, Callable[..., Any]]) -> Environment:
    """The project's template environment: escaped, strict, with our filters only."""
    env = Environment(
        bytecode_cache=_COMPILED,
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(filters)
    return env


#: What prose may read on each model type. Everything else (pandas objects, methods that
#: write files, dunders) is refused, so narrative text can quote the model but not act on it.
PROSE_ATTRIBUTES: dict[type, frozenset[str]] = {
    Line: frozenset({"key", "label", "yoy", "share", "cagr", "sum", "min", "max"}),
    Quantity: frozenset(),
    PartValue: frozenset(f.name for f in dataclasses.fields(PartValue)),
    Target: frozenset(f.name for f in dataclasses.fields(Target)),
    Listing: frozenset(Listing.model_fields),
}
_CODE = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.DOTALL)


class ProseSandbox(SandboxedEnvironment):
    """A sandbox that also whitelists attributes per model type (see PROSE_ATTRIBUTES).

    Compiled prose is kept by its text: each of the two rendering passes, and every rebuild in
    a long-lived process, would otherwise compile the same sentences again.
    """

    _compiled: ClassVar[dict[str, CodeType]] = {}
    COMPILED_LIMIT: ClassVar[int] = 4096

    def compile(  # type: ignore[override]
        self,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or defer_init or name is not None or filename is not None or not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        code = self._compiled.get(source)
        if code is None:
            code = super().compile(source)
            if len(self._compiled) >= self.COMPILED_LIMIT:
                self._compiled.clear()
            self._compiled[source] = code
        return code

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, Namespace):
            return True
        return attr in PROSE_ATTRIBUTES.get(type(obj), frozenset())


def escape_text(source: str) -> str:
    """HTML-escape the literal text of a prose template, leaving its {{ }} / {% %} code alone.

    Autoescape covers only what expressions print; an analyst's "<" or "&" in plain text
    must be escaped too.
    """
    return "".join(part if i % 2 else str(escape(part)) for i, part in enumerate(_CODE.split(source)))


def _prose_finalize(value: Any) -> Any:
    """In prose only text may be printed: numbers must pass through a formatting filter."""
    value = _finalize(value)
    if isinstance(value, Undefined):
        return value  # printing it raises Jinja's own "undefined" or "unsafe" error
    if not isinstance(value, str):
        raise RenderError(
            f"a value of type {type(value).__name__} was printed without a filter; "
            "format it, e.g. | pct, | money, | fy"
        )
    return value


def make_prose(
    values: dict[str, Any],
    filters: dict[str, Callable[..., Any]],
    exhibits: Exhibits,
    source: SourceMap | None = None,
) -> Callable[[str, Loc], Markup]:
    """Compile the analyst's text in a sandbox that sees only model values and filters.

    Errors name narrative.yaml's line and field and, when one expression is to blame,
    quote it: the analyst fixes text, not Python.
    """
    sandbox = ProseSandbox(autoescape=True, undefined=StrictUndefined, finalize=_prose_finalize)
    sandbox.filters.clear()
    sandbox.filters.update(filters)
    sandbox.globals.clear()
    sandbox.globals.update(values)
    sandbox.globals["ref"] = exhibits.ref
    sandbox.globals["fy_range"] = lambda start, end: Markup(
        '<span class="nowrap">{0}\u2013{1}</span>'
    ).format(filters["fy"](start), filters["fy"](end))

    def render(text: str) -> str:
        return str(sandbox.from_string(escape_text(text)).render())

    def culprit(text: str) -> str:
        for expr in _CODE.findall(text):
            try:
                render(expr)
            except Exception:
                return f" (in {expr})"
        return ""

    def fail(loc: Loc, message: str) -> ProseError:
        where = format_problem(source, loc, message) if source else f"narrative.yaml: {message}"
        return ProseError(where)

    def prose(text: str, loc: Loc) -> Markup:
        try:
            return Markup(render(text))
        except (
            TemplateError,
            RenderError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            ZeroDivisionError,
        ) as exc:
            if isinstance(exc, TemplateSyntaxError):
                message = f"template syntax: {exc.message}"
            else:
                message = exc.message if isinstance(exc, RenderError) and exc.message else str(exc)
            raise fail(loc, f"{message}{culprit(text)}") from None

    return prose


def render_note(ctx: NoteContext, template_dirs: Sequence[Path]) -> str:
    """Render the whole note to one HTML string (deterministic for the same context)."""
    filters = make_filters(ctx.a.company, ctx.timeline)
    env = get_env(template_dirs, filters)
    try:
        template = env.get_template(ENTRY_TEMPLATE)
    except TemplateNotFound as exc:
        searched = ", ".join(str(d) for d in template_dirs)
        raise RenderError(f"template '{exc.name}' not found; searched: {searched}") from None
    first = Exhibits()
    _render(template, ctx, filters, first)
    second = Exhibits(first.seen)
    html = _render(template, ctx, filters, second)
    if second.seen != first.seen:
        raise RenderError("exhibit order changed between passes")
    return html


def _render(template: Any, ctx: NoteContext, filters: dict[str, Callable[..., Any]], ex: Exhibits) -> str:
    prose = make_prose(dict(ctx.prose_values), filters, ex, ctx.a.narrative_source)
    try:
        return str(template.render(ctx=ctx, prose=prose, exhibit=ex.number, ref=ex.ref))
    except TemplateNotFound as exc:
        raise RenderError(f"template '{exc.name}' not found") from None
    except UndefinedError as exc:
        raise RenderError(f"template: undefined value: {exc.message}") from None
    except TemplateError as exc:
        raise RenderError(f"template error: {exc}") from None
