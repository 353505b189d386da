"""WeasyPrint is confined to the note's folder and any warning fails the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.errors import PdfError
from reportgen.render.pdf import render_pdf

PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>{}</body></html>'
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def test_renders_local_assets(tmp_path: Path) -> None:
    (tmp_path / "a.svg").write_text(SVG)
    pdf = render_pdf(PAGE.format('<img src="a.svg" alt="x">'), tmp_path, allowed=[tmp_path])
    assert pdf.startswith(b"%PDF-")


def test_missing_image_fails_instead_of_leaving_a_hole(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="missing"):
        render_pdf(PAGE.format('<img src="charts/none.svg" alt="x">'), tmp_path, allowed=[tmp_path])


def test_network_urls_are_blocked(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="blocked"):
        render_pdf(PAGE.format('<img src="http://127.0.0.1:9/x.png" alt="x">'), tmp_path, allowed=[tmp_path])


def test_files_outside_the_allowed_folders_are_blocked(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.svg").write_text(SVG)
    with pytest.raises(PdfError, match="blocked"):
        render_pdf(PAGE.format('<img src="../out/secret.svg" alt="x">'), inside, allowed=[inside])


def test_bad_css_is_an_error_not_a_warning(tmp_path: Path) -> None:
    html = PAGE.format("<p>x</p>").replace("</head>", "<style>p { colr: red; }</style></head>")
    with pytest.raises(PdfError, match="colr"):
        render_pdf(html, tmp_path, allowed=[tmp_path])


def test_unknown_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="unknown PDF option"):
        render_pdf(PAGE.format("x"), tmp_path, allowed=[tmp_path], zoom_level=2)


@pytest.mark.parametrize(
    "body",
    [
        '<p style="white-space: nowrap">{}</p>',  # a no-wrap label, like a key-box heading
        "<table><tr><td>{}</td></tr></table>",  # a table cell grows to its longest word
        '<p style="overflow-wrap: normal">{}</p>',  # prose without the print CSS's wrapping
    ],
)
def test_text_past_the_right_margin_fails_the_build(tmp_path: Path, body: str) -> None:
    word = "Unbreakable" * 40  # 440 letters: some 2,000 px at 16 px, wider than any page
    with pytest.raises(PdfError, match="runs past the right margin") as info:
        render_pdf(PAGE.format(body.format(word)), tmp_path, allowed=[tmp_path])
    assert re.search(
        r"page 1: text runs past the right margin( \(too wide for its table\))?: 'UnbreakableUnbreak",
        info.value.message,
    )


def test_long_words_that_wrap_pass(tmp_path: Path) -> None:
    word = "Unbreakable" * 40
    html = PAGE.format(f'<p style="overflow-wrap: break-word">{word}</p><p>{" ".join([word[:30]] * 40)}</p>')
    assert render_pdf(html, tmp_path, allowed=[tmp_path]).startswith(b"%PDF-")


def test_header_cells_carry_their_scope_in_the_tagged_pdf(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    table = (
        '<table><thead><tr><th scope="col">Year</th><th scope="col">Sales</th></tr></thead>'
        '<tbody><tr><th scope="row">FY27</th><td>1</td></tr></tbody></table>'
    )
    html = PAGE.format(table).replace("<html>", '<html lang="en">')
    pdf = render_pdf(html, tmp_path, allowed=[tmp_path], pdf_variant="pdf/ua-1")
    (tmp_path / "t.pdf").write_bytes(pdf)
    scopes = []
    with pikepdf.open(tmp_path / "t.pdf") as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                scopes.append(str(obj.A.Scope))
    assert sorted(scopes) == ["/Column", "/Column", "/Row"]
