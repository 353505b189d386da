"""`REV:path` -> a folder on disk holding the note as it was at a git revision.

Previous versions of a note come from version control, never from hand-typed copies.
We read them with git itself (``git rev-parse``, ``git archive``) into a temporary
folder, so the loader sees exactly the files that were committed, house profile included.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen.errors import ReportgenError


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


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise ReportgenError("git is not installed; it is needed to read previous versions") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout


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


@contextmanager
def materialise(rev: str, path: Path) -> Iterator[tuple[Path, Revision]]:
    """Yield ``path`` as it was at ``rev``, checked out in a temporary folder, and the revision.

    The parent folder comes along (a note folder needs its ``house.yaml`` beside it). The
    folder is deleted on exit. Only regular files and folders are extracted (tar's ``data``
    filter): a committed symlink cannot point the loader outside the temporary folder.
    """
    absolute = path.resolve()
    repo = repo_root(absolute if absolute.exists() else absolute.parent)
    revision = resolve(rev, repo)
    try:
        relative = PurePosixPath(absolute.relative_to(repo).as_posix())
    except ValueError:
        raise RevisionError(f"{path} is not inside the git repository at {repo}") from None
    scope = relative.parent if str(relative) != "." else relative
    archive = _git(["archive", "--format=tar", revision.commit, "--", str(scope)], repo)
    with tempfile.TemporaryDirectory(prefix="reportgen-rev-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        folder = Path(tmp, *relative.parts)
        if not folder.exists():
            raise RevisionError(f"{relative} did not exist at {rev} ({revision.short})")
        yield folder, revision
