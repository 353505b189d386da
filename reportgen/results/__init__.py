"""Results review notes: the reported quarter checked against its call transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.assumptions import Assumptions
    from reportgen.charts import Chart
    from reportgen.results.review import Results


def build_note_results(a: Assumptions) -> tuple[Results, Chart | None]:
    """results.yaml beside the note, checked against its transcript, analysed, with its chart."""
    from reportgen.results.chart import build_growth_chart
    from reportgen.results.load import load_results
    from reportgen.results.review import build_results

    results = build_results(load_results(a.folder), a.company, a.house)
    return results, build_growth_chart(results, a.house)
