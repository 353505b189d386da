"""The names the analyst's prose may quote: model lines, cases, valuation values, datasets, read-only.

The sandboxed prose sees nothing but what is built here, so a figure in a sentence is always
one the model computed. Note types add their own names (a results note's reported quarter).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from reportgen.inputs.datasets import Column, Dataset
from reportgen.inputs.units import Unit, parse_unit
from reportgen.model.engine import ModelRun
from reportgen.model.line import Quantity
from reportgen.model.valuation import MethodValue, Valuation


class Namespace:
    """Read-only attribute bag for the sandboxed prose: ``lines.revenue``, ``val.targets.ads``."""

    def __init__(self, **items: Any) -> None:
        object.__setattr__(self, "_items", MappingProxyType(dict(items)))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(f"no value named '{name}'; have {', '.join(self._items)}") from None

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("model values are read-only")


def build_prose_values(
    run: ModelRun, val: Valuation, reporting_currency: str, datasets: Mapping[str, Dataset] | None = None
) -> dict[str, Any]:
    """The names the analyst's prose may use. Nothing else is reachable from the sandbox."""
    cases = Namespace(**{key: Namespace(**case.lines) for key, case in run.cases.items()})
    per_share = parse_unit(f"{reporting_currency} per share")
    money = parse_unit(val.unit)
    val_ns = Namespace(
        year=val.year,
        fair_value=Quantity(val.fair_value, per_share),
        equity_value=Quantity(val.equity_value, money),
        targets=Namespace(**val.targets),
        parts=Namespace(**{p.key: p for p in val.parts}),
        methods=Namespace(**{m.key: _method_values(m, money, per_share) for m in val.methods}),
        lead=_method_values(val.lead, money, per_share),
    )
    data = Namespace(**{key: dataset_values(ds) for key, ds in (datasets or {}).items()})
    return {"lines": Namespace(**run.lines), "cases": cases, "val": val_ns, "data": data}


def dataset_values(ds: Dataset) -> Namespace:
    """``data.<dataset>["<row>"]``: the row's value (its unit attached) when the dataset names a
    value column, else the row's cells by column (``data.prices["Qwen3-Max"].output``)."""
    if ds.key_column is None:
        return Namespace()
    k = ds.index(ds.key_column)
    rows: dict[str, Any] = {}
    for row in ds.rows:
        cells = {c.key: _cell(v, c) for c, v in zip(ds.columns, row, strict=True)}
        rows[str(row[k])] = cells[ds.value_column] if ds.value_column else Namespace(**cells)
    return Namespace(**rows)


def _cell(value: Any, column: Column) -> Any:
    if isinstance(value, float) and column.unit is not None:
        return Quantity(value, column.unit)
    return value


def _method_values(m: MethodValue, money: Unit, per_share: Unit) -> Namespace:
    """What prose may quote about one method: ``val.methods.dcf.wacc``, ``val.lead.label``."""
    dcf = m.dcf
    items: dict[str, Any] = {
        "label": m.label,
        "kind": m.kind,
        "weight": m.weight,
        "per_share": Quantity(m.per_share, per_share),
        "equity_value": Quantity(m.equity_value, money),
        "parts": Namespace(**{p.key: p for p in m.parts}),
        "bridge": Namespace(**{b.key: b for b in m.bridge}),
        "holding_discount": m.holding_discount,
    }
    if m.enterprise_value is not None:
        items["enterprise_value"] = Quantity(m.enterprise_value, money)
    if dcf is not None:
        items.update(
            wacc=dcf.wacc.rate,
            terminal_share=dcf.terminal_share,
            mid_year=dcf.mid_year,
            first=dcf.years[0].period,
            last=dcf.years[-1].period,
        )
        if dcf.growth is not None:
            items["growth"] = dcf.growth
        if dcf.exit_multiple is not None:
            items["exit_multiple"] = dcf.exit_multiple
        if dcf.wacc.build is not None:
            items["cost_of_equity"] = dcf.wacc.cost_of_equity
            items["beta"] = dcf.wacc.build.beta
            items["gearing"] = dcf.wacc.build.gearing
    return Namespace(**items)
