"""Click commands only: find the notes, call the build, report. Heavy imports stay lazy."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import ReportgenError

DEFAULT_ROOT = Path("assumptions")
log = logging.getLogger(__name__)


def _note_folders(paths: tuple[Path, ...]) -> list[Path]:
    from reportgen.assumptions import find_notes

    folders: list[Path] = []
    for path in paths or (DEFAULT_ROOT,):
        if not path.is_dir():
            raise click.BadParameter(f"{path} is not a folder of assumption files", param_hint="PATHS")
        # "reportgen build ." inside a note folder: name the note by its folder, not "."
        found = [f if f.name else f.resolve() for f in find_notes(path)]
        if not found:
            raise click.BadParameter(f"no note folders (with company.yaml) under {path}", param_hint="PATHS")
        folders += found
    return folders


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _echo_error(exc: ReportgenError) -> None:
    click.secho(f"Error: {exc.format_message()}", err=True, fg="red" if sys.stderr.isatty() else None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("-v", "--verbose", is_flag=True, help="Log each stage (to stderr).")
def main(verbose: bool) -> None:
    """Build equity research notes (PDF and HTML) from assumption files."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder; each note goes to OUT/<note>/.",
)
@click.option(
    "--html-only", is_flag=True, help="Publish the HTML twin and its assets, no PDF (quick review)."
)
@click.option("--force", is_flag=True, help="Rebuild every note, even those whose inputs are unchanged.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Notes built at once."
)
@click.option("--shard", metavar="K/N", help="Build only shard K of N (a CI matrix spreads a universe).")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where notes are built: this machine, or a Dask cluster (pip install 'reportgen[dask]').",
)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, with --executor dask.")
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    html_only: bool,
    force: bool,
    jobs: int,
    shard: str | None,
    executor: str,
    scheduler: str | None,
) -> None:
    """Build every note in PATHS (default: assumptions/) into OUT.

    A PATH is a note folder (holding company.yaml) or a folder of note folders.
    Notes whose inputs are unchanged since their last build are reported as up to
    date and skipped (--force rebuilds them). A note that fails leaves its previous
    output untouched and does not stop the others. Exit codes: 0 all built or up to
    date, 1 a build failed, 2 bad assumptions or usage.
    """
    from reportgen.batch import Runner, parse_shard, plan, select_shard
    from reportgen.build import TEMPLATES
    from reportgen.publish import check_output_folder, protected_inputs

    # A CI job being cancelled sends SIGTERM: unwind like Ctrl-C so staging is cleaned up.
    signal.signal(signal.SIGTERM, _terminate)
    folders = _note_folders(paths)
    if shard is not None:
        folders = select_shard(folders, *parse_shard(shard))
    inputs, roots = protected_inputs(folders, TEMPLATES)
    check_output_folder(out_dir, inputs, roots)  # before anything is written
    worst = 0
    with Runner("dask" if executor == "dask" else "local", jobs, scheduler) as runner:
        todo = plan(folders, out_dir, TEMPLATES, html_only=html_only, force=force, map_=runner.map)
        for slug in todo.current:
            click.echo(f"up to date: {out_dir / slug}")
        tty = sys.stderr.isatty()

        def progress(name: str, stage: str) -> None:
            if tty:
                click.echo(f"  {name}: {stage}...", err=True)

        for outcome in runner.builds(todo.jobs, progress):
            if outcome.status == "failed":
                click.secho(f"Error: {outcome.message}", err=True, fg="red" if sys.stderr.isatty() else None)
                worst = max(worst, outcome.exit_code)
            else:
                click.echo(f"built {' and '.join(map(str, outcome.paths))} in {outcome.seconds:.1f}s")
            log.info(
                "worker %d: note %d (%s): RSS %.0f MiB",
                outcome.worker,
                outcome.worker_notes,
                outcome.slug,
                outcome.rss_mib,
            )
    if worst:
        sys.exit(worst)


@main.command()
@click.argument("note", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder; the note goes to OUT/<note>/.",
)
@click.option("--no-pdf", is_flag=True, help="Publish the HTML preview only.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.02),
    default=0.1,
    show_default=True,
    help="Seconds between checks.",
)
def watch(note: Path, out_dir: Path, no_pdf: bool, interval: float) -> None:
    """Rebuild NOTE each time one of its inputs is saved, until Ctrl-C.

    The HTML preview is published first, the PDF right after. A save that breaks the
    note prints the error and leaves the last good output in place.
    """
    from reportgen.build import TEMPLATES
    from reportgen.publish import check_output_folder, protected_inputs
    from reportgen.watch import Watcher

    signal.signal(signal.SIGTERM, _terminate)
    if not (note / "company.yaml").is_file():
        raise click.BadParameter(f"{note} is not a note folder (no company.yaml)", param_hint="NOTE")
    folder = note if note.name else note.resolve()
    inputs, roots = protected_inputs([folder], TEMPLATES)
    check_output_folder(out_dir, inputs, roots)
    click.echo(f"watching {folder} (Ctrl-C to stop)", err=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a watch ends
        Watcher(folder, out_dir, TEMPLATES, pdf=not no_pdf).run(click.echo, interval)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check every note in PATHS without publishing it.

    Validates the assumption files (printing every problem), then runs the model and
    renders the HTML in memory, so broken prose or impossible inputs show up too. No
    file is written. Exit codes: 0 all good, 1 a rendering failure, 2 bad input or usage.
    """
    from reportgen.build import render_html
    from reportgen.coverage import Ratings

    worst = 0
    ratings: Ratings = {}
    for folder in _note_folders(paths):
        try:
            render_html(folder, ratings=ratings)
        except ReportgenError as exc:
            _echo_error(exc)
            worst = max(worst, exc.exit_code)
            continue
        click.echo(f"{folder}: ok")
    if worst:
        sys.exit(worst)


def _register_authoring() -> None:
    """`reportgen new` and `reportgen schema`: writing a note needs no Python."""
    from reportgen.authoring import new, schema

    main.add_command(new)
    main.add_command(schema)


_register_authoring()
