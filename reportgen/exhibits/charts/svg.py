"""Vega-Lite spec -> SVG with vl-convert, measured and drawn with the note's own fonts.

The one place that calls vl-convert: its version is pinned here so output does not drift on
upgrade, and a renderer failure becomes an error that names the chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import vl_convert

from reportgen.errors import RenderError

#: Vega-Lite version vl-convert compiles with; pinned so output does not drift on upgrade.
VL_VERSION = "6.4"

_FONT_DIRS: set[str] = set()


def render_svg(spec: Mapping[str, Any]) -> str:
    """Render a spec with vl-convert; a failure names the chart so the user can find it."""
    key = spec.get("usermeta", {}).get("key", "<unnamed>")
    try:
        svg = vl_convert.vegalite_to_svg(dict(spec), vl_version=VL_VERSION)
    except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError
        raise RenderError(f"chart {key}: Vega-Lite could not render it: {exc}") from exc
    if "<svg" not in svg:
        raise RenderError(f"chart {key}: the renderer returned no SVG")
    return svg


def register_fonts(folder: Path) -> None:
    """Measure and draw chart text with the fonts the note ships, on every machine alike."""
    key = str(folder.resolve())
    if key not in _FONT_DIRS:
        vl_convert.register_font_directory(key)
        _FONT_DIRS.add(key)
