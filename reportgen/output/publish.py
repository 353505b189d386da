"""Put a built note where readers look for it, never overwriting inputs nor leaving a half-written note.

A note is published as ``OUT/<slug>``: a relative symlink to a sibling version folder
``OUT/.<slug>.v-<ns>-<pid>-<hex>``. A build writes into its own staging folder, renames it to a new
version and swaps the symlink with one ``os.replace``, so at every instant a reader finds the complete old
or the complete new note. Every temporary name carries its owner's pid, so a later build can tell the
debris of a crashed build from the work of one still running. Invariant: a ``.v-`` folder is always
complete (it is renamed away before it is deleted), so any of them may be linked.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.output.state import state_link_problem
from reportgen.resources import PACKAGE

GRACE_SECONDS = 60.0
"""Age after which an unlinked version is debris even if its pid looks alive (pids get reused)."""

_OURS = re.compile(r"\.(?P<slug>.+)\.(?:v-(?P<ns>\d+)|(?P<kind>staging|link|trash))-(?P<pid>\d+)-[0-9a-f]{8}")
Folders = Sequence[Path] | Mapping[Path, str]


class OutputFolderError(ReportgenError):
    """The output folder would overwrite or mix with the build's inputs (bad usage: exit code 2)."""

    exit_code = 2


def protected_inputs(
    note_folders: Sequence[Path], templates: Path
) -> tuple[dict[Path, str], dict[Path, str]]:
    """The folders a build reads, described for messages, and the folders that merely hold them.

    The assumptions root is content too: coverage reads every folder in it, so no output may go there.
    """
    package = PACKAGE
    inputs = {note.parent: "assumptions root" for note in note_folders}
    inputs.update({note: "note folder" for note in note_folders})
    inputs.update({templates: "templates folder", package: "package folder"})
    roots = {package.parent: "repository root"} if (package.parent / "pyproject.toml").exists() else {}
    return inputs, roots


def check_output_folder(out_dir: Path, inputs: Folders, roots: Folders = ()) -> None:
    """Refuse, before anything is written, an output folder that is, holds or lies inside an input.

    ``roots`` (the repository) may hold the output, as ``repo/build`` does, but must not be or lie inside
    it. Paths are compared after resolving symlinks (and by inode where they exist), so a link or a
    bind mount into an input is caught; an ``out_dir`` that does not exist yet resolves as far as it can.
    """
    out = Path(os.path.realpath(out_dir))
    clashes = []  # report "is", else the innermost folder it lies in, else the outermost one it contains
    for folders, may_hold_out in ((inputs, False), (roots, True)):
        kinds: Mapping[Path, str] = folders if isinstance(folders, Mapping) else {}
        for folder in folders:
            real = Path(os.path.realpath(folder))
            if _same(out, real):
                rank, how = 0, "it is"
            elif not may_hold_out and any(_same(parent, real) for parent in out.parents):
                rank, how = 1, "it lies inside"
            elif any(_same(parent, out) for parent in real.parents):
                rank, how = 2, "it contains"
            else:
                continue
            what = kinds.get(folder, "folder holding the inputs" if may_hold_out else "input folder")
            depth = len(real.parts) * (1 if rank == 2 else -1)
            clashes.append((rank, depth, f"{how} the {what} {folder}"))
    if clashes:
        raise OutputFolderError(
            f"output folder '{out_dir}' would overwrite inputs: {min(clashes)[2]}; "
            f"choose another --out (e.g. {_suggest(roots)})"
        )
    problem = state_link_problem(out_dir) or _version_link_problem(out_dir)
    if problem is not None:
        raise OutputFolderError(problem)


