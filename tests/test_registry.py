"""The registry mechanism itself: order, duplicates, lazy loading of the home module, messages."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from reportgen.registry import Registry


def test_names_are_alphabetical_whatever_the_import_order_and_lookup_works() -> None:
    reg: Registry[int] = Registry("widget", "json")
    reg.register("b", 2)
    reg.register("C", 3)
    reg.register("a", 1)
    assert reg.names() == ("a", "b", "C")
    assert list(reg.items()) == [("a", 1), ("b", 2), ("C", 3)]
    assert reg["a"] == 1 and "b" in reg and "c" not in reg
    assert reg.expected() == "'a', 'b' or 'C'"


def test_decorator_form_returns_its_target() -> None:
    reg: Registry[object] = Registry("widget", "json")

    @reg.register("f")
    def f() -> int:
        return 7

    assert reg["f"] is f and f() == 7


def test_a_name_registered_twice_is_refused() -> None:
    reg: Registry[int] = Registry("widget", "json")
    reg.register("x", 1)
    with pytest.raises(RuntimeError, match="widget 'x' is registered twice"):
        reg.register("x", 2)


def test_the_home_module_is_imported_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    reg: Registry[int] = Registry("widget", "_reportgen_test_home")
    home = types.ModuleType("_reportgen_test_home")
    imported: list[str] = []

    def fake_import(name: str) -> types.ModuleType:
        imported.append(name)
        reg.register("late", 3)
        return home

    monkeypatch.setattr("reportgen.registry.importlib.import_module", fake_import)
    assert imported == []
    assert reg.names() == ("late",)
    assert reg.names() == ("late",)
    assert imported == ["_reportgen_test_home"]
    assert "_reportgen_test_home" not in sys.modules


def test_check_names_the_kind_and_the_choices() -> None:
    reg: Registry[int] = Registry("widget", "json")
    reg.register("a", 1)
    reg.register("b", 2)
    assert reg.check("a") == "a"
    with pytest.raises(ValueError, match=r"unknown widget 'z'; expected one of 'a', 'b'"):
        reg.check("z")
    node: dict[str, object] = {"type": "string"}
    reg.json_schema(node)
    assert node == {"type": "string", "enum": ["a", "b"]}


def _documented(name: str, doc: str) -> bool:
    return f"`{name}`" in doc or f"kind: {name}" in doc


@pytest.mark.parametrize(
    "registry", ["CHART_KINDS", "TABLE_KINDS", "METHOD_KINDS", "MULTIPLES", "NOTE_TYPES", "PROSE_FILTERS"]
)
def test_every_registered_name_is_in_the_reference(registry: str) -> None:
    import reportgen.registry

    reg: Registry[object] = getattr(reportgen.registry, registry)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
    assert reg.names(), f"{registry} registered nothing: its home modules {reg.homes} did not load"
    assert [n for n in reg.names() if not _documented(n, doc)] == []


def test_the_reference_filter_table_is_the_registry() -> None:
    """Prose may use exactly the filters the reference lists: no undocumented one, no stale row."""
    from reportgen.registry import PROSE_FILTERS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
    table = doc.split("| filter | prints |", 1)[1].split("\n\n", 1)[0]
    listed = {
        name for row in table.splitlines()[2:] for name in re.findall(r"`(\w+)`", row.split(" | ", 1)[0])
    }
    assert listed == set(PROSE_FILTERS.names())
