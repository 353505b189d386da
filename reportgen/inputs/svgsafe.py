"""Is an SVG safe to publish as is? ``svg_problems(raw)`` lists why not (an empty list: it is).

An SVG is a document, not a picture: it can run scripts, fetch from anywhere, pull in files
through entities, and (shown inline in the HTML twin) restyle the page around it. A logo, a
chart read back from the cache and a picture in a note all pass through here before they are
published, and anything beyond drawing is refused rather than cleaned, so what is published is
byte for byte what the analyst committed:

- unparseable XML, a DOCTYPE (so no entity is ever declared, let alone expanded: no
  "billion laughs", no external files) and processing instructions (``<?xml-stylesheet?>``);
- ``<script>`` (and SVG Tiny's ``<handler>``, ``<listener>``), ``<foreignObject>`` (HTML
  inside the picture), HTML frames and embeds, and ``<style>`` elements (inline in a page,
  their rules would apply to the whole page: they could hide the disclaimer);
- event attributes (``onload``, ``onclick``, ...) and animations that rewrite a link or a handler;
- ``href``, ``xlink:href``, ``src`` and CSS ``url(...)`` pointing anywhere but a same-document
  ``#fragment`` or a ``data:`` raster image (PNG, JPEG, GIF, WebP), CSS ``@import``, CSS escapes
  (``\\75 rl(``) that could hide either, and CSS ``position`` (an overlay on the page).

The root element must be ``<svg>``. Parsing uses the standard library's expat directly, with
every declaration refused at the DOCTYPE and parameter entities never parsed, so no bytes of the
file are interpreted beyond well-formed elements, attributes and text. The function is pure and
bounded by the caller's read limit; keep its signature: other checks reuse it.
"""

from __future__ import annotations

import re
from xml.parsers import expat

#: Elements that run code, embed other documents or style the page around an inline SVG.
FORBIDDEN_ELEMENTS = {
    "script": "scripts never run in a published image",
    "handler": "scripts never run in a published image",
    "listener": "scripts never run in a published image",
    "foreignobject": "<foreignObject> embeds HTML in the image",
    "iframe": "frames embed other documents",
    "embed": "embeds load other documents",
    "object": "objects load other documents",
    "style": "a <style> element restyles the whole page the image is shown in; use style attributes",
}
#: The data: images a link may carry (rasters only: an SVG inside an SVG would need checking again).
DATA_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif", "data:image/webp")
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
LINK_ATTRIBUTES = {"href", "src"}
#: At most this many problems are listed (the first ones say enough).
MAX_PROBLEMS = 20

#: CSS functions that fetch an image without ``url(``.
_FETCHING = re.compile(
    r"(?<![\w-])((?:-webkit-)?image-set\(|image\(|src\(|cross-fade\(|element\(|expression\()"
)
_SPACE = re.compile(r"[\x00-\x20]+")


class _Stop(Exception):
    """Parsing must stop here (a DOCTYPE: nothing after it is read)."""


def svg_problems(raw: bytes) -> list[str]:
    """Why ``raw`` is not a safe SVG to publish, each as ``line L, column C: ...``; [] when it is."""
    problems: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def where() -> str:
        return f"line {parser.CurrentLineNumber}, column {parser.CurrentColumnNumber + 1}"

    def report(message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(f"{where()}: {message}")

    def doctype(name: str, *_args: object) -> None:
        report("a DOCTYPE is not allowed (entities could pull in files or expand without bound)")
        raise _Stop

    def instruction(target: str, _data: str) -> None:
        report(f"processing instruction <?{_shown(target)}?> is not allowed")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        local = _local(name)
        if depth == 0 and local != "svg":
            report(f"the root element is <{_shown(local)}>, not <svg>")
        depth += 1
        reason = FORBIDDEN_ELEMENTS.get(local.lower())
        if reason:
            report(f"<{_shown(local)}> is not allowed: {reason}")
        for key, value in attrs.items():
            attr = _local(key)
            for message in _attribute_problems(local, attr, value):
                report(f"<{_shown(local)} {_shown(attr)}=...>: {message}")

    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = start
    parser.ExternalEntityRefHandler = lambda *_args: 0  # never fetched (unreachable without a DOCTYPE)
    try:
        parser.Parse(raw, True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        line, column = exc.lineno, exc.offset + 1
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        problems.append(f"line {line}, column {column}: not well-formed XML ({message})")
    except (ValueError, TypeError) as exc:  # e.g. an encoding expat cannot read
        problems.append(f"line 1, column 1: not readable as XML ({exc})")
    return problems


def _local(name: str) -> str:
    """``uri local`` (expat's namespaced names) -> ``local``."""
    return name.rsplit(" ", 1)[-1]


def _attribute_problems(element: str, attr: str, value: str) -> list[str]:
    name = attr.lower()
    found: list[str] = []
    if name.startswith("on"):
        found.append("event attributes run scripts")
    if name in LINK_ATTRIBUTES and not _safe_reference(value):
        found.append(f"points to {_shown(value)!r}; only '#id' or a data: PNG, JPEG, GIF or WebP is allowed")
    if element.lower() in ANIMATIONS and name == "attributename":
        target = value.strip().rsplit(":", 1)[-1].lower()
        if target in LINK_ATTRIBUTES or target.startswith("on"):
            found.append(f"an animation may not rewrite {_shown(value)!r}")
    if "javascript:" in _SPACE.sub("", value).lower():
        found.append("javascript: URLs are not allowed")
    found += _css_problems(value, is_style=name == "style")
    return found


def _css_problems(text: str, *, is_style: bool) -> list[str]:
    """Problems of CSS (a style attribute) or of any attribute value that may hold ``url(...)``."""
    found = []
    lowered = text.lower()
    if is_style or "(" in lowered or "@import" in lowered:
        if "\\" in text:
            found.append("CSS escapes are not allowed (they can hide a url() or @import)")
        if "@import" in lowered:
            found.append("CSS @import is not allowed")
        if is_style and re.search(r"(^|[;\s{])position\s*:", lowered):
            found.append("CSS position is not allowed (the image could cover the page)")
        for function in _FETCHING.findall(lowered):
            found.append(f"CSS {function}) is not allowed (it fetches an image)")
    for target in _urls(text):
        if not _safe_reference(target):
            found.append(f"url({_shown(target)}) points outside the image; only '#id' or a data: image")
    return found


def _urls(text: str) -> list[str]:
    """The argument of every ``url(`` in ``text``; an unclosed one runs to the end, as CSS reads it."""
    found = []
    for match in re.finditer(r"url\(", text, re.IGNORECASE):
        rest = text[match.end() :]
        end = rest.find(")")
        arg = (rest if end < 0 else rest[:end]).strip()
        quoted = len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\""
        found.append(arg[1:-1] if quoted else arg.strip("'\""))
    return found


def _safe_reference(value: str) -> bool:
    """A same-document ``#fragment`` or a ``data:`` raster image (spaces and controls ignored)."""
    target = _SPACE.sub("", value).lower()
    if target.startswith("#"):
        return True
    return any(target.startswith(kind + ";") or target.startswith(kind + ",") for kind in DATA_IMAGES)


def _shown(text: str, limit: int = 60) -> str:
    """Text safe to quote in a one-line message: no control characters, bounded length."""
    clean = _SPACE.sub(" ", text).strip()
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
