"""``reportgen export NOTE --xlsx FILE``: the note's model and valuation as a workbook of live formulas.

The workbook (cover, valuation, a sheet per timeline and scenario, conversions) is described in
:mod:`reportgen.output.workbook`; this module is the command only, so the CLI starts without
importing the writer.
"""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command()
@click.argument("note", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--xlsx",
    "xlsx",
    required=True,
    type=click.Path(path_type=Path),
    help="The workbook to write (.xlsx); replaced in one rename, its folder created if missing.",
)
def export(note: Path, xlsx: Path) -> None:
    """Write NOTE's model and valuation as an Excel workbook of formulas.

    One sheet per timeline (and per scenario that changes it) with inputs typed in blue and
    every derived line a formula; a valuation sheet whose parts, bridge, DCF, blend and targets
    are formulas over them; a cover with the rating, targets and the inputs' digest. The same
    inputs give the same bytes. Exit codes: 0 written, 1 the file could not be written, 2 bad
    assumptions, a formula Excel cannot express, a workbook past the size bound, or bad usage.
    """
    from reportgen.output.workbook import export_note

    if not (note / "company.yaml").is_file():
        raise click.BadParameter(f"{note} is not a note folder (no company.yaml)", param_hint="NOTE")
    folder = note if note.name else note.resolve()
    start = time.perf_counter()
    done = export_note(folder, xlsx)
    formulas = sum(1 for p in done.placed if p.kind != "input")
    click.echo(
        f"wrote {xlsx}: {len(done.sheets)} sheets, {formulas} formulas, "
        f"{len(done.placed) - formulas} inputs in {time.perf_counter() - start:.1f}s"
    )
