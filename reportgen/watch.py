"""``reportgen watch``: one persistent process that republishes a note each time an input is saved.

Imports, fonts and the chart renderer are paid once. On a save the note is re-rendered with the
process's caches (chart SVGs by content hash; whole chart sets by the hash of every input but
the prose; parsed YAML and compiled templates by content; sibling ratings until a sibling changes).
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

from reportgen.assumptions import find_notes
from reportgen.build import TEMPLATES, render_html, write_note
from reportgen.cache import TextCache, tree_files
from reportgen.coverage import Ratings
from reportgen.errors import ReportgenError
from reportgen.state import cache_folder

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
        self.ratings: Ratings = {}
        self.stamps: dict[Path, Stamp] = {}

    def watched(self) -> list[Path]:
        """The note, the root it sits in (house files, sibling notes for the ratings), the templates."""
        return [self.note.parent, self.templates]

    def changed(self) -> list[Path]:
        """Files added, removed or saved since the last call (all of them, the first time)."""
        now = snapshot(self.watched())
        moved = sorted(p for p in now.keys() | self.stamps.keys() if now.get(p) != self.stamps.get(p))
        self.stamps = now
        return moved

    def forget_siblings(self, paths: list[Path]) -> None:
        """A sibling's saved file may change its rating: rate it again on the next build."""
        for sibling in find_notes(self.note.parent):
            if sibling.resolve() != self.note.resolve() and any(p.is_relative_to(sibling) for p in paths):
                self.ratings.pop(sibling.resolve(), None)

    def build(self, echo: Echo) -> bool:
        """Publish the HTML preview, then the PDF; report each. False if the note failed."""
        slug = self.note.name
        started = time.perf_counter()
        try:
            rendered = render_html(self.note, self.templates, None, self.ratings, self.svgs)
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
                self.forget_siblings(paths)
                self.build(echo)
