"""Prose is text, never markup: every output that carries an analyst's words escapes them for its
own format, every SVG we publish is checked, and nothing is written through a link out of the
output folder. Each test reproduces a failure a probe of 0.3.0 observed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from reportgen.build import render_html
from reportgen.commands.diff import diff_specs
from reportgen.commands.diffreport import render_markdown, render_text
from reportgen.errors import RenderError
from reportgen.inputs.svgsafe import svg_problems
from reportgen.output.cache import TextCache, cached_svg
from reportgen.output.state import STATE_DIR
from tests.helpers import DEFAULT_NOTE, at, edit, expect, problems_of, run_cli

HEADLINE = (
    "  AI demand rewrites the cloud forecast: MaaS reaches {{ lines.maas.share[2031] | pct }} of\n"
    "  cloud revenue by {{ 2031 | fy }}; {{ val.targets.ads.rating }}, target\n"
    "  {{ val.targets.ads | target }} per ADS."
)
SCRIPT = "<script>alert(1)</script>"


def _headline_line(note: Path) -> int:
    lines = (note / "narrative.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith("headline:"))


# ----------------------------------------------------------------------------- prose statements


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("{% autoescape false %}{{ '" + SCRIPT + "' }}{% endautoescape %}", "autoescape"),
        (
            "{% autoescape false %}{{ '<style>.disclaimer{display:none}</style>' }}{% endautoescape %}",
            "autoescape",
        ),
        ("{% raw %}{{ x }}{% endraw %}", "raw"),
        ("{% filter upper %}text{% endfilter %}", "filter"),
        ("{% with x = 1 %}text{% endwith %}", "with"),
        ("{% macro m() %}x{% endmacro %}", "macro"),
        ("{% call m() %}x{% endcall %}", "call"),
        ("{% import 'x.html' as x %}", "import"),
        ("{% from 'x.html' import y %}", "from"),
        ("{% include 'base.html' %}", "include"),
        ("{% extends 'base.html' %}", "extends"),
        ("{% block b %}x{% endblock %}", "block"),
        ("{% set x %}block set{% endset %}", "endset"),
    ],
)
def test_prose_allows_only_the_listed_statements(note_copy: Path, text: str, tag: str) -> None:
    edit(note_copy / "narrative.yaml", HEADLINE, f"  {text}")
    with pytest.raises(RenderError) as info:
        render_html(note_copy)
    message = info.value.message
    assert f"narrative.yaml:{_headline_line(note_copy)}:" in message and "headline:" in message
    assert f"{{% {tag} %}} is not allowed in prose" in message, message
    assert "allowed: if, elif, else, for, set" in message
    assert info.value.exit_code == 2


def test_the_listed_statements_still_work(note_copy: Path) -> None:
    text = (
        "{% set t = val.targets.ads %}{% if t.upside > 0 %}Up{% elif t.upside < 0 %}Down{% else %}"
        "Flat{% endif %}{% for c in ['a', 'b'] %} {{ c }}{% else %}none{% endfor %}"
    )
    edit(note_copy / "narrative.yaml", HEADLINE, f"  {text}")
    assert re.search(r"(Up|Down|Flat) a b", render_html(note_copy).html)


def test_labels_from_the_inputs_are_escaped_in_the_html_twin(note_copy: Path) -> None:
    label = "label: MaaS <img src=x onerror=alert(1)> revenues"
    edit(note_copy / "model.yaml", "label: MaaS revenues", label)
    html = render_html(note_copy).html
    assert "<img src=x" not in html
    assert "MaaS &lt;img src=x onerror=alert(1)&gt; revenues" in html


# ----------------------------------------------------------------------------- diff formats

IMG = "<img src=http://tracker.example/p.png>"


def test_markdown_diff_escapes_labels_so_no_tag_or_image_reaches_a_comment(note_copy: Path) -> None:
    edit(note_copy / "model.yaml", "label: MaaS revenues", f"label: MaaS {IMG} *bold* [x](http://e) revenues")
    edit(note_copy / "valuation.yaml", "multiple: 6.5", "multiple: 7.5")
    result = run_cli("diff", str(DEFAULT_NOTE), str(note_copy), "--format", "markdown")
    assert result.exit_code == 1
    out = result.output
    assert "<img" not in out and "[x](http" not in out and " *bold*" not in out
    assert "&lt;img src=http://tracker.example/p.png&gt;" in out
    assert "\\*bold\\* \\[x\\](http://e)" in out
    # The table and its headings still read as before.
    assert "| ADS (BABA) target | US$205 |" in out
    assert "<details><summary>" in out


def test_terminal_and_markdown_diffs_strip_control_characters(note_copy: Path) -> None:
    edit(note_copy / "valuation.yaml", "multiple: 6.5", "multiple: 7.5")
    diff = diff_specs(str(DEFAULT_NOTE), str(note_copy))
    first = diff.inputs[0]
    hostile = dataclasses.replace(first, field="x\x1b[2J\x1b]0;owned\x07y", new="a\rb\nc\x9bd")
    diff = dataclasses.replace(diff, inputs=(hostile, *diff.inputs[1:]), new_label="new\x1b[31m")
    for text in (render_text(diff), render_markdown(diff)):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
        assert "xy" in text.replace("[2J", "").replace("]0;owned", "")


# ----------------------------------------------------------------------------- SVG


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>', "event attributes"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "<foreignObject>"),
        (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
        (b'<!DOCTYPE svg SYSTEM "http://e/x.dtd"><svg/>', "DOCTYPE"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://e/p.png"/></svg>', "http://e/p.png"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="other.svg#a"/></svg>',
            "other.svg#a",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"/></svg>', "javascript"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://e/g)"/></svg>', "url(http://e/g)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(//e/g"/></svg>', "url(//e/g)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(x)"/></svg>', "escapes"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>', "<style>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" style="position:fixed"/>', "position"),
        (b'<?xml-stylesheet href="http://e/x.css"?><svg/>', "processing instruction"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="#a"/></svg>', "animation"),
        (b"<svg><rect></svg>", "not well-formed"),
        (b"<html/>", "not <svg>"),
    ],
)
def test_svg_problems_refuses_anything_beyond_drawing(svg: bytes, words: str) -> None:
    problems = svg_problems(svg)
    assert problems and any(words in p for p in problems), problems
    assert all(re.match(r"line \d+, column \d+: ", p) for p in problems), problems


def test_svg_problems_passes_drawings_fragments_and_data_images() -> None:
    svg = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 10 10" role="img" aria-label="Logo"><defs><linearGradient id="g"/></defs>'
        b'<rect fill="url(#g)" style="fill: url( \'#g\' ); stroke: #000"/><use xlink:href="#g"/>'
        b'<image href="data:image/png;base64,iVBORw0KGgo="/><text>a &lt; b</text></svg>'
    )
    assert svg_problems(svg) == []
    assert svg_problems((DEFAULT_NOTE.parent / "house-logo.svg").read_bytes()) == []


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (f'<svg xmlns="http://www.w3.org/2000/svg">{SCRIPT}</svg>', "<script>"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>',
            "tracker",
        ),
    ],
)
def test_a_logo_with_a_script_or_a_remote_reference_fails_check(
    note_copy: Path, svg: str, words: str
) -> None:
    root = note_copy.parent
    house = root / "house.yaml"
    (root / "brand.svg").write_text(svg, encoding="utf-8")
    edit(house, "logo: house-logo.svg", "logo: brand.svg")
    where = at(house, "logo: brand.svg", "brand.svg")
    problem = expect(
        problems_of(note_copy), house, where, "logo", "'brand.svg' is not safe to publish", words
    )
    assert "line 1, column" in problem


# ----------------------------------------------------------------------------- chart cache


def _poison(entry: Path) -> bool:
    """Rewrite a cache entry with a script in each SVG and a checksum that matches again."""
    raw = entry.read_bytes()
    _check, _, rest = raw.partition(b"\n")
    if b"</svg>" not in rest:
        return False
    rest = rest.replace(b"</svg>", b"<script>alert(1)</script></svg>")
    entry.write_bytes(hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest)
    return True


def _counting() -> tuple[list[Any], Any]:
    calls: list[Any] = []

    def render(spec: Any) -> str:
        calls.append(spec)
        return f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{spec["mark"]}</desc></svg>'

    return calls, render


def test_a_cache_entry_rewritten_with_a_valid_checksum_is_not_served(tmp_path: Path) -> None:
    calls, render = _counting()
    cached_svg(render, TextCache(tmp_path), salt="v1")({"mark": "bar"})
    [entry] = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert _poison(entry)
    svg = cached_svg(render, TextCache(tmp_path), salt="v1")({"mark": "bar"})
    assert "<script" not in svg
    assert len(calls) == 2  # redrawn


def test_a_cache_entry_filed_under_another_key_is_not_served(tmp_path: Path) -> None:
    calls, render = _counting()
    svg = cached_svg(render, TextCache(tmp_path), salt="v1")
    svg({"mark": "bar"})
    svg({"mark": "line"})
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    [bar] = [p for p in files if "<desc>bar" in p.read_text()]
    [line] = [p for p in files if "<desc>line" in p.read_text()]
    line.write_bytes(bar.read_bytes())  # a valid entry, for another spec
    assert "line" in cached_svg(render, TextCache(tmp_path), salt="v1")({"mark": "line"})
    assert len(calls) == 3


def test_a_cache_shard_linking_outside_is_neither_read_nor_written(tmp_path: Path) -> None:
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    TextCache(elsewhere).put("k1", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    cache.mkdir()
    (cache / "k1"[:2]).symlink_to(elsewhere / "k1"[:2])
    before = sorted(p.name for p in (elsewhere / "k1"[:2]).iterdir())
    assert TextCache(cache).get("k1") is None
    TextCache(cache).put("k1", '<svg xmlns="http://www.w3.org/2000/svg"><desc>x</desc></svg>')
    assert sorted(p.name for p in (elsewhere / "k1"[:2]).iterdir()) == before


@pytest.mark.slow
def test_poisoned_chart_cache_entries_never_reach_a_published_note(note_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_cli("build", str(note_copy), "--out", str(out), "--html-only")
    assert first.exit_code == 0, first.output
    entries = [p for p in (out / STATE_DIR / "cache").rglob("*") if p.is_file()]
    assert sum(_poison(p) for p in entries) >= 5
    again = run_cli("build", str(note_copy), "--out", str(out), "--html-only", "--force")
    assert again.exit_code == 0, again.output
    charts = list((out / note_copy.name / "assets" / "charts").glob("*.svg"))
    assert len(charts) >= 5
    assert not [c.name for c in charts if "<script" in c.read_text(encoding="utf-8")]


# ----------------------------------------------------------------------------- links in the output folder


@pytest.mark.parametrize("inner", ["", "cache", "state"])
def test_a_state_folder_linking_out_of_the_output_folder_is_refused(
    note_copy: Path, tmp_path: Path, inner: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assumptions = note_copy.parent
    before = sorted(str(p) for p in assumptions.rglob("*"))
    state = out / STATE_DIR
    if inner:
        state.mkdir()
        (state / inner).symlink_to(assumptions)
    else:
        state.symlink_to(assumptions)
    result = run_cli("build", str(note_copy), "--out", str(out), "--html-only")
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert STATE_DIR in result.output and "outside the output folder" in result.output
    assert sorted(str(p) for p in assumptions.rglob("*")) == before


def test_a_version_folder_that_is_a_link_is_refused(note_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / f".{note_copy.name}.v-1-1-0123abcd")
    result = run_cli("build", str(note_copy), "--out", str(out), "--html-only")
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "is a link" in result.output
    assert list(elsewhere.iterdir()) == []


def test_json_diff_is_json(note_copy: Path) -> None:
    edit(note_copy / "model.yaml", "label: MaaS revenues", f"label: MaaS {IMG} revenues")
    result = run_cli("diff", str(DEFAULT_NOTE), str(note_copy), "--format", "json")
    doc = json.loads(result.output)
    assert any(IMG in json.dumps(i, ensure_ascii=False) for i in doc["inputs"])
