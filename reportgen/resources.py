"""Where the package's own files are: its sources, and the templates shipped as package data.

In the repository the templates stay in the top-level ``templates/`` folder; the build maps that
folder into the package as ``reportgen.templates``, so an installed wheel and an editable checkout
find them the same way, through ``importlib.resources``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The package's source folder (hashed into incremental build keys; never an output folder).
PACKAGE = Path(__file__).resolve().parent


def templates_folder() -> Path:
    """The templates folder on disk (WeasyPrint, the font loader and ``shutil`` need a real path)."""
    found = files("reportgen.templates")
    if not isinstance(found, Path):  # a zipped install: nothing here can read templates from a zip
        raise RuntimeError(f"reportgen's templates are not on the file system ({found}); install unzipped")
    return found.resolve()


TEMPLATES = templates_folder()
