"""build_note(): the one place that knows the stage order and the only one that writes files."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import vl_convert

from reportgen.compare.bridge import build_bridge
from reportgen.compare.bridge_exhibits import build_bridge_chart, shows
from reportgen.compare.previous import PreviousVersion, previous_from_ledger
from reportgen.errors import ReportgenError
from reportgen.exhibits.charts.build import Chart, Charts, build_charts
from reportgen.exhibits.charts.svg import VL_VERSION, register_fonts, render_svg
from reportgen.exhibits.images import asset_name
from reportgen.model.sensitivity import add_sensitivities
from reportgen.note import Assumptions, load_assumptions
from reportgen.output.cache import TextCache, cached_svg, digest, files_digest, tree_files
from reportgen.output.publish import clean_leftovers, make_staging, publish
from reportgen.output.state import code_fingerprint, house_digest
from reportgen.record.coverage import build_coverage
from reportgen.record.history import build_history
from reportgen.record.ledger import ledger_path, load_ledger
from reportgen.registry import NOTE_TYPES
from reportgen.render.context import build_context
from reportgen.render.html import render_note
from reportgen.render.pdf import render_pdf
from reportgen.resources import TEMPLATES

log = logging.getLogger(__name__)


Progress = Callable[[str], None]
#: Tagged PDF for accessibility (structure tree, alt texts, language, XMP identification).
PDF_VARIANT = "pdf/ua-1"
#: The one input file charts never read: a prose edit reuses a long-lived process's charts.
NARRATIVE_FILE = "narrative.yaml"
#: Id of the cover's last element: if it is not on page 1 the cover overflowed.
COVER_END = "cover-end"
#: Compare with the note's last publication recorded in the ledger (the default).
FROM_LEDGER: Literal["ledger"] = "ledger"
Compare = PreviousVersion | None | Literal["ledger"]


@dataclass(frozen=True)
class BuiltNote:
    """Where a note was published."""

    slug: str
    folder: Path
    html: Path
    pdf: Path | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    """Everything a note's folder will hold, still in memory: HTML, chart SVGs, the logo."""

    html: str
    svgs: dict[str, str]
    logo: Path | None
    warnings: tuple[str, ...] = ()
    #: The note's pictures as published: file name in assets/images -> bytes.
    pictures: dict[str, bytes] = field(default_factory=dict)


class _Stages:
    """Reports each stage as it starts, so a failure can say where the build stopped."""

    def __init__(self, slug: str, progress: Progress | None) -> None:
        self.slug = slug
        self.current = "starting"
        self.progress = progress

    def __call__(self, stage: str) -> None:
        self.current = stage
        log.info("%s: %s", self.slug, stage)
        if self.progress is not None:
            self.progress(stage)


def render_html(
    note_folder: Path,
    templates: Path = TEMPLATES,
    progress: Progress | None = None,
    previous: Compare = FROM_LEDGER,
    charts_cache: TextCache | None = None,
    loaded: Assumptions | None = None,
) -> Rendered:
    """Assumptions -> model -> charts -> HTML, with nothing written to disk.

    ``previous`` is the version this note is compared with (revisions, change line,
    previous call, target bridge): by default its last publication in the ledger beside
    house.yaml, rebuilt from git; None for none. The ledger also gives the recommendation
    history, the calls on the price chart and the ratings distribution.
    ``charts_cache`` holds SVGs by content hash, so a chart whose spec is unchanged is not
    redrawn, and whole chart sets by the hash of what they are drawn from (every input but
    narrative.yaml, and the code), so a prose edit does not even rebuild the specs.
    ``loaded`` is the note already loaded from ``note_folder`` by the caller (``publish`` checks
    it first): the note is loaded, and valued, once.
    """
    step = progress if isinstance(progress, _Stages) else _Stages(note_folder.name, progress)
    step("loading assumptions and running the model")
    a = loaded or load_assumptions(note_folder)
    step("valuing")
    # The loaded note carries its valuation; the sensitivities re-value edited copies of it.
    valuation = add_sensitivities(a.value, a.valuation, a.run, a.company, a.house)
    ledger = load_ledger(ledger_path(note_folder.parent))
    if previous == FROM_LEDGER:
        step("rebuilding the last published version")
        previous = previous_from_ledger(note_folder, ledger, a.company.note.date)
    history = build_history(ledger, note_folder.name, a.company, valuation)
    bridge = build_bridge(previous.assumptions, a) if previous is not None else None
    step("drawing charts")
    fonts = templates / "assets" / "fonts"
    register_fonts(fonts)
    salt = chart_salt(fonts)
    set_key = digest("chart-set", chart_inputs(note_folder, salt), code_fingerprint(templates))
    charts = load_charts(charts_cache, set_key) if charts_cache else None
    if charts is None:
        charts = build_charts(
            a.exhibits.charts,
            a.run,
            valuation,
            a.company,
            a.house,
            prices=a.prices,
            illustrative_prices=a.company.note.illustrative_prices,
            calls=history.chart,
            datasets=a.datasets,
            render=cached_svg(render_svg, charts_cache, salt) if charts_cache else render_svg,
        )
        if charts_cache:
            # Key order kept as built: the HTML twin prints chart data columns in that order.
            charts_cache.put(set_key, json.dumps([asdict(c) for c in charts.items]))
    results = None
    note_type = NOTE_TYPES[a.company.note.kind]
    if note_type.check is not None:
        note_type.check(note_folder)
    if note_type.build is not None:
        step(note_type.doing)
        results, chart = note_type.build(a)
        if chart is not None:
            charts = Charts((*charts.items, chart))
        for warning in results.warnings:
            log.info("%s: reconciliation: %s", note_folder.name, warning)
    # Published calls only: the ledger, not the other notes' current models.
    coverage = build_coverage(ledger, a.house, a.company.note.date)
    if shows(bridge):
        assert bridge is not None
        drawn = {
            k: build_bridge_chart(k, s, bridge, a.company, a.house)
            for k, s in a.exhibits.charts.items()
            if s.data == "bridge"
        }
        charts = Charts((*charts.items, *drawn.values()))
    step("rendering HTML")
    ctx = build_context(
        a, valuation, charts, coverage, previous=previous, history=history, results=results, bridge=bridge
    )
    html = render_note(ctx, [templates])
    warnings = (*a.warnings, *(results.warnings if results is not None else ()))
    pictures = {asset_name(k, p): p.data for k, p in a.pictures.items()}
    return Rendered(html, {c.key: c.svg for c in charts.items}, a.logo, warnings, pictures)


