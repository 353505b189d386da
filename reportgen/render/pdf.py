"""HTML string + base folder -> PDF bytes, with fetching confined and warnings made fatal."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportgen.errors import PdfError
from reportgen.render.layout import check_layout

log = logging.getLogger(__name__)

#: Render options handed to WeasyPrint; anything else is refused (see render_pdf).
DEFAULT_PDF_OPTIONS: dict[str, Any] = {
    "pdf_variant": None,
    "uncompressed_pdf": False,
    "optimize_images": False,
}


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        """Serves local files under the allowed folders and nothing else: no network."""

        def __init__(self, roots: Sequence[Path]) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
            self.roots = tuple(r.resolve() for r in roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise PermissionError(f"blocked URL {url!r}: only files under the note's folders may be read")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise PermissionError(f"blocked URL {url!r}: outside {', '.join(map(str, self.roots))}")
            if not path.is_file():
                raise FileNotFoundError(f"missing file {path}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".otf":
                mime = "font/otf"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return ConfinedFetcher


_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def _scope_header_cells(document: Any, _pdf: Any) -> None:
    """Give every tagged table header cell the /Scope its HTML ``scope`` states.

    WeasyPrint links data cells to headers (/Headers and /IDs) but drops ``scope``; PDF/UA
    checkers and some screen readers look for /Scope on the header cell itself. Runs as a
    WeasyPrint finisher: after tagging, before the objects are written.
    """
    for page in document.pages:
        for box in page._page_box.descendants():
            mark = getattr(box, "mark", None)
            if getattr(box, "element_tag", None) != "th" or mark is None or "A" not in mark:
                continue
            scope = str(box.element.attrib.get("scope", "col")).lower()
            mark["A"]["Scope"] = _SCOPES.get(scope, "/Column")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings and errors; the caller turns any into a failure."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def render_pdf(
    html: str,
    base_dir: Path,
    allowed: Sequence[Path],
    first_page_anchor: str | None = None,
    layout_warnings: list[str] | None = None,
    **options: Any,
) -> bytes:
    """Compile HTML to PDF. Any warning (missing image, blocked URL, bad CSS) is an error.

    With ``first_page_anchor``, the element with that id must land on page 1: a cover that
    spills onto a second page fails the build instead of publishing a broken front page.
    The laid-out pages then pass the layout check (``layout.check_layout``): its errors fail the
    build, its warnings are added to ``layout_warnings`` for the CLI to print.
    """
    unknown = sorted(set(options) - set(DEFAULT_PDF_OPTIONS))
    if unknown:
        raise PdfError(
            f"unknown PDF option(s): {', '.join(unknown)}; expected {', '.join(DEFAULT_PDF_OPTIONS)}"
        )
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = _fetcher_class()(allowed)
    opts = {**DEFAULT_PDF_OPTIONS, **options}
    with _weasyprint_warnings() as seen:
        try:
            source = HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
            document = source.render(**opts)
            findings = check_layout(document)
            errors = [f for f in findings if f.severity == "error"]
            if errors:
                raise PdfError(
                    "PDF: the layout check found what a reader would send back (shorten a long word or "
                    "name, split a table, move an exhibit):\n" + "\n".join(f"  {f}" for f in errors[:8])
                )
            if layout_warnings is not None:
                layout_warnings.extend(f"layout: {f}" for f in findings if f.severity == "warning")
            if first_page_anchor and first_page_anchor not in document.pages[0].anchors:
                raise PdfError(
                    "PDF: the cover runs over one page; shorten the headline, summary or bullets "
                    "in narrative.yaml"
                )
            pdf = document.write_pdf(finisher=_scope_header_cells, **opts)
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise PdfError(f"PDF: {cause}") from None
    if seen.messages:
        raise PdfError("PDF: WeasyPrint reported problems:\n" + "\n".join(f"  {m}" for m in seen.messages))
    if not isinstance(pdf, bytes):
        raise PdfError("PDF: WeasyPrint returned no bytes")
    return pdf
