"""Typed, frozen schema of the assumption files: what an analyst may write, field by field.

Every model is strict (no "12" for 12, no true for 1), forbids unknown keys and is
immutable. Cross-field rules that need the timeline live in ``assumptions.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, model_validator
from pydantic_core import PydanticCustomError, core_schema

from reportgen.registry import CHART_KINDS, METHOD_KINDS, MULTIPLES, NOTE_TYPES, TABLE_KINDS, Registry

Year = int
YearMap = dict[Year, float]


class Registered:
    """A name the implementing stage registered: the allowed values are read from its registry.

    Validates and documents exactly like a ``Literal`` of the registered names (the same
    "expected 'a' or 'b', got ..." message, the same JSON Schema ``enum``), so adding a kind is
    one registration and the schema, its errors and the editors' JSON Schemas follow.
    """

    def __init__(self, registry: Registry[Any]) -> None:
        self.registry = registry

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"enum": list(self.registry.names()), "type": "string"}

    def validate(self, value: Any) -> str:
        if isinstance(value, str) and value in self.registry:
            return value
        expected = self.registry.expected()
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})


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


class ResultsPolicy(Strict):
    """How results notes judge a reported figure against an estimate."""

    in_line_band: float = Field(
        default=0.02,
        ge=0,
        lt=1,
        description="Within this of an estimate a figure is 'in line' (0.02 = 2%; points for % items).",
    )


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
    results: ResultsPolicy = Field(
        default_factory=ResultsPolicy, description="Beat / in line / miss band for results notes."
    )


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
    type: str = Field(description="Note type as printed, e.g. 'Company Update' or 'Initiation'.")
    kind: Annotated[str, Registered(NOTE_TYPES)] = Field(
        default="deep_dive",
        description="Layout: 'deep_dive', or 'results' (a results review; needs results.yaml).",
    )
    date: dt.date
    price_date: dt.date
    illustrative_prices: bool = Field(
        default=False,
        description="True when prices and price history are the analyst's illustration, not market data.",
    )


class Company(Strict):
    """The covered company."""

    name: str
    short_name: str
    sector: str
    country: str
    reporting_currency: str = Field(description="ISO code of the financial statements (CNY).")
    reporting_symbol: str = Field(description="Prefix for money, e.g. 'US$' or '€'.")
    fiscal_year_end: str = Field(description="Month the fiscal year ends, e.g. 'March'.")
    free_float: float | None = Field(default=None, ge=0, le=1, description="Free float, 0.85 = 85%.")
    shares_outstanding: float | None = Field(
        default=None, gt=0, description="Ordinary shares outstanding (mn), for market cap."
    )
    fictional: bool = Field(
        default=False, description="True for an invented company: the cover says so on every build."
    )


class CompanyFile(Strict):
    """company.yaml: who, what, where it trades, and who wrote the note."""

    company: Company
    note: NoteMeta
    fx: dict[str, float] = Field(description="Reporting currency per one unit of each currency.")
    listings: list[Listing] = Field(min_length=1)
    analysts: list[Analyst] = Field(min_length=1)

    symbols: dict[str, str] = Field(
        default_factory=dict,
        description="Printed symbols of other currencies used in model units, e.g. {EUR: '€'}.",
    )

    def fx_rate(self, currency: str) -> float:
        """Reporting currency per unit of ``currency`` (1 for the reporting currency itself)."""
        return 1.0 if currency == self.company.reporting_currency else self.fx[currency]

    def symbol(self, currency: str) -> str:
        """How money in ``currency`` is printed: 'US$', '€'; the ISO code if nothing is set."""
        if currency == self.company.reporting_currency:
            return self.company.reporting_symbol
        for listing in self.listings:
            if listing.currency == currency:
                return listing.symbol
        return self.symbols.get(currency, f"{currency} ")

    @property
    def currencies(self) -> tuple[str, ...]:
        """Every currency the note can print or convert to."""
        return (self.company.reporting_currency, *self.fx)


# --------------------------------------------------------------------------- model.yaml

Key = int | str
"""A period as written: a year (2027) or a quarter ('3QFY26')."""
PeriodMap = dict[Key, float]


class TimelineSpec(Strict):
    """A run of periods the model's lines live on."""

    kind: Literal["years", "quarters"] = Field(default="years", description="Annual or quarterly periods.")
    first: Key = Field(description="First period, e.g. 2024 or '1QFY25'.")
    last: Key = Field(description="Last period.")
    last_actual: Key | None = Field(
        default=None, description="Last reported period; later periods are estimates (E)."
    )
    calendar: bool = Field(
        default=False,
        description="Label calendar years (2027E) even when the company's fiscal year ends before December.",
    )


