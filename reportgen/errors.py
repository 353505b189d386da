"""Exception hierarchy: every failure a user can cause maps to one class and one exit code."""

from __future__ import annotations

import click


class ReportgenError(click.ClickException):
    """Base class; Click prints ``Error: <message>`` and exits without a traceback."""

    exit_code = 1


class AssumptionsError(ReportgenError):
    """Bad, missing or inconsistent assumption files (exit code 2: bad input)."""

    exit_code = 2

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{head} in the assumptions:\n" + "\n".join(f"  {p}" for p in self.problems))


class ModelError(ReportgenError):
    """Inputs that validate one by one but cannot be modelled together (bad input: exit 2)."""

    exit_code = 2


class RenderError(ReportgenError):
    """A template is missing, or a value the template needs is undefined, None or NaN."""


class ProseError(RenderError):
    """The analyst's narrative text does not compile or quotes something it may not (exit 2)."""

    exit_code = 2


class PdfError(ReportgenError):
    """WeasyPrint failed, warned, or tried to fetch something it may not."""


class ValuationError(ModelError):
    """A valuation that cannot be computed (WACC at or below growth, negative equity...).

    ``loc`` is the path in valuation.yaml, so the loader can name the file, line and column.
    """

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc = loc
        self.detail = message
        where = ".".join(str(s) for s in loc)
        super().__init__(f"valuation.yaml: {where}: {message}" if where else f"valuation.yaml: {message}")
