"""Benchmark: wall time and peak memory of the ways reportgen is used, against the targets of issue 11.

    python bench/run.py [--runs 5] [--batch 50] [--batch-runs 2] [--json build/bench/results.json]

Every measurement is a fresh ``reportgen`` process (or, for ``watch``, one persistent process),
timed from outside; peak memory is the child's ``ru_maxrss`` from ``os.wait4``. Ratios are taken
within this one run, so a busy machine shifts numerator and denominator alike. Figures are medians
with min and max. No timing is asserted anywhere in the test suite; this script is the place.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORTGEN = str(BIN / "reportgen")
DEFAULT_NOTE = "alibaba-cloud"


@dataclass
class Figure:
    """One measured quantity over several runs."""

    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process tree
    notes: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


_CPU: list[float] = []  # CPU seconds of each child timed, in order (read by ``repeat``)


def timed(cmd: list[str]) -> tuple[float, float, str, str]:
    """(wall seconds, peak RSS MiB, stdout, stderr) of one child, reaped with wait4 for its own rusage."""
    with tempfile.TemporaryFile() as err_file:  # a verbose batch logs a lot: not through a pipe
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err_file)
        assert proc.stdout
        out = proc.stdout.read().decode()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    _CPU.append(usage.ru_utime + usage.ru_stime)
    return wall, usage.ru_maxrss / 1024, out, err


def narrative_edit(note: Path) -> None:
    path = note / "narrative.yaml"
    text = path.read_text(encoding="utf-8")
    titles = list(re.finditer(r"^  - title: (.*)$", text, re.MULTILINE))
    if not titles:
        raise SystemExit(f"bench: no risk title in {path}")
    last = titles[-1]
    title = last[1]
    new = title[: -len(" (revised)")] if title.endswith(" (revised)") else f"{title} (revised)"
    path.write_text(text[: last.start(1)] + new + text[last.end(1) :], encoding="utf-8")


_ORIGINAL: dict[Path, str] = {}


def growth_edit(note: Path) -> None:
    """One growth rate nudged by a hundredth of a point and back: the model, tables and charts change."""
    path = note / "model.yaml"
    text = path.read_text(encoding="utf-8")
    if path in _ORIGINAL:
        path.write_text(_ORIGINAL.pop(path), encoding="utf-8")
        return
    found = re.search(r"growth: \{(\d{4}): (-?[0-9.]+)", text)
    if found is None:
        raise SystemExit(f"bench: no growth path in {path}")
    _ORIGINAL[path] = text
    nudged = f"{float(found[2]) + 0.0001:.6g}"
    path.write_text(text[: found.start(2)] + nudged + text[found.end(2) :], encoding="utf-8")


def chart_specs(note: Path, out: Path) -> None:
    """Every chart spec of the note, as the build renders them (for the floor)."""
    from reportgen import build as build_mod
    from reportgen.build import render_html
    from reportgen.exhibits.charts.build import build_charts as real_build_charts
    from reportgen.exhibits.charts.svg import VL_VERSION
    from reportgen.resources import TEMPLATES

    specs: list[object] = []

    def capture(*args: object, **kwargs: object) -> object:
        charts = real_build_charts(*args, **kwargs)  # type: ignore[arg-type]
        specs.extend(c.spec for c in charts.items)
        return charts

    build_mod.build_charts = capture  # type: ignore[assignment]
    try:
        render_html(note, TEMPLATES)
    finally:
        build_mod.build_charts = real_build_charts
    out.write_text(json.dumps({"vl_version": VL_VERSION, "specs": specs}), encoding="utf-8")


def repeat(n: int, f: Callable[[int], tuple[float, float]], fig: Figure) -> Figure:
    for i in range(n):
        wall, rss = f(i)
        fig.seconds.append(wall)
        fig.rss_mib.append(rss)
        fig.cpu.append(_CPU[-1] if _CPU else float("nan"))
        print(f"  {fig.name}: run {i + 1}/{n}: {wall:.2f}s, {rss:.0f} MiB", file=sys.stderr, flush=True)
    return fig


def single_note(args: argparse.Namespace, work: Path, figs: dict[str, Figure]) -> dict[str, Figure]:
    # A clone sharing this repository's objects: the default note compares with the version its
    # ledger line records, rebuilt from git history, as a real build does (and as it costs).
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(work / "repo")], check=True)
    note = work / "repo" / "assumptions" / args.note
    build = [REPORTGEN, "build", str(note)]

    def cold(i: int) -> tuple[float, float]:
        wall, rss, *_ = timed([*build, "--out", str(work / f"cold-{i}")])
        return wall, rss

    figs["cold"] = repeat(args.runs, cold, Figure("cold build"))

    specs = work / "specs.json"
    chart_specs(note, specs)
    html = work / "cold-0" / note.name / f"{note.name}.html"
    fonts = ROOT / "templates" / "assets" / "fonts"

    def floor(i: int) -> tuple[float, float]:
        wall, rss, *_ = timed(
            [
                sys.executable,
                str(ROOT / "bench" / "floor.py"),
                str(specs),
                str(html),
                str(fonts),
                str(work / f"floor-{i}.pdf"),
            ]
        )
        return wall, rss

    figs["floor"] = repeat(args.runs, floor, Figure("floor (vl-convert + WeasyPrint)"))

    warm = work / "warm"
    timed([*build, "--out", str(warm)])

    def after(edit: Callable[[Path], None], *extra: str) -> Callable[[int], tuple[float, float]]:
        def once(_i: int) -> tuple[float, float]:
            edit(note)
            wall, rss, out, _err = timed([*build, "--out", str(warm), *extra])
            if "built " not in out:
                raise SystemExit(f"bench: the edit did not trigger a rebuild: {out}")
            return wall, rss

        return once

    figs["narrative"] = repeat(args.runs, after(narrative_edit), Figure("rebuild, narrative edit"))
    figs["growth"] = repeat(args.runs, after(growth_edit), Figure("rebuild, growth edit"))

    def noop(_i: int) -> tuple[float, float]:
        wall, rss, out, _err = timed([*build, "--out", str(warm)])
        if "up to date" not in out:
            raise SystemExit(f"bench: an unchanged note was rebuilt: {out}")
        return wall, rss

    figs["noop"] = repeat(args.runs, noop, Figure("no change (up to date)"))
    figs["html_only"] = repeat(
        args.runs, after(narrative_edit, "--html-only"), Figure("HTML-only, narrative edit")
    )

    def html_cold(i: int) -> tuple[float, float]:
        wall, rss, *_ = timed([*build, "--out", str(work / f"html-cold-{i}"), "--html-only"])
        return wall, rss

    figs["html_only_cold"] = repeat(args.runs, html_cold, Figure("HTML-only, cold"))

    figs.update(watch(args, note, work))
    return figs


def watch(args: argparse.Namespace, note: Path, work: Path) -> dict[str, Figure]:
    """Save -> HTML preview published, and save -> PDF published, in one persistent process."""
    html_fig, pdf_fig = Figure("watch: save -> HTML preview"), Figure("watch: save -> PDF")
    proc = subprocess.Popen(
        [REPORTGEN, "watch", str(note), "--out", str(work / "watch"), "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout
    try:

        def wait_for(prefix: str) -> float:
            while True:
                line = proc.stdout.readline()  # type: ignore[union-attr]
                if not line:
                    raise SystemExit("bench: watch stopped")
                if line.startswith("Error"):
                    raise SystemExit(f"bench: watch failed: {line}")
                if line.startswith(prefix):
                    return time.perf_counter()

        wait_for("pdf")  # the first, cold build
        for i in range(args.runs):
            time.sleep(0.3)
            saved = time.perf_counter()
            narrative_edit(note)
            html_fig.seconds.append(wait_for("html") - saved)
            pdf_fig.seconds.append(wait_for("pdf") - saved)
            print(
                f"  watch: run {i + 1}: html {html_fig.seconds[-1]:.2f}s pdf {pdf_fig.seconds[-1]:.2f}s",
                file=sys.stderr,
            )
    finally:
        proc.terminate()
        proc.wait()
    return {"watch_html": html_fig, "watch_pdf": pdf_fig}


_WORKER = re.compile(r"worker (\d+): note (\d+) \(.*?\): RSS (\d+) MiB")


def batch(args: argparse.Namespace, work: Path, _figs: dict[str, Figure]) -> dict[str, Figure]:
    from reportgen.commands.universe import write_universe

    universe = work / "universe"
    write_universe(universe, args.batch, ROOT / "assumptions" / "house.yaml", seed=2026)
    figs: dict[str, Figure] = {}
    for jobs in (1, 2):
        fig = Figure(f"batch of {args.batch}, --jobs {jobs}")
        first_last: list[str] = []
        for i in range(args.batch_runs):
            out = work / f"batch-{jobs}-{i}"
            wall, rss, _out, err = timed(
                [REPORTGEN, "-v", "build", str(universe), "--out", str(out), "--jobs", str(jobs)]
            )
            fig.seconds.append(wall)
            fig.rss_mib.append(rss)
            fig.cpu.append(_CPU[-1])
            per_worker: dict[str, list[tuple[int, int]]] = {}
            for m in _WORKER.finditer(err):
                per_worker.setdefault(m[1], []).append((int(m[2]), int(m[3])))
            for pid, seen in sorted(per_worker.items()):
                (n1, rss1), (n2, rss2) = seen[0], seen[-1]
                first_last.append(f"worker {pid}: RSS {rss1} MiB after note {n1}, {rss2} MiB after note {n2}")
            print(f"  {fig.name}: run {i + 1}: {wall:.1f}s", file=sys.stderr, flush=True)
        fig.notes = "; ".join(first_last[-2:] if jobs == 2 else first_last[-1:])
        figs[f"batch_{jobs}"] = fig
    return figs


def scale(args: argparse.Namespace, work: Path, _figs: dict[str, Figure]) -> dict[str, Figure]:
    """Cold builds of one synthetic company at 1x, 2x and 4x its tables (and charts, pages)."""
    from reportgen.commands.universe import write_universe

    figs: dict[str, Figure] = {}
    for k in (1, 2, 4):
        root = work / f"scale-{k}"
        (note,) = write_universe(root, 1, ROOT / "assumptions" / "house.yaml", seed=99, repeat=k)

        def cold(i: int, note: Path = note, k: int = k) -> tuple[float, float]:
            wall, rss, *_ = timed([REPORTGEN, "build", str(note), "--out", str(work / f"scale-out-{k}-{i}")])
            return wall, rss

        fig = repeat(args.runs, cold, Figure(f"synthetic note, {k}x tables"))
        pdf = work / f"scale-out-{k}-0" / note.name / f"{note.name}.pdf"
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        found = re.search(r"Pages:\s+(\d+)", pages)
        fig.notes = f"{found[1] if found else '?'} pages"
        figs[f"scale_{k}"] = fig
    return figs


def report(figs: dict[str, Figure], args: argparse.Namespace) -> dict[str, object]:
    m = {k: f.median for k, f in figs.items()}
    ratios: list[tuple[str, float, str, bool]] = []

    def target(name: str, value: float, goal: str, ok: bool) -> None:
        ratios.append((name, value, goal, ok))

    def have(*keys: str) -> bool:
        return all(k in m for k in keys)

    if have("cold", "floor"):
        target("cold / floor", m["cold"] / m["floor"], "<= 1.15", m["cold"] / m["floor"] <= 1.15)
        cpu = statistics.median(figs["cold"].cpu) / statistics.median(figs["floor"].cpu)
        target("cold / floor, CPU time (busy machines)", cpu, "(report)", True)
    if have("cold", "narrative"):
        ratio = m["narrative"] / m["cold"]
        target("narrative rebuild / cold", ratio, "<= 0.5", ratio <= 0.5)
        cpu = statistics.median(figs["narrative"].cpu) / statistics.median(figs["cold"].cpu)
        target("narrative rebuild / cold, CPU time", cpu, "(report)", True)
    if have("watch_html", "watch_pdf"):
        target("watch: save -> HTML preview (s)", m["watch_html"], "<= 0.3", m["watch_html"] <= 0.3)
        target("watch: save -> PDF (s)", m["watch_pdf"], "<= 1.0", m["watch_pdf"] <= 1.0)
    if have("cold"):
        peak = max(figs["cold"].rss_mib)
        target("peak memory, one note (MiB)", peak, "<= 350", peak <= 350)
    if have("batch_1", "batch_2"):
        speedup = m["batch_1"] / m["batch_2"]
        target("batch: --jobs 2 speed-up", speedup, ">= 1.7", speedup >= 1.7)
    if have("batch_1", "cold"):
        per = m["batch_1"] / args.batch / m["cold"]
        target("batch: per note (--jobs 1) / cold", per, "<= 0.6", per <= 0.6)
        cpu = statistics.median(figs["batch_1"].cpu) / args.batch / statistics.median(figs["cold"].cpu)
        target("batch: per note / cold, CPU time", cpu, "(report)", True)
    if have("scale_1", "scale_2", "scale_4"):
        growth = m["scale_4"] / m["scale_1"]
        target("4x tables: time ratio", growth, "<= 4.5", growth <= 4.5)
        target("4x tables: exponent log(t4/t1)/log 4", math.log(growth) / math.log(4), "(report)", True)
        half = m["scale_2"] / m["scale_1"]
        target("2x tables: exponent log(t2/t1)/log 2", math.log(half) / math.log(2), "(report)", True)

    print()
    print(f"{'measurement':<34} {'median':>8} {'min':>8} {'max':>8} {'peak MiB':>9}  notes")
    for f in figs.values():
        rss = f"{max(f.rss_mib):>9.0f}" if f.rss_mib else f"{'':>9}"
        print(
            f"{f.name:<34} {f.median:>7.2f}s {min(f.seconds):>7.2f}s {max(f.seconds):>7.2f}s {rss}  {f.notes}"
        )
    print()
    print(f"{'target':<40} {'measured':>9}  {'goal':<8} met")
    for name, value, goal, ok in ratios:
        print(f"{name:<40} {value:>9.2f}  {goal:<8} {'yes' if ok else 'NO'}")
    return {
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "figures": {k: {**asdict(f), "median": f.median} for k, f in figs.items()},
        "targets": [{"name": n, "measured": v, "goal": g, "met": ok} for n, v, g, ok in ratios],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per single-note measurement")
    parser.add_argument("--batch", type=int, default=50, help="notes in the batch universe (0: skip)")
    parser.add_argument("--batch-runs", type=int, default=2, help="runs per batch measurement")
    parser.add_argument("--note", default=DEFAULT_NOTE, help="note of assumptions/ for single-note figures")
    parser.add_argument("--only", choices=["single", "batch", "scale"], action="append", help="parts to run")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench" / "results.json")
    args = parser.parse_args()
    parts = args.only or ["single", "batch", "scale"]
    figs: dict[str, Figure] = {}
    failures: dict[str, str] = {}
    steps = {"single": single_note, "batch": batch, "scale": scale}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        for part in parts:
            if part == "batch" and not args.batch:
                continue
            try:  # a part that fails is reported; the others still run
                figs.update(steps[part](args, Path(tmp) / part, figs))
            except SystemExit as exc:
                failures[part] = str(exc)
                print(f"bench: {part} failed: {exc}", file=sys.stderr)
    results = report(figs, args)
    results["failures"] = failures
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