class RatioSpec(Strict):
    """A line that is a rate (share, margin, payout, tax rate) times another line."""

    of: str = Field(description="The line the rate applies to.")
    rate: str | PeriodMap = Field(description="A line of rates (%), or the rates by period (0.09 = 9%).")


class LineSpec(Strict):
    """One named line of the model. Give ``values`` alone for inputs, or exactly one of
    growth, ratio, sum or formula; ``values`` beside them are reported actuals or a base."""

    label: str = Field(description="Row label in tables and legend text in charts.")
    unit: str = Field(description="'CNY bn', 'USD mn', '%', 'x', 'CNY per share', 'mn shares', 'tn tokens'.")
    timeline: str | None = Field(default=None, description="Timeline key; default: the first timeline.")
    values: PeriodMap | float | None = Field(
        default=None, description="Values by period; one number means the same value in every period."
    )
    growth: PeriodMap | None = Field(
        default=None, description="Growth over the previous year by period (0.43 = +43%)."
    )
    ratio: RatioSpec | None = None
    sum: list[str] | None = Field(default=None, description="Child lines; tables indent them under this one.")
    formula: str | None = Field(
        default=None,
        description="Arithmetic over other lines: + - * /, prev(), growth(), cagr(), convert(), fx().",
    )
    note: str | None = Field(default=None, description="Why this value; printed as a footnote where shown.")
    assumed: bool = Field(
        default=False,
        description="True for an analyst's assumption not published anywhere: labelled so in print.",
    )


class LineOverride(Strict):
    """What a scenario changes in one line; the rest of the line is kept."""

    values: PeriodMap | float | None = None
    growth: PeriodMap | None = None
    ratio: RatioSpec | None = None
    formula: str | None = None


class ScenarioSpec(Strict):
    """A named case. The first scenario is the base: the model as written."""

    key: str
    label: str
    lines: dict[str, LineOverride] = Field(default_factory=dict, description="Overrides by line key.")


class ModelFile(Strict):
    """model.yaml: timelines, lines and scenarios."""

    timelines: dict[str, TimelineSpec] = Field(min_length=1)
    lines: dict[str, LineSpec] = Field(min_length=1)
    scenarios: list[ScenarioSpec] = Field(default_factory=list)


# --------------------------------------------------------------------------- valuation.yaml

Method = Annotated[str, Registered(MULTIPLES)]
"""Multiples a part may use, as ``reportgen.model.methods`` registers them with what each one values."""


class Part(Strict):
    """One business (or the whole group) valued on a multiple of a model line."""

    key: str
    name: str
    method: Method = Field(
        description="P/E, P/B, P/S, dividend yield value equity; EV/... value the enterprise."
    )
    metric: str = Field(description="Key of a model line, e.g. 'net_income' or 'ebitda'.")
    multiple: float = Field(
        gt=0, description="The multiple (10.0 = 10x); for dividend yield the yield (0.04)."
    )


class BridgeItem(Strict):
    """One step from enterprise value to equity value: net cash or debt, minorities, associates."""

    key: str
    label: str = Field(description="Row label in the valuation table, e.g. 'Minority interests'.")
    kind: Literal["net_cash", "net_debt", "minorities", "associates", "investments", "other"] = Field(
        description="net_cash, associates and investments add; net_debt and minorities subtract; "
        "other adds the signed amount."
    )
    amount: float | None = Field(
        default=None, description="The amount in the valuation's unit; or give line."
    )
    line: str | None = Field(default=None, description="A model line holding the amount; or give amount.")
    period: Key | None = Field(
        default=None, description="Period of line to read; default: its timeline's last reported period."
    )
    discount: float = Field(
        default=0.0, ge=0, lt=1, description="Haircut on an item that adds value (0.3 = 30%); never on debt."
    )
    note: str | None = Field(default=None, description="Why this amount; printed under the valuation table.")


