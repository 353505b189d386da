"""Typed, frozen schema of the assumption files: what an analyst may write, field by field.

Every model is strict (no "12" for 12, no true for 1), forbids unknown keys and is
immutable. Cross-field rules that need the timeline live in ``assumptions.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Year = int
YearMap = dict[Year, float]


class Strict(BaseModel):
    """Base for every assumptions model: strict types, no unknown keys, frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --------------------------------------------------------------------------- house.yaml


class RatingBand(Strict):
    """One rating and the expected-total-return band that earns it."""

    name: str = Field(description="Rating label printed on the note, e.g. 'Buy'.")
    min_return: float | None = Field(
        default=None, description="Lowest expected total return (0.15 = 15%) for this rating."
    )
    definition: str = Field(description="Plain-language definition for the appendix.")


class HouseTexts(Strict):
    """Compliance texts in the house's own words, printed in the appendix."""

    certification: str
    methodology: str
    disclosures: list[str]
    disclaimer: str


class House(Strict):
    """The research house publishing the note: identity, style and policy."""

    name: str = Field(description="House name shown on the cover and in the running header.")
    short_name: str
    division: str = Field(description="Line under the house name, e.g. 'Equity Research'.")
    logo: str | None = Field(default=None, description="SVG or PNG beside house.yaml, shown on the cover.")
    colours: dict[str, str] = Field(description="Palette: primary, accent, and chart series.")
    rating_scheme: list[RatingBand] = Field(
        min_length=2, description="Ratings from the highest threshold down; the last has none."
    )
    texts: HouseTexts


# --------------------------------------------------------------------------- company.yaml


class Listing(Strict):
    """One traded line of the company (ADS, H share, ...), priced in its own currency."""

    key: str
    ticker: str
    exchange: str
    security: str = Field(description="Security type as printed, e.g. 'ADS' or 'H share'.")
    currency: str = Field(description="ISO code; must have an FX rate in company.fx.")
    symbol: str = Field(description="Currency symbol as printed, e.g. 'US$'.")
    price: float = Field(gt=0, description="Closing price on note.price_date.")
    shares_per_unit: float = Field(gt=0, description="Ordinary shares per listed unit (8 per ADS).")
    rounding: float = Field(gt=0, description="Target price is rounded to this step (1, 5, 0.1).")
    dividend_per_unit: float = Field(ge=0, description="Expected dividend per unit, next 12 months.")
    previous_target: float | None = Field(
        default=None, gt=0, description="Target price last published, to show the change on the cover."
    )


class Analyst(Strict):
    """An author of the note."""

    name: str
    title: str
    email: str
    phone: str
    certifying: bool = True


class NoteMeta(Strict):
    """Identity of this publication."""

    title: str
    type: str = Field(description="Note type, e.g. 'Company Update' or 'Initiation'.")
    date: dt.date
    price_date: dt.date
    previous_rating: str | None = None


class Company(Strict):
    """The covered company."""

    name: str
    short_name: str
    sector: str
    country: str
    reporting_currency: str = Field(description="ISO code of the financial statements (CNY).")
    reporting_symbol: str = Field(description="Prefix for money, e.g. 'Rmb'.")
    fiscal_year_end: str = Field(description="Month the fiscal year ends, e.g. 'March'.")
    free_float: float | None = Field(default=None, ge=0, le=1, description="Free float, 0.85 = 85%.")
    shares_outstanding: float | None = Field(
        default=None, gt=0, description="Ordinary shares outstanding (mn), for market cap."
    )


class CompanyFile(Strict):
    """company.yaml: who, what, where it trades, and who wrote the note."""

    company: Company
    note: NoteMeta
    fx: dict[str, float] = Field(description="Reporting currency per one unit of each currency.")
    listings: list[Listing] = Field(min_length=1)
    analysts: list[Analyst] = Field(min_length=1)

    def fx_rate(self, currency: str) -> float:
        """Reporting currency per unit of ``currency`` (1 for the reporting currency itself)."""
        return 1.0 if currency == self.company.reporting_currency else self.fx[currency]


# --------------------------------------------------------------------------- forecast.yaml


