"""build_note(): the one place that knows the stage order and the only one that writes files."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen.assumptions import load_assumptions
from reportgen.charts import build_charts
from reportgen.context import build_context
from reportgen.model.forecast import build_forecast
from reportgen.model.market import build_market
from reportgen.model.valuation import build_valuation
from reportgen.pdf import render_pdf
from reportgen.render import render_note

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuiltNote:
    """Where a note was published."""

    slug: str
    folder: Path
    html: Path
    pdf: Path


def render_html(
    note_folder: Path, templates: Path = TEMPLATES, progress: Progress | None = None
) -> tuple[str, dict[str, str]]:
    """Assumptions -> model -> charts -> HTML. Returns the HTML and the chart SVGs by key."""
    step = progress or (lambda _msg: None)
    step("loading assumptions")
    a = load_assumptions(note_folder)
    step("running the model")
    forecast = build_forecast(a.forecast, shares_per_ads=a.company.listings[0].shares_per_unit)
    market = build_market(a.scenarios)
    valuation = build_valuation(a.valuation, forecast, a.company, a.house)
    step("drawing charts")
    charts = build_charts(forecast, market, valuation, a.house)
    step("rendering HTML")
    ctx = build_context(a, forecast, market, valuation, charts)
    html = render_note(ctx, [templates])
    return html, {c.key: c.svg for c in charts.items}


def build_note(
    note_folder: Path, out_dir: Path, templates: Path = TEMPLATES, progress: Progress | None = None
) -> BuiltNote:
    """Build one note into ``out_dir/<slug>/``; the previous output survives any failure."""
    slug = note_folder.name
    step = progress or (lambda _msg: None)
    html, svgs = render_html(note_folder, templates, step)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.staging-", dir=out_dir))
    try:
        _write_assets(staging, templates, svgs)
        (staging / f"{slug}.html").write_text(html, encoding="utf-8")
        step("compiling PDF")
        pdf = render_pdf(html, staging, allowed=[staging])
        (staging / f"{slug}.pdf").write_bytes(pdf)
        final = out_dir / slug
        _swap_into_place(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuiltNote(slug, final, final / f"{slug}.html", final / f"{slug}.pdf")


def _write_assets(folder: Path, templates: Path, svgs: dict[str, str]) -> None:
    """Copy stylesheet and fonts beside the HTML so it reads on its own, and write the charts."""
    shutil.copytree(templates / "assets", folder / "assets")
    charts = folder / "assets" / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    for key, svg in sorted(svgs.items()):
        (charts / f"{key}.svg").write_text(svg, encoding="utf-8")


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` with ``staging`` by two renames; restore the old one if the second fails."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old.exists() and not final.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
