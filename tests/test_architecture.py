"""The package's shape: no import circles, small modules, no private names crossing modules.

Read from the source with ``ast`` (nothing is imported), so a circle that only shows under
``TYPE_CHECKING`` or inside a function still counts: it is still two modules that each need
the other, which is what makes a stage impossible to read, test or move on its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
#: Declarative modules allowed to be long: the schema is one big job (every field, documented).
LONG_ALLOWED = {"reportgen.inputs.schema"}
MAX_LINES = 500


def _modules(root: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, str]]:
    """(module imported, name imported or '') for every import of the package in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not node.module.startswith("reportgen"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield (sub, "") if sub in modules else (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reportgen"):
                    yield alias.name, ""


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package modules it imports (a package's own ``__init__`` is not implied)."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {target for target, _ in _imports(path, modules) if target in modules} - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_cycle_finder_finds_a_circle_and_passes_a_line() -> None:
    """The check itself can fail: a two-module circle and a three-module one are found."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "reportgen"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "one.py").write_text("def f():\n    from reportgen.two import g\n")
    (pkg / "two.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import reportgen.one\n"
    )
    assert cycles(import_graph(pkg)) == [["reportgen.one", "reportgen.two"]]


def test_no_import_circles() -> None:
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("name", sorted(_modules(PACKAGE)))
def test_modules_stay_small(name: str) -> None:
    """One job per module; past ~500 lines a module is doing several (the schema excepted)."""
    if name in LONG_ALLOWED:
        return
    lines = _modules(PACKAGE)[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by job"


def test_no_private_name_crosses_a_module() -> None:
    modules = _modules(PACKAGE)
    crossing = sorted(
        f"{name} imports {target}.{imported}"
        for name, path in modules.items()
        for target, imported in _imports(path, modules)
        if imported.startswith("_") and not imported.startswith("__")
    )
    assert crossing == []


def test_every_module_says_its_job() -> None:
    """Each module opens with a docstring (the README's layout block is made from them)."""
    missing = [
        name
        for name, path in _modules(PACKAGE).items()
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        and path.read_text(encoding="utf-8").strip()
    ]
    assert missing == []


def test_stages_import_in_pipeline_order() -> None:
    """Data flows one way: an early stage never imports a later one."""
    # record (what was published) comes before compare: the previous version is read from it.
    order = ["inputs", "model", "exhibits", "record", "compare", "render", "output", "commands"]
    rank = {stage: i for i, stage in enumerate(order)}

    def stage(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in rank else None

    backwards = sorted(
        f"{src} -> {dst}"
        for src, targets in import_graph().items()
        for dst in targets
        if (a := stage(src)) and (b := stage(dst)) and rank[b] > rank[a]
    )
    assert backwards == []


def test_the_readme_layout_block_is_current() -> None:
    """The README's map of the package is generated from the docstrings: `make layout` after a move."""
    import importlib.util

    script = PACKAGE.parent / "scripts" / "layout_tree.py"
    spec = importlib.util.spec_from_file_location("layout_tree", script)
    assert spec is not None and spec.loader is not None
    layout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layout)
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    assert layout.tree() in readme, "README.md's layout block is stale: run `make layout`"
