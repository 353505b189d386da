"""Pictures in a note: read once through the input reader, checked (type, size, safe SVG), measured.

A diagram is evidence like a table: it needs a caption, a source and a text alternative, and the
file must be what it claims to be. PNG and JPEG are measured from their headers (no decoding);
SVG must pass the sanitiser, since the HTML twin shows it as it is.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import AssumptionsError
from reportgen.inputs.schema import ImageSpec
from reportgen.inputs.sources import read_input

IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
#: Largest picture file and pixel count: a diagram, not a photograph library.
MAX_IMAGE_BYTES = 1_500_000
MAX_PIXELS = 12_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    """A checked picture: its bytes, type, and pixel size where the format states one."""

    name: str
    data: bytes
    kind: str
    size: tuple[int, int] | None


def read_picture(path: Path, folder: Path, kind: str) -> Picture:
    """The picture's bytes, checked; AssumptionsError names what is wrong with it."""
    raw = read_input(path, (folder,), limit=MAX_IMAGE_BYTES)
    if kind == "SVG":
        from reportgen.inputs.svgsafe import svg_problems

        problems = svg_problems(raw)
        if problems:
            raise AssumptionsError([f"{path.name}: {p}" for p in problems])
        return Picture(path.name, raw, kind, None)
    size = _png_size(raw) if kind == "PNG" else _jpeg_size(raw)
    if size is None:
        raise AssumptionsError([f"{path.name}: not a {kind} file (its first bytes say otherwise)"])
    if size[0] * size[1] > MAX_PIXELS:
        raise AssumptionsError(
            [f"{path.name}: {size[0]:,} x {size[1]:,} pixels; at most {MAX_PIXELS:,} (scale it down)"]
        )
    return Picture(path.name, raw, kind, size)


def _png_size(raw: bytes) -> tuple[int, int] | None:
    if not raw.startswith(PNG_SIGNATURE) or raw[12:16] != b"IHDR" or len(raw) < 24:
        return None
    width, height = struct.unpack(">II", raw[16:24])
    return (width, height) if width and height else None


def _jpeg_size(raw: bytes) -> tuple[int, int] | None:
    """Width and height from the first start-of-frame segment."""
    if not raw.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 9 < len(raw):
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        length = int.from_bytes(raw[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", raw[i + 5 : i + 9])
            return (width, height) if width and height else None
        i += 2 + length
    return None


@dataclass(frozen=True)
class Figure:
    """A placed picture as the templates read it: caption, text alternative, source, file in assets."""

    key: str
    title: str
    alt: str
    source: str
    width: str
    src: str
    size: tuple[int, int] | None


def figure(key: str, spec: ImageSpec, picture: Picture) -> Figure:
    """The picture as published: ``assets/images/<key>.<ext>`` beside the HTML."""
    return Figure(
        key,
        spec.title,
        spec.alt,
        f"Source: {spec.source}",
        spec.width,
        f"assets/images/{asset_name(key, picture)}",
        picture.size,
    )


def asset_name(key: str, picture: Picture) -> str:
    """The published file name: the exhibit's key and the picture's own extension."""
    return f"{key}{EXTENSIONS[picture.kind]}"


EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "SVG": ".svg"}
