"""NoteContext -> HTML string: the Jinja environment, exhibit numbering and sandboxed prose."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from reportgen.errors import ModelError, ProseError, RenderError
from reportgen.exhibits.formatting import make_filters
from reportgen.exhibits.prose_values import Namespace
from reportgen.inputs.schema import Listing
from reportgen.inputs.sourcemap import Loc, SourceMap, format_problem
from reportgen.model.line import Line, Quantity
from reportgen.model.ratios import NotMeaningful
from reportgen.model.valuation import BridgeValue, PartValue, Target
from reportgen.registry import NOTE_TYPES
from reportgen.render.context import NoteContext
from reportgen.render.reviewhtml import review_filters

log = logging.getLogger(__name__)


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
    BridgeValue: frozenset(f.name for f in dataclasses.fields(BridgeValue)),
    Listing: frozenset(Listing.model_fields),
}
_CODE = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.DOTALL)


PROSE_SECONDS = 2.0
"""Time one prose field may take to render; real paragraphs take about a millisecond."""
PROSE_NOTE_SECONDS = 10.0
"""Time all prose of one rendering pass may take, so many slow fields cannot add up to a hang."""
MAX_PROSE_ITEMS = 10_000
"""Longest text, list or loop prose may build; a paragraph quotes a few dozen values."""
MAX_PROSE_BITS = 4_000
"""Largest whole number prose may compute (about 1,200 digits): no exponent towers."""
PROSE_STATEMENTS = ("if", "elif", "else", "endif", "for", "endfor", "set")
"""The only ``{% ... %}`` tags prose may use (docs/reference.md, "Prose"). Checked as an allowlist,
so every other tag Jinja knows or will know (``autoescape``, ``raw``, ``filter``, ``macro``,
``include``, ``with``, ...) is refused by default: none of them may turn text into markup."""


class ProseSandbox(SandboxedEnvironment):
    """A sandbox that whitelists attributes per model type (see PROSE_ATTRIBUTES) and bounds work.

    Operators that can build huge values (``+``, ``*``, ``**``) are checked before they run,
    ``%`` may not format text (numbers print only through filters), and every loop step and
    operator checks the field's time budget, so no narrative text can hang a build.
    Compiled prose is kept by its text: each of the two rendering passes, and every rebuild in
    a long-lived process, would otherwise compile the same sentences again.
    """

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.deadline = math.inf

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

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``: the base sandbox allows it, but it prints numbers without a filter."""
        return None

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderError(
                f"prose ran out of time (each field has {PROSE_SECONDS:g}s, the note "
                f"{PROSE_NOTE_SECONDS:g}s); simplify the loops"
            )

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.check_time()
        if operator == "%" and isinstance(left, str):
            raise RenderError("'%' cannot format text in prose; print numbers with a filter, e.g. | pct")
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_size(left, right, repeat=True)
        elif operator == "+":
            _check_size(left, right, repeat=False)
        return super().call_binop(context, operator, left, right)

    def bounded(self, items: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, checking the time budget and the length at every step."""
        for count, item in enumerate(items, start=1):
            self.check_time()
            if count > MAX_PROSE_ITEMS:
                raise RenderError(f"a loop in prose ran past {MAX_PROSE_ITEMS:,} items")
            yield item

    def text_only(self, value: Any) -> Any:
        """An operand of ``~``: text (or Undefined, which fails when printed), never a bare number."""
        value = _prose_finalize(value)
        if isinstance(value, str) and len(value) > MAX_PROSE_ITEMS:
            raise RenderError(f"prose may not build text or lists longer than {MAX_PROSE_ITEMS:,}")
        return value

    def refuse_statements(self, source: str) -> None:
        """Refuse any ``{% tag %}`` not in PROSE_STATEMENTS, before the parser sees it."""
        tokens = (token for token in self.lex(source) if token[1] != "whitespace")
        for _line, kind, _value in tokens:
            if kind == "raw_begin":
                tag = "raw"
            elif kind == "block_begin":
                following = next(tokens, None)
                tag = following[2] if following is not None else ""
            else:
                continue
            if tag not in PROSE_STATEMENTS:
                why = (
                    "macros are not available in prose"
                    if tag in ("macro", "call")
                    else "prose is text: it cannot switch off escaping or include markup"
                )
                raise RenderError(
                    f"{{% {tag} %}} is not allowed in prose (allowed: if, elif, else, for, set): {why}"
                )

    def harden(self, source: str) -> nodes.Template:
        """Parse prose and route its loops and ``~`` joins through the checks above."""
        self.refuse_statements(source)
        tree = self.parse(source)
        for kind in (nodes.Macro, nodes.CallBlock):
            for node in tree.find_all(kind):
                raise TemplateSyntaxError("macros are not available in prose", node.lineno)
        for loop in tree.find_all(nodes.For):
            if loop.recursive:
                raise TemplateSyntaxError("recursive loops are not available in prose", loop.lineno)
            loop.iter = _filtered(loop.iter, "_bounded")
        for concat in tree.find_all(nodes.Concat):
            concat.nodes = [
                n if isinstance(n, nodes.Const) and isinstance(n.value, str) else _filtered(n, "_text")
                for n in concat.nodes
            ]
        tree.set_environment(self)
        return tree


def _filtered(node: nodes.Node, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _check_size(left: Any, right: Any, *, repeat: bool) -> None:
    """Refuse ``*`` (``repeat``) or ``+`` whose result would be longer or larger than prose needs."""
    sizes = [_length(left), _length(right)]
    if any(size is not None for size in sizes):
        if repeat:  # text or list times a count
            count = right if sizes[0] is not None else left
            size = (sizes[0] or sizes[1] or 0) * (count if isinstance(count, int) else 1)
        else:
            size = sum(s or 0 for s in sizes)
        if size > MAX_PROSE_ITEMS:
            raise RenderError(f"prose may not build text or lists longer than {MAX_PROSE_ITEMS:,}")
    elif (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() + right.bit_length() > MAX_PROSE_BITS
    ):
        raise RenderError("a number in prose grew too large")


def _check_power(base: Any, exponent: Any) -> None:
    """Refuse powers whose result would be astronomically large (``9 ** 9 ** 9``)."""
    if not isinstance(base, int | float) or not isinstance(exponent, int | float):
        return
    magnitude = abs(base)
    if magnitude > 1 and abs(exponent) * math.log2(magnitude) > MAX_PROSE_BITS:
        raise RenderError("a power in prose is too large to compute; quote model values instead")


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
    sandbox.filters.update(_bounded=sandbox.bounded, _text=sandbox.text_only)
    sandbox.globals.clear()
    sandbox.globals.update(values)
    sandbox.globals["ref"] = exhibits.ref
    sandbox.globals["fy_range"] = lambda start, end: Markup(
        '<span class="nowrap">{0}\u2013{1}</span>'
    ).format(filters["fy"](start), filters["fy"](end))

    note_deadline = time.monotonic() + PROSE_NOTE_SECONDS

    def render(text: str) -> str:
        sandbox.deadline = min(time.monotonic() + PROSE_SECONDS, note_deadline)
        try:
            return str(sandbox.from_string(sandbox.harden(escape_text(text))).render())
        finally:
            sandbox.deadline = math.inf

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
            ModelError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            ZeroDivisionError,
            OverflowError,
            RecursionError,
        ) as exc:
            if isinstance(exc, TemplateSyntaxError):
                message = f"template syntax: {exc.message}"
            elif isinstance(exc, RenderError | ModelError) and exc.message:
                message = exc.message
            else:
                message = str(exc)
            raise fail(loc, f"{message}{culprit(text)}") from None

    return prose


def render_note(ctx: NoteContext, template_dirs: Sequence[Path]) -> str:
    """Render the whole note to one HTML string (deterministic for the same context)."""
    filters = make_filters(ctx.a.company, ctx.timeline)
    env = get_env(template_dirs, {**filters, **review_filters()})
    try:
        template = env.get_template(NOTE_TYPES[ctx.a.company.note.kind].template)
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
    # A results note's key topics are prose too, located in results.yaml.
    results_source = ctx.results.loaded.source if ctx.results is not None else None
    results_prose = (
        make_prose(dict(ctx.prose_values), filters, ex, results_source) if results_source else prose
    )
    try:
        return str(
            template.render(ctx=ctx, prose=prose, results_prose=results_prose, exhibit=ex.number, ref=ex.ref)
        )
    except TemplateNotFound as exc:
        raise RenderError(f"template '{exc.name}' not found") from None
    except UndefinedError as exc:
        raise RenderError(f"template: undefined value: {exc.message}") from None
    except TemplateError as exc:
        raise RenderError(f"template error: {exc}") from None