class WaccBuild(Strict):
    """WACC from its parts: cost of equity by CAPM, after-tax cost of debt, target gearing."""

    risk_free: float = Field(description="Risk-free rate (0.04 = 4%).")
    beta: float = Field(gt=0, description="Equity beta.")
    equity_risk_premium: float = Field(gt=0, description="Equity risk premium (0.055 = 5.5%).")
    cost_of_debt: float = Field(ge=0, description="Pre-tax cost of debt.")
    tax_rate: float = Field(ge=0, lt=1, description="Tax rate that shields interest.")
    gearing: float = Field(ge=0, lt=1, description="Target debt / (debt + equity).")


class TerminalSpec(Strict):
    """Terminal value: give growth (perpetual growth) or exit_multiple with exit_metric."""

    growth: float | None = Field(
        default=None, description="Perpetual growth of free cash flow after the last year."
    )
    exit_multiple: float | None = Field(
        default=None, gt=0, description="Multiple of exit_metric in the last year."
    )
    exit_metric: str | None = Field(
        default=None, description="Line the exit multiple applies to, e.g. 'ebitda'."
    )


class FcfSpec(Strict):
    """Free cash flow to the firm: a declared line, or EBIT x (1 - tax) + D&A - capex - change in WC."""

    line: str | None = Field(default=None, description="A line of free cash flow to the firm.")
    ebit: str | None = None
    tax_rate: str | float | None = Field(default=None, description="A line of rates, or one rate (0.25).")
    da: str | None = Field(default=None, description="Depreciation and amortisation, a positive amount.")
    capex: str | None = Field(default=None, description="Capital expenditure, a positive amount.")
    working_capital: str | None = Field(
        default=None, description="Net working capital (a level): its increase uses cash."
    )


class RangeSpec(Strict):
    """A method's range on the football field: its value with one input at low and at high."""

    input: str = Field(description="Dotted path in valuation.yaml, e.g. 'methods.dcf.wacc'.")
    low: float
    high: float
    label: str | None = Field(default=None, description="How the range is described, e.g. 'WACC 8-10%'.")


class MethodSpec(Strict):
    """One valuation method: ``multiples`` (one or more parts) or ``dcf``. Weights blend methods."""

    key: str
    label: str = Field(description="Name as printed, e.g. 'Sum of the parts' or 'DCF'.")
    kind: Annotated[str, Registered(METHOD_KINDS)]
    weight: float = Field(
        default=1.0, ge=0, le=1, description="Weight in the blended target; weights sum to 1."
    )
    parts: list[Part] = Field(default_factory=list, description="multiples: the parts, summed.")
    holding_discount: float = Field(
        default=0.0, ge=0, lt=1, description="multiples: discount on the sum of the parts (0.1 = 10%)."
    )
    periods: list[Key] | None = Field(
        default=None, description="dcf: [first, last] forecast years discounted."
    )
    fcf: FcfSpec | None = Field(default=None, description="dcf: how free cash flow is built.")
    wacc: float | WaccBuild | None = Field(
        default=None, description="dcf: the discount rate, or how to build it."
    )
    terminal: TerminalSpec | None = Field(default=None, description="dcf: terminal value.")
    mid_year: bool = Field(default=False, description="dcf: discount each year's cash flow from mid-year.")
    valuation_date: dt.date | None = Field(
        default=None, description="dcf: discount to this date; default: note date."
    )
    max_terminal_share: float = Field(
        default=0.8, gt=0, le=1, description="dcf: warn when terminal value exceeds this share of EV."
    )
    range: RangeSpec | None = Field(default=None, description="Low and high case for the football field.")


class GridAxis(Strict):
    """One axis of a sensitivity grid: an input and the values it takes."""

    input: str = Field(description="Dotted path in valuation.yaml, e.g. 'methods.dcf.terminal.growth'.")
    label: str = Field(description="Axis title as printed, e.g. 'Terminal growth'.")
    values: list[float | int] = Field(min_length=2, max_length=9)
    format: Literal["pct", "multiple", "number", "period"] = Field(
        default="pct", description="How the axis values print: 9.1%, 10.0x, 2,000 or FY27E."
    )


