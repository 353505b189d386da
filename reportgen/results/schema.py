"""results.yaml: the reported quarter, its citations, estimates, quotes and key topics.

Same strict style as the other assumption files: unknown keys, text for numbers and
booleans for numbers are errors, each named ``results.yaml:line:col``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from reportgen.inputs.schema import Strict


class Cite(Strict):
    """Where a figure or a topic comes from in the transcript: a phrase, and optionally its line.

    The build checks the phrase is in the transcript (on that line when one is given) and,
    for a figure, that the phrase writes the figure.
    """

    line: int | None = Field(default=None, ge=1, description="Line number in the transcript file.")
    text: str = Field(min_length=3, description="Phrase quoted from the transcript (whitespace may differ).")


class Stated(Strict):
    """A figure management states on the call, with its citation."""

    value: float
    cite: Cite


class Input(Strict):
    """A figure: stated on the call when ``cite`` is given, otherwise the analyst's input."""

    value: float
    cite: Cite | None = None
    note: str | None = Field(default=None, description="Why this input, for an analyst's figure.")


class ReportedItem(Strict):
    """One reported figure of the quarter with what it is compared against."""

    label: str
    unit: str = Field(description="As in model.yaml: 'CNY bn', 'CNY mn', '%', 'mn consumers'.")
    kind: Literal["financial", "kpi"] = Field(
        default="financial", description="'financial': beat/miss table; 'kpi': the KPI table."
    )
    indent: int = Field(default=0, ge=0, le=2)
    actual: Stated | None = Field(default=None, description="The quarter's level as stated on the call.")
    year_ago: Input | None = Field(
        default=None, description="Same quarter a year earlier: stated (cite) or the analyst's input."
    )
    change: Stated | None = Field(
        default=None, description="Stated change on the year-ago quarter, in the item's unit."
    )
    growth: Stated | None = Field(default=None, description="Stated growth on a year earlier (0.10 = 10%).")
    growth_base: str | None = Field(
        default=None,
        description="Item whose year-ago level the stated growth is measured on, when not this item's own.",
    )
    estimate: float | None = Field(
        default=None, description="Our estimate for the quarter (analyst's input)."
    )
    consensus: float | None = Field(default=None, description="Consensus for the quarter (analyst's input).")
    better: Literal["higher", "lower"] = Field(
        default="higher", description="'lower' for costs and losses: below the estimate is a beat."
    )
    headline: bool = Field(default=False, description="Show the beat/miss on the cover.")
    chart: bool = Field(default=False, description="Draw this item in the growth chart.")


class SumCheck(Strict):
    """A stated total that must equal its stated parts ('-key' subtracts a part)."""

    key: str
    label: str
    total: str = Field(description="Item key of the total.")
    parts: list[str] = Field(min_length=1, description="Item keys of the parts; '-key' subtracts.")


class Quote(Strict):
    """A management quote printed in the note; checked verbatim against the speaker's turns."""

    key: str
    speaker: str
    role: str
    text: str = Field(min_length=10)
    line: int | None = Field(default=None, ge=1, description="Transcript line the quote starts on.")


class Topic(Strict):
    """A key topic: the analyst's bullet and the passage it relies on."""

    title: str = Field(max_length=80)
    text: str = Field(max_length=700, description="Analyst's words; may quote values through filters.")
    cite: Cite


class ResultsFile(Strict):
    """results.yaml: the quarter under review and the call it is checked against."""

    quarter: str = Field(description="Fiscal quarter, e.g. '3QFY22'.")
    period_end: dt.date = Field(description="Last day of the quarter.")
    call_date: dt.date
    transcript: str = Field(description="Transcript file beside results.yaml, shipped unmodified.")
    transcript_sha256: str | None = Field(
        default=None,
        description="SHA-256 of the transcript: line citations stay valid only if it is unchanged.",
    )
    transcript_source: str = Field(description="What the transcript is, printed under the quotes.")
    items: dict[str, ReportedItem] = Field(min_length=1)
    checks: list[SumCheck] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
