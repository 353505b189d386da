"""Publishing: no output folder may overwrite inputs; a note is swapped in whole; crashes leave no harm."""

from __future__ import annotations

import errno
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import ReportgenError
from reportgen.output.publish import (
    OutputFolderError,
    check_output_folder,
    clean_leftovers,
    make_staging,
    protected_inputs,
    publish,
)

SLUG = "acme"
OLD = {"acme.html": "<p>old</p>", "acme.pdf": "old pdf", "assets/charts/revenue.svg": "<svg>old</svg>"}
NEW = {"acme.html": "<p>new</p>", "acme.pdf": "new pdf", "assets/style.css": "body {}"}


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (which may be a symlink) with its text."""
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def everything(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def build(out: Path, files: dict[str, str]) -> Path:
    staging = make_staging(out, SLUG)
    write(staging, files)
    return publish(staging, out, SLUG)


def only_the_note(out: Path) -> list[str]:
    """What ``out`` should hold once nothing is left over: the note and the version it links to."""
    final = out / SLUG
    return sorted([SLUG, *([os.readlink(final)] if final.is_symlink() else [])])


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


# --- refusing output folders that would overwrite inputs


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write(root, {"assumptions/acme/company.yaml": "name: Acme\n", "assumptions/beta/company.yaml": "x: 1\n"})
    write(root, {"templates/note.html": "{{ x }}", "reportgen/__init__.py": "", "pyproject.toml": ""})
    monkeypatch.chdir(root)
    return root


def check(out: Path | str) -> None:
    """The inputs of ``reportgen build assumptions/acme`` run in the repository, as the CLI passes them."""
    inputs = {
        Path("assumptions"): "assumptions root",
        Path("assumptions/acme"): "note folder",
        Path("templates"): "templates folder",
        Path("reportgen"): "package folder",
    }
    check_output_folder(Path(out), inputs, {Path("."): "repository root"})


@pytest.mark.parametrize(
    ("out", "how"),
    [
        ("assumptions/acme", "it is the note folder"),
        ("assumptions", "it is the assumptions root"),
        ("assumptions/acme/out", "it lies inside the note folder"),
        ("assumptions/beta", "it lies inside the assumptions root"),
        ("assumptions/new/deeper", "it lies inside the assumptions root"),
        ("templates", "it is the templates folder"),
        ("reportgen/out", "it lies inside the package folder"),
        (".", "it is the repository root"),
        ("..", "it contains the repository root"),
        ("build/../assumptions", "it is the assumptions root"),
    ],
)
def test_refuses_output_folders_among_inputs(repo: Path, out: str, how: str) -> None:
    before = everything(repo.parent)
    with pytest.raises(OutputFolderError) as info:
        check(out)
    assert info.value.exit_code == 2
    message = info.value.format_message()
    assert message.startswith(f"output folder '{out}' would overwrite inputs: {how} ")
    assert message.endswith("; choose another --out (e.g. build/)")
    assert "\n" not in message
    assert everything(repo.parent) == before  # nothing written, not even the output folder


def test_message_names_the_input(repo: Path) -> None:
    with pytest.raises(OutputFolderError, match=r"^output folder 'assumptions' would overwrite inputs: "):
        check("assumptions")
    with pytest.raises(OutputFolderError, match=r"it is the note folder assumptions/acme; choose another"):
        check_output_folder(Path("assumptions/acme"), {Path("assumptions/acme"): "note folder"})


@pytest.mark.parametrize("out", ["build", "build/notes/deeper", "../elsewhere", "docs"])
def test_allows_folders_beside_the_inputs(repo: Path, out: str) -> None:
    check(out)
    check(repo / out)


def test_symlinks_are_resolved(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "note-link").symlink_to(repo / "assumptions" / "acme")
    (tmp_path / "repo-link").symlink_to(repo)
    with pytest.raises(OutputFolderError, match="it is the note folder"):
        check(tmp_path / "note-link")
    with pytest.raises(OutputFolderError, match="it lies inside the note folder"):
        check(tmp_path / "note-link" / "not-yet" / "there")
    with pytest.raises(OutputFolderError, match="it is the repository root"):
        check(tmp_path / "repo-link")
    check(tmp_path / "repo-link" / "build")  # that is repo/build: fine
    with pytest.raises(OutputFolderError, match="it lies inside the assumptions root"):
        check(tmp_path / "note-link" / ".." / "out")  # ".." after a link: assumptions/out, not tmp/out
    # inputs given through a link are caught too
    with pytest.raises(OutputFolderError, match="it is the input folder"):
        check_output_folder(repo / "assumptions" / "acme", [tmp_path / "note-link"])


def test_protected_inputs_cover_the_package_and_the_assumptions_root(repo: Path) -> None:
    inputs, roots = protected_inputs([Path("assumptions/acme")], Path("templates"))
    assert inputs[Path("assumptions")] == "assumptions root"
    assert inputs[Path("assumptions/acme")] == "note folder"
    assert "package folder" in inputs.values()
    package = next(p for p, kind in inputs.items() if kind == "package folder")
    with pytest.raises(OutputFolderError, match="it is the package folder"):
        check_output_folder(package, inputs, roots)
    with pytest.raises(OutputFolderError, match="it is the assumptions root"):
        check_output_folder(Path("assumptions"), inputs, roots)
    if roots:  # running from a checkout: its build/ is allowed, the checkout itself is not
        (root,) = roots
        check_output_folder(root / "build", inputs, roots)
        with pytest.raises(OutputFolderError, match="it is the repository root"):
            check_output_folder(root, inputs, roots)


# --- publishing


def test_staging_is_readable_and_carries_our_pid(tmp_path: Path) -> None:
    staging = make_staging(tmp_path / "out" / "new", SLUG)
    assert staging.is_dir() and staging.stat().st_mode & 0o777 == 0o755
    assert staging.name.startswith(f".{SLUG}.staging-{os.getpid()}-")


def test_publish_twice_links_the_newest_and_drops_the_old(tmp_path: Path) -> None:
    out = tmp_path / "out"
    final = build(out, OLD)
    assert final == out / SLUG and final.is_symlink()
    first = os.readlink(final)
    assert tree(final) == OLD
    assert build(out, NEW) == final
    second = os.readlink(final)
    assert second != first and not os.path.isabs(second) and "/" not in second
    assert tree(final) == NEW
    assert not (out / first).exists()
    assert sorted(os.listdir(out)) == only_the_note(out)


def test_migrates_a_plain_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / SLUG, OLD)
    final = build(out, NEW)
    assert final.is_symlink() and tree(final) == NEW
    assert sorted(os.listdir(out)) == only_the_note(out)


def test_refuses_to_replace_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, {SLUG: "not a note"})
    staging = make_staging(out, SLUG)
    with pytest.raises(ReportgenError, match="exists and is not a published note"):
        publish(staging, out, SLUG)
    assert (out / SLUG).read_text() == "not a note"


def fail_on_call(n: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, except that its ``n``-th call (from 1) fails as on a full disk."""
    calls = itertools.count(1)

    def maybe_fail(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    return maybe_fail


@pytest.mark.parametrize(
    ("function", "n", "migrate"),
    [
        ("replace", 1, False),
        ("rename", 1, False),
        ("symlink", 1, False),
        ("rename", 1, True),
        ("rename", 2, True),
    ],
)
def test_os_errors_keep_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, function: str, n: int, migrate: bool
) -> None:
    out = tmp_path / "out"
    if migrate:
        write(out / SLUG, OLD)
    else:
        build(out, OLD)
    staging = make_staging(out, SLUG)
    write(staging, NEW)
    monkeypatch.setattr(os, function, fail_on_call(n, getattr(os, function)))
    with pytest.raises(ReportgenError) as info:
        publish(staging, out, SLUG)
    monkeypatch.undo()
    assert type(info.value) is ReportgenError and info.value.exit_code == 1
    message = info.value.format_message()
    assert message.startswith(f"cannot publish {out / SLUG}: No space left on device")
    assert "\n" not in message
    assert tree(out / SLUG) == OLD
    assert (out / SLUG).is_symlink() != migrate
    shutil.rmtree(staging, ignore_errors=True)  # as the caller does
    assert sorted(os.listdir(out)) == only_the_note(out)  # the new version and the temporary link are gone


