"""reportgen: equity research notes from version-controlled assumption files."""

from __future__ import annotations

from typing import Any

from reportgen._version import __version__

__all__ = ["__version__", "build_note"]


def __getattr__(name: str) -> Any:
    """Import the build pipeline (pandas, Altair, WeasyPrint) only when it is used."""
    if name == "build_note":
        from reportgen.build import build_note

        return build_note
    raise AttributeError(name)
