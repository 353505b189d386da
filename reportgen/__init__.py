"""reportgen: equity research notes from version-controlled assumption files."""

from __future__ import annotations

from typing import Any

__all__ = ["__version__", "build_note"]
__version__ = "0.3.0"


def __getattr__(name: str) -> Any:
    """Import the build pipeline (pandas, Altair, WeasyPrint) only when it is used."""
    if name == "build_note":
        from reportgen.build import build_note

        return build_note
    raise AttributeError(name)
