"""Benchmark: median wall time and peak memory of building the default note (5 runs).

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


def main() -> None:
    exe = Path(sys.executable).with_name("reportgen")
    times: list[float] = []
    peaks: list[int] = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "build", str(ROOT / "assumptions"), "--out", out], check=True, capture_output=True
            )
            times.append(time.perf_counter() - start)
            peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    print(
        f"build of assumptions/ ({RUNS} runs): median {statistics.median(times):.2f}s, "
        f"min {min(times):.2f}s, max {max(times):.2f}s; peak RSS {max(peaks) / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
