"""Load results.yaml and check it against its transcript: citations, figures as written, quotes.

Anything that cannot be verified is an error (exit 2) naming ``results.yaml:line:col``,
the field, and the transcript file: a misquote or a mistyped figure must never print.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reportgen.errors import ReportgenError
from reportgen.inputs.explain import validate
from reportgen.inputs.periods import PeriodError, parse_quarter
from reportgen.inputs.sourcemap import Loc, SourceMap
from reportgen.inputs.sources import decode_text, display_path, read_input
from reportgen.inputs.units import PERCENT, UnitError, parse_unit
from reportgen.inputs.yamlsource import load_yaml
from reportgen.results.schema import Cite, ReportedItem, ResultsFile
from reportgen.results.transcript import Transcript, has_words, load_transcript, normalise, speakers_of

RESULTS_FILE = "results.yaml"
#: A figure may be written on the call in another scale than the item's unit (1.28 billion
#: for 1,280 mn consumers): these powers of ten are tried when matching it to its passage.
SCALE_STEPS = (1e-6, 1e-3, 1.0, 1e3, 1e6)
_NUMBER = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?![\d])")


@dataclass(frozen=True)
class LoadedResults:
    """A validated results.yaml with its transcript and where each value was written."""

    spec: ResultsFile
    transcript: Transcript
    source: SourceMap


def load_results(folder: Path) -> LoadedResults:
    """Read results.yaml and its transcript; every problem in one AssumptionsError."""
    data, smap = load_yaml(folder / RESULTS_FILE, roots=(folder.parent, folder))
    holder: list[Transcript] = []
    spec = validate(ResultsFile, data, smap, checks=[_transcript_checker(folder, holder)])
    return LoadedResults(spec, holder[0], smap)


def _transcript_checker(folder: Path, out: list[Transcript]) -> Any:
    def check(model: BaseModel) -> Iterator[tuple[Loc, str]]:
        assert isinstance(model, ResultsFile)
        try:
            parse_quarter(model.quarter)
        except PeriodError as exc:
            yield ("quarter",), str(exc)
        if model.call_date < model.period_end:
            yield ("call_date",), "the call is before the quarter ends"
        path = folder / model.transcript
        if Path(model.transcript).is_absolute() or ".." in Path(model.transcript).parts:
            yield ("transcript",), "give the transcript as a file name beside results.yaml"
            return
        try:
            # The one reader for inputs: inside the assumptions, bounded, UTF-8.
            raw = read_input(path, (folder.parent, folder))
            transcript = load_transcript(path, decode_text(raw, display_path(path)))
        except ReportgenError as exc:
            yield ("transcript",), f"cannot read {model.transcript!r}: {exc.format_message()}"
            return
        name = display_path(path)
        if model.transcript_sha256 is not None:
            digest = hashlib.sha256(raw).hexdigest()
            if digest != model.transcript_sha256.lower():
                yield (
                    ("transcript_sha256",),
                    f"{name} has changed (SHA-256 {digest}); the citations' line numbers may no "
                    "longer hold: restore the file as published",
                )
                return
        out.append(transcript)
        yield from _check_items(model, transcript, name)
        yield from _check_quotes(model, transcript, name)
        for i, topic in enumerate(model.topics):
            yield from _check_cite(transcript, topic.cite, ("topics", i, "cite"), name)

    return check


#: Why a citation or quote of nothing but spaces or punctuation is refused (it is in every transcript).
EMPTY = "is empty (only spaces or punctuation): quote the words of the passage"


def _check_cite(transcript: Transcript, cite: Cite, loc: Loc, name: str) -> Iterator[tuple[Loc, str]]:
    if not has_words(cite.text):
        yield (*loc, "text"), f"the citation {EMPTY}"
    elif cite.line is not None and transcript.line(cite.line) is None:
        yield (*loc, "line"), f"{name} has {len(transcript.lines)} lines, not {cite.line}"
    elif transcript.find(cite.text, cite.line) is None:
        where = f"on line {cite.line} of {name}" if cite.line else f"in {name}"
        elsewhere = transcript.find(cite.text) if cite.line else None
        hint = f" (it is on line {elsewhere})" if elsewhere else ""
        yield (*loc, "text"), f"passage {_short(cite.text)} is not {where}{hint}"


def _written(value: float, percent: bool) -> set[str]:
    """Ways the call may write ``value``: '242.6', '10' (for 10%), '1.28' (for 1,280 mn)."""
    base = abs(value) * (100 if percent else 1)
    out: set[str] = set()
    for step in (1.0,) if percent else SCALE_STEPS:
        x = round(base * step, 6)
        out.add(f"{x:.6f}".rstrip("0").rstrip("."))
    return out


def _numbers_in(text: str) -> set[str]:
    return {m.replace(",", "") for m in _NUMBER.findall(normalise(text))}


def _check_figure(
    transcript: Transcript, value: float, cite: Cite, percent: bool, loc: Loc, name: str
) -> Iterator[tuple[Loc, str]]:
    found = list(_check_cite(transcript, cite, (*loc, "cite"), name))
    yield from found
    if not found and not (_written(value, percent) & _numbers_in(cite.text)):
        shown = f"{value * 100:g}%" if percent else f"{value:g}"
        yield (
            (*loc, "value"),
            f"{shown} is not written in the cited passage {_short(cite.text)}: "
            "check the figure or the passage",
        )


def _check_items(model: ResultsFile, transcript: Transcript, name: str) -> Iterator[tuple[Loc, str]]:
    for key, item in model.items.items():
        loc: Loc = ("items", key)
        try:
            unit = parse_unit(item.unit)
        except UnitError as exc:
            yield (*loc, "unit"), str(exc)
            continue
        percent = unit == PERCENT
        for field in ("actual", "change", "growth"):
            stated = getattr(item, field)
            if stated is not None:
                is_pct = percent or field == "growth"
                yield from _check_figure(transcript, stated.value, stated.cite, is_pct, (*loc, field), name)
        if item.year_ago is not None and item.year_ago.cite is not None:
            yield from _check_figure(
                transcript, item.year_ago.value, item.year_ago.cite, percent, (*loc, "year_ago"), name
            )
        yield from _check_item_shape(item, loc)
        if item.growth_base is not None and item.growth_base not in model.items:
            yield (*loc, "growth_base"), f"unknown item '{item.growth_base}'"
    seen: set[str] = set()
    for i, check in enumerate(model.checks):
        if check.key in seen:
            yield ("checks", i, "key"), f"check key '{check.key}' is used twice"
        seen.add(check.key)
        refs = [("total", check.total), *((f"parts.{j}", p.lstrip("-")) for j, p in enumerate(check.parts))]
        for where, ref in refs:
            field_loc: Loc = ("checks", i, *(int(s) if s.isdigit() else s for s in where.split(".")))
            if ref not in model.items:
                yield field_loc, f"unknown item '{ref}'"
            elif model.items[ref].actual is None:
                yield field_loc, f"item '{ref}' has no stated actual to check"
            elif check.total in model.items and not _same_kind(
                model.items[ref].unit, model.items[check.total].unit
            ):
                yield (
                    field_loc,
                    f"'{ref}' is in {model.items[ref].unit}, the total in {model.items[check.total].unit}",
                )


def _same_kind(a: str, b: str) -> bool:
    """Units a total and its parts can share after scaling (CNY bn and CNY mn; not CNY and USD)."""
    try:
        return parse_unit(a).same_kind(parse_unit(b))
    except UnitError:
        return True  # reported against the item's unit


def _check_item_shape(item: ReportedItem, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if item.actual is None and (item.estimate is not None or item.consensus is not None):
        yield (*loc, "estimate"), "an estimate needs the reported actual to compare with"
    if item.actual is None and item.growth is None:
        yield loc, "give the stated actual, the stated growth, or both"
    if item.year_ago is not None and item.year_ago.cite is None and item.year_ago.note is None:
        yield (*loc, "year_ago"), "an analyst's year-ago figure needs a note saying where it comes from"


def _check_quotes(model: ResultsFile, transcript: Transcript, name: str) -> Iterator[tuple[Loc, str]]:
    roles = transcript.speakers()
    seen: set[str] = set()
    for i, quote in enumerate(model.quotes):
        loc: Loc = ("quotes", i)
        label = f"quote '{quote.key}' ({_short(quote.text)})"
        if quote.key in seen:
            yield (*loc, "key"), f"quote key '{quote.key}' is used twice"
        seen.add(quote.key)
        if not has_words(quote.text):
            yield (*loc, "text"), f"quote '{quote.key}' {EMPTY}"
            continue
        if quote.speaker not in roles:
            yield (
                (*loc, "speaker"),
                f"{label}: no speaker '{quote.speaker}' in {name}; have {', '.join(roles)}",
            )
            continue
        if normalise(quote.role) != normalise(roles[quote.speaker]):
            yield (
                (*loc, "role"),
                f"{label}: {name} names {quote.speaker} '{roles[quote.speaker]}', not '{quote.role}'",
            )
        turns = speakers_of(transcript, quote.text)
        if not turns:
            yield (
                (*loc, "text"),
                f"{label} is not in {name} verbatim (whitespace, quote marks and dashes aside): "
                "quote the transcript word for word",
            )
            continue
        own = [t for t in turns if t.speaker == quote.speaker]
        if not own:
            who = ", ".join(sorted({f"{t.speaker} (line {t.first})" for t in turns}))
            yield (
                (*loc, "speaker"),
                f"{label} is attributed to {quote.speaker}, but {name} has it from {who}",
            )
            continue
        if quote.line is not None and transcript.find(quote.text, quote.line) is None:
            at = transcript.find(quote.text)
            yield (*loc, "line"), f"{label} does not start on line {quote.line} of {name} (it starts on {at})"


def _short(text: str, words: int = 8) -> str:
    parts = normalise(text).split(" ")
    return '"' + " ".join(parts[:words]) + (' ..."' if len(parts) > words else '"')
