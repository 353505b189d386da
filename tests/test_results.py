"""Results review notes: beat/miss, reconciliation of the call's figures, verified quotes.

Expected values are worked by hand from the transcript's own figures (seed 002, the
December 2021 quarter call), with the arithmetic written beside each one.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.build import render_html
from reportgen.cli import main
from reportgen.errors import AssumptionsError
from reportgen.inputs.explain import validate
from reportgen.inputs.schema import CompanyFile, House
from reportgen.inputs.yamlsource import load_yaml
from reportgen.record.coverage import build_coverage
from reportgen.results.load import load_results
from reportgen.results.reconcile import Approx, judge_equal, judge_growth, written_step
from reportgen.results.review import build_results, judge
from reportgen.results.transcript import load_transcript, normalise, speakers_of

ROOT = Path(__file__).resolve().parent.parent
NOTE = ROOT / "assumptions" / "alibaba-results-3qfy22"
SEED = Path("/work/shared/seeds/002_55e39022bf35d146.txt")


# --------------------------------------------------------------------------- rounding and judging


@pytest.mark.parametrize(
    ("value", "percent", "step"),
    [
        (242.6, False, 0.05),  # one decimal written: +/- 0.05
        (45, False, 0.5),  # whole number: +/- 0.5
        (0.27, True, 0.005),  # 27%: +/- 0.5 percentage point
        (-0.34, True, 0.005),
        (1280, False, 0.5),
    ],
)
def test_written_step_is_half_the_last_place(value: float, percent: bool, step: float) -> None:
    assert written_step(value, percent) == pytest.approx(step)


def test_cloud_growth_agrees_with_its_levels() -> None:
    # 19.5 now, up 3.3 => 16.2 a year ago; 19.5 / 16.2 - 1 = 0.2037, and the call says 20%.
    status, point = judge_growth(
        Approx.stated(0.20, True), Approx.stated(19.5), Approx.stated(19.5) - Approx.stated(3.3)
    )
    assert point == pytest.approx(19.5 / 16.2 - 1)
    assert status == "agrees"


def test_operating_income_growth_agrees_only_within_rounding() -> None:
    # 7 now after a fall of 42 => 49 a year ago; ex-impairment 32 / 49 - 1 = -34.7%, which
    # rounds to -35%, not the -34% stated. But 32.5 / 48 - 1 = -32.3% and 31.5 / 50 - 1 = -37%,
    # so rounded levels of 32 and 49 do allow -34%.
    previous = Approx.stated(7) - Approx.stated(-42)
    status, point = judge_growth(Approx.stated(-0.34, True), Approx.stated(32), previous)
    assert point == pytest.approx(32 / 49 - 1)
    assert status == "within rounding"


def test_a_growth_rate_that_cannot_come_from_its_levels_disagrees() -> None:
    # 19.5 on 16.2 is +20.4%; at the extremes 19.45 / 16.25 - 1 = +19.7%, 19.55 / 16.15 - 1 = +21.1%.
    # A stated 25% (24.5%..25.5%) is outside that range.
    status, _ = judge_growth(
        Approx.stated(0.25, True), Approx.stated(19.5), Approx.stated(19.5) - Approx.stated(3.3)
    )
    assert status == "disagrees"


def test_the_transcripts_cash_flow_sentence_does_not_add_up() -> None:
    # Operating cash flow 60.4 should be free cash flow 71 plus capex 9.4 = 80.4: 20 apart,
    # far beyond rounding (0.05 + 0.5 + 0.05). Read the other way round (71 = 60.4 + 9.4 = 69.8)
    # it is still 1.2 apart.
    assert judge_equal(Approx.stated(60.4), Approx.stated(71) + Approx.stated(9.4)) == "disagrees"
    assert judge_equal(Approx.stated(71), Approx.stated(60.4) + Approx.stated(9.4)) == "disagrees"


def test_active_consumers_add_up_and_net_adds_agree_within_rounding() -> None:
    assert judge_equal(Approx.stated(1280), Approx.stated(979) + Approx.stated(301)) == "agrees"
    # (979 - 953) + (301 - 285) = 26 + 16 = 42 against 43 stated: within 0.5 + 4 x 0.5.
    adds = Approx.stated(979) - Approx.stated(953) + Approx.stated(301) - Approx.stated(285)
    assert adds.value == 42
    assert judge_equal(Approx.stated(43), adds) == "within rounding"


@pytest.mark.parametrize(
    ("actual", "expected", "percent", "better", "diff", "flag"),
    [
        (242.6, 245.8, False, "higher", (242.6 - 245.8) / 245.8, "in line"),  # -1.30%
        (45, 47.8, False, "higher", (45 - 47.8) / 47.8, "miss"),  # -5.86%
        (19.6, 19.2, False, "higher", 0.4 / 19.2, "beat"),  # +2.08%
        (-3, -2.8, False, "higher", -0.2 / 2.8, "miss"),  # a wider loss: -7.1%
        (-2.6, -2.8, False, "higher", 0.2 / 2.8, "beat"),  # a narrower loss: +7.1%
        (0.61, 0.58, True, "lower", 0.03, "miss"),  # a cost ratio 3pp above the estimate
        (0.59, 0.58, True, "lower", 0.01, "in line"),  # 1pp: inside the 2pp band
    ],
)
def test_judge(actual: float, expected: float, percent: bool, better: str, diff: float, flag: str) -> None:
    got_diff, got_flag = judge(actual, expected, 0.02, percent, better)
    assert got_diff == pytest.approx(diff)
    assert got_flag == flag


# --------------------------------------------------------------------------- transcript


def test_normalise_treats_quote_marks_dashes_and_spaces_alike() -> None:
    assert normalise("\u201cgrowth\u201d \u2013  it\u2019s\n here") == normalise('"growth" - it\'s here')
    assert normalise("contributed to -- continued") == "contributed to - continued"


def test_turns_are_split_by_speaker() -> None:
    t = load_transcript(NOTE / "transcript.txt")
    assert t.speakers()["Toby Xu"] == "Deputy Chief Financial Officer"
    assert t.speakers()["Daniel Zhang"] == "Chairman and Chief Executive Officer"
    assert [x.speaker for x in speakers_of(t, "Our cloud revenue grew 20% year over year this quarter.")] == [
        "Daniel Zhang"
    ]
    assert t.find("revenue was around CNY 242.6 billion") == 47


def test_the_shipped_transcript_is_the_seed_unmodified() -> None:
    if not SEED.is_file():
        pytest.skip("seed folder not present")
    assert (NOTE / "transcript.txt").read_bytes() == SEED.read_bytes()


# --------------------------------------------------------------------------- the shipped note


def _house() -> House:
    data, smap = load_yaml(ROOT / "assumptions" / "house.yaml")
    return validate(House, data, smap)


def _company(folder: Path) -> CompanyFile:
    data, smap = load_yaml(folder / "company.yaml")
    return validate(CompanyFile, data, smap)


def test_shipped_note_reconciliation_finds_the_cash_flow_sentence() -> None:
    results = build_results(load_results(NOTE), _company(NOTE), _house())
    status = {c.key: c.status for c in results.checks}
    assert status["rev_cloud.growth"] == "agrees"  # 19.5 / 16.2 - 1 = 20.4% vs 20%
    assert status["adj_ebita.growth"] == "agrees"  # 45 / (45 + 16.4) - 1 = -26.7% vs -27%
    assert status["op_income_ex_impairment.growth"] == "within rounding"  # 32 / 49 - 1 = -34.7% vs -34%
    assert status["rev_group.growth"] == "agrees"  # 242.6 / 221.1 (analyst) - 1 = 9.7% vs 10%
    assert status["operating_income_bridge"] == "agrees"  # 7 + 25 = 32
    assert status["aac_total"] == "agrees"  # 979 + 301 = 1,280
    assert status["aac_net_adds"] == "within rounding"  # 26 + 16 = 42 vs 43
    assert status["cash_flow"] == "disagrees"  # 71 + 9.4 = 80.4 vs 60.4
    assert len(results.warnings) == 1 and "80.4" in results.warnings[0]


def test_shipped_note_beat_miss_against_consensus() -> None:
    results = build_results(load_results(NOTE), _company(NOTE), _house())
    revenue = results.figure("rev_group")
    assert revenue.vs_consensus is not None and revenue.vs_estimate is not None
    assert revenue.vs_consensus.diff == pytest.approx(242.6 / 245.8 - 1)  # -1.3%: in line
    assert revenue.vs_consensus.flag == "in line"
    assert revenue.vs_estimate.diff == pytest.approx(242.6 / 245.0 - 1)  # -0.98%
    ebita = results.figure("adj_ebita")
    assert ebita.vs_consensus is not None and ebita.vs_consensus.flag == "miss"  # 45 / 47.8 - 1 = -5.9%
    assert ebita.year_ago == pytest.approx(45 + 16.4)  # derived: level less the stated change
    assert ebita.year_ago_source == "derived"
    assert ebita.yoy == pytest.approx(45 / 61.4 - 1)
    cloud = results.figure("rev_cloud")
    assert cloud.year_ago == pytest.approx(16.2) and cloud.growth == pytest.approx(19.5 / 16.2 - 1)
    intl = results.figure("rev_intl_commerce")
    assert intl.actual is None and intl.growth == pytest.approx(0.18)  # only the rate is stated
    assert math.isnan(intl.yoy)


def test_results_and_deep_dive_on_one_company_count_once() -> None:
    """The ledger holds two calls on the company (the January 2022 results-note version and
    the February 2026 deep dive); the distribution counts the company once, by its latest."""
    import datetime as dt

    from reportgen.record.ledger import ledger_path, load_ledger

    ledger = load_ledger(ledger_path(ROOT / "assumptions"))
    company = _company(NOTE).company.name
    assert sum(1 for c in ledger.calls if c.entry.company == company) == 2
    assert build_coverage(ledger, _house(), dt.date(2026, 5, 11)).rated == 1


def test_reviewer_section_is_in_the_html_and_hidden_in_print() -> None:
    rendered = render_html(NOTE)
    section = re.search(r'<section class="reviewer-only".*?</section>', rendered.html, re.S)
    assert section is not None
    assert "disagrees" in section.group(0) and "80.4" in section.group(0)
    css = (ROOT / "templates" / "assets" / "note.css").read_text(encoding="utf-8")
    assert re.search(r"@media print \{\s*\.reviewer-only \{\s*display: none;", css)
    assert rendered.warnings and "Cash flow" in rendered.warnings[0]
    # Every quote is printed with its speaker, role and the call date.
    assert "Toby Xu, Deputy Chief Financial Officer, earnings call of 24 February 2022" in rendered.html


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def results_copy(tmp_path: Path) -> Path:
    root = tmp_path / "assumptions"
    shutil.copytree(NOTE, root / NOTE.name)
    shutil.copy(ROOT / "assumptions" / "house.yaml", root / "house.yaml")
    shutil.copy(ROOT / "assumptions" / "house-logo.svg", root / "house-logo.svg")
    return root / NOTE.name


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_quote_not_in_the_transcript_fails_naming_quote_and_file(results_copy: Path) -> None:
    _edit(
        results_copy / "results.yaml",
        "slowing demand from some customers",
        "slowing demand from all customers",
    )
    result = CliRunner().invoke(main, ["check", str(results_copy)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "quote 'cloud_growth'" in result.output
    assert "transcript.txt" in result.output and "is not in" in result.output
    assert re.search(r"results\.yaml:\d+:\d+: quotes\[0\]\.text", result.output)


def test_a_quote_given_to_the_wrong_speaker_fails_naming_both(results_copy: Path) -> None:
    # Line 31's cloud sentence is Daniel Zhang's; give it to the deputy CFO.
    _edit(
        results_copy / "results.yaml",
        "  - key: cloud_growth\n    speaker: Daniel Zhang\n    role: Chairman and Chief Executive Officer",
        "  - key: cloud_growth\n    speaker: Toby Xu\n    role: Deputy Chief Financial Officer",
    )
    with pytest.raises(AssumptionsError) as err:
        load_results(results_copy)
    message = err.value.format_message()
    assert "quote 'cloud_growth'" in message
    assert "attributed to Toby Xu" in message and "Daniel Zhang" in message and "transcript.txt" in message


def test_a_wrong_role_fails(results_copy: Path) -> None:
    _edit(
        results_copy / "results.yaml",
        "    role: Deputy Chief Financial Officer\n",
        "    role: Chief Financial Officer\n",
    )
    with pytest.raises(AssumptionsError, match=r"names Toby Xu 'Deputy Chief Financial Officer'"):
        load_results(results_copy)


def test_a_figure_not_written_in_its_passage_fails(results_copy: Path) -> None:
    _edit(results_copy / "results.yaml", "value: 242.6,", "value: 246.2,")
    with pytest.raises(AssumptionsError, match=r"items\.rev_group\.actual\.value: 246\.2 is not written"):
        load_results(results_copy)


def test_a_passage_on_another_line_fails_and_says_where(results_copy: Path) -> None:
    _edit(results_copy / "results.yaml", '{line: 47, text: "revenue was', '{line: 48, text: "revenue was')
    with pytest.raises(AssumptionsError, match=r"is not on line 48 .*\(it is on line 47\)"):
        load_results(results_copy)


def test_an_edited_transcript_fails_its_checksum(results_copy: Path) -> None:
    _edit(results_copy / "transcript.txt", "Thank you, Rob.", "Thanks, Rob.")
    with pytest.raises(AssumptionsError, match=r"transcript_sha256: .*has changed"):
        load_results(results_copy)


def test_a_growth_rate_that_does_not_reconcile_is_a_warning_not_a_failure(results_copy: Path) -> None:
    # Make the call say 25% for cloud; the levels (19.5 now, up 3.3) give 19.5 / 16.2 - 1 = +20.4%.
    _edit(
        results_copy / "transcript.txt",
        "The solid 20% year-over-year growth",
        "The solid 25% year-over-year growth",
    )
    _edit(results_copy / "results.yaml", "transcript_sha256:", "# transcript_sha256:")
    _edit(
        results_copy / "results.yaml",
        'growth: {value: 0.20, cite: {line: 85, text: "The solid 20% year-over-year growth"}}',
        'growth: {value: 0.25, cite: {line: 85, text: "The solid 25% year-over-year growth"}}',
    )
    result = CliRunner().invoke(main, ["check", str(results_copy)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert any("Cloud: stated growth vs levels" in w and "+25%" in w and "+20.4%" in w for w in warnings)
    html = render_html(results_copy).html
    section = re.search(r'<section class="reviewer-only".*?</section>', html, re.S)
    assert section is not None and "Cloud: stated growth vs levels" in section.group(0)


def test_a_results_note_without_results_yaml_fails(results_copy: Path) -> None:
    (results_copy / "results.yaml").unlink()
    result = CliRunner().invoke(main, ["check", str(results_copy)])
    assert result.exit_code == 2
    assert "results.yaml: file not found" in result.output


def test_a_deep_dive_beside_a_results_file_fails(results_copy: Path) -> None:
    _edit(results_copy / "company.yaml", "  kind: results\n", "")
    result = CliRunner().invoke(main, ["check", str(results_copy)])
    assert result.exit_code == 2
    assert re.search(r"company\.yaml:\d+:\d+: note.*set 'kind: results'", result.output)


@pytest.mark.slow
def test_the_pdf_carries_quotes_and_scorecard_but_never_the_reviewer_section(tmp_path: Path) -> None:
    import subprocess

    from reportgen.build import build_note

    built = build_note(NOTE, tmp_path / "out")
    text = subprocess.run(
        ["pdftotext", str(built.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "What management said" in text and "Key topics" in text
    assert "3QFY22 reported against our estimate and consensus" in text
    assert "Reviewer checks" not in text and "disagrees" not in text
    assert "Reviewer checks" in built.html.read_text(encoding="utf-8")
    assert built.warnings and "80.4" in built.warnings[0]


def test_the_results_html_is_the_same_on_every_render() -> None:
    assert render_html(NOTE).html == render_html(NOTE).html


def test_estimate_changes_compare_with_the_published_pre_results_version() -> None:
    """The results note's old estimates are its 20 January 2022 version, rebuilt from the
    commit the ledger records (no hand-typed previous block).

    Old version: revenue FY23E typed as 998,000; new: 717,289 x 1.185 x 1.118 = 950,286.
    Old target: EV/EBITA 13.5 x FY23E adjusted EBITA 178,000 = 2,403,000, plus net cash
    350,000 x (1 - 0.30) = 245,000 -> 2,648,000 / 21,500 shares = Rmb123.163 per share;
    per ADS 123.163 x 8 / 6.35 = US$155.17 -> US$155 (steps of 5);
    per H share 123.163 / 0.8150 = HK$151.12 -> HK$151.
    """
    from reportgen.compare.previous import previous_from_ledger
    from reportgen.note import load_assumptions
    from reportgen.record.ledger import ledger_path, load_ledger

    note = Path(__file__).resolve().parent.parent / "assumptions" / "alibaba-results-3qfy22"
    a = load_assumptions(note)
    previous = previous_from_ledger(note, load_ledger(ledger_path(note.parent)), a.company.note.date)
    assert previous is not None
    old, new = previous.assumptions.run.lines["revenue"], a.run.lines["revenue"]
    year = new.timeline.normalise(2023)
    assert old.value(year) == 998_000
    assert new.value(year) == pytest.approx(717_289 * 1.185 * 1.118)
    assert previous.valuation.fair_value == pytest.approx(2_648_000 / 21_500)
    assert previous.valuation.targets["ads"].fair_value == 155
    assert previous.valuation.targets["h"].fair_value == 151
    assert previous.valuation.targets["ads"].rating == "Buy"


def test_transcript_outside_the_assumptions_is_refused_unread(results_copy: Path, tmp_path: Path) -> None:
    """The transcript is read like every input: a link out of the assumptions is refused
    without opening it, so nothing of the outside file reaches the message."""
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP-SECRET-TEXT\n" + (results_copy / "transcript.txt").read_text())
    (results_copy / "transcript.txt").unlink()
    (results_copy / "transcript.txt").symlink_to(outside)
    result = CliRunner().invoke(main, ["check", str(results_copy)])
    assert result.exit_code == 2
    assert "transcript" in result.output and "TOP-SECRET" not in result.output
    assert "Traceback" not in result.output