def _version_link_problem(out_dir: Path) -> str | None:
    """A version, staging or trash name of ours that is a link: builds only ever make real folders there.

    Nothing would be written through it, but the note's link could be pointed at it (``clean_leftovers``
    relinks the newest version), publishing whatever it leads to.
    """
    try:
        entries = sorted(out_dir.iterdir())
    except OSError:
        return None  # missing: created later; unreadable: make_staging says so
    for path in entries:
        m = _OURS.fullmatch(path.name)
        if m and m["kind"] != "link" and path.is_symlink():
            return f"{path} is a link to {os.readlink(path)}; builds only make real folders there: delete it"
    return None


def _suggest(roots: Folders) -> str:
    """``build/`` in the repository, as seen from here: inside a note folder that is ``../../build``."""
    root = next(iter(roots), None)
    if root is None:
        return "build/"
    where = os.path.relpath(Path(root) / "build")
    return where if os.sep in where else where + "/"


def make_staging(out_dir: Path, slug: str) -> Path:
    """Create the folder one build writes into; the pid in its name tells later builds if it is alive."""
    staging = out_dir / _name(slug, "staging")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        staging.chmod(0o755)  # whatever the umask: published notes are for everyone
    except OSError as exc:
        raise _failure(f"cannot write to the output folder {out_dir}", exc) from None
    return staging


def publish(staging: Path, out_dir: Path, slug: str) -> Path:
    """Make the complete ``staging`` tree the note at ``out_dir/slug`` in one atomic step; return that path.

    Consumes ``staging``. The version it replaces is deleted afterwards. An older plain folder at
    ``out_dir/slug`` is first renamed into a version (the one moment it is missing; ``clean_leftovers``
    relinks it if we die right there). On any error the previous output stays as it was.
    """
    final = out_dir / slug
    migrated = version = previous = None
    try:
        _fsync_tree(staging)  # data on disk before the switch, or a power cut could publish empty files
        if final.is_symlink():
            previous = _linked_version(final, slug)
        elif final.is_dir():
            migrated = out_dir / _name(slug, "v")
            final.rename(migrated)
            previous = migrated.name
        elif final.exists():
            raise ReportgenError(f"cannot publish {final}: it exists and is not a published note")
        version = out_dir / _name(slug, "v")
        staging.rename(version)
        _switch(final, version.name)
    except BaseException as exc:
        if migrated is not None and not os.path.lexists(final):
            with suppress(OSError):
                migrated.rename(final)
        if version is not None and _linked_version(final, slug) != version.name:
            _discard(version, slug)
        if isinstance(exc, OSError):
            raise _failure(f"cannot publish {final}", exc) from None
        raise
    if previous is not None:
        _discard(out_dir / previous, slug)
    return final


def hold_current(out_dir: Path, slug: str) -> Path | None:
    """Keep a copy of the note published at ``out_dir/slug`` now, so :func:`restore` can put it back.

    The copy is hard links (no data is copied: published files are never changed in place, only
    unlinked), in a folder named like a staging folder, so other builds leave it alone while we
    live and clean it up if we die. None when nothing (or nothing of ours) is published there.
    """
    final = out_dir / slug
    if final.is_symlink():
        current = _linked_version(final, slug)
        source = out_dir / current if current is not None else None
    else:
        source = final if final.is_dir() else None
    if source is None or source.is_symlink():
        return None
    held = out_dir / _name(slug, "staging")
    try:
        shutil.copytree(source, held, symlinks=True, copy_function=_link_or_copy)
    except OSError as exc:
        _discard(held, slug)
        raise _failure(f"cannot keep the published {final} while publishing", exc) from None
    return held


def restore(out_dir: Path, slug: str, held: Path | None) -> None:
    """Switch ``out_dir/slug`` back to ``held`` (from :func:`hold_current`; None: nothing was published)."""
    final = out_dir / slug
    new = _linked_version(final, slug)
    try:
        if held is not None and held.is_dir():
            version = out_dir / _name(slug, "v")
            held.rename(version)
            _switch(final, version.name)
        elif held is None and final.is_symlink():
            final.unlink()
            _fsync(out_dir)
    except OSError as exc:
        raise _failure(f"cannot restore the previously published {final}", exc) from None
    if new is not None and _linked_version(final, slug) != new:
        _discard(out_dir / new, slug)


