"""NoteDiff -> text for a terminal, Markdown for a pull-request comment, JSON for tools.

Labels and values come from the analyst's files, so each format escapes them for itself: the
terminal gets no control characters (no escape sequences), Markdown gets no HTML and no
Markdown markup (a label cannot add an image, a link or a tag to a pull-request comment), and
JSON is written by ``json``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from typing import Any

from reportgen.commands.diff import NoteDiff, OutputChange
from reportgen.compare.bridge import ListingBridge
from reportgen.inputs.sources import CONTROL

#: Text and Markdown list at most this many moved values per table or chart (JSON has all).
SHOW_PER_EXHIBIT = 25


def _signed(x: float, decimals: int = 2) -> str:
    text = f"{abs(x):,.{decimals}f}"
    return ("+" if x >= 0 else "\u2212") + text


def _move(o: OutputChange) -> str:
    parts: list[str] = []
    if o.change is not None and o.points:
        points = o.change * 100
        parts.append(_signed(points, 1 if abs(points) >= 0.05 else 2) + "pp")
    elif o.change is not None:
        parts.append(_signed(o.change, 2 if abs(o.change) < 100 else 0))
    if o.pct is not None:
        parts.append(_signed(o.pct * 100, 1) + "%")
    return ", ".join(parts)


def _bridge_rows(lb: ListingBridge, symbol: str) -> list[tuple[str, str]]:
    rows = [("Previous", f"{symbol}{lb.old_target:,.2f}")]
    rows += [(s.label, f"{_signed(s.amount)}") for s in lb.steps]
    rows.append(("New", f"{symbol}{lb.new_target:,.2f}"))
    return rows


#: Said when a target moved but no mix of old and new inputs could be valued.
NO_BRIDGE = (
    "no bridge: a mix of old and new inputs cannot be valued (e.g. a part valued on a line "
    "the other version lacks); see the inputs above"
)


def _bridges(d: NoteDiff) -> list[tuple[str, list[tuple[str, str]]]]:
    """A bridge per listing whose target moved; if none did, the fair value's (why it moved
    though every target rounds to where it was)."""
    if d.bridge is None:
        moved = any(o.exhibit == "Targets" for o in d.outputs)
        return [("targets", [(NO_BRIDGE, "")])] if moved else []
    out = []
    for lb in d.bridge.listings:
        lst = lb.listing
        if lb.moved and lst is not None:
            head = f"{lst.security} ({lst.ticker}) target, {lst.symbol} per {lst.security}"
            out.append((head, _bridge_rows(lb, lst.symbol)))
    fair = d.bridge.fair_value
    if not out and fair is not None and fair.old_target != fair.new_target:
        out.append(
            (f"fair value per share ({d.reporting}, targets unchanged)", _bridge_rows(fair, d.reporting))
        )
    return out


def _grouped(outputs: tuple[OutputChange, ...]) -> dict[str, list[OutputChange]]:
    groups: dict[str, list[OutputChange]] = {}
    for o in outputs:
        groups.setdefault(o.exhibit, []).append(o)
    return groups


def _value(x: Any) -> str:
    if x is None:
        return "(none)"
    if isinstance(x, dict | list):
        return json.dumps(x, sort_keys=True, ensure_ascii=False)
    return str(x)


#: Characters Markdown may read as markup anywhere in a table cell (``<``, ``>``, ``&`` become entities).
MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]{}!|~#])")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def _plain(text: str) -> str:
    """One line of text with no control characters: what a terminal prints as it is."""
    return CONTROL.sub("", LINE_BREAKS.sub(" ", str(text)))


def render_text(d: NoteDiff) -> str:
    """For a terminal: inputs with file:line:col, moved figures grouped by exhibit, the bridge."""
    return "\n".join(_plain(line) for line in _text_lines(d).split("\n"))


def _text_lines(d: NoteDiff) -> str:
    out = [f"reportgen diff {d.old_label} -> {d.new_label}"]
    if not d.changed:
        return out[0] + "\nno changes\n"
    out.append(f"\nInputs changed: {len(d.inputs)}")
    for i in d.inputs:
        out.append(f"  {i.where}  {i.field}: {_value(i.old)} -> {_value(i.new)}")
    out.append(f"\nFigures moved: {len(d.outputs)}")
    for exhibit, items in _grouped(d.outputs).items():
        out.append(f"  {exhibit}")
        for o in items[:SHOW_PER_EXHIBIT]:
            move = _move(o)
            out.append(f"    {o.item}: {o.old} -> {o.new}" + (f" ({move})" if move else ""))
        if len(items) > SHOW_PER_EXHIBIT:
            out.append(f"    ... and {len(items) - SHOW_PER_EXHIBIT} more (see --format json)")
    for head, rows in _bridges(d):
        out.append(f"\nTarget bridge: {head}")
        width = max(len(r[0]) for r in rows)
        out += [f"  {label:<{width}}  {value:>12}" for label, value in rows]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell: HTML escaped, markup characters backslash-escaped, one line."""
    return MARKDOWN_ACTIVE.sub(r"\\\1", html.escape(_plain(text), quote=False))