class SensitivitySpec(Strict):
    """A two-input grid of the target per share, each cell a full re-run of the valuation."""

    key: str
    rows: GridAxis
    columns: GridAxis
    listing: str | None = Field(
        default=None, description="Listing whose target the cells show; default: the first."
    )


class ValuationFile(Strict):
    """valuation.yaml: methods (blended by weight), the EV-to-equity bridge, sensitivities."""

    year: Key = Field(description="Period whose metrics the multiples use, and whose diluted shares divide.")
    shares: str = Field(description="Line holding diluted shares (e.g. unit 'mn shares').")
    methods: list[MethodSpec] = Field(min_length=1)
    bridge: list[BridgeItem] = Field(
        default_factory=list, description="Enterprise value to equity: applied once to every EV-based method."
    )
    sensitivities: list[SensitivitySpec] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _old_layout(cls, data: Any) -> Any:
        """Files written for 0.2 put parts and net_cash at the top: say where they moved."""
        if isinstance(data, dict) and ("parts" in data or "net_cash" in data):
            raise ValueError(
                "the 0.2 layout (top-level parts and net_cash) was replaced: put the parts under "
                "methods: [{key, label, kind: multiples, parts}] and net cash under bridge: "
                "[{key, label, kind: net_cash, amount, discount}] (docs/reference.md, valuation.yaml)"
            )
        return data


# --------------------------------------------------------------------------- exhibits.yaml


class RowSpec(Strict):
    """A table row: exactly one of line, yoy, ratio, heading or price_multiple."""

    line: str | None = Field(default=None, description="A line's values.")
    yoy: str | None = Field(default=None, description="Growth of a line over the year before.")
    ratio: list[str] | None = Field(default=None, description="[numerator, denominator]: a % row.")
    heading: str | None = Field(default=None, description="A text row that heads a block.")
    price_multiple: str | None = Field(
        default=None, description="Price of the lead listing over this per-unit line (P/E, P/B)."
    )
    label: str | None = None
    style: Literal["plain", "total", "subtotal", "memo"] = "plain"
    indent: int = Field(default=0, ge=0, le=3)
    decimals: int | None = Field(default=None, ge=0, le=4)
    with_yoy: bool = Field(default=False, description="Add a 'yoy growth' row under a line row.")
    with_share: str | None = Field(default=None, description="Add a '% of <line>' row under a line row.")
    scenario: str | None = Field(default=None, description="Read the line in this case (default: base).")
    summary: bool = Field(
        default=True, description="False leaves this row's CAGR and total cells blank (e.g. a running total)."
    )


class TableSpec(Strict):
    """A numbered table exhibit."""

    kind: Annotated[str, Registered(TABLE_KINDS)] = Field(
        default="lines",
        description="'bridge': each listing's target move by driver, shown only against a previous version.",
    )
    title: str
    method: str | None = Field(
        default=None, description="valuation: one method's workings (its key); default: the summary of all."
    )
    sensitivity: str | None = Field(default=None, description="sensitivity: key of a grid in valuation.yaml.")
    unit: str | None = Field(default=None, description="Caption unit; default: the rows' common unit.")
    timeline: str | None = None
    periods: list[Key] | None = Field(default=None, description="[first, last] periods shown.")
    cagr: list[Key] | None = Field(default=None, description="[start, end]: a CAGR column.")
    total: bool = Field(default=False, description="A column summing the periods shown.")
    scenarios: list[str] | None = Field(default=None, description="Repeat the rows for each case.")
    rows: list[RowSpec] = Field(default_factory=list)
    lines: list[str] = Field(default_factory=list, description="Lines of a revisions table.")
    source: str | None = None
    notes: list[str] = Field(default_factory=list)
    line_notes: bool = Field(default=True, description="Print the shown lines' notes as footnotes.")
    dataset: str | None = Field(
        default=None, description="text/comparison: the dataset of datasets.yaml shown."
    )
    columns: list[str] = Field(
        default_factory=list,
        description="text/comparison: dataset columns shown, the first as the row label.",
    )
    highlight: list[str] = Field(
        default_factory=list,
        description="text/comparison: rows (by their first column) set apart: our company.",
    )
    best: dict[str, Literal["max", "min"]] = Field(
        default_factory=dict,
        description="comparison: per column, whether the highest or lowest value is best.",
    )
    widths: list[float] = Field(
        default_factory=list, description="text: relative column widths, one per shown column."
    )


