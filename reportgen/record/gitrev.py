"""`REV:path` -> a folder on disk holding the note as it was at a git revision.

Previous versions of a note come from version control, never from hand-typed copies.
We read them with git itself (``git rev-parse``, ``git ls-tree``, ``git cat-file``) into a
temporary folder: the note's folder and the files beside it that the note uses (the house
profile, its logo, the ledger), each streamed from git to disk, so nothing else of the
repository is read and no file is held in memory. Committed links are recreated as links
that resolve the way they did in the tree, so the loader applies the same rules to them as
in the working tree (a link out of the assumptions is refused, with the same message).
Messages that name the temporary folder name ``REV:path`` instead.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.inputs.yamlsource import load_yaml
from reportgen.note import HOUSE_FILE
from reportgen.record.ledger import LEDGER_NAME

#: Files beside a note folder that a note reads: its house profile and the ledger (the logo is
#: named in the house profile).
SHARED_FILES = (HOUSE_FILE, LEDGER_NAME)
#: A link's target is a path, never more than this many bytes.
MAX_LINK = 4096
#: Links followed in a row before giving up (a loop), as the operating system does.
MAX_HOPS = 40
LINK, TREE = "120000", "040000"


class RevisionError(ReportgenError):
    """A revision that git does not know, or a path that did not exist at it (bad usage: exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Revision:
    """A revision as the user wrote it, and the commit it names."""

    spec: str
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:12]


def split_spec(spec: str) -> tuple[str | None, str]:
    """``'HEAD~1:assumptions/x'`` -> (``'HEAD~1'``, ``'assumptions/x'``); a plain path has no revision.

    A path that exists on disk is a path, even if it contains a colon.
    """
    if ":" in spec and not Path(spec).exists():
        rev, _, path = spec.partition(":")
        if rev:
            return rev, path or "."
    return None, spec


def _git(args: list[str], cwd: Path, **kwargs: Any) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output="stdout" not in kwargs, check=False, **kwargs
        )
    except FileNotFoundError:
        raise ReportgenError("git is not installed; it is needed to read previous versions") from None
    if done.returncode != 0:
        message = (done.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout or b""


def repo_root(start: Path) -> Path:
    """The top of the git work tree holding ``start``."""
    folder = start if start.is_dir() else start.parent
    return Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip())


def resolve(rev: str, repo: Path) -> Revision:
    """The commit a revision names (``HEAD~1``, a tag, a branch, a hash)."""
    if rev.startswith("-"):
        raise RevisionError(f"'{rev}' is not a revision")
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], repo).decode().strip()
    except RevisionError:
        shallow = _git(["rev-parse", "--is-shallow-repository"], repo).decode().strip() == "true"
        hint = " (this clone is shallow: fetch more history with `git fetch --unshallow`)" if shallow else ""
        raise RevisionError(f"unknown git revision '{rev}'{hint}") from None
    return Revision(rev, commit)


@dataclass(frozen=True)
class _Entry:
    mode: str
    kind: str
    sha: str
    size: int


