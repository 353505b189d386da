"""``reportgen watch``: one persistent process that republishes a note each time an input is saved.

Imports, fonts and the chart renderer are paid once. On a save the note is re-rendered with the
process's caches (chart SVGs by content hash; whole chart sets by the hash of every input but
the prose; parsed YAML and compiled templates by content; the previous version, rebuilt from git,
until the ledger or the note's date changes).
The HTML preview is published at once to ``OUT/<note>.preview``, then the full note (HTML and
PDF) to ``OUT/<note>``. Both go through the same staging folder and atomic switch as ``reportgen
build``: a reader never sees a half-written note, and a save that breaks the note reports the
error and leaves the last good output in place. Changes are found by polling modification times
and sizes, which works on every file system (network drives, containers).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from reportgen.build import FROM_LEDGER, Compare, render_html, write_note
from reportgen.errors import ReportgenError
from reportgen.output.cache import TextCache, digest, tree_files
from reportgen.output.state import cache_folder
from reportgen.resources import TEMPLATES

Stamp = tuple[int, int]
#: The preview is published beside the note (OUT/<note>.preview): OUT/<note> only ever holds a
#: complete build, HTML and PDF, so a save that breaks the PDF leaves the last good one in place.
PREVIEW = ".preview"
Echo = Callable[[str], None]


def snapshot(folders: list[Path]) -> dict[Path, Stamp]:
    """(mtime, size) of every file under the folders; cheap enough to take ten times a second."""
    stamps: dict[Path, Stamp] = {}
    for folder in folders:
        for _name, path in tree_files(folder):
            try:
                st = path.stat()
            except OSError:
                continue
            stamps[path] = (st.st_mtime_ns, st.st_size)
    return stamps


class Watcher:
    """Rebuilds one note on demand, keeping what earlier builds learnt."""

    def __init__(self, note: Path, out_dir: Path, templates: Path = TEMPLATES, *, pdf: bool = True) -> None:
        self.note, self.out_dir, self.templates, self.pdf = note, out_dir, templates, pdf
        self.svgs = TextCache(cache_folder(out_dir) / "charts")
        self.stamps: dict[Path, Stamp] = {}
        self._previous: tuple[str, Compare] | None = None

    def watched(self) -> list[Path]:
        """The note, the root it sits in (house files, the ledger), the templates."""
        return [self.note.parent, self.templates]

    def previous(self) -> Compare:
        """The ledger's previous version, rebuilt from git once and kept while the ledger and the
        note's company.yaml (its date) are unchanged: a save of the prose never pays for it."""
        from reportgen.compare.previous import previous_from_ledger
        from reportgen.inputs.explain import validate
        from reportgen.inputs.schema import CompanyFile
        from reportgen.inputs.yamlsource import load_yaml
        from reportgen.record.ledger import ledger_path, load_ledger

        ledger_file = ledger_path(self.note.parent)
        company_file = self.note / "company.yaml"
        try:
            key = digest(ledger_file.read_bytes() if ledger_file.exists() else b"", company_file.read_bytes())
            if self._previous is None or self._previous[0] != key:
                data, smap = load_yaml(company_file, roots=(self.note.parent, self.note))
                company = validate(CompanyFile, data, smap)
                assert isinstance(company, CompanyFile)
                found = previous_from_ledger(self.note, load_ledger(ledger_file), company.note.date)
                self._previous = (key, found)
            return self._previous[1]
        except (OSError, ReportgenError):
            return FROM_LEDGER  # the build itself reports what is wrong

    def changed(self) -> list[Path]:
        """Files added, removed or saved since the last call (all of them, the first time)."""
        now = snapshot(self.watched())
        moved = sorted(p for p in now.keys() | self.stamps.keys() if now.get(p) != self.stamps.get(p))
        self.stamps = now
        return moved

    def build(self, echo: Echo) -> bool:
        """Publish the HTML preview, then the PDF; report each. False if the note failed."""
        slug = self.note.name
        started = time.perf_counter()
        try:
            rendered = render_html(self.note, self.templates, None, self.previous(), self.svgs)
            html = write_note(rendered, self.out_dir, f"{slug}{PREVIEW}", self.templates, with_pdf=False)
            echo(f"html {html.html} in {time.perf_counter() - started:.2f}s")
            if self.pdf:
                full = write_note(rendered, self.out_dir, slug, self.templates, with_pdf=True)
                echo(f"pdf  {full.pdf} in {time.perf_counter() - started:.2f}s")
        except ReportgenError as exc:
            echo(f"Error: {exc.format_message()}")
            return False
        return True

    def run(self, echo: Echo, interval: float = 0.1, stop: Callable[[], bool] = lambda: False) -> None:
        """Build now, then again after every save, until ``stop()`` (or Ctrl-C)."""
        self.changed()
        self.build(echo)
        while not stop():
            time.sleep(interval)
            paths = self.changed()
            if paths:
                time.sleep(interval / 2)  # let an editor finish writing
                paths += self.changed()
                self.build(echo)