def drop_held(out_dir: Path, slug: str, held: Path | None) -> None:
    """Delete the copy :func:`hold_current` kept, once it is not needed (or was restored)."""
    if held is not None and os.path.lexists(held):
        _discard(held, slug)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def clean_leftovers(out_dir: Path, slug: str | None = None, grace: float = GRACE_SECONDS) -> list[Path]:
    """Remove what crashed builds left in ``out_dir`` (only for ``slug`` if given); return what went.

    Staging folders, temporary links and trash go once their owner's pid is gone. Versions the note's
    symlink does not point to go once their owner is gone or they are older than ``grace`` seconds (a
    live build links its new version within microseconds). A note whose symlink went missing while
    migrating is first linked to its newest version. Names we did not make are never touched.
    """
    try:
        entries = sorted(out_dir.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise _failure(f"cannot write to the output folder {out_dir}", exc) from None
    ours = [(p, m) for p in entries if (m := _OURS.fullmatch(p.name)) and slug in (None, m["slug"])]
    for name in {m["slug"] for _, m in ours}:
        versions = [
            (int(m["ns"]), p) for p, m in ours if m["slug"] == name and m["ns"] and not p.is_symlink()
        ]
        if versions and not os.path.lexists(out_dir / name):
            with suppress(OSError):  # FileExistsError: a live build got there first, which is as good
                os.symlink(max(versions)[1].name, out_dir / name)
    removed = []
    for path, m in ours:
        gone = not _alive(int(m["pid"]))
        if m["ns"] is not None:
            old = time.time_ns() - int(m["ns"]) > grace * 1e9
            gone = (gone or old) and _linked_version(out_dir / m["slug"], m["slug"]) != path.name
        if gone and _discard(path, m["slug"]):
            removed.append(path)
    return removed


def _name(slug: str, kind: str) -> str:
    stamp = f"{time.time_ns()}-" if kind == "v" else ""
    return f".{slug}.{kind}-{stamp}{os.getpid()}-{secrets.token_hex(4)}"


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _linked_version(final: Path, slug: str) -> str | None:
    """The version folder ``final`` links to, if it is one of ours (a foreign target is never deleted)."""
    try:
        target = os.readlink(final)
    except OSError:
        return None
    m = _OURS.fullmatch(target)
    return target if m and m["ns"] and m["slug"] == slug else None


def _switch(final: Path, target: str) -> None:
    """Point ``final`` at ``target`` atomically: a new link renamed over the old one, made durable."""
    link = final.with_name(_name(final.name, "link"))
    os.symlink(target, link)
    try:
        os.replace(link, final)
    except BaseException:
        with suppress(OSError):
            link.unlink()
        raise
    _fsync(final.parent)


def _discard(path: Path, slug: str) -> bool:
    """Delete one of our leftovers; a folder is renamed to trash first so no half-deleted version exists."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
            return True
        if not path.name.startswith(f".{slug}.trash-"):
            path = path.rename(path.with_name(_name(slug, "trash")))
        shutil.rmtree(path)
    except OSError:
        return False  # still named as ours: a later clean_leftovers retries
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if not os.path.islink(os.path.join(folder, name)):
                _fsync(Path(folder, name))
        _fsync(Path(folder))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:  # EINVAL: this file system cannot sync folders; nothing to do
            raise
    finally:
        os.close(fd)


def _failure(what: str, exc: OSError) -> ReportgenError:
    """One line naming the path, instead of a traceback (never one of our temporary names)."""
    name = str(exc.filename) if exc.filename else ""
    temporary = any(_OURS.fullmatch(part) for part in Path(name).parts)
    where = f" ({name})" if name and name not in what and not temporary else ""
    return ReportgenError(f"{what}: {exc.strerror or exc}{where}")
