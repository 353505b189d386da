"""The installed text stack is the one the golden HTML and reference page images were made with.

Byte-identical notes hold for one toolchain (tests/toolchain.json). When this fails, every golden
and visual test after it would fail too, for a reason they cannot name: reinstall from the lock
(`make distclean test`), or, after a deliberate upgrade, refresh the references (`make golden
refresh-visuals`), look at the diffs, and record the new versions (`make toolchain`).
"""

from __future__ import annotations

import json
from pathlib import Path

from reportgen.render.toolchain import PACKAGES, drift, installed_toolchain

RECORD = Path(__file__).with_name("toolchain.json")


def test_the_installed_toolchain_is_the_one_the_references_were_made_with() -> None:
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    problems = drift(recorded, installed_toolchain())
    assert not problems, (
        "the text stack differs from the one tests/toolchain.json records, so the golden and visual "
        "references no longer apply:\n  " + "\n  ".join(problems) + "\nReinstall from the lock "
        "(make distclean test) or, after a deliberate upgrade, make golden refresh-visuals toolchain"
    )


def test_the_record_covers_every_component_and_the_check_catches_a_mismatch() -> None:
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert set(PACKAGES) | {"pango", "harfbuzz"} == set(recorded)
    assert "not found" not in recorded.values()
    mismatched = {**recorded, "weasyprint": "69.0", "harfbuzz": "8.3.0"}
    assert drift(mismatched, recorded) == [
        f"harfbuzz: references made with 8.3.0, installed {recorded['harfbuzz']}",
        f"weasyprint: references made with 69.0, installed {recorded['weasyprint']}",
    ]
    assert drift(recorded, {k: v for k, v in recorded.items() if k != "pango"}) == [
        f"pango: references made with {recorded['pango']}, installed not found"
    ]
