"""Declared tables -> Table, through the table-kind registry: the one place a table kind is looked up.

Each family of kinds registers its builders in its own module (line tables, valuation tables,
the target bridge); the registry imports those modules the first time a kind is looked up, so
this stage never imports the later one that holds the bridge table.
A builder returns None when its table has nothing to show in this build (a bridge with no
previous version): the section goes on without it.
"""

from __future__ import annotations

from dataclasses import replace

from reportgen.exhibits.table import Table, TableInputs
from reportgen.inputs.schema import TableSpec
from reportgen.registry import TABLE_KINDS


def build_table(key: str, spec: TableSpec, inputs: TableInputs, default_source: str) -> Table | None:
    """One declared table as raw cells, or None; ``default_source``: the Source: line if none is declared."""
    table: Table | None = TABLE_KINDS[spec.kind](key, spec, inputs)
    if table is None:
        return None
    # A declared source wins; a table that knows its own (a dataset's citation) keeps it.
    return replace(table, source=f"Source: {spec.source}" if spec.source else table.source or default_source)


def build_tables(specs: dict[str, TableSpec], inputs: TableInputs, default_source: str) -> dict[str, Table]:
    """Every declared table that shows in this build, in declaration order."""
    out: dict[str, Table] = {}
    for key, spec in specs.items():
        table = build_table(key, spec, inputs, default_source)
        if table is not None:
            out[key] = table
    return out
