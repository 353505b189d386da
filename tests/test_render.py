"""Templates and the analyst's prose: strict, escaped, sandboxed, numbered."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.build import render_html
from reportgen.errors import RenderError
from tests.helpers import edit


def prose_error(note: Path, old: str, new: str) -> str:
    edit(note / "narrative.yaml", old, new)
    with pytest.raises(RenderError) as info:
        render_html(note)
    return info.value.message


HEADLINE = "  {{ val.targets.ads | target }} per ADS."


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ lines.cloud_revenue.__class__ }}", "unsafe"),
        ("{{ lines.cloud_revenue.timeline.periods }}", "unsafe"),
        ("{{ lines.cloud_revenue.values.index(1) }}", "unsafe"),
        ("{{ lipsum }}", "undefined"),
        ("{{ lines.maas[2024] | money }}", "no value"),
        ("{{ lines.rev_ecommerce[2025] | money }}", "no value"),
        ("{{ lines.cloud_revenue[2031] | pct }}", "not a ratio"),
        ("{{ lines.cloud_revenue[2031] + lines.rev_cloud[2031] }}", "different scales"),
        ("{{ val.targets.ads.listing.model_dump_json() }}", "unsafe"),
        ("{{ lines.cloud_revenue.yoy.clear() }}", "unsafe"),
        ("{{ lines.cloud_revnue[2031] | money }}", "no value named 'cloud_revnue'"),
    ],
)
def test_prose_reaches_only_model_values(note_copy: Path, expression: str, message: str) -> None:
    error = prose_error(note_copy, HEADLINE, f"  {expression}")
    # The message names the file, the headline's line (the key is on line 12) and the field.
    assert f"narrative.yaml:{_line_of_key(note_copy, 'headline:')}:" in error
    assert "headline:" in error
    assert message.lower() in error.lower()
    assert f"(in {expression})" in error


def test_prose_is_escaped(note_copy: Path) -> None:
    edit(note_copy / "narrative.yaml", HEADLINE, "  <script>alert(1)</script> & co")
    html = render_html(note_copy).html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_syntax_error_in_prose_names_the_field(note_copy: Path) -> None:
    error = prose_error(note_copy, HEADLINE, "  {{ lines.maas[2031] | money }")
    assert f"narrative.yaml:{_line_of_key(note_copy, 'headline:')}:" in error
    assert "template syntax" in error


def test_numbers_in_prose_must_be_formatted(note_copy: Path) -> None:
    error = prose_error(note_copy, HEADLINE, "  {{ lines.paas[2031] }}")
    assert "without a filter" in error
    assert "(in {{ lines.paas[2031] }})" in error


def _line_of_key(note: Path, key: str) -> int:
    lines = (note / "narrative.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(key))


def test_figures_are_numbered_in_order_and_cross_references_resolve(note_copy: Path) -> None:
    html = render_html(note_copy).html
    numbers = [int(n) for n in __import__("re").findall(r'<span class="fig-no">Figure (\d+)\.</span>', html)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 12
    # Every cross-reference points at an id that exists, with that exhibit's number.
    import re

    for key, number in re.findall(r'<a class="xref" href="#fig-([\w-]+)">Figure (\d+)</a>', html):
        caption = re.search(rf'id="fig-{key}">\s*<figcaption><span class="fig-no">Figure (\d+)\.', html)
        assert caption is not None, key
        assert caption.group(1) == number


def test_table_cells_mark_estimates_and_negatives(note_copy: Path) -> None:
    html = render_html(note_copy).html
    assert "<td>(88,416)</td>" in html  # FY26E inter-segment eliminations, in parentheses
    assert "<td>0.8%</td>" in html  # FY28E cloud revenue revision: 319,551 / 317,090 - 1
    assert (
        '<td class="actual">1,941</td>' in html
    )  # 2025 token consumption, 0.001941 quintillion = 1,941 trillion
    assert "FY26E" in html and "FY31E" in html