def _code(text: str) -> str:
    """Text for a code span in a table cell: no backtick can close it, no pipe can end the cell."""
    return _plain(text).replace("`", "'").replace("|", "\\|")


def _html(text: str) -> str:
    """Text inside an HTML block (``<summary>``), where Markdown escapes would print as is."""
    return html.escape(_plain(text))


def render_markdown(d: NoteDiff) -> str:
    """For a pull-request comment: the same content as text, as Markdown tables."""
    out = [f"### `reportgen diff` {_md(d.old_label)} → {_md(d.new_label)}", ""]
    if not d.changed:
        return "\n".join([*out, "No changes.", "", ""])
    for head, rows in _bridges(d):
        out += [f"**Target bridge: {_md(head)}**", "", "| Step | Amount |", "| --- | ---: |"]
        out += [f"| {_md(label)} | {_md(value)} |" for label, value in rows]
        out.append("")
    out += [
        f"**Inputs changed: {len(d.inputs)}**",
        "",
        "| Where | Field | Old | New |",
        "| --- | --- | ---: | ---: |",
    ]
    out += [
        f"| `{_code(i.where)}` | `{_code(i.field)}` | {_md(_value(i.old))} | {_md(_value(i.new))} |"
        for i in d.inputs
    ]
    out += ["", f"**Figures moved: {len(d.outputs)}**", ""]
    for exhibit, items in _grouped(d.outputs).items():
        out += [f"<details><summary>{_html(exhibit)} ({len(items)})</summary>", ""]
        out += ["| Figure | Old | New | Change |", "| --- | ---: | ---: | ---: |"]
        out += [
            f"| {_md(o.item)} | {_md(o.old)} | {_md(o.new)} | {_md(_move(o))} |"
            for o in items[:SHOW_PER_EXHIBIT]
        ]
        if len(items) > SHOW_PER_EXHIBIT:
            out.append(f"| … and {len(items) - SHOW_PER_EXHIBIT} more | | | |")
        out += ["", "</details>", ""]
    return "\n".join([*out, ""])


def render_json(d: NoteDiff) -> str:
    """Everything, machine-readable; keys sorted so the output is stable."""
    doc: dict[str, Any] = {
        "old": d.old_label,
        "new": d.new_label,
        "changed": d.changed,
        "inputs": [asdict(i) for i in d.inputs],
        "outputs": [{**asdict(o), "change": o.change, "pct": o.pct} for o in d.outputs],
        "bridge": None,
    }
    if d.bridge is not None:
        doc["bridge"] = [
            {
                "listing": lb.listing.key if lb.listing else None,
                "old": lb.old_target,
                "new": lb.new_target,
                "steps": [{"driver": s.label, "amount": s.amount} for s in lb.steps],
            }
            for lb in (*d.bridge.listings, *([d.bridge.fair_value] if d.bridge.fair_value else []))
        ]
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
