"""Model results -> NoteContext: the one typed object the templates and the prose read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from reportgen.compare.bridge import Bridge
from reportgen.compare.bridge_exhibits import bridge_keys, shows
from reportgen.compare.changes import Changes, build_changes
from reportgen.compare.previous import PreviousVersion
from reportgen.exhibits.charts.build import Chart, Charts
from reportgen.exhibits.images import Figure, figure
from reportgen.exhibits.prose_values import build_prose_values
from reportgen.exhibits.table import Table, TableInputs
from reportgen.exhibits.tables import build_tables
from reportgen.inputs.periods import Timeline
from reportgen.model.engine import ModelRun
from reportgen.model.line import Quantity
from reportgen.model.performance import TradingStats, build_trading_stats
from reportgen.model.valuation import Target, Valuation
from reportgen.note import Assumptions
from reportgen.record.coverage import Coverage
from reportgen.record.history import History

if TYPE_CHECKING:
    from reportgen.results.review import Results


@dataclass(frozen=True)
class Placed:
    """An exhibit where a section places it: a table or a chart."""

    kind: str
    key: str
    item: Table | Chart | Figure


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

    def placed(self, exhibits: list[str | list[str]]) -> list[list[str]]:
        """A section's exhibits as rows of one (or a pair of two), leaving out what this build omits."""
        rows = [[item] if isinstance(item, str) else list(item) for item in exhibits]
        kept = [[key for key in row if key not in self.omitted] for row in rows]
        return [row for row in kept if row]

    def exhibit(self, key: str) -> Placed:
        """A declared exhibit by key (the narrative's checks guarantee it exists)."""
        if key in self.tables:
            return Placed("table", key, self.tables[key])
        if key in self.a.exhibits.images:
            spec = self.a.exhibits.images[key]
            return Placed("image", key, figure(key, spec, self.a.pictures[key]))
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
    inputs = TableInputs(
        a.run, val, a.company, previous.assumptions.run if previous else None, bridge, a.datasets
    )
    tables = build_tables(a.exhibits.tables, inputs, src)
    prose = build_prose_values(a.run, val, a.company.company.reporting_currency, a.datasets)
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