def test_unwritable_output_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Any, *args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "mkdir", denied)
    with pytest.raises(ReportgenError) as info:
        make_staging(tmp_path / "out", SLUG)
    assert info.value.exit_code == 1
    assert info.value.format_message().startswith(f"cannot write to the output folder {tmp_path / 'out'}: ")
    assert "Permission denied" in info.value.format_message()


# --- leftovers of crashed builds

CRASH = """
import sys
from pathlib import Path
from reportgen.output.publish import make_staging
staging = make_staging(Path(sys.argv[1]), sys.argv[2])
(staging / "half.html").write_text("<p>half")
print(staging)
"""


def test_clean_leftovers_removes_dead_builds_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, OLD)
    crashed = run_python(CRASH, str(out), SLUG)
    assert crashed.returncode == 0, crashed.stderr
    dead = Path(crashed.stdout.strip())
    other = Path(run_python(CRASH, str(out), "other").stdout.strip())
    live = make_staging(out, SLUG)
    foreign = [out / "notes.txt", out / f".{SLUG}.staging-by-hand", out / f".{SLUG}.v-1-1-nothex!!"]
    for path in foreign:
        write(out, {path.name: "not ours"})
    assert dead.is_dir() and other.is_dir()

    assert clean_leftovers(out, SLUG) == [dead]
    assert not dead.exists() and other.is_dir() and live.is_dir()
    assert all(path.exists() for path in foreign)
    assert tree(out / SLUG) == OLD
    assert clean_leftovers(out) == [other]
    assert clean_leftovers(out) == []


