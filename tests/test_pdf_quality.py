"""The published PDF as a reader, a screen reader and compliance see it."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from pypdf import PdfReader

from reportgen.build import PDF_VARIANT, BuiltNote
from tests.helpers import pdfua_findings

pytestmark = pytest.mark.slow


def _text(built: BuiltNote, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(built.pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _struct_figures(node: Any, found: list[Any]) -> list[Any]:
    node = node.get_object()
    if node.get("/S") == "/Figure":
        found.append(node.get("/Alt"))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else ([kids] if kids is not None else []):
        if hasattr(kid.get_object(), "get"):
            _struct_figures(kid, found)
    return found


def _outline_titles(items: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in items:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_variant_is_tagged_pdf_ua(built: BuiltNote) -> None:
    assert PDF_VARIANT == "pdf/ua-1"
    reader = PdfReader(built.pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp


def test_metadata(built: BuiltNote) -> None:
    meta = PdfReader(built.pdf).metadata
    assert meta is not None
    assert meta.title and meta.title.startswith("Alibaba Group Holding (BABA, 9988.HK)")
    assert meta.author == "Mei Lin Ong, CFA, Daniel Okafor"
    assert meta.subject == "Company Update: Alibaba Group Holding, Buy"
    assert "9988.HK" in (meta.get("/Keywords") or "")


def test_every_figure_has_alternative_text(built: BuiltNote) -> None:
    root = PdfReader(built.pdf).trailer["/Root"]
    alts = _struct_figures(root["/StructTreeRoot"], [])
    assert len(alts) >= 8  # logo, price chart and the six model charts
    assert all(alt and len(alt) > 20 for alt in alts), alts


def test_outline_has_every_section(built: BuiltNote) -> None:
    titles = _outline_titles(PdfReader(built.pdf).outline)
    for section in (
        "Summary",
        "Cloud revenue forecast",
        "MaaS and the token economy",
        "Capital expenditure",
        "Earnings revisions",
        "Valuation",
        "Financial statements",
        "Risks",
        "Appendix",
        "Analyst certification",
        "Rating definitions",
        "Ratings distribution",
    ):
        assert section in titles


def test_contents_links_are_clickable(built: BuiltNote) -> None:
    page = PdfReader(built.pdf).pages[1]
    dests = {a.get_object().get("/Dest") for a in page.get("/Annots") or []}
    for anchor in (
        "sec-cloud",
        "sec-maas",
        "sec-capex",
        "sec-revisions",
        "sec-valuation",
        "sec-financials",
        "sec-risks",
        "sec-appendix",
    ):
        assert anchor in dests


def test_qpdf_check_is_clean(built: BuiltNote) -> None:
    result = subprocess.run(["qpdf", "--check", str(built.pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_pdfua_checker_finds_nothing(built: BuiltNote) -> None:
    """Used to report UA-01-003 (an opacity group painted outside marked content) and
    UA-15-003 warnings (header cells without /Scope)."""
    assert pdfua_findings(built.pdf) == []


def test_cover_fits_one_page_and_body_pages_carry_the_running_header(built: BuiltNote) -> None:
    cover, second = _text(built, 1), _text(built, 2)
    assert "See the appendix for analyst certification, rating definitions" in cover
    assert "Page 1 of" in cover and "Alibaba Group Holding (BABA, 9988.HK)" not in cover.splitlines()[0]
    assert second.lstrip().startswith("Alibaba Group Holding (BABA, 9988.HK)")
    assert "11 May 2026 | Harbourline Research" in second
    assert "Contents" in second


def test_contents_page_numbers_match_where_sections_start(built: BuiltNote) -> None:
    import re

    contents = _text(built, 2)
    pages = int(PdfReader(built.pdf).get_num_pages())
    for title in ("Valuation", "Financial statements", "Appendix: certification and disclosures"):
        match = re.search(rf"\d\.\s+{re.escape(title)}\s+(\d+)", contents)
        assert match, title
        page = int(match.group(1))
        assert 2 <= page <= pages
        heading = title.split(":")[0]
        assert heading in _text(built, page)
