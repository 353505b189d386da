"""The typesetter's check: after WeasyPrint lays out the pages, inspect the boxes for what a head of
research would send back (text past the margin, an exhibit wider than its column, a heading or
caption stranded at the foot of a page, a side box split or overlapping an exhibit, a page left
mostly empty).

Rules that are always a defect refuse the build, naming the page and the text; an under-filled
page is a warning, since a section that must start a fresh page (the valuation, the appendix) can
leave the page before it short and only the analyst can decide what to move.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

#: CSS pixels a box may stick out past its column before it counts (rounding).
TOLERANCE = 0.5
#: A page (other than the cover and the last) filled less than this is reported.
MIN_FILL = 0.5
HEADINGS = ("h2", "h3", "h4", "dt")


@dataclass(frozen=True)
class Finding:
    """One layout defect: where, which rule, the text it concerns."""

    page: int
    rule: str
    text: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return (
            f"page {self.page}: {self.rule}: {self.text!r}" if self.text else f"page {self.page}: {self.rule}"
        )


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."


def _walk(box: Any) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every box of a page's body with its ancestors, outside the running headers and footers."""
    from weasyprint.formatting_structure import boxes

    stack: list[tuple[Any, tuple[Any, ...]]] = [(box, ())]
    while stack:
        current, ancestors = stack.pop()
        if isinstance(current, boxes.MarginBox):
            continue
        yield current, ancestors
        if isinstance(current, boxes.ParentBox):
            below = (*ancestors, current)
            stack.extend((child, below) for child in reversed(current.children))


def _text_of(box: Any) -> str:
    from weasyprint.formatting_structure import boxes

    return " ".join(b.text for b, _ in _walk(box) if isinstance(b, boxes.TextBox))


def _leaves(page_box: Any) -> list[tuple[Any, tuple[Any, ...]]]:
    """The boxes that take space on the page: lines of text, table rows, pictures."""
    from weasyprint.formatting_structure import boxes

    kinds = (boxes.LineBox, boxes.TableRowBox, boxes.ReplacedBox)
    return [
        (b, a)
        for b, a in _walk(page_box)
        if b.margin_height() > 0
        and (isinstance(b, kinds) or (isinstance(b, boxes.BlockBox) and not b.children))
    ]


def _classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    return set(str(element.get("class") or "").split()) if element is not None else set()


def check_layout(document: Any) -> list[Finding]:
    """Every finding over every page, in page order."""
    from weasyprint.formatting_structure import boxes

    found: list[Finding] = []
    pages_of: dict[int, list[int]] = {}
    asides: dict[int, str] = {}
    last = len(document.pages)
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        leaves = _leaves(page_box)
        figures: list[Any] = []
        for box, ancestors in _walk(page_box):
            tag = getattr(box, "element_tag", None)
            if isinstance(box, boxes.TextBox) and box.position_x + box.width > right + TOLERANCE:
                table = next((a for a in reversed(ancestors) if isinstance(a, boxes.TableBox)), None)
                culprit = (
                    box
                    if table is None
                    else max(
                        (b for b, _ in _walk(table) if isinstance(b, boxes.TextBox)), key=lambda b: b.width
                    )
                )
                suffix = " (too wide for its table)" if table is not None else ""
                found.append(
                    Finding(number, "text runs past the right margin" + suffix, _snippet(culprit.text))
                )
            # Lines and inline boxes carry their block's tag: only the block-level box itself counts.
            if isinstance(box, boxes.LineBox | boxes.InlineLevelBox) or not isinstance(box, boxes.ParentBox):
                continue
            if tag == "figure" and "exhibit" in _classes(box):
                figures.append(box)
                if box.position_x + box.border_width() > right + TOLERANCE:
                    found.append(Finding(number, "an exhibit is wider than its column", _caption(box)))
            if tag == "aside":
                key = id(box.element)
                pages_of.setdefault(key, []).append(number)
                asides[key] = _text_of(box)
                for figure in figures_on(page_box):
                    if _overlap(box, figure):
                        found.append(Finding(number, "a side box overlaps an exhibit", _caption(figure)))
            if tag in HEADINGS and number < last and not _followed(box, leaves):
                found.append(
                    Finding(number, "a heading is the last thing on the page", _snippet(_text_of(box)))
                )
            if tag == "figcaption" and number < last and not _followed(box, leaves):
                found.append(Finding(number, "a caption is parted from its exhibit", _snippet(_text_of(box))))
        if 1 < number < last and leaves:
            fill = (max(b.position_y + b.margin_height() for b, _ in leaves) - top) / (bottom - top)
            if fill < MIN_FILL:
                found.append(Finding(number, f"the page is only {fill:.0%} full", "", "warning"))
    for key, pages in pages_of.items():
        if len(set(pages)) > 1:
            where = " and ".join(str(p) for p in sorted(set(pages)))
            found.append(
                Finding(min(pages), f"a side box splits across pages {where}", _snippet(asides[key]))
            )
    # A table too wide names its widest text once, however many of its lines stick out.
    return sorted(set(found), key=lambda f: (f.page, f.rule, f.text))


def figures_on(page_box: Any) -> list[Any]:
    """The exhibits laid out on a page."""
    from weasyprint.formatting_structure import boxes

    return [
        b
        for b, _ in _walk(page_box)
        if isinstance(b, boxes.BlockBox)
        and getattr(b, "element_tag", None) == "figure"
        and "exhibit" in _classes(b)
    ]


def _caption(figure: Any) -> str:
    for box, _ in _walk(figure):
        if getattr(box, "element_tag", None) == "figcaption":
            return _snippet(_text_of(box))
    return ""


def _overlap(a: Any, b: Any) -> bool:
    """Do two boxes' border areas overlap (by more than rounding)?"""
    ax, ay = a.position_x + a.margin_left, a.position_y + a.margin_top
    bx, by = b.position_x + b.margin_left, b.position_y + b.margin_top
    return (
        ax + a.border_width() - TOLERANCE > bx
        and bx + b.border_width() - TOLERANCE > ax
        and ay + a.border_height() - TOLERANCE > by
        and by + b.border_height() - TOLERANCE > ay
    )


def _followed(box: Any, leaves: list[tuple[Any, tuple[Any, ...]]]) -> bool:
    """Is any of the page's text laid out below this box (not inside it, nor in a side box)?

    A heading followed on its page only by its key-points box is still stranded: the reader
    turns the page for the text the heading introduces.
    """
    end = box.position_y + box.margin_height() - TOLERANCE
    return any(
        leaf.position_y >= end
        and box not in ancestors
        and not any(getattr(a, "element_tag", None) == "aside" for a in ancestors)
        for leaf, ancestors in leaves
    )