class SeriesSpec(Strict):
    """A chart's right-hand series: one of line, yoy or share."""

    line: str | None = None
    yoy: str | None = None
    share: list[str] | None = Field(default=None, description="[part, whole].")
    label: str | None = None


class Event(Strict):
    """A dated annotation on a dated series: a launch, a price cut."""

    date: dt.date
    text: str = Field(max_length=60)


class ChartSpec(Strict):
    """A numbered chart exhibit drawn from a small library of kinds."""

    kind: Annotated[str, Registered(CHART_KINDS)]
    title: str
    lines: list[str] = Field(default_factory=list, description="Series, in legend order.")
    labels: dict[str, str] = Field(default_factory=dict, description="Short legend names by line key.")
    total: str | None = Field(default=None, description="stacked_bars: line whose values label each stack.")
    rhs: SeriesSpec | None = Field(default=None, description="A percentage series on the right axis.")
    scenarios: list[str] | None = Field(default=None, description="grouped_bars/lines: one series per case.")
    timeline: str | None = None
    periods: list[Key] | None = Field(default=None, description="[first, last] periods shown.")
    period: Key | None = Field(default=None, description="horizontal_bars/waterfall: the one period shown.")
    data: Literal["lines", "valuation", "bridge"] = Field(
        default="lines",
        description="'valuation': bars of each part's value per share; 'bridge' (waterfall): the lead "
        "listing's target move by driver, shown only against a previous version.",
    )
    width: Literal["full", "half"] = "full"
    height: int | None = Field(default=None, ge=80, le=600)
    source: str | None = None
    dataset: str | None = Field(
        default=None, description="Draw a dataset of datasets.yaml instead of model lines (dataset kinds)."
    )
    x: str | None = Field(
        default=None, description="Dataset charts: the column along the category/date axis."
    )
    y: list[str] = Field(default_factory=list, description="Dataset charts: value columns, one series each.")
    series: str | None = Field(
        default=None, description="Dataset charts in long form: the column whose values name the series."
    )
    label: str | None = Field(default=None, description="scatter: the column naming each point.")
    sort: Literal["ascending", "descending"] | None = Field(
        default=None, description="category_bars: order the bars by their (first) value, a leaderboard."
    )
    limit: int | None = Field(
        default=None, ge=1, le=60, description="category_bars: the first N after sorting."
    )
    orientation: Literal["vertical", "horizontal"] = "vertical"
    stack: Literal["grouped", "stacked", "normalised"] = Field(
        default="grouped", description="category_bars with several series: side by side, stacked, or 100%."
    )
    highlight: list[str] = Field(
        default_factory=list,
        description="Categories (or series) drawn in the accent colour: the covered company.",
    )
    mark: Literal["line", "area"] = Field(default="line", description="dated_series: lines or stacked areas.")
    events: list[Event] = Field(default_factory=list, description="dated_series: dated annotations.")
    others: str | None = Field(
        default=None,
        description="donut: label of the remainder to 100% (e.g. 'Others'), computed, not typed.",
    )


class ImageSpec(Strict):
    """A picture from the note folder: a diagram we drew, with its caption, source and alternative text."""

    file: str = Field(
        description="PNG, JPEG or SVG in the note folder (SVG without scripts or external links)."
    )
    title: str
    alt: str = Field(
        min_length=10, max_length=1200, description="What the picture shows, for screen readers."
    )
    source: str = Field(
        description="Who made it and from what: 'Harbourline Research, based on company data'."
    )
    width: Literal["full", "half"] = "full"


class ExhibitsFile(Strict):
    """exhibits.yaml: every table, chart and image the note can place, by key."""

    tables: dict[str, TableSpec] = Field(default_factory=dict)
    charts: dict[str, ChartSpec] = Field(default_factory=dict)
    images: dict[str, ImageSpec] = Field(default_factory=dict)


# --------------------------------------------------------------------------- narrative.yaml


class Bullet(Strict):
    """A summary point: bold lead-in, then a sentence that may quote model values."""

    lead: str = Field(max_length=80)
    text: str = Field(max_length=600)


