"""The same assumptions give the same bytes in any time zone and locale."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DEFAULT_NOTE

pytestmark = pytest.mark.slow

#: East of UTC+12, UTC itself, and west of UTC; with a non-English locale on one of them.
ZONES = (("Pacific/Kiritimati", "C.UTF-8"), ("UTC", "C.UTF-8"), ("America/Los_Angeles", "C"))


def _build(out: Path, tz: str, locale: str) -> dict[str, str]:
    env = {**os.environ, "TZ": tz, "LC_ALL": locale, "LANG": locale}
    exe = Path(sys.executable).with_name("reportgen")
    subprocess.run([str(exe), "build", str(DEFAULT_NOTE), "--out", str(out)], check=True, env=env)
    folder = out / DEFAULT_NOTE.name
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_builds_are_byte_identical_across_time_zones_and_locales(tmp_path: Path) -> None:
    digests = [_build(tmp_path / tz.replace("/", "-"), tz, loc) for tz, loc in ZONES]
    assert digests[0] == digests[1] == digests[2]
    assert any(name.endswith(".pdf") for name in digests[0])
    assert "assets/charts/price.svg" in digests[0]
