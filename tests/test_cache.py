"""The content-addressed cache: same key, same text; damaged entries are never served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.output.cache import TextCache, cached_svg, digest


def test_digest_separates_parts() -> None:
    # Without length prefixes "ab"+"c" and "a"+"bc" would hash alike.
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a", "b") == digest("a", "b")


def test_an_entry_written_by_one_process_is_read_by_another(tmp_path: Path) -> None:
    TextCache(tmp_path).put("k1", "<svg>one</svg>")
    fresh = TextCache(tmp_path)  # nothing in memory: must come from disk
    assert fresh.get("k1") == "<svg>one</svg>"
    assert (fresh.hits, fresh.misses) == (1, 0)
    assert fresh.get("other") is None
    assert fresh.misses == 1


def test_a_damaged_entry_is_ignored_removed_and_rewritten(tmp_path: Path) -> None:
    TextCache(tmp_path).put("k1", "<svg>one</svg>")
    entry = tmp_path / "k1"[:2] / "k1"
    entry.write_bytes(entry.read_bytes()[:-3])  # truncated, as by a crash mid-write
    assert TextCache(tmp_path).get("k1") is None
    assert not entry.exists()
    TextCache(tmp_path).put("k1", "<svg>one</svg>")
    assert TextCache(tmp_path).get("k1") == "<svg>one</svg>"


def test_an_unwritable_cache_only_costs_a_render(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = TextCache(blocker / "cache")  # cannot be created
    cache.put("k1", "x")  # no error
    assert cache.get("k1") == "x"  # still served from memory in this process


def test_memory_layer_is_bounded() -> None:
    cache = TextCache(None, memory=2)
    for key in ("a", "b", "c"):
        cache.put(key, key)
    assert cache.get("a") is None  # the oldest went
    assert cache.get("c") == "c"


def _counting() -> tuple[list[dict[str, Any]], Any]:
    calls: list[dict[str, Any]] = []

    def render(spec: Any) -> str:
        calls.append(dict(spec))
        return f"<svg>{spec['mark']}</svg>"

    return calls, render


def test_a_spec_is_rendered_once_whatever_its_key_order(tmp_path: Path) -> None:
    calls, render = _counting()
    svg = cached_svg(render, TextCache(tmp_path), salt="v1")
    assert svg({"mark": "bar", "width": 10}) == "<svg>bar</svg>"
    assert svg({"width": 10, "mark": "bar"}) == "<svg>bar</svg>"
    assert len(calls) == 1
    svg({"mark": "bar", "width": 11})  # any change of the spec is a new chart
    assert len(calls) == 2


def test_a_new_renderer_or_font_set_misses_old_entries(tmp_path: Path) -> None:
    calls, render = _counting()
    cached_svg(render, TextCache(tmp_path), salt="fonts-a")({"mark": "bar"})
    cached_svg(render, TextCache(tmp_path), salt="fonts-b")({"mark": "bar"})
    cached_svg(render, TextCache(tmp_path), salt="fonts-a")({"mark": "bar"})
    assert len(calls) == 2  # fonts-a twice (second from disk), fonts-b once


def test_an_entry_that_is_not_svg_is_not_served(tmp_path: Path) -> None:
    calls, render = _counting()
    cache = TextCache(tmp_path)
    svg = cached_svg(render, cache, salt="v1")
    svg({"mark": "bar"})
    (key,) = list(cache.memory)
    cache.put(key, "garbage")  # intact checksum, wrong content
    assert cached_svg(render, TextCache(tmp_path), salt="v1")({"mark": "bar"}) == "<svg>bar</svg>"
    assert len(calls) == 2
