"""Visual regression: chosen pages of the default note against committed reference images.

An accidental layout break (an overflowing cover, a table pushed to a new page, a chart
that lost its labels) changes pixels that text checks cannot see. Regenerate the
references deliberately with ``make refresh-visuals`` and review them as images.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from reportgen.build import BuiltNote

pytestmark = pytest.mark.slow

REFERENCE = Path(__file__).parent / "visual"
ACTUAL = Path(__file__).parent / "golden" / "_actual" / "visual"
#: Cover, first body page, valuation, appendix.
PAGES = (1, 2, 6, 9)
DPI = 40
#: A pixel counts as changed when a channel moves by more than this (0-255) ...
PIXEL_THRESHOLD = 48
#: ... and a page fails when more than this share of its pixels changed.
MAX_CHANGED = 0.002


def render_page(pdf: Path, page: int, out: Path) -> Path:
    prefix = out / f"page-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def changed_share(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
    changed = sum(diff.histogram()[PIXEL_THRESHOLD + 1 :])
    return changed / (a.width * a.height)


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_reference(
    built: BuiltNote, page: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    actual = render_page(built.pdf, page, tmp_path)
    reference = REFERENCE / actual.name
    if request.config.getoption("--refresh-visuals"):
        REFERENCE.mkdir(exist_ok=True)
        reference.write_bytes(actual.read_bytes())
        return
    assert reference.is_file(), f"no reference {reference}; run `make refresh-visuals`"
    with Image.open(actual) as got, Image.open(reference) as want:
        assert got.size == want.size, f"page {page} size {got.size} != {want.size}"
        share = changed_share(got, want)
        if share > MAX_CHANGED:
            ACTUAL.mkdir(parents=True, exist_ok=True)
            got.save(ACTUAL / actual.name)
            ImageChops.difference(got.convert("RGB"), want.convert("RGB")).save(
                ACTUAL / f"diff-{actual.name}"
            )
            pytest.fail(
                f"page {page}: {share:.2%} of pixels changed (limit {MAX_CHANGED:.2%}); "
                f"see {ACTUAL}; run `make refresh-visuals` if the change is intended"
            )


def test_changed_share_detects_a_shift() -> None:
    """The comparison itself can fail: a block moved by a few pixels is caught."""
    base = Image.new("RGB", (100, 100), "white")
    moved = base.copy()
    base.paste((0, 0, 0), (10, 10, 40, 20))
    moved.paste((0, 0, 0), (10, 14, 40, 24))
    assert changed_share(base, base) == 0
    assert changed_share(base, moved) > MAX_CHANGED