class _Tree:
    """The entries under ``scope`` at a commit (names and sizes only), and copies of the few the
    note needs, each streamed from git into ``dest``."""

    def __init__(self, repo: Path, commit: str, scope: str, dest: Path, note: str) -> None:
        self.repo, self.commit, self.scope, self.dest, self.note = repo, commit, scope, dest, note
        self.entries: dict[str, _Entry] = {}
        listing = _git(["ls-tree", "-r", "-t", "-z", "-l", commit, "--", scope], repo)
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, kind, sha, size = meta.decode().split()
            self.entries[name.decode("utf-8", "surrogateescape")] = _Entry(
                mode, kind, sha, int(size) if size.isdigit() else 0
            )
        self.done: set[str] = set()

    def inside(self, path: str) -> bool:
        return self.scope == "." or path == self.scope or path.startswith(self.scope + "/")

    def copy(self, path: str) -> None:
        """Bring ``path`` (a file, a link or a folder, with everything under it) into ``dest``."""
        entry = self.entries.get(path)
        if entry is None or path in self.done:
            return
        self.done.add(path)
        target = self.dest / path
        if entry.mode == LINK:
            self._link(path, entry, target)
        elif entry.kind == "tree":
            target.mkdir(parents=True, exist_ok=True)
            for name in sorted(n for n in self.entries if n.startswith(path + "/")):
                if "/" not in name[len(path) + 1 :]:
                    self.copy(name)
        elif entry.kind == "blob":
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:  # streamed: git writes straight into the file
                _git(["cat-file", "blob", entry.sha], self.repo, stdout=handle, stderr=subprocess.PIPE)

    def _link(self, path: str, entry: _Entry, target: Path) -> None:
        """A committed link, recreated to resolve as it did in the tree: at its target, brought
        along, when that lies among the assumptions; otherwise at a path outside them that does
        not exist, so it is refused as a link out of the assumptions and nothing outside is read."""
        resolved = self.resolve(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if resolved is None:
            points = self.dest.parent / f"{self.dest.name}-outside" / PurePosixPath(path).name
        else:
            # A link to a folder holding itself or the note (a loop, or every note) brings
            # nothing more along: what the note reads through it is here already.
            if not any(p.startswith(resolved + "/") for p in (path, self.note)):
                self.copy(resolved)
            points = self.dest / resolved
        os.symlink(os.path.relpath(points, target.parent), target)

    def resolve(self, path: str, hops: int = 0) -> str | None:
        """``path`` with every committed link along it followed, or None when it leaves the scope
        (or the repository, or loops)."""
        done: list[str] = []
        parts = path.split("/")
        for i, part in enumerate(parts):
            if part in ("", "."):
                continue
            if part == "..":
                if not done:
                    return None  # above the repository
                done.pop()
                continue
            done.append(part)
            here = "/".join(done)
            entry = self.entries.get(here)
            if entry is None or entry.mode != LINK:
                continue
            if hops >= MAX_HOPS or entry.size > MAX_LINK:
                return None
            pointed = _git(["cat-file", "blob", entry.sha], self.repo).decode("utf-8", "surrogateescape")
            if posixpath.isabs(pointed):
                try:
                    pointed = Path(pointed).relative_to(self.repo).as_posix()
                except ValueError:
                    return None  # outside the repository
            else:
                pointed = posixpath.join(posixpath.dirname(here), pointed)
            rest = "/".join(parts[i + 1 :])
            return self.resolve(posixpath.join(pointed, rest) if rest else pointed, hops + 1)
        resolved = "/".join(done) or "."
        return resolved if self.inside(resolved) else None


def _logo(house: Path) -> str | None:
    """The logo file house.yaml names (read like every input; a broken one is the loader's to report)."""
    if not house.is_file():
        return None
    try:
        data, _ = load_yaml(house, (house.parent,))
    except ReportgenError:
        return None
    logo = data.get("logo") if isinstance(data, dict) else None
    return logo if isinstance(logo, str) and logo else None


def _renamed(exc: ReportgenError, tmp: Path, rev: str) -> None:
    """Name files in ``exc`` as ``REV:path``, never by the temporary folder (deleted by the time
    anyone reads the message)."""
    roots = sorted({str(tmp), os.path.realpath(tmp)}, key=len, reverse=True)

    def fix(text: str) -> str:
        for root in roots:
            text = text.replace(root + os.sep, f"{rev}:").replace(root, f"{rev}:.")
        return text

    for name in ("message", "detail"):
        value = getattr(exc, name, None)
        if isinstance(value, str):
            setattr(exc, name, fix(value))
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list):
        exc.problems = [fix(p) if isinstance(p, str) else p for p in problems]  # type: ignore[attr-defined]


@contextmanager
def materialise(rev: str, path: Path) -> Iterator[tuple[Path, Revision]]:
    """Yield ``path`` as it was at ``rev``, checked out in a temporary folder, and the revision.

    The note folder comes with what beside it the note reads (``house.yaml``, its logo, the
    ledger); nothing else is read from git. The folder is deleted on exit.
    """
    absolute = path.resolve()
    repo = repo_root(absolute if absolute.exists() else absolute.parent)
    revision = resolve(rev, repo)
    try:
        relative = PurePosixPath(absolute.relative_to(repo).as_posix())
    except ValueError:
        raise RevisionError(f"{path} is not inside the git repository at {repo}") from None
    scope = relative.parent if str(relative) != "." else relative
    with tempfile.TemporaryDirectory(prefix="reportgen-rev-") as tmp:
        root = Path(tmp, "tree")
        try:
            root.mkdir()
            tree = _Tree(repo, revision.commit, str(scope), root, str(relative))
            if str(relative) == ".":  # the whole repository
                for name in [n for n in tree.entries if "/" not in n]:
                    tree.copy(name)
            tree.copy(str(relative))
            for name in SHARED_FILES:
                tree.copy(str(scope / name))
            logo = _logo(root / str(scope) / HOUSE_FILE)
            if logo is not None:
                tree.copy(posixpath.normpath(str(scope / logo)))
        except OSError as exc:  # the temporary folder's disk is full, or not writable
            where = exc.filename or tmp
            raise ReportgenError(
                f"cannot read {rev}:{relative} into {where}: {exc.strerror or exc}"
            ) from None
        folder = Path(root, *relative.parts)
        if not folder.exists():
            raise RevisionError(f"{relative} did not exist at {rev} ({revision.short})")
        try:
            yield folder, revision
        except ReportgenError as exc:
            _renamed(exc, root, rev)
            raise
