"""Content-addressed cache: an artefact whose inputs hash the same is read back, never rebuilt.

Entries are text files named by the hash of everything that determines them (for a chart: its
spec, the renderer's version and the fonts). Each entry starts with the checksum of the rest, then
the key it was stored under, then its body, so a truncated or corrupted file is detected, deleted
and rebuilt instead of being published. Writes go to a private temporary name and are renamed into
place, so builds running side by side (``--jobs``, several runners on one disk) never read each
other's half-written entries; the last writer wins with identical bytes. The cache is an
optimisation only: any error reading or writing it is ignored.

A checksum proves an entry is whole, not that we wrote it: anyone who can write the folder (a
shared CI cache restored from another branch, say) can recompute it. So what the disk gives back
is checked again before it is served, and anything doubtful is simply drawn again:

- the entry must name the key it is read under, so a valid entry filed under another spec's key
  (a chart for other data) is a miss, even though its checksum holds;
- every SVG in it (a chart, or each chart of a stored chart set) must pass
  :func:`reportgen.inputs.svgsafe.svg_problems`: nothing we draw has a script, a remote reference
  or a style sheet, so an entry with one was not drawn by us and is never published;
- no entry is read or written through a link leading out of the cache folder.

Re-rendering to compare would defeat the cache, and a signature would need a secret kept beside the
entries it signs; these checks bound what a forged entry can do to drawing a wrong-looking chart
of safe SVG, which the build keys (``output/state.py``) and the output folder's checks make the
owner's own business.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from reportgen.inputs.svgsafe import svg_problems

#: Bump when the entry format changes: old entries then simply stop matching.
CACHE_FORMAT = "1"
#: Entries kept in memory per cache (a persistent ``watch`` or batch worker reuses them).
MEMORY_ENTRIES = 256

SvgRenderer = Callable[[Mapping[str, Any]], str]


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def files_digest(files: Iterable[tuple[str, Path]]) -> str:
    """Hash of (name, content) pairs in name order: what a set of input files says, not when it was saved."""
    parts: list[str | bytes] = []
    for name, path in sorted(files):
        parts += [name, path.read_bytes()]
    return digest(*parts)


def tree_files(root: Path, suffixes: tuple[str, ...] = ()) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` by relative POSIX path; hidden names and caches skipped."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or (suffixes and path.suffix not in suffixes) or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


class TextCache:
    """Text entries by key, in memory (bounded) and, given a folder, on disk."""

    def __init__(self, folder: Path | None, memory: int = MEMORY_ENTRIES) -> None:
        self.folder = folder
        self.memory: OrderedDict[str, str] = OrderedDict()
        self.limit = memory
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        """The entry, if present and intact; a damaged file is removed so the next write replaces it."""
        text = self.memory.get(key)
        if text is None and self.folder is not None:
            path = self._path(key)
            text = self._read(path, key) if self._inside(path) else None
            if text is not None:
                self._remember(key, text)
        if text is None:
            self.misses += 1
            return None
        if key in self.memory:
            self.memory.move_to_end(key)
        self.hits += 1
        return text

    def put(self, key: str, text: str) -> None:
        """Store an entry; a failure to write only means it is rebuilt next time."""
        self._remember(key, text)
        if self.folder is None:
            return
        path = self._path(key)
        rest = key.encode("utf-8") + b"\n" + text.encode("utf-8")
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self._inside(path):
                return  # a link out of the cache folder: never written through
            tmp.write_bytes(hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest)
            os.replace(tmp, path)
        except OSError:
            with suppress(OSError):
                tmp.unlink()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def _inside(self, path: Path) -> bool:
        """Whether ``path``'s folder really lies in the cache folder (no link leads out of it)."""
        assert self.folder is not None
        folder = os.path.realpath(self.folder)
        return os.path.realpath(path.parent) == os.path.join(folder, path.parent.name)

    def _remember(self, key: str, text: str) -> None:
        self.memory[key] = text
        self.memory.move_to_end(key)
        while len(self.memory) > self.limit:
            self.memory.popitem(last=False)

    @staticmethod
    def _read(path: Path, key: str) -> str | None:
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        check, _, rest = raw.partition(b"\n")
        stored, _, body = rest.partition(b"\n")
        text = None
        if hashlib.sha256(rest).hexdigest().encode() == check and stored == key.encode("utf-8"):
            with suppress(UnicodeDecodeError):
                text = body.decode("utf-8")
        if text is None or not _safe_svgs(text):
            with suppress(OSError):
                path.unlink()  # damaged, misfiled or not ours: never served, rewritten by the next render
            return None
        return text


def _safe_svgs(text: str) -> bool:
    """Every SVG an entry holds (the entry itself, or the ``svg`` texts of a stored chart set) is safe."""
    if text.lstrip().startswith("<"):
        return not svg_problems(text.encode("utf-8"))
    if "<svg" not in text:
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    found: list[str] = []
    _strings(data, found)
    return all(not svg_problems(s.encode("utf-8")) for s in found if "<svg" in s)


def _strings(data: Any, found: list[str]) -> None:
    if isinstance(data, str):
        found.append(data)
    elif isinstance(data, dict):
        for value in data.values():
            _strings(value, found)
    elif isinstance(data, list):
        for value in data:
            _strings(value, found)


def cached_svg(render: SvgRenderer, cache: TextCache, salt: str) -> SvgRenderer:
    """``render`` behind the cache: a spec hashing the same as one already drawn is not drawn again.

    ``salt`` names what else decides the pixels (renderer version, fonts), so upgrading either
    misses every old entry. A spec that cannot be serialised canonically is rendered uncached.
    """

    def svg(spec: Mapping[str, Any]) -> str:
        try:
            text = json.dumps(
                spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
        except (TypeError, ValueError):
            return render(spec)
        key = digest("svg", salt, text)
        hit = cache.get(key)
        if hit is not None and "<svg" in hit:
            return hit
        out = render(spec)
        cache.put(key, out)
        return out

    return svg
