"""Earnings-call transcripts: speaker turns by line, and verbatim search in them.

A transcript is plain text where a turn opens with a line ``**Name** -- *Role*`` (or
``**Name**`` alone, e.g. the operator). Text is compared after normalising whitespace,
quote marks and dashes, so a quote copied from a PDF still matches; words must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Transcript:
    """A transcript's lines (1-based) and its turns."""

    path: Path
    lines: tuple[str, ...]
    turns: tuple[Turn, ...]

    def line(self, number: int) -> str | None:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else None

    def turn_at(self, number: int) -> Turn | None:
        for turn in self.turns:
            if turn.first <= number <= turn.last:
                return turn
        return None

    def find(self, phrase: str, line: int | None = None) -> int | None:
        """The line where ``phrase`` starts (a phrase may run on over a line break), or None.

        With ``line`` only that line is searched (the phrase must start on it).
        """
        wanted = normalise(phrase)
        numbers = [line] if line is not None else range(1, len(self.lines) + 1)
        for n in numbers:
            if self.line(n) is None:
                return None
            turn = self.turn_at(n)
            end = turn.last if turn is not None else n
            joined = normalise(" ".join(self.lines[n - 1 : end]))
            at = joined.find(wanted)
            if 0 <= at < len(normalise(self.lines[n - 1])):
                return n
        return None

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
    return [t for t in transcript.turns if wanted in t.text]
