"""The note types a company.yaml may ask for (``note.kind``), each with its entry template.

A new note type is one entry here: its template (which extends ``base.html`` and reuses the
partials) and, if it carries content of its own, the function that builds it for a note.
"""

from __future__ import annotations

from reportgen import results
from reportgen.registry import NOTE_TYPES, NoteType

NOTE_TYPES.register("deep_dive", NoteType("note.html", check=results.check_results_file))
NOTE_TYPES.register(
    "results",
    NoteType(
        "results.html",
        build=results.build_note_results,
        doing="checking the results against the transcript",
    ),
)
