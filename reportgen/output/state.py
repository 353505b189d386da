"""What each published note was built from, so a rebuild can skip notes whose inputs are unchanged.

A note's output depends on: its own folder's files; the house files beside it (house.yaml, logo);
the templates and fonts; the code (package sources and version, and the versions of the libraries
that draw and typeset); and, through the ratings distribution in its appendix, the rating of every
note under the same root. All of these are hashed by content (never by modification time) into one
key per note, kept in ``OUT/.reportgen/state/<note>.json`` after a successful publish. Sibling
ratings are cached the same way, keyed by the sibling's own inputs, so checking is cheap.
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import suppress
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from reportgen._version import __version__
from reportgen.errors import ReportgenError
from reportgen.output.cache import digest, files_digest, tree_files
from reportgen.resources import PACKAGE

#: Everything the build keeps beside the published notes (never a note name: it starts with a dot).
STATE_DIR = ".reportgen"
#: Libraries whose version changes the bytes of a note.
RENDERING_LIBRARIES = ("altair", "jinja2", "pydantic", "pyyaml", "vl-convert-python", "weasyprint")


#: The folders a build writes under ``OUT/.reportgen`` (checked by :func:`state_link_problem`).
STATE_FOLDERS = ("", "state", "cache", "cache/charts")


class StateFolderError(ReportgenError):
    """``OUT/.reportgen`` or a folder in it leads out of the output folder (bad usage: exit 2)."""

    exit_code = 2


def state_link_problem(out_dir: Path) -> str | None:
    """Why the build may not write its state under ``out_dir``, or None.

    The state and cache folders must lie in the output folder itself: a ``.reportgen`` link
    into ``assumptions/`` (or anywhere else) would make every build write there. Links that stay
    inside the output folder are followed; nothing is ever written through one that leaves it.
    """
    base = os.path.realpath(out_dir)
    for inner in STATE_FOLDERS:
        folder = out_dir / STATE_DIR / inner if inner else out_dir / STATE_DIR
        real = os.path.realpath(folder)
        if real != base and not real.startswith(base + os.sep):
            return (
                f"{folder} leads to {real}, outside the output folder; nothing is written through it: "
                f"delete the link (deleting {STATE_DIR} is always safe)"
            )
    return None


def _checked(out_dir: Path, path: Path) -> Path:
    problem = state_link_problem(out_dir)
    if problem is not None:
        raise StateFolderError(problem)
    return path


def cache_folder(out_dir: Path) -> Path:
    """Where chart and rating caches live for builds into ``out_dir`` (refused if it leads outside)."""
    return _checked(out_dir, out_dir / STATE_DIR / "cache")


def code_fingerprint(templates: Path) -> str:
    """Hash of the package sources, its version, the rendering libraries' versions and the templates."""
    libs = []
    for name in RENDERING_LIBRARIES:
        try:
            libs.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            libs.append(f"{name}=?")
    return digest(
        __version__,
        *libs,
        files_digest(tree_files(PACKAGE, (".py",))),
        files_digest(tree_files(templates)),
    )


def note_digest(folder: Path) -> str:
    """Hash of every file in a note folder."""
    return files_digest(tree_files(folder))


def house_digest(root: Path) -> str:
    """Hash of the files under an assumptions root that are not notes: house.yaml, the logo, ..."""
    shared = [
        (name, path)
        for name, path in tree_files(root)
        if not any((root / part / "company.yaml").is_file() for part in Path(name).parts[:1])
    ]
    return files_digest(shared)


def note_key(note: str, house: str, code: str) -> str:
    """Build key of one note: its inputs and the shared inputs (house profile, logo, ledger)."""
    return digest("note", note, house, code)


@dataclass(frozen=True)
class Record:
    """The key a published note was built from, and whether its PDF was built too."""

    key: str
    pdf: bool


def _record_path(out_dir: Path, slug: str) -> Path:
    return out_dir / STATE_DIR / "state" / f"{slug}.json"


def read_record(out_dir: Path, slug: str) -> Record | None:
    """The record of the note's last successful build, if any and readable."""
    try:
        data = json.loads(_record_path(out_dir, slug).read_text(encoding="utf-8"))
        return Record(str(data["key"]), bool(data["pdf"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_current(out_dir: Path, slug: str, key: str, want_pdf: bool) -> bool:
    """True when the published note was built from ``key`` and holds what is asked for."""
    record = read_record(out_dir, slug)
    if record is None or record.key != key or (want_pdf and not record.pdf):
        return False
    published = out_dir / slug
    html_ok = (published / f"{slug}.html").is_file()
    return html_ok and (not want_pdf or (published / f"{slug}.pdf").is_file())


def write_record(out_dir: Path, slug: str, record: Record) -> None:
    """Remember what was just published (after the publish, so a failed build leaves no record)."""
    path = _checked(out_dir, _record_path(out_dir, slug))
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"key": record.key, "pdf": record.pdf}) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            tmp.unlink()


def forget(out_dir: Path, slug: str) -> None:
    """Drop a note's record before rebuilding it, so a build that fails half-way is never 'current'."""
    path = _checked(out_dir, _record_path(out_dir, slug))
    with suppress(OSError):
        path.unlink()
