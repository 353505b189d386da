"""Benchmark: median wall time and peak memory of building each shipped note (5 runs each).

Run with `make bench`. Each run is a fresh `reportgen build` process, as an analyst runs it.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def bench(exe: Path, note: Path, out: str) -> tuple[list[float], int]:
    """Wall times of RUNS fresh builds of one note, and the largest child RSS seen (KiB)."""
    times: list[float] = []
    peak = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(exe), "build", str(note), "--out", out], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return times, peak


def main() -> None:
    exe = Path(sys.executable).with_name("reportgen")
    notes = sorted(p for p in (ROOT / "assumptions").iterdir() if (p / "company.yaml").is_file())
    print(f"{'note':<28} {'median':>8} {'min':>8} {'max':>8}   ({RUNS} fresh `reportgen build` runs each)")
    with tempfile.TemporaryDirectory() as out:
        for note in notes:
            times, _ = bench(exe, note, out)
            print(
                f"{note.name:<28} {statistics.median(times):>7.2f}s {min(times):>7.2f}s {max(times):>7.2f}s"
            )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS of any build: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