def test_clean_leftovers_spares_a_live_build_about_to_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another build cleaning up at the very moment ours has its new version but has not linked it yet."""
    out = tmp_path / "out"
    build(out, OLD)
    real_replace = os.replace
    removed: list[Path] = []

    def replace_after_cleaning(src: Any, dst: Any) -> None:
        removed.extend(clean_leftovers(out, SLUG))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_after_cleaning)
    build(out, NEW)
    assert removed == []
    assert tree(out / SLUG) == NEW


# --- killed at every step

KILLED = """
import json, os, signal, sys
from pathlib import Path
from reportgen.output.publish import make_staging, publish

kill_at, out, files = int(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
calls = 0

def deadly(real):
    def call(*args, **kwargs):
        global calls
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        calls += 1
        return real(*args, **kwargs)
    return call

for name in ("mkdir", "rename", "replace", "symlink", "unlink", "rmdir", "fsync"):
    setattr(os, name, deadly(getattr(os, name)))
staging = make_staging(out, "acme")
for rel, text in files.items():
    (staging / rel).parent.mkdir(parents=True, exist_ok=True)
    (staging / rel).write_text(text)
publish(staging, out, "acme")
"""

PUBLISH = """
import json, sys
from pathlib import Path
from reportgen.output.publish import make_staging, publish
staging = make_staging(Path(sys.argv[1]), "acme")
for rel, text in json.loads(sys.argv[2]).items():
    (staging / rel).parent.mkdir(parents=True, exist_ok=True)
    (staging / rel).write_text(text)
publish(staging, Path(sys.argv[1]), "acme")
"""


def random_tree(rng: random.Random, tag: str) -> dict[str, str]:
    names = [
        f"{rng.choice(['', 'assets/', 'assets/charts/'])}{tag}-{i}.txt" for i in range(rng.randint(1, 6))
    ]
    return {"acme.html": f"<p>{tag}</p>", **{n: tag * rng.randint(1, 500) for n in names}}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_killed_publish_leaves_the_old_or_the_new_note(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    old, new = random_tree(rng, "old"), random_tree(rng, "new")
    migrate = seed % 2 == 1  # odd seeds start from a plain folder written by an older reportgen
    template = tmp_path / "template"
    if migrate:
        write(template / SLUG, old)
    else:
        done = run_python(PUBLISH, str(template), json.dumps(old))  # a dead pid owns the old version
        assert done.returncode == 0, done.stderr
    for kill_at in itertools.count():
        assert kill_at < 300, "publish never finished"
        out = tmp_path / f"out-{kill_at}"
        shutil.copytree(template, out, symlinks=True)
        run = run_python(KILLED, str(kill_at), str(out), json.dumps(new))
        final = out / SLUG
        if run.returncode == 0:
            assert tree(final) == new
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        if not migrate:  # readable at every instant
            assert tree(final) in (old, new), f"killed at step {kill_at}"
        clean_leftovers(out, SLUG)  # the next build starts by this
        seen = tree(final)
        assert seen in (old, new), f"killed at step {kill_at}"
        assert sorted(os.listdir(out)) == only_the_note(out), f"killed at step {kill_at}"
        assert tree(build(out, {"acme.html": "next"})) == {"acme.html": "next"}
    assert kill_at > 10, kill_at  # the kill points were really reached