class Section(Strict):
    """A body section: heading, prose, and the exhibits placed after it."""

    key: str
    title: str
    paragraphs: list[str] = Field(default_factory=list)
    key_points: list[str] = Field(default_factory=list, description="Side-column callouts.")
    exhibits: list[str | list[str]] = Field(
        default_factory=list,
        description="Table, chart and image keys of exhibits.yaml; [a, b]: two side by side on one row.",
    )
    risks: bool = Field(default=False, description="Print the note's risks here.")
    new_page: bool = Field(default=False, description="Start this section on a new page.")


class Risk(Strict):
    """A risk to the target price."""

    title: str
    text: str


class NarrativeFile(Strict):
    """narrative.yaml: the analyst's words and the section plan. Values come via filters."""

    headline: str = Field(max_length=240, description="Cover headline; must fit three lines.")
    summary: str = Field(max_length=900)
    bullets: list[Bullet] = Field(min_length=3, max_length=5, description="Three to five summary points.")
    cover_table: str | None = Field(default=None, description="Table key shown on the cover.")
    sections: list[Section] = Field(min_length=1)
    risks: list[Risk] = Field(min_length=1)


# --------------------------------------------------------------------------- datasets.yaml

ColumnType = Literal[
    "date", "week", "month", "quarter", "period", "category", "text", "number", "percent", "rank", "symbol"
]


class ColumnSpec(Strict):
    """One dataset column: its type (how cells are read and printed) and, for numbers, the unit."""

    type: ColumnType = Field(
        description="date (2026-05-07), week (the week's Monday, a date), month (2026-04), quarter (1Q26), "
        "period (a fiscal label as printed), category, text, number, percent (written 12.5%), "
        "rank (1, 2, ...), symbol (a mark such as a tick, explained in the dataset's symbols)."
    )
    label: str | None = Field(default=None, description="Header as printed; default: the column's key.")
    unit: str | None = Field(
        default=None, description="number columns: 'USD per mn tokens', 'bn tokens', 'mn'."
    )
    decimals: int | None = Field(
        default=None, ge=0, le=4, description="Printed decimals (default: as typed)."
    )


class Citation(Strict):
    """Where a dataset comes from: printed as the exhibit's Source line."""

    publisher: str = Field(
        description="Who published the data: 'IDC', 'Gartner', 'the company (company data)'."
    )
    title: str | None = Field(default=None, description="The document, page or release.")
    as_of: dt.date | None = Field(default=None, description="The date the data is as of (or was read).")
    url: str | None = Field(default=None, pattern=r"^https://[^\s<>\"]+$", max_length=300)
    kind: Literal["third_party", "company", "own"] = Field(
        default="third_party",
        description="third_party: another firm's data; company: the covered company's; own: our analysis.",
    )


class Symbol(Strict):
    """One mark a symbol column may hold, and what it means (printed as the table's legend)."""

    symbol: str = Field(min_length=1, max_length=3)
    meaning: str = Field(min_length=1, max_length=80)


class DatasetSpec(Strict):
    """A table of facts that are not the model's: market sizes, shares, leaderboards, prices, dates."""

    title: str
    file: str | None = Field(
        default=None, description="A CSV file in the note folder (first row: the column keys, in order)."
    )
    rows: list[list[Any]] | None = Field(default=None, description="The rows inline, instead of a file.")
    columns: dict[str, ColumnSpec] = Field(description="Every column, in order, with its type.")
    key: str | None = Field(default=None, description="The column whose values name the rows (unique).")
    value: str | None = Field(
        default=None, description="The column prose quotes by row name: data.<dataset>['<row>']."
    )
    symbols: list[Symbol] = Field(
        default_factory=list, description="Legend of symbol cells: [{symbol: ✓, meaning: available}]."
    )
    source: Citation
    notes: list[str] = Field(default_factory=list, description="Footnotes printed under its exhibits.")

    @model_validator(mode="after")
    def _one_source_of_rows(self) -> DatasetSpec:
        if (self.file is None) == (self.rows is None):
            raise ValueError("give the rows either in a CSV file (file:) or inline (rows:), not both")
        return self


class DatasetsFile(Strict):
    """datasets.yaml: the evidence a note shows beside its model, each dataset with its source."""

    datasets: dict[str, DatasetSpec] = Field(default_factory=dict)
