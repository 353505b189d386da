"""Click commands only: find the notes, call the build, report. Heavy imports stay lazy."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reportgen import __version__
from reportgen.errors import ReportgenError

DEFAULT_ROOT = Path("assumptions")
log = logging.getLogger(__name__)


def _note_folders(paths: tuple[Path, ...]) -> list[Path]:
    from reportgen.note import find_notes

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


def _check_comparison(against: str | None, previous: Path | None, folders: list[Path]) -> None:
    """--against and --previous exclude each other; --previous names one note's counterpart."""
    if against is not None and previous is not None:
        raise click.UsageError("give --against or --previous, not both")
    if previous is not None and len(folders) != 1:
        raise click.UsageError("--previous FOLDER compares one note; name exactly one note folder")
    if previous is not None and not (previous / "company.yaml").is_file():
        raise click.BadParameter(f"{previous} has no company.yaml", param_hint="--previous")


def _previous_option(against: str | None, previous: Path | None, folders: list[Path]) -> Any:
    """What each note is compared with: a git revision, a folder, or (default) the ledger."""
    from reportgen.build import FROM_LEDGER

    _check_comparison(against, previous, folders)

    def compare(folder: Path) -> Any:
        from reportgen.compare.previous import load_previous, previous_at

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


def _out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--out OUT`` (default build/), shared by the commands that publish."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("build"),
        show_default=True,
        help=help_text,
    )


class Stopped(SystemExit):
    """A signal asked us to stop (a CI job cancelled: SIGTERM); exits 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.name = signal.Signals(signum).name


def _terminate(signum: int, _frame: object) -> None:
    raise Stopped(signum)


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
@_out_option("Output folder; each note goes to OUT/<note>/.")
@_comparison_options
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
    against: str | None,
    previous: Path | None,
) -> None:
    """Build every note in PATHS (default: assumptions/) into OUT.

    A PATH is a note folder (holding company.yaml) or a folder of note folders.
    Notes whose inputs are unchanged since their last build are reported as up to
    date and skipped (--force rebuilds them). A note that fails leaves its previous
    output untouched and does not stop the others. Exit codes: 0 all built or up to
    date, 1 a build failed, 2 bad assumptions or usage.
    """
    from reportgen.commands.batch import Runner, parse_shard, plan, select_shard
    from reportgen.output.publish import check_output_folder, protected_inputs
    from reportgen.resources import TEMPLATES

    # A CI job being cancelled sends SIGTERM: unwind like Ctrl-C so staging is cleaned up.
    signal.signal(signal.SIGTERM, _terminate)
    folders = _note_folders(paths)
    _check_comparison(against, previous, folders)
    if shard is not None:
        folders = select_shard(folders, *parse_shard(shard))
    inputs, roots = protected_inputs(folders, TEMPLATES)
    check_output_folder(out_dir, inputs, roots)  # before anything is written
    worst, done, todo = 0, 0, None
    try:
        with Runner("dask" if executor == "dask" else "local", jobs, scheduler) as runner:
            todo = plan(
                folders,
                out_dir,
                TEMPLATES,
                html_only=html_only,
                force=force,
                against=against,
                previous=previous,
            )
            for slug in todo.current:
                click.echo(f"up to date: {out_dir / slug}")
            tty = sys.stderr.isatty()

            def progress(name: str, stage: str) -> None:
                if tty:
                    click.echo(f"  {name}: {stage}...", err=True)

            for outcome in runner.builds(todo.jobs, progress):
                done += 1
                if outcome.status == "failed":
                    click.secho(
                        f"Error: {outcome.message}", err=True, fg="red" if sys.stderr.isatty() else None
                    )
                    worst = max(worst, outcome.exit_code)
                else:
                    _echo_warnings(outcome.slug, outcome.warnings)
                    click.echo(f"built {' and '.join(map(str, outcome.paths))} in {outcome.seconds:.1f}s")
                log.info(
                    "worker %d: note %d (%s): RSS %.0f MiB",
                    outcome.worker,
                    outcome.worker_notes,
                    outcome.slug,
                    outcome.rss_mib,
                )
    except Stopped as stop:  # the workers are stopped by now; published notes are whole, old or new
        left = len(todo.jobs) - done if todo is not None else len(folders)
        _echo_error(
            ReportgenError(
                f"stopped by {stop.name}: {left} notes not built; their previous output is untouched"
            )
        )
        raise
    if worst:
        sys.exit(worst)


@main.command()
@click.argument("note", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_out_option("Output folder; the note goes to OUT/<note>/.")
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
    from reportgen.commands.watch import Watcher
    from reportgen.output.publish import check_output_folder, protected_inputs
    from reportgen.resources import TEMPLATES

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
@_out_option("Output folder; the note goes to OUT/<note>/.")
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="Time of first dissemination, ISO 8601 in UTC (2026-05-11T07:00:00Z). Default: now.",
)
def publish(note: Path, out_dir: Path, at: str | None) -> None:
    """Build NOTE and record the published call in the ledger (assumptions/ledger.jsonl).

    Appends one line: rating, target and price per listing, time of first dissemination
    (UTC) and the git commit built. Refuses (exit 2) a note whose folder, house profile, logo,
    templates or linked files have uncommitted changes; a failed build or ledger write records
    nothing and leaves the published note as it was (exit 1). Publishes run one at a time.
    """
    import datetime as dt

    from reportgen.commands.release import publish_note
    from reportgen.output.publish import check_output_folder, protected_inputs
    from reportgen.resources import TEMPLATES

    if not (note / "company.yaml").is_file():
        raise click.BadParameter(f"{note} is not a note folder (no company.yaml)", param_hint="NOTE")
    when: dt.datetime | None = None  # None: now, taken while the ledger is locked
    if at is not None:
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


@main.group()
def ledger() -> None:
    """The ledger of published calls (assumptions/ledger.jsonl)."""


@ledger.command()
@click.argument("where", default="assumptions", type=click.Path(exists=True, path_type=Path))
def repair(where: Path) -> None:
    """Remove an incomplete last line left by an interrupted publish.

    WHERE is the folder holding house.yaml and ledger.jsonl (default: assumptions) or the
    ledger itself. Only a last line that is not whole JSON is removed, and it is printed.
    """
    from reportgen.record.ledger import ledger_path, load_ledger, repair_ledger

    path = where if where.is_file() else ledger_path(where)
    if not path.is_file():
        raise click.BadParameter(f"no {path.name} in {where}", param_hint="WHERE")
    done = repair_ledger(path)
    click.echo(done or f"{path.name}: nothing to repair")
    click.echo(f"{path.name}: {len(load_ledger(path).calls)} publications, every line readable")


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
    from reportgen.commands.diff import diff_specs
    from reportgen.commands.diffreport import RENDERERS

    try:
        result = diff_specs(old, new)
    except ReportgenError as exc:
        _echo_error(exc)
        sys.exit(2)  # like diff(1): 1 means "changed", so any failure is 2
    click.echo(RENDERERS[fmt](result), nl=False)
    sys.exit(1 if result.changed else 0)


def _register_authoring() -> None:
    """`reportgen new` and `reportgen schema`: writing a note needs no Python."""
    from reportgen.commands.authoring import new, schema

    main.add_command(new)
    main.add_command(schema)


_register_authoring()


def _register_export() -> None:
    """`reportgen export`: a note's model and valuation as a workbook of live formulas."""
    from reportgen.commands.export import export

    main.add_command(export)


_register_export()
