"""A build values each version of a note once: the loaded note carries its valuation.

Sensitivity cells and the bridge's Shapley mixes re-value *edited* inputs by design; what must
not happen is the same valuation.yaml over the same model run being valued again by a later stage.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import reportgen.cli  # every command module, so each one's imported name is patched too
import reportgen.model.valuation
import reportgen.note
from reportgen.build import build_note
from reportgen.note import Assumptions
from tests.helpers import DEFAULT_NOTE


def _patch_everywhere(monkeypatch: pytest.MonkeyPatch, name: str, original: Any, spy: Any) -> None:
    """Replace ``name`` in every loaded reportgen module that imported it by name."""
    for module in list(sys.modules.values()):
        if (
            getattr(module, "__name__", "").startswith("reportgen")
            and getattr(module, name, None) is original
        ):
            monkeypatch.setattr(module, name, spy)


@pytest.mark.slow
def test_a_build_values_the_note_once_and_its_previous_version_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loaded: list[Assumptions] = []
    valued: Counter[tuple[int, int]] = Counter()
    load, value = reportgen.note.load_assumptions, reportgen.model.valuation.build_valuation

    def load_spy(*args: Any, **kwargs: Any) -> Assumptions:
        a = load(*args, **kwargs)
        loaded.append(a)
        return a

    def value_spy(v: Any, run: Any, *args: Any, **kwargs: Any) -> Any:
        valued[id(v), id(run)] += 1
        return value(v, run, *args, **kwargs)

    _patch_everywhere(monkeypatch, "load_assumptions", load, load_spy)
    _patch_everywhere(monkeypatch, "build_valuation", value, value_spy)
    # The default note is compared with its last publication (rebuilt from git): two versions.
    build_note(DEFAULT_NOTE, tmp_path / "out", html_only=True)

    assert [a.slug for a in loaded] == ["alibaba-cloud", "alibaba-cloud"]
    assert [valued[id(a.valuation), id(a.run)] for a in loaded] == [1, 1]
    assert all(a.value.targets for a in loaded)
