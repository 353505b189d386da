"""The layout check, rule by rule: small pages made to break each rule, and the shipped notes passing.

Each page is A5-sized HTML laid out by WeasyPrint, so where a box lands is set by the CSS written
here (heights in mm), not by fonts or content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import PdfError
from reportgen.render.layout import check_layout
from reportgen.render.pdf import render_pdf

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title><style>
@page {{ size: 148mm 210mm; margin: 10mm; }}
body {{ margin: 0; font-family: DejaVu Sans, sans-serif; font-size: 9pt; }}
.block {{ height: {fill}mm; background: #ddd; }}
h2 {{ margin: 0; font-size: 11pt; }}
{css}
</style></head><body>{body}</body></html>"""


def _layout(body: str, css: str = "", fill: float = 40) -> list[Any]:
    import weasyprint

    return check_layout(weasyprint.HTML(string=PAGE.format(body=body, css=css, fill=fill)).render())


def _rules(findings: list[Any]) -> list[tuple[int, str, str]]:
    return [(f.page, f.rule, f.severity) for f in findings]


def test_a_well_set_page_has_no_findings() -> None:
    body = '<div class="block"></div><h2>Title</h2><p>Text under it.</p>'
    assert _layout(body) == []


def test_a_heading_at_the_foot_of_a_page_is_refused() -> None:
    # The content area is 190 mm: a 185 mm block leaves room for the heading but not the text,
    # and the text's paragraph cannot split to follow it (one line, orphans aside).
    body = '<div class="block"></div><h2>Stranded</h2><div style="height: 20mm">after</div><p>more</p>'
    found = _layout(body, css="h2 { break-after: auto; }", fill=180)
    assert (1, "a heading is the last thing on the page", "error") in _rules(found)
    assert [f.text for f in found if f.rule.startswith("a heading")] == ["Stranded"]


def test_an_exhibit_wider_than_its_column_is_refused() -> None:
    body = (
        '<figure class="exhibit" style="width: 150mm; margin: 0"><figcaption>Too wide</figcaption></figure>'
        "<p>x</p>"
    )
    assert _rules(_layout(body)) == [(1, "an exhibit is wider than its column", "error")]


def test_a_side_box_split_across_pages_is_refused() -> None:
    items = "".join(f"<li>point {i}</li>" for i in range(60))
    body = f'<div class="block"></div><aside class="key-points"><ul>{items}</ul></aside><p>end</p>'
    found = _layout(body, fill=150)
    assert (1, "a side box splits across pages 1 and 2", "error") in _rules(found)


def test_a_side_box_over_an_exhibit_is_refused() -> None:
    # A block beside a float runs under it (only its lines make room): a picture there is hidden.
    body = (
        '<aside class="key-points" style="float: right; width: 60mm; height: 40mm"><p>box</p></aside>'
        '<figure class="exhibit" style="margin: 0; height: 30mm"><figcaption>Under the box</figcaption>'
        "</figure><p>x</p>"
    )
    found = _layout(body)
    assert _rules(found) == [(1, "a side box overlaps an exhibit", "error")]
    assert found[0].text == "Under the box"


def test_text_past_the_margin_is_refused() -> None:
    body = '<p style="white-space: nowrap">' + "unbreakable " * 40 + "</p><p>x</p>"
    assert _rules(_layout(body))[0] == (1, "text runs past the right margin", "error")


def test_a_page_left_mostly_empty_is_a_warning_and_the_cover_and_last_page_are_not() -> None:
    # Page 1 (the cover) is short, page 2 is 40/190 = 21% full before a forced break, page 3 is last.
    body = (
        '<div class="block"></div><div style="break-before: page" class="block"></div>'
        '<p style="break-before: page">last</p>'
    )
    found = _layout(body)
    assert _rules(found) == [(2, "the page is only 21% full", "warning")]


def test_render_pdf_refuses_errors_and_reports_warnings(tmp_path: Path) -> None:
    wide = PAGE.format(
        body='<figure class="exhibit" style="width: 150mm; margin: 0"><figcaption>Wide</figcaption></figure>',
        css="",
        fill=40,
    )
    with pytest.raises(PdfError, match=r"page 1: an exhibit is wider than its column: 'Wide'"):
        render_pdf(wide, tmp_path, [tmp_path])
    short = PAGE.format(
        body='<div class="block"></div><div class="block" style="break-before: page"></div>'
        '<p style="break-before: page">end</p>',
        css="",
        fill=40,
    )
    warnings: list[str] = []
    assert render_pdf(short, tmp_path, [tmp_path], layout_warnings=warnings).startswith(b"%PDF")
    assert warnings == ["layout: page 2: the page is only 21% full"]
