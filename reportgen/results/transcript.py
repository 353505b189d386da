"""Earnings-call transcripts: speaker turns by line, and verbatim search in them.

A transcript is plain text where a turn opens with a line ``**Name** -- *Role*`` (or
``**Name**`` alone, e.g. the operator). Text is compared after normalising whitespace,
quote marks and dashes, so a quote copied from a PDF still matches; words must match, whole:
a passage starts and ends at word boundaries, and a number in it never matches part of a longer
number ("9.5" is not in "19.5", "19" is not in "19.5"). The normalised text is indexed once, so
every search is one scan of it, however long the transcript.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_HEADER = re.compile(r"^\*\*(?P<name>[^*]+?)\*\*(?:\s*--\s*\*(?P<role>[^*]+?)\*)?\s*$")
_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
_SPACE = re.compile(r"\s+")
_DASHES = re.compile(r"\s*-{2,}\s*")


def normalise(text: str) -> str:
    """Curly quotes straight, dashes and runs of dashes one '-', whitespace single spaces."""
    text = text.translate(_MARKS)
    text = _DASHES.sub(" - ", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: who, in which role, and the transcript lines it spans."""

    speaker: str
    role: str
    first: int
    last: int
    text: str


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _number_edge(text: str, at: int, step: int) -> bool:
    """Whether ``text[at]`` continues a number on that side: a digit, or a decimal point or
    digit-group separator with a digit beyond it (``step`` is -1 looking left, 1 looking right)."""
    if not 0 <= at < len(text):
        return False
    char = text[at]
    if char.isdigit():
        return True
    beyond = at + step
    return char in ".," and 0 <= beyond < len(text) and text[beyond].isdigit()


def whole_matches(text: str, wanted: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Offsets in ``text[start:end]`` where ``wanted`` occurs as whole words and whole numbers.

    A match may not start or end inside a word, and a number at either end of ``wanted`` may not
    continue in ``text`` (no digit, decimal point or digit-group separator before or after it).
    """
    if not wanted:
        return
    stop = len(text) if end is None else end
    first, last = wanted[0], wanted[-1]
    # A number at an edge: a digit, or a separator with a digit inside (".5", "19.").
    number_first = first.isdigit() or (first in ".," and wanted[1:2].isdigit())
    number_last = last.isdigit() or (last in ".," and wanted[-2:-1].isdigit())
    at = text.find(wanted, start, stop)
    while at >= 0:
        after = at + len(wanted)
        ok = not (
            (_is_word(first) and at > 0 and _is_word(text[at - 1]))
            or (_is_word(last) and after < len(text) and _is_word(text[after]))
            or (number_first and _number_edge(text, at - 1, -1))
            or (number_last and _number_edge(text, after, 1))
        )
        if ok:
            yield at
        at = text.find(wanted, at + 1, stop)


def has_words(text: str) -> bool:
    """Whether ``text`` quotes anything: a word or a number, not only spaces and punctuation."""
    return any(_is_word(c) for c in text)


@dataclass(frozen=True)
class _Index:
    """The transcript normalised once: each turn (or line outside a turn) one segment of ``text``,
    segments separated by a newline (which no normalised phrase contains), with where each line's
    words start and end, and where its segment ends."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    stops: tuple[int, ...]


def _build_index(lines: tuple[str, ...], turns: tuple[Turn, ...]) -> _Index:
    turn_of = [-1] * len(lines)
    for i, turn in enumerate(turns):
        for n in range(turn.first, turn.last + 1):
            turn_of[n - 1] = i
    parts: list[str] = []
    starts, ends, stops = [0] * len(lines), [0] * len(lines), [0] * len(lines)
    pos, segment, begun = 0, -2, False  # -2: before the first line
    members: list[int] = []
    for n, raw in enumerate(lines):
        if turn_of[n] == -1 or turn_of[n] != segment:  # a new segment
            for m in members:
                stops[m] = pos
            if n:
                parts.append("\n")
                pos += 1
            segment, begun, members = turn_of[n], False, []
        members.append(n)
        words = normalise(raw)
        if words and begun:
            parts.append(" ")
            pos += 1
        starts[n] = pos
        if words:
            parts.append(words)
            pos += len(words)
            begun = True
        ends[n] = pos
    for m in members:
        stops[m] = pos
    return _Index("".join(parts), tuple(starts), tuple(ends), tuple(stops))


@dataclass(frozen=True)
class Transcript:
    """A transcript's lines (1-based) and its turns."""

    path: Path
    lines: tuple[str, ...]
    turns: tuple[Turn, ...]
    searched: _Index | None = field(default=None, repr=False, compare=False)

    @property
    def index(self) -> _Index:
        """The normalised text, built once (on the first search) and kept."""
        if self.searched is None:
            object.__setattr__(self, "searched", _build_index(self.lines, self.turns))
        assert self.searched is not None
        return self.searched

    def line(self, number: int) -> str | None:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else None

    def turn_at(self, number: int) -> Turn | None:
        for turn in self.turns:
            if turn.first <= number <= turn.last:
                return turn
        return None

    def find(self, phrase: str, line: int | None = None) -> int | None:
        """The line where ``phrase`` starts (a phrase may run on over a line break within a
        turn), or None. Words and numbers match whole (see :func:`whole_matches`).

        With ``line`` only that line is searched (the phrase must start on it).
        """
        wanted = normalise(phrase)
        ix = self.index
        if line is not None:
            if self.line(line) is None:
                return None
            n = line - 1
            # A match starting on the line ends within len(wanted) of the line's end.
            stop = min(ix.stops[n], ix.ends[n] + len(wanted))
            found = next(whole_matches(ix.text, wanted, ix.starts[n], stop), None)
            return line if found is not None and found < ix.ends[n] else None
        found = next(whole_matches(ix.text, wanted), None)
        return None if found is None else bisect_right(ix.starts, found)

    def speakers(self) -> dict[str, str]:
        """Each speaker's role as the transcript prints it."""
        return {t.speaker: t.role for t in self.turns}


def load_transcript(path: Path, text: str | None = None) -> Transcript:
    """Split a transcript into turns; ``text`` is its content when the caller has read it already."""
    lines = tuple((text if text is not None else path.read_text(encoding="utf-8")).splitlines())
    turns: list[Turn] = []
    current: tuple[str, str, int] | None = None

    def close(end: int) -> None:
        if current is not None:
            name, role, first = current
            body = " ".join(lines[first - 1 + 1 : end])
            turns.append(Turn(name, role, first + 1, end, normalise(body)))

    for i, raw in enumerate(lines, start=1):
        match = _HEADER.match(raw.strip())
        if match or raw.startswith("## "):
            close(i - 1)
            current = (match.group("name").strip(), (match.group("role") or "").strip(), i) if match else None
    close(len(lines))
    return Transcript(path, lines, tuple(turns))


def speakers_of(transcript: Transcript, quote: str) -> list[Turn]:
    """Every turn whose text holds ``quote`` verbatim (after normalising)."""
    wanted = normalise(quote)
    return [t for t in transcript.turns if next(whole_matches(t.text, wanted), None) is not None]
