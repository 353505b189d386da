"""Read one input file safely: inside its folders, bounded in size, UTF-8, free of control characters.

Every assumption file (YAML, prices.csv, the logo) passes through here, so the checks live in one place
instead of in each loader: a link out of the assumptions, a 50 MB file, a FIFO or a stray NUL byte is
refused with ``file:line:col`` before any parser sees it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from reportgen.errors import AssumptionsError

MAX_FILE_BYTES = 2_000_000
"""Largest input file read: about a hundred times our largest note file, so a typo never hits it."""

#: C0 and C1 control characters except tab, line feed and carriage return; DEL; Unicode bidirectional
#: overrides and isolates (they can make published text read differently from what was written).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else as given."""
    for candidate, cwd in (
        (path.absolute(), Path.cwd().absolute()),
        (path.resolve(), Path.cwd().resolve()),
    ):
        try:
            return str(candidate.relative_to(cwd))
        except ValueError:
            continue
    return str(path)


def read_input(path: Path, roots: Sequence[Path] = (), *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, a regular file no larger than ``limit`` lying inside one of ``roots``.

    ``roots`` default to the file's own folder. A symbolic link is followed only when its target stays
    inside a root; otherwise the file is refused without opening it, so nothing of an outside file can
    reach a message or the output.
    """
    path = Path(path)
    name = display_path(path)
    allowed = [Path(os.path.realpath(r)) for r in (roots or [path.parent])]
    if not os.path.lexists(path):
        raise AssumptionsError(f"{name}: file not found")
    real = Path(os.path.realpath(path))
    if not any(real == root or real.is_relative_to(root) for root in allowed):
        raise AssumptionsError(
            f"{name}: is a link to a file outside the assumptions; copy the file into the note folder"
        )
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise AssumptionsError(f"{name}: is a link to a missing file") from None
    except OSError as exc:
        raise AssumptionsError(f"{name}: cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise AssumptionsError(f"{name}: is a folder, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise AssumptionsError(f"{name}: is not a regular file")
    if info.st_size > limit:
        raise AssumptionsError(f"{name}: file is {info.st_size:,} bytes; the limit is {limit:,}")
    try:
        with open(real, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise AssumptionsError(f"{name}: cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limit:  # grew while we looked
        raise AssumptionsError(f"{name}: file is larger than the limit of {limit:,} bytes")
    return raw


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped) with no control characters, or AssumptionsError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise AssumptionsError(
            f"{name}:{line}:{col}: file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    found = CONTROL.search(text)
    if found:
        line, col = line_col(text, found.start())
        raise AssumptionsError(f"{name}:{line}:{col}: {control_message(found.group())}")
    return text


def control_message(char: str) -> str:
    """Why a control character is refused, naming it by code point (it would not print)."""
    return f"control character U+{ord(char):04X} is not allowed in published text; delete it"


def read_text(path: Path, roots: Sequence[Path] = (), *, limit: int = MAX_FILE_BYTES) -> str:
    """:func:`read_input` then :func:`decode_text`."""
    return decode_text(read_input(path, roots, limit=limit), display_path(Path(path)))
