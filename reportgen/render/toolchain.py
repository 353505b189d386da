"""The exact text stack a note's bytes depend on: the PDF and chart packages and the C libraries.

The byte-identical promise holds for one toolchain: another WeasyPrint, vl-convert, Pango or
HarfBuzz can lay out a line or subset a font differently. The versions the golden HTML and the
reference page images were made with are recorded beside them; the tests compare that record
with what is installed, so drift shows up as one clear message, not as a wall of image diffs.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping

#: Python distributions whose version changes the published bytes.
PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "vl-convert-python", "altair")
#: (name, shared library, version function): C libraries WeasyPrint loads for text.
LIBRARIES = (
    ("pango", "libpango-1.0.so.0", "pango_version_string"),
    ("harfbuzz", "libharfbuzz.so.0", "hb_version_string"),
)


def installed_toolchain() -> dict[str, str]:
    """Name -> version of every package and library in the text stack, as installed here."""
    import cffi  # WeasyPrint's own binding library: always there when WeasyPrint is

    found = {name: importlib.metadata.version(name) for name in PACKAGES}
    ffi = cffi.FFI()
    ffi.cdef("const char *pango_version_string(void); const char *hb_version_string(void);")
    for name, library, function in LIBRARIES:
        try:
            handle = ffi.dlopen(library)
            found[name] = ffi.string(getattr(handle, function)()).decode()
        except (OSError, AttributeError):
            found[name] = "not found"
    return found


def drift(recorded: Mapping[str, str], installed: Mapping[str, str]) -> list[str]:
    """One line per component whose installed version is not the recorded one."""
    return [
        f"{name}: references made with {recorded[name]}, installed {installed.get(name, 'not found')}"
        for name in sorted(recorded)
        if installed.get(name) != recorded[name]
    ]
