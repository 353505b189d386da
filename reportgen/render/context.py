"""Model results -> NoteContext: the one typed object the templates and the prose read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from reportgen.compare.bridge import Bridge
from reportgen.compare.bridge_exhibits import bridge_keys, build_bridge_table, shows
from reportgen.compare.changes import Changes, build_changes
from reportgen.compare.previous import PreviousVersion
from reportgen.exhibits.charts.build import Chart, Charts
from reportgen.exhibits.line_tables import Table, build_table
from reportgen.inputs.periods import Timeline
from reportgen.inputs.units import Unit, parse_unit
from reportgen.model.engine import ModelRun
from reportgen.model.line import Quantity
from reportgen.model.performance import TradingStats, build_trading_stats
from reportgen.model.valuation import MethodValue, Target, Valuation
from reportgen.note import Assumptions
from reportgen.record.coverage import Coverage
from reportgen.record.history import History

if TYPE_CHECKING:
    from reportgen.results.review import Results


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


@dataclass(frozen=True)
class Placed:
    """An exhibit where a section places it: a table or a chart."""

    kind: str
    key: str
    item: Table | Chart


@dataclass(frozen=True)
class NoteContext:
    """Everything a template may read. No arithmetic happens after this point."""

    a: Assumptions
    run: ModelRun
    valuation: Valuation
    charts: Charts
    tables: MappingProxyType[str, Table]
    prose_values: MappingProxyType[str, Any]
    generated: dt.date
    coverage: Coverage
    trading: MappingProxyType[str, TradingStats]
    #: The version this note is compared with, if any (revisions, the target-price bridge).
    previous: PreviousVersion | None = None
    results: Results | None = None
    """The reported quarter, for a results note (note.kind: results)."""
    #: What moved since ``previous`` (previous rating and targets, the cover's change line).
    changes: Changes | None = None
    #: Earlier calls from the ledger, then this one (appendix table, price chart).
    history: History | None = None
    #: Declared exhibits left out of this build (a target bridge with nothing to bridge).
    omitted: frozenset[str] = frozenset()

    @property
    def timeline(self) -> Timeline:
        return self.run.timeline

    def exhibit(self, key: str) -> Placed:
        """A declared exhibit by key (the narrative's checks guarantee it exists)."""
        if key in self.tables:
            return Placed("table", key, self.tables[key])
        return Placed("chart", key, self.charts[key])

    @property
    def logo_src(self) -> str | None:
        """Where build.py puts the house logo, relative to the HTML."""
        return f"assets/house/logo{self.a.logo.suffix.lower()}" if self.a.logo else None

    @property
    def targets(self) -> tuple[Target, ...]:
        """Targets in listing order (the first listing leads the cover)."""
        return tuple(self.valuation.targets[li.key] for li in self.a.company.listings)

    @property
    def ratings_differ(self) -> bool:
        """True when listings fall in different rating bands (shown per listing on the cover)."""
        return len({t.rating for t in self.targets}) > 1

    @property
    def rating(self) -> str:
        """The note's rating: the lead listing's."""
        return self.targets[0].rating

    @property
    def fair_value(self) -> Quantity:
        """Fair value per share in the reporting currency, for the money filter."""
        return self.prose_values["val"].fair_value  # type: ignore[no-any-return]

    @property
    def price_source(self) -> str:
        """How prices are sourced, said plainly when they are the analyst's illustration."""
        note = self.a.company.note
        if note.illustrative_prices:
            return "Illustrative prices (analyst's assumption), not market data"
        return f"Source: exchange closing prices to {note.price_date.strftime('%-d %b %Y')}"

    @property
    def title(self) -> str:
        """Document title, also the PDF's /Title."""
        c = self.a.company
        tickers = ", ".join(li.ticker for li in c.listings)
        return f"{c.company.name} ({tickers}): {c.note.title}"


def build_prose_values(run: ModelRun, val: Valuation, reporting_currency: str) -> dict[str, Any]:
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
    return {"lines": Namespace(**run.lines), "cases": cases, "val": val_ns}


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


def build_context(
    a: Assumptions,
    val: Valuation,
    charts: Charts,
    coverage: Coverage,
    *,
    previous: PreviousVersion | None = None,
    results: Results | None = None,
    history: History | None = None,
    bridge: Bridge | None = None,
) -> NoteContext:
    """Assemble tables and prose values; the note date is the publication date (deterministic)."""
    src = f"Source: company reports, {a.house.short_name} estimates"
    omitted = frozenset() if shows(bridge) else bridge_keys(a.exhibits.tables, a.exhibits.charts)
    tables = {
        key: build_table(
            key, spec, a.run, val, a.company, src, previous.assumptions.run if previous else None
        )
        for key, spec in a.exhibits.tables.items()
        if spec.kind != "bridge"
    }
    if bridge is not None and shows(bridge):
        for key, spec in a.exhibits.tables.items():
            if spec.kind == "bridge":
                table = build_bridge_table(key, spec, bridge, a.company)
                tables[key] = replace(table, source=f"Source: {spec.source}" if spec.source else src)
    prose = build_prose_values(a.run, val, a.company.company.reporting_currency)
    if results is not None:
        from reportgen.results.review import prose_values

        tables.update(results.tables)
        prose.update(prose_values(results))
    return NoteContext(
        a=a,
        run=a.run,
        valuation=val,
        charts=charts,
        tables=MappingProxyType(tables),
        prose_values=MappingProxyType(prose),
        generated=a.company.note.date,
        coverage=coverage,
        trading=MappingProxyType(
            build_trading_stats(a.prices, a.company.note.price_date) if a.prices is not None else {}
        ),
        previous=previous,
        results=results,
        changes=build_changes(a, val, previous),
        history=history,
        omitted=omitted,
    )