class Timeline(Strict):
    """Fiscal years the model spans; years up to last_actual are reported actuals."""

    first_year: int
    last_actual: int
    last_year: int


class Segment(Strict):
    """A cloud revenue line (Rmb bn). A leaf has values and growth; a parent sums children."""

    key: str
    name: str
    values: YearMap = Field(
        default_factory=dict, description="Levels given directly (actuals or a base estimate)."
    )
    growth: YearMap = Field(
        default_factory=dict, description="Year-on-year growth applied to the previous year."
    )
    children: list[Segment] = Field(default_factory=list)


class Cloud(Strict):
    """Cloud business build (Rmb bn)."""

    name: str
    segments: list[Segment] = Field(min_length=1)
    external_share: YearMap = Field(description="External customers' share of cloud revenue.")
    ebita_margin: YearMap = Field(description="Adjusted EBITA margin of the cloud segment.")


class FinLine(Strict):
    """An input line of the group forecast (Rmb mn), with a label for the tables."""

    label: str
    values: YearMap
    note: str | None = Field(default=None, description="Why this value; shown as a footnote.")


class Financials(Strict):
    """Group forecast inputs (Rmb mn). Cloud revenue comes from the cloud build, not here."""

    first_year: int = Field(description="First year shown in the income statement.")
    last_year: int
    lines: dict[str, FinLine]
    previous: dict[str, YearMap] = Field(
        default_factory=dict, description="Last published estimates, for the revisions table."
    )


class ForecastFile(Strict):
    """forecast.yaml: the timeline, the cloud build and the group forecast."""

    timeline: Timeline
    cloud: Cloud
    capex: YearMap = Field(description="Group capital expenditure, Rmb bn.")
    financials: Financials


# --------------------------------------------------------------------------- scenarios.yaml


class Scenario(Strict):
    """One market-sizing case: token consumption times unit price."""

    key: str
    name: str
    consumption_growth: YearMap
    price_growth: YearMap


class ScenariosFile(Strict):
    """scenarios.yaml: China public-cloud MaaS market sizing in base, bull and bear cases."""

    market: str
    source: str
    first_year: int
    last_year: int
    consumption: YearMap = Field(description="Actual token consumption, quintillion tokens.")
    price: YearMap = Field(description="Actual unit price, Rmb per million tokens.")
    scenarios: list[Scenario] = Field(min_length=1)


# --------------------------------------------------------------------------- valuation.yaml


class Part(Strict):
    """One business in the sum of the parts, valued on a multiple of a model metric."""

    key: str
    name: str
    method: Literal["P/E", "P/S", "EV/EBITA"]
    metric: str = Field(description="Key of a group forecast line, e.g. 'rev_cloud' (from the cloud build).")
    multiple: float = Field(gt=0)


class NetCash(Strict):
    """Net cash (Rmb mn) and the haircut applied to it."""

    amount: float
    discount: float = Field(ge=0, lt=1)
    note: str


class ValuationFile(Strict):
    """valuation.yaml: sum-of-the-parts on one fiscal year's metrics."""

    year: int
    shares_line: str = Field(description="Group line holding diluted shares (mn).")
    parts: list[Part] = Field(min_length=1)
    net_cash: NetCash


# --------------------------------------------------------------------------- narrative.yaml


class Bullet(Strict):
    """A summary point: bold lead-in, then a sentence that may quote model values."""

    lead: str = Field(max_length=80)
    text: str = Field(max_length=600)


class Section(Strict):
    """A body section: heading and paragraphs of templated prose."""

    key: str
    title: str
    paragraphs: list[str]
    key_points: list[str] = Field(default_factory=list, description="Side-column callouts.")


class Risk(Strict):
    """A risk to the target price."""

    title: str
    text: str


class NarrativeFile(Strict):
    """narrative.yaml: the analyst's words. Values come from the model via filters."""

    headline: str = Field(max_length=240, description="Cover headline; must fit three lines.")
    summary: str = Field(max_length=900)
    bullets: list[Bullet] = Field(min_length=3, max_length=5, description="Three to five summary points.")
    sections: list[Section]
    investment_view: str
    risks: list[Risk] = Field(min_length=1)
