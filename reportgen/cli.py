"""Click commands only: find the notes, call the build, report. Heavy imports stay lazy."""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import ReportgenError

DEFAULT_ROOT = Path("assumptions")


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
def build(paths: tuple[Path, ...], out_dir: Path) -> None:
    """Build every note in PATHS (default: assumptions/) into OUT.

    A PATH is a note folder (holding company.yaml) or a folder of note folders.
    A note that fails leaves its previous output untouched. Exit codes: 0 built,
    1 a build failed, 2 bad assumptions or usage.
    """
    from reportgen.build import TEMPLATES, build_note
    from reportgen.coverage import Ratings
    from reportgen.publish import check_output_folder, protected_inputs

    # A CI job being cancelled sends SIGTERM: unwind like Ctrl-C so staging is cleaned up.
    signal.signal(signal.SIGTERM, _terminate)
    folders = _note_folders(paths)
    inputs, roots = protected_inputs(folders, TEMPLATES)
    check_output_folder(out_dir, inputs, roots)  # before anything is written
    tty = sys.stderr.isatty()
    ratings: Ratings = {}
    worst = 0
    for folder in folders:
        started = time.perf_counter()

        def progress(msg: str, name: str = folder.name) -> None:
            if tty:
                click.echo(f"  {name}: {msg}...", err=True)

        try:
            note = build_note(folder, out_dir, progress=progress, ratings=ratings)
        except ReportgenError as exc:
            _echo_error(exc)
            worst = max(worst, exc.exit_code)
            continue
        click.echo(f"built {note.pdf} and {note.html} in {time.perf_counter() - started:.1f}s")
    if worst:
        sys.exit(worst)


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


@main.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal; markdown for a pull-request comment; json for tools.",
)
def diff(old: str, new: str, fmt: str) -> None:
    """Show what changed between two versions of a note, without building it.

    OLD and NEW are note folders or REV:path (e.g. HEAD:assumptions/my-note). Prints the
    assumptions that changed (file:line:col, old -> new), every printed figure that moved,
    and the target-price bridge. Exit codes: 0 no change, 1 changed, 2 bad input or usage.
    """
    from reportgen.diff import diff_specs
    from reportgen.diffreport import RENDERERS

    try:
        result = diff_specs(old, new)
    except ReportgenError as exc:
        _echo_error(exc)
        sys.exit(2)  # like diff(1): 1 means "changed", so any failure is 2
    click.echo(RENDERERS[fmt](result), nl=False)
    sys.exit(1 if result.changed else 0)


def _register_authoring() -> None:
    """`reportgen new` and `reportgen schema`: writing a note needs no Python."""
    from reportgen.authoring import new, schema

    main.add_command(new)
    main.add_command(schema)


_register_authoring()
