"""The floor for one note: what any pipeline on this stack pays, in one fresh process.

    python bench/floor.py SPECS.json NOTE.html FONTS_DIR OUT.pdf

Converts every chart spec with vl-convert, then typesets the note's final HTML with WeasyPrint
``write_pdf`` (same PDF variant as reportgen). Imports of the two libraries are included, as they
are in a cold build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(specs_file: str, html: str, fonts: str, out: str) -> None:
    import vl_convert

    vl_convert.register_font_directory(str(Path(fonts).resolve()))
    charts = json.loads(Path(specs_file).read_text(encoding="utf-8"))
    for spec in charts["specs"]:
        vl_convert.vegalite_to_svg(spec, vl_version=charts["vl_version"])

    from weasyprint import HTML

    HTML(filename=html).write_pdf(out, pdf_variant="pdf/ua-1")


if __name__ == "__main__":
    main(*sys.argv[1:5])
