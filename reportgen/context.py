"""Model results -> NoteContext: the one typed object the templates and the prose read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from reportgen.assumptions import Assumptions
from reportgen.charts import Charts
from reportgen.coverage import Coverage
from reportgen.model.forecast import Forecast
from reportgen.model.line import Line
from reportgen.model.market import Market
from reportgen.model.performance import TradingStats, build_trading_stats
from reportgen.model.valuation import Target, Valuation
from reportgen.tables import (
    Table,
    build_capex_table,
    build_cloud_table,
    build_income_table,
    build_market_table,
    build_revisions_table,
    build_sotp_table,
    build_summary_table,
)


class Namespace:
    """Read-only attribute bag for the sandboxed prose: ``cloud.maas``, ``val.targets.ads``."""

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
class NoteContext:
    """Everything a template may read. No arithmetic happens after this point."""

    a: Assumptions
    forecast: Forecast
    market: Market
    valuation: Valuation
    charts: Charts
    tables: MappingProxyType[str, Table]
    prose_values: MappingProxyType[str, Any]
    generated: dt.date
    coverage: Coverage
    trading: MappingProxyType[str, TradingStats]

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
    def title(self) -> str:
        """Document title, also the PDF's /Title."""
        c = self.a.company
        tickers = ", ".join(li.ticker for li in c.listings)
        return f"{c.company.name} ({tickers}): {c.note.title}"


def build_prose_values(fc: Forecast, market: Market, val: Valuation) -> dict[str, Any]:
    """The names the analyst's prose may use. Nothing else is reachable from the sandbox."""
    cloud = {r.key: fc.cloud_line(r.key) for r in fc.cloud_rows}
    total = fc.cloud_line("total")
    ext = fc.external
    cloud_ns = Namespace(total=total, external=Line(ext.key, ext.label, ext.series, total=total), **cloud)
    market_ns = Namespace(**{k: c for k, c in market.cases.items()})
    parts = Namespace(**{p.key: p for p in val.parts})
    val_ns = Namespace(
        year=val.year,
        fair_value=val.fair_value,
        equity_value=val.equity_value,
        targets=Namespace(**val.targets),
        parts=parts,
    )
    fin = Namespace(**{k: fc.fin_line(k) for k in fc.financials.index})
    return {"cloud": cloud_ns, "capex": _CapexView(fc), "market": market_ns, "val": val_ns, "fin": fin}


class _CapexView(Namespace):
    """``capex[2026]`` reads the level; ``capex.ratio`` etc. read the derived series."""

    def __init__(self, fc: Forecast) -> None:
        super().__init__(
            ratio=fc.capex_ratio,
            cumulative=fc.capex_cumulative,
            ratio_all=fc.capex_ratio_all,
            low=float(fc.capex.series.min()),
            high=float(fc.capex.series.max()),
        )
        object.__setattr__(self, "_line", fc.capex)

    def __getitem__(self, year: Any) -> Any:
        if isinstance(year, int):
            return self._line[year]  # type: ignore[attr-defined]
        return super().__getitem__(year)


def build_context(
    a: Assumptions, fc: Forecast, market: Market, val: Valuation, charts: Charts, coverage: Coverage
) -> NoteContext:
    """Assemble tables and prose values; the note date is the publication date (deterministic)."""
    src = f"Source: company reports, {a.house.short_name} estimates"
    first_estimate = min(y for y in market.years if y not in a.scenarios.consumption)
    tables = {
        t.key: t
        for t in (
            build_cloud_table(fc, src),
            build_market_table(market, first_estimate),
            build_capex_table(fc, src),
            build_revisions_table(fc, f"Source: {a.house.short_name} estimates"),
            build_sotp_table(val, a.company, fc.last_actual, f"Source: {a.house.short_name} estimates"),
            build_income_table(fc, src),
            build_summary_table(fc, a.company, src),
        )
    }
    return NoteContext(
        a=a,
        forecast=fc,
        market=market,
        valuation=val,
        charts=charts,
        tables=MappingProxyType(tables),
        prose_values=MappingProxyType(build_prose_values(fc, market, val)),
        generated=a.company.note.date,
        coverage=coverage,
        trading=MappingProxyType(
            build_trading_stats(a.prices, a.company.note.price_date) if a.prices is not None else {}
        ),
    )
