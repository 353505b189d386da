"""End to end: build the default note, read the PDF back, and prove builds are safe."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reportgen import build as build_mod
from reportgen.build import BuiltNote, build_note, render_html
from reportgen.cli import main
from reportgen.compare.previous import load_previous
from reportgen.errors import RenderError
from tests.helpers import DEFAULT_NOTE, edit

pytestmark = pytest.mark.slow


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def published(out: Path) -> list[str]:
    """What a reader sees in the output folder: each note's link, and no staging or old versions."""
    names = sorted(p.name for p in out.iterdir())
    leftovers = [n for n in names if ".staging-" in n or ".link-" in n or ".trash-" in n]
    assert not leftovers, leftovers
    assert len([n for n in names if ".v-" in n]) == len([n for n in names if not n.startswith(".")])
    return [n for n in names if not n.startswith(".")]


def test_outputs_are_written(built: BuiltNote) -> None:
    assert built.pdf.read_bytes().startswith(b"%PDF-")
    html = built.html.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    for key in (
        "cloud-revenue",
        "ai-revenue",
        "maas-revenue",
        "capex-chart",
        "market-scenarios",
        "sotp-chart",
    ):
        assert (built.folder / "assets" / "charts" / f"{key}.svg").is_file()
        assert f'src="assets/charts/{key}.svg"' in html
    assert (built.folder / "assets" / "note.css").is_file()


def test_pdf_facts(built: BuiltNote) -> None:
    reader = PdfReader(built.pdf)
    # The deep dive with its evidence: about 33 pages (the seed runs to 56 with its disclosures).
    assert 28 <= len(reader.pages) <= 40
    text = pdf_text(built.pdf)
    assert "US$205" in text and "HK$204" in text
    assert "Buy" in text
    # Figure 5's FY31E total (Rmb833bn) and the FY27E consolidated revenue row of Figure 58.
    assert "Rmb833.4bn" in text
    assert re.search(r"Consolidated revenue\s+1,022,65\d\s+1,117,\d{3}\s+1,249,\d{3}", text)
    meta = reader.metadata
    assert meta is not None and meta.title is not None
    assert "Alibaba Group Holding" in meta.title
    assert meta.author == "Mei Lin Ong, CFA, Daniel Okafor"
    assert meta.creation_date is not None and meta.creation_date.date().isoformat() == "2026-05-11"


def test_page_text_with_pdftotext(built: BuiltNote) -> None:
    out = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(built.pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Harbourline Research" in out
    assert "Target price" in out and "US$205" in out


def test_fonts_are_embedded(built: BuiltNote) -> None:
    out = subprocess.run(["pdffonts", str(built.pdf)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        assert " yes yes " in row or re.search(r"\syes\s+yes\s", row), row


def test_same_assumptions_give_identical_bytes(built: BuiltNote, tmp_path: Path) -> None:
    again = build_note(DEFAULT_NOTE, tmp_path)
    assert again.html.read_bytes() == built.html.read_bytes()
    assert again.pdf.read_bytes() == built.pdf.read_bytes()
    assert digest(again.folder) == digest(built.folder)


def test_harfbuzz_subsetting_is_in_use() -> None:
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools and the PDF bytes differ."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None
    assert harfbuzz.hb_version_atleast(4, 1, 0)


def test_failed_build_keeps_previous_output(note_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_note(note_copy, out)
    before = digest(first.folder)
    edit(note_copy / "narrative.yaml", "{{ lines.maas[2028] | money }}", "{{ lines.maas.nope | money }}")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out)])
    assert result.exit_code == 2  # broken prose is bad input
    assert "narrative.yaml" in result.output and "Traceback" not in result.output
    assert digest(first.folder) == before
    assert published(out) == [note_copy.name]  # no staging left behind


def test_interrupted_build_keeps_previous_output(
    note_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = build_note(note_copy, out)
    before = digest(first.folder)

    def interrupt(*_args: object, **_kwargs: object) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "render_pdf", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_note(note_copy, out)
    assert digest(first.folder) == before
    assert published(out) == [note_copy.name]


def test_one_assumption_moves_prose_tables_charts_and_target(note_copy: Path) -> None:
    """Raise FY27E MaaS growth from 859% to 1,259%: everything downstream must move together."""
    base = render_html(note_copy)
    base_html, base_svgs = base.html, base.svgs
    before = note_copy.parent.parent / "before" / note_copy.name
    shutil.copytree(note_copy.parent, before.parent)
    edit(note_copy / "model.yaml", "growth: {2027: 8.59,", "growth: {2027: 12.59,")
    changed = render_html(note_copy, previous=load_previous(before, "before"))
    html, svgs = changed.html, changed.svgs

    # By hand from model.yaml: MaaS FY31E = 1.0433 x 13.59 x 5.38 x 2.463 x 1.96 x 1.688
    maas31 = 1.0433 * 13.59 * 5.38 * 2.463 * 1.96 * 1.688
    assert f"Rmb{maas31:.1f}bn" in html  # the prose (bullets) quote the new value
    assert "Rmb438.6bn" not in html and "Rmb438.6bn" in base_html
    # Figure 5 table: the MaaS FY31E cell (one decimal) moved with it.
    assert f"<td>{maas31:,.1f}</td>" in html
    # The chart data moved.
    assert svgs["maas-revenue"] != base_svgs["maas-revenue"]
    assert svgs["cloud-revenue"] != base_svgs["cloud-revenue"]
    # FY27E cloud revenue rises by 1.0433 x 4.0 = Rmb4.17bn; at 6.5x P/S over 19,068mn shares
    # the fair value rises by about Rmb1.42 per share, so the ADS target moves from US$205 up.
    assert "US$205" in base_html
    assert "target US$210" in html
    assert "US$205 (+2.4%)" in html  # the cover shows the change from the previous version's target (210/205)
    assert "Target raised from US$205 to US$210" in html


def test_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copytree(build_mod.TEMPLATES, tmp_path / "templates")
    (tmp_path / "templates" / "partials" / "toc.html").unlink()
    with pytest.raises(RenderError, match=r"partials/toc\.html"):
        render_html(DEFAULT_NOTE, tmp_path / "templates")


def test_a_cover_that_overflows_fails_the_build(note_copy: Path, tmp_path: Path) -> None:
    long = "Cloud demand keeps compounding across every layer of the stack. " * 6
    out = tmp_path / "out"
    first = build_note(note_copy.parent / note_copy.name, out)
    before = digest(first.folder)
    edit(note_copy / "narrative.yaml", "summary: >-\n", f"summary: >-\n  {long.strip()}\n  ")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out)])
    assert result.exit_code == 1  # a build failure, not bad input
    assert "the cover runs over one page" in result.output
    assert digest(first.folder) == before
