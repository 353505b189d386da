"""Assumptions -> Forecast: the cloud revenue build, capex and the group income statement."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from reportgen.model.line import Line
from reportgen.schema import ForecastFile, Segment

#: Revenue by segment; rev_cloud comes from the cloud build, the rest are inputs.
REVENUE_PARTS = (
    "rev_ecommerce",
    "rev_aidc",
    "rev_cloud",
    "rev_others",
    "rev_unallocated",
    "rev_eliminations",
)
OPEX = (
    "product_development",
    "sales_marketing",
    "general_admin",
    "amortization",
    "impairment",
    "other_operating",
)
#: Segment EBITA; ebita_cloud is cloud revenue times the cloud margin.
EBITA_PARTS = ("ebita_ecommerce", "ebita_cloud", "ebita_others", "ebita_rest")
#: Input lines the income statement needs, each for every financial year.
REQUIRED_LINES = (
    *(k for k in REVENUE_PARTS if k != "rev_cloud"),
    "cost_of_revenue",
    *OPEX,
    "net_income",
    "nci",
    "adj_net_income",
    *(k for k in EBITA_PARTS if k != "ebita_cloud"),
    "diluted_shares",
)


def row(frame: pd.DataFrame, key: str) -> pd.Series:
    """One row of a lines-by-years frame, as a Series (never a frame)."""
    found = frame.loc[key]
    if not isinstance(found, pd.Series):
        raise KeyError(f"line {key!r} is not unique")
    return found


@dataclass(frozen=True)
class SegmentRow:
    """Position of a segment in the cloud build: depth 0 is a top-level segment."""

    key: str
    label: str
    depth: int
    parent: str | None


@dataclass(frozen=True)
class Forecast:
    """Model output. Cloud and capex in reporting-currency bn; financials in mn."""

    years: tuple[int, ...]
    last_actual: int
    cloud_rows: tuple[SegmentRow, ...]
    cloud: pd.DataFrame
    external: Line
    capex: Line
    fin_years: tuple[int, ...]
    financials: pd.DataFrame
    labels: dict[str, str]
    notes: dict[str, str]
    previous: pd.DataFrame
    shares_per_ads: float

    def cloud_line(self, key: str) -> Line:
        """A cloud segment (or 'total') as a Line whose share is of total cloud revenue."""
        total = Line("total", "Cloud revenue", row(self.cloud, "total"))
        if key == "total":
            return total
        label = next(r.label for r in self.cloud_rows if r.key == key)
        return Line(key, label, row(self.cloud, key), total=total)

    def fin_line(self, key: str) -> Line:
        """A group forecast line (Rmb mn)."""
        return Line(key, self.labels.get(key, key), row(self.financials, key))

    @property
    def capex_ratio(self) -> Line:
        """Capex as a share of cloud revenue, year by year."""
        total = row(self.cloud, "total")
        return Line(
            "capex_ratio", "Capex / cloud revenue", self.capex.series / total.reindex(self.capex.series.index)
        )

    @property
    def capex_cumulative(self) -> float:
        """Capex summed over the years it is forecast for."""
        return float(self.capex.series.sum())

    @property
    def capex_ratio_all(self) -> float:
        """Cumulative capex over cumulative cloud revenue for the same years."""
        years = self.capex.series.index
        return self.capex_cumulative / float(row(self.cloud, "total").reindex(years).sum())


def build_forecast(f: ForecastFile, shares_per_ads: float, eps_unit: str = "ADS") -> Forecast:
    """Run the whole forecast. Pure: reads the frozen inputs, returns new frames.

    Earnings per share are per unit of the lead listing (``shares_per_ads`` shares each,
    named ``eps_unit`` in labels).
    """
    years = tuple(range(f.timeline.first_year, f.timeline.last_year + 1))
    rows: list[SegmentRow] = []
    levels: dict[str, pd.Series] = {}
    for seg in f.cloud.segments:
        _build_segment(seg, years, rows, levels, depth=0, parent=None)
    tops = [levels[s.key] for s in f.cloud.segments]
    total = pd.concat(tops, axis=1).sum(axis=1, min_count=len(tops))
    cloud = pd.DataFrame({**{r.key: levels[r.key] for r in rows}, "total": total}).T
    cloud = cloud.reindex(columns=list(years))

    external = pd.Series(f.cloud.external_share, dtype=float) * total.reindex(list(f.cloud.external_share))
    capex = pd.Series(f.capex, dtype=float).sort_index()

    fin_years = tuple(range(f.financials.first_year - 1, f.financials.last_year + 1))
    fin = _build_financials(f, row(cloud, "total"), fin_years, shares_per_ads)
    labels = (
        {k: line.label for k, line in f.financials.lines.items()}
        | DERIVED_LABELS
        | {"eps_ads": f"Non-GAAP EPS per {eps_unit} (diluted)"}
    )
    notes = {k: line.note for k, line in f.financials.lines.items() if line.note}
    previous = pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in f.financials.previous.items()}).T
    return Forecast(
        years=years,
        last_actual=f.timeline.last_actual,
        cloud_rows=tuple(rows),
        cloud=cloud,
        external=Line("external", "External cloud revenue", external.sort_index()),
        capex=Line("capex", "Capital expenditure", capex),
        fin_years=fin_years,
        financials=fin,
        labels=labels,
        notes=notes,
        previous=previous.reindex(columns=list(fin_years)),
        shares_per_ads=shares_per_ads,
    )


DERIVED_LABELS = {
    "rev_cloud": "Cloud Intelligence Group",
    "revenue": "Consolidated revenue",
    "gross_profit": "Gross profit",
    "total_opex": "Total costs and expenses",
    "operating_income": "Operating income (GAAP)",
    "net_income_attrib": "Net income to shareholders (GAAP)",
    "eps_ads": "Non-GAAP EPS per ADS (diluted)",
    "ebita_cloud": "Cloud Intelligence Group adjusted EBITA",
    "adj_ebita": "Adjusted EBITA",
}


def _build_segment(
    seg: Segment,
    years: tuple[int, ...],
    rows: list[SegmentRow],
    levels: dict[str, pd.Series],
    depth: int,
    parent: str | None,
) -> pd.Series:
    """Levels of one segment: a leaf compounds growth from its last given value;
    a parent is the sum of its children where all have values, else its own given values."""
    rows.append(SegmentRow(seg.key, seg.name, depth, parent))
    if seg.children:
        kids = [_build_segment(c, years, rows, levels, depth + 1, seg.key) for c in seg.children]
        summed = pd.concat(kids, axis=1).sum(axis=1, min_count=len(kids))
        given = pd.Series(seg.values, dtype=float).reindex(list(years))
        series = summed.fillna(given)
    else:
        values: list[float] = []
        for year in years:
            if year in seg.values:
                values.append(seg.values[year])
            elif year in seg.growth and values and not math.isnan(values[-1]):
                values.append(values[-1] * (1.0 + seg.growth[year]))
            else:
                values.append(math.nan)
        series = pd.Series(values, index=list(years), dtype=float)
    levels[seg.key] = series
    return series


def _build_financials(
    f: ForecastFile, cloud_total_bn: pd.Series, years: tuple[int, ...], shares_per_ads: float
) -> pd.DataFrame:
    """Group income statement (Rmb mn): inputs plus the lines derived from them."""
    cols = list(years)
    frame = pd.DataFrame(
        {k: pd.Series(line.values, dtype=float) for k, line in f.financials.lines.items()}
    ).T.reindex(columns=cols)
    cloud_mn = cloud_total_bn.reindex(cols) * 1000.0
    margin = pd.Series(f.cloud.ebita_margin, dtype=float).reindex(cols)
    frame.loc["rev_cloud"] = cloud_mn
    frame.loc["ebita_cloud"] = cloud_mn * margin
    segment_sum = frame.loc[list(REVENUE_PARTS)].sum(min_count=len(REVENUE_PARTS))
    if "revenue_prior" in frame.index:
        segment_sum = segment_sum.fillna(frame.loc["revenue_prior"])
    frame.loc["revenue"] = segment_sum
    frame.loc["gross_profit"] = frame.loc["revenue"] - frame.loc["cost_of_revenue"]
    frame.loc["total_opex"] = frame.loc[list(OPEX)].sum(min_count=len(OPEX))
    frame.loc["operating_income"] = frame.loc["gross_profit"] - frame.loc["total_opex"]
    frame.loc["net_income_attrib"] = frame.loc["net_income"] + frame.loc["nci"]
    frame.loc["adj_ebita"] = frame.loc[list(EBITA_PARTS)].sum(min_count=len(EBITA_PARTS))
    frame.loc["eps_ads"] = frame.loc["adj_net_income"] / (frame.loc["diluted_shares"] / shares_per_ads)
    return frame