def load_charts(cache: TextCache, key: str) -> Charts | None:
    """A chart set stored by ``render_html``, or None if absent or unreadable."""
    text = cache.get(key)
    if text is None:
        return None
    try:
        return Charts(
            tuple(Chart(**{**item, "notes": tuple(item.get("notes", ()))}) for item in json.loads(text))
        )
    except (ValueError, TypeError):
        return None


def chart_inputs(note_folder: Path, salt: str) -> str:
    """Hash of what a note's charts are drawn from: its files but the prose, the house files, the fonts."""
    files = [(n, p) for n, p in tree_files(note_folder) if n != NARRATIVE_FILE]
    return digest(files_digest(files), house_digest(note_folder.parent), salt)


def chart_salt(fonts: Path) -> str:
    """What besides the spec decides a chart's SVG: the renderer, its Vega-Lite version, the fonts."""
    return digest(getattr(vl_convert, "__version__", "?"), VL_VERSION, files_digest(tree_files(fonts)))


def build_note(
    note_folder: Path,
    out_dir: Path,
    templates: Path = TEMPLATES,
    progress: Progress | None = None,
    previous: Compare = FROM_LEDGER,
    *,
    html_only: bool = False,
    charts_cache: TextCache | None = None,
    loaded: Assumptions | None = None,
) -> BuiltNote:
    """Build one note into ``out_dir/<slug>/``; the previous output survives any failure.

    ``html_only`` publishes the HTML twin and its assets without compiling the PDF (a quick
    review build), through the same staging folder and atomic switch.
    The caller checks that ``out_dir`` overlaps no input (``publish.check_output_folder``).
    """
    slug = note_folder.name
    step = _Stages(slug, progress)
    try:
        rendered = render_html(note_folder, templates, step, previous, charts_cache, loaded)
    except ReportgenError:
        log.info("%s: build stopped while %s; previous output left as it was", slug, step.current)
        raise
    return write_note(rendered, out_dir, slug, templates, step, with_pdf=not html_only)


def write_note(
    rendered: Rendered,
    out_dir: Path,
    slug: str,
    templates: Path = TEMPLATES,
    progress: Progress | None = None,
    *,
    with_pdf: bool = True,
) -> BuiltNote:
    """Write a rendered note (and its PDF, unless ``with_pdf`` is off) to staging, then publish it."""
    step = progress if isinstance(progress, _Stages) else _Stages(slug, progress)
    layout: list[str] = []
    try:
        clean_leftovers(out_dir, slug)
        staging = make_staging(out_dir, slug)
        try:
            step("writing assets")
            write_assets(staging, templates, rendered)
            (staging / f"{slug}.html").write_text(rendered.html, encoding="utf-8")
            if with_pdf:
                step("compiling PDF")
                pdf = render_pdf(
                    rendered.html,
                    staging,
                    allowed=[staging],
                    first_page_anchor=COVER_END,
                    layout_warnings=layout,
                    pdf_variant=PDF_VARIANT,
                )
                (staging / f"{slug}.pdf").write_bytes(pdf)
            step("publishing")
            final = publish(staging, out_dir, slug)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except ReportgenError:
        log.info("%s: build stopped while %s; previous output left as it was", slug, step.current)
        raise
    except OSError as exc:
        log.info("%s: build stopped while %s; previous output left as it was", slug, step.current)
        raise ReportgenError(
            f"{slug}: cannot write {exc.filename or out_dir}: {exc.strerror or exc}"
        ) from None
    return BuiltNote(
        slug,
        final,
        final / f"{slug}.html",
        final / f"{slug}.pdf" if with_pdf else None,
        (*rendered.warnings, *layout),
    )


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder file by file, so a failure (a full disk) is one OSError naming the file it could
    not write: ``shutil.copytree`` gathers failures into a ``shutil.Error`` that prints as a list."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        try:
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                shutil.copy2(path, target)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None


def write_assets(folder: Path, templates: Path, rendered: Rendered) -> None:
    """Copy stylesheet, fonts and logo beside the HTML so it reads on its own; write the charts."""
    copy_tree(templates / "assets", folder / "assets")
    charts = folder / "assets" / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    for key, svg in sorted(rendered.svgs.items()):
        (charts / f"{key}.svg").write_text(svg, encoding="utf-8")
    if rendered.pictures:
        images = folder / "assets" / "images"
        images.mkdir(parents=True, exist_ok=True)
        for name, data in sorted(rendered.pictures.items()):
            (images / name).write_bytes(data)
    if rendered.logo is not None:
        house = folder / "assets" / "house"
        house.mkdir()
        shutil.copyfile(rendered.logo, house / f"logo{rendered.logo.suffix.lower()}")
