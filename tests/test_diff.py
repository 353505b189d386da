"""`reportgen diff`: inputs with file:line:col, moved figures, the bridge, formats and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from tests.helpers import DEFAULT_NOTE, edit

GROWTH = ("growth: {2027: 8.59,", "growth: {2027: 9.0,")


def _diff(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_the_same_note_has_no_changes_and_exits_0() -> None:
    code, out = _diff(str(DEFAULT_NOTE), str(DEFAULT_NOTE))
    assert code == 0
    assert out.endswith("no changes\n")


def test_one_growth_rate_shows_its_line_and_exactly_the_figures_it_moves(note_copy: Path) -> None:
    edit(note_copy / "model.yaml", *GROWTH)
    code, out = _diff(str(DEFAULT_NOTE), str(note_copy))
    assert code == 1
    # model.yaml line 34 is `    growth: {2027: 8.59, ...}` under `maas:`; the value starts in
    # column 20 (4 spaces + 'growth: {2027: ' = 19 characters before it).
    assert f"{note_copy}/model.yaml:34:20  lines.maas.growth.2027: 8.59 -> 9.0" in out
    assert "Inputs changed: 1\n" in out
    # MaaS FY27E = FY26 base 1.0433 x (1 + growth): 1.0433 x 9.59 = 10.005 -> 1.0433 x 10 = 10.433.
    assert "MaaS revenues, FY27E: 10.0 -> 10.4" in out
    assert "1: FY27E MaaS value: 10.0052 -> 10.433" in out
    # FY26E is an input (1.0433, unchanged), so nothing for FY26E moves in the build table.
    assert "MaaS revenues, FY26E" not in out
    # Prose quoting MaaS FY31E: 1.0433 x 9.59 x 5.38 x 2.463 x 1.96 x 1.688 = 438.63 (Rmb bn) before,
    # 1.0433 x 10 x 5.38 x 2.463 x 1.96 x 1.688 = 457.39 after (growth 2028-31: 4.38, 1.463, 0.96, 0.688).
    prose = [line for line in out.splitlines() if line.strip().startswith("bullets[1].text:")]
    assert len(prose) == 1 and "Rmb438.6bn" in prose[0].split(" -> ")[0] and "Rmb457.4bn" in prose[0]
    # The ADS target moves US$205 -> US$210 and the bridge says why: the segment revenue the
    # valuation reads rises by the MaaS change, (10.433 - 10.005) Rmb bn = Rmb427.8mn, worth
    # 427.8 x 6.5x / 19,068mn shares x 8 / 7.005 = US$0.17 per ADS; the unrounded target sat
    # just under US$207.50, so rounding to US$5 does the rest: 5.00 - 0.17 = +4.83.
    bridge = out.split("Target bridge: ADS (BABA) target, US$ per ADS\n")[1].splitlines()
    step = (10.433 - 1.0433 * 9.59) * 1000 * 6.5 / 19_068 * 8 / 7.005
    assert f"{step:.2f}" == "0.17"
    assert bridge[1].split() == ["Cloud", "Intelligence", "Group,", "FY27E", "+0.17"]
    assert bridge[2].split()[-1] == "+4.83" and bridge[3].split()[-1] == "US$210.00"
    # Lines the change does not feed are not listed: e-commerce revenue is independent of cloud.
    assert "E-commerce revenue" not in out.split("Figures moved")[1]
    assert "China E-commerce Group, FY" not in out.split("Figures moved")[1]


def test_a_target_move_prints_the_bridge_that_sums_to_it(note_copy: Path) -> None:
    edit(note_copy / "valuation.yaml", "multiple: 6.5", "multiple: 7.5")
    code, out = _diff(str(DEFAULT_NOTE), str(note_copy), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert [i["field"] for i in doc["inputs"]] == ["methods[0].parts[1].multiple"]
    ads = next(b for b in doc["bridge"] if b["listing"] == "ads")
    labels = [s["driver"] for s in ads["steps"]]
    assert labels == ["Cloud Intelligence Group multiple", "Rounding to the target step"]
    # One driver takes the whole unrounded move: +1.0x on FY27E cloud revenue (Rmb227,110mn
    # in the seed's Figure 57, which the model reproduces) adds that much
    # equity; per ADS: / 19,068mn diluted FY27E shares x 8 shares per ADS / Rmb7.005 per US$.
    by_hand = 227_110 / 19_068 * 8 / 7.005  # = US$13.60
    assert ads["steps"][0]["amount"] == pytest.approx(by_hand, rel=1e-3)
    assert sum(s["amount"] for s in ads["steps"]) == pytest.approx(ads["new"] - ads["old"], abs=1e-9)


def test_markdown_for_a_pull_request(note_copy: Path) -> None:
    edit(note_copy / "valuation.yaml", "multiple: 6.5", "multiple: 7.5")
    code, out = _diff(str(DEFAULT_NOTE), str(note_copy), "--format", "markdown")
    assert code == 1
    assert out.startswith("### `reportgen diff`")
    assert "| Where | Field | Old | New |" in out
    assert "| Cloud Intelligence Group multiple | +" in out
    assert "| ADS (BABA) target | US$205 |" in out


def test_bad_input_exits_2_without_a_traceback(note_copy: Path) -> None:
    edit(note_copy / "valuation.yaml", "multiple: 6.5", 'multiple: "6.5"')
    code, out = _diff(str(DEFAULT_NOTE), str(note_copy))
    assert code == 2
    assert "valuation.yaml:22:19" in out
    assert "Traceback" not in out
    code, out = _diff("NOSUCHREV:assumptions/alibaba-cloud", str(DEFAULT_NOTE))
    assert code == 2
    assert "Traceback" not in out


def test_a_git_revision_against_the_working_tree(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_NOTE.parent, tmp_path / "assumptions")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "first"]):
        subprocess.run([*git, *args], cwd=tmp_path, check=True, capture_output=True)
    note = tmp_path / "assumptions" / DEFAULT_NOTE.name
    edit(note / "model.yaml", *GROWTH)
    code, out = _diff(f"HEAD:{note}", str(note))
    assert code == 1
    assert "lines.maas.growth.2027: 8.59 -> 9.0" in out


def test_a_target_move_without_a_bridge_says_so() -> None:
    from reportgen.commands.diff import NoteDiff, OutputChange
    from reportgen.commands.diffreport import NO_BRIDGE, render_markdown, render_text

    d = NoteDiff("a", "b", (), (OutputChange("Targets", "ADS target", "US$5", "US$6", 5.0, 6.0),), None)
    assert NO_BRIDGE in render_text(d)
    assert NO_BRIDGE in render_markdown(d)
    # +1 on 5 is +20.0%, printed beside the move.
    assert "ADS target: US$5 -> US$6 (+1.00, +20.0%)" in render_text(d)
