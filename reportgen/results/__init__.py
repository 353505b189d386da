"""Results review notes: the reported quarter checked against its call transcript."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.exhibits.charts.build import Chart
    from reportgen.note import Assumptions
    from reportgen.results.review import Results


def build_note_results(a: Assumptions) -> tuple[Results, Chart | None]:
    """results.yaml beside the note, checked against its transcript, analysed, with its chart."""
    from reportgen.results.chart import build_growth_chart
    from reportgen.results.load import load_results
    from reportgen.results.review import build_results

    results = build_results(load_results(a.folder), a.company, a.house)
    return results, build_growth_chart(results, a.house)


def check_results_file(folder: Path) -> None:
    """A deep dive with a results.yaml beside it: the analyst forgot ``note.kind: results``.

    Publishing it as a deep dive would drop the checked quarter silently, so it is an error.
    """
    from reportgen.errors import AssumptionsError
    from reportgen.inputs.sourcemap import format_problem
    from reportgen.inputs.yamlsource import load_yaml
    from reportgen.results.load import RESULTS_FILE

    if (folder / RESULTS_FILE).is_file():
        _data, smap = load_yaml(folder / "company.yaml", roots=(folder.parent, folder))
        raise AssumptionsError(
            format_problem(
                smap, ("note", "kind"), f"the folder has {RESULTS_FILE}: set 'kind: results' to publish it"
            )
        )
