"""Click commands only: find the notes, call the build, report. Heavy imports stay lazy."""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _echo_warnings(name: str, warnings: tuple[str, ...]) -> None:
    """Reconciliation warnings: printed, not fatal; the HTML lists them for the reviewer too."""
    for warning in warnings:
        click.secho(f"Warning: {name}: {warning}", err=True, fg="yellow" if sys.stderr.isatty() else None)


def _previous_option(against: str | None, previous: Path | None, folders: list[Path]) -> Any:
    """What each note is compared with: a git revision, a folder, or (default) the ledger."""
    from reportgen.build import FROM_LEDGER

    if against is not None and previous is not None:
        raise click.UsageError("give --against or --previous, not both")
    if previous is not None and len(folders) != 1:
        raise click.UsageError("--previous FOLDER compares one note; name exactly one note folder")
    if previous is not None and not (previous / "company.yaml").is_file():
        raise click.BadParameter(f"{previous} has no company.yaml", param_hint="--previous")

    def compare(folder: Path) -> Any:
        from reportgen.previous import load_previous, previous_at

        if against is not None:
            return previous_at(against, folder)
        if previous is not None:
            return load_previous(previous)
        return FROM_LEDGER

    return compare


def _comparison_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--against REV / --previous FOLDER, shared by build and check."""
    f = click.option(
        "--previous",
        "previous",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="Compare with this note folder instead.",
    )(f)
    return click.option(
        "--against",
        metavar="REV",
        help="Compare with the note as it was at this git revision (HEAD~1, a tag, origin/main). "
        "Default: its last publication in the ledger.",
    )(f)


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
@_comparison_options
def build(paths: tuple[Path, ...], out_dir: Path, against: str | None, previous: Path | None) -> None:
    """Build every note in PATHS (default: assumptions/) into OUT.

    A PATH is a note folder (holding company.yaml) or a folder of note folders.
    A note that fails leaves its previous output untouched. Exit codes: 0 built,
    1 a build failed, 2 bad assumptions or usage.
    """
    from reportgen.build import TEMPLATES, build_note
    from reportgen.publish import check_output_folder, protected_inputs

    # A CI job being cancelled sends SIGTERM: unwind like Ctrl-C so staging is cleaned up.
    signal.signal(signal.SIGTERM, _terminate)
    folders = _note_folders(paths)
    compare = _previous_option(against, previous, folders)
    inputs, roots = protected_inputs(folders, TEMPLATES)
    check_output_folder(out_dir, inputs, roots)  # before anything is written
    tty = sys.stderr.isatty()
    worst = 0
    for folder in folders:
        started = time.perf_counter()

        def progress(msg: str, name: str = folder.name) -> None:
            if tty:
                click.echo(f"  {name}: {msg}...", err=True)

        try:
            note = build_note(folder, out_dir, progress=progress, previous=compare(folder))
        except ReportgenError as exc:
            _echo_error(exc)
            worst = max(worst, exc.exit_code)
            continue
        _echo_warnings(folder.name, note.warnings)
        click.echo(f"built {note.pdf} and {note.html} in {time.perf_counter() - started:.1f}s")
    if worst:
        sys.exit(worst)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_comparison_options
def check(paths: tuple[Path, ...], against: str | None, previous: Path | None) -> None:
    """Check every note in PATHS without publishing it.

    Validates the assumption files (printing every problem), then runs the model and
    renders the HTML in memory, so broken prose or impossible inputs show up too. No
    file is written. Exit codes: 0 all good, 1 a rendering failure, 2 bad input or usage.
    """
    from reportgen.build import render_html

    worst = 0
    folders = _note_folders(paths)
    compare = _previous_option(against, previous, folders)
    for folder in folders:
        try:
            rendered = render_html(folder, previous=compare(folder))
        except ReportgenError as exc:
            _echo_error(exc)
            worst = max(worst, exc.exit_code)
            continue
        _echo_warnings(folder.name, rendered.warnings)
        click.echo(f"{folder}: ok")
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
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="Time of first dissemination, ISO 8601 in UTC (2026-05-11T07:00:00Z). Default: now.",
)
def publish(note: Path, out_dir: Path, at: str | None) -> None:
    """Build NOTE and record the published call in the ledger (assumptions/ledger.jsonl).

    Appends one line: rating, target and price per listing, time of first dissemination
    (UTC) and the git commit built. Refuses (exit 2) a note whose folder, house profile or
    templates have uncommitted changes; a failed build records nothing (exit 1).
    """
    import datetime as dt

    from reportgen.build import TEMPLATES
    from reportgen.publish import check_output_folder, protected_inputs
    from reportgen.release import publish_note

    if not (note / "company.yaml").is_file():
        raise click.BadParameter(f"{note} is not a note folder (no company.yaml)", param_hint="NOTE")
    if at is None:
        when = dt.datetime.now(dt.UTC)
    else:
        try:
            when = dt.datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter(
                f"expected an ISO 8601 time such as 2026-05-11T07:00:00Z, got {at!r}"
            ) from None
        if when.utcoffset() != dt.timedelta(0):
            raise click.BadParameter("give the time in UTC (ending Z or +00:00)", param_hint="--at")
    folder = note if note.name else note.resolve()
    inputs, roots = protected_inputs([folder], TEMPLATES)
    check_output_folder(out_dir, inputs, roots)
    done = publish_note(folder, out_dir, when, TEMPLATES)
    e = done.entry
    targets = ", ".join(f"{k} {a.value:g} {a.currency}" for k, a in e.targets.items())
    click.echo(f"built {done.note.pdf} and {done.note.html}")
    click.echo(
        f"recorded {done.where}: {e.note} {e.rating}, targets {targets}, "
        f"published {e.published:%Y-%m-%dT%H:%M:%SZ}, commit {e.revision[:12]}"
    )
    click.echo("commit the ledger to make the record part of the repository's history")


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
