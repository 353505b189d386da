"""Authoring aids: JSON Schemas of the assumption files for editors, and a starter note.

``reportgen schema schemas/`` writes one JSON Schema per file, so an editor running
yaml-language-server completes keys, shows each field's description and flags unknown
keys while the analyst types. ``reportgen new assumptions/<slug>`` writes a small,
valid, commented note about a fictional company to start from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from reportgen.errors import ReportgenError
from reportgen.inputs.schema import (
    CompanyFile,
    DatasetsFile,
    ExhibitsFile,
    House,
    ModelFile,
    NarrativeFile,
    ValuationFile,
)
from reportgen.results.schema import ResultsFile

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Assumption file stem -> the pydantic model that validates it.
SCHEMAS: dict[str, type[BaseModel]] = {
    "house": House,
    "company": CompanyFile,
    "model": ModelFile,
    "valuation": ValuationFile,
    "exhibits": ExhibitsFile,
    "narrative": NarrativeFile,
    "results": ResultsFile,
    "datasets": DatasetsFile,
}
#: Where a note folder (assumptions/<slug>/) finds the schemas ``reportgen schema schemas/`` wrote.
SCHEMA_REF = "../../schemas/{name}.schema.json"
NOTE_FILES = ("company", "model", "valuation", "exhibits", "narrative")
MAX_COMPANY_NAME = 60


class ScaffoldError(ReportgenError):
    """The starter note cannot be written where asked (bad usage: exit code 2)."""

    exit_code = 2


# --------------------------------------------------------------------------- JSON Schemas


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of ``<name>.yaml``, as editors read it.

    Pydantic already emits ``additionalProperties: false`` for every model (they forbid
    extra keys) and each field's ``description``. Period maps (``dict[int | str, float]``)
    come out as ``additionalProperties: {type: number}`` with no ``propertyNames``: a YAML
    key such as ``2027`` is a string to a JSON validator and is accepted as it should be;
    whether the period is on the timeline is the loader's job, not the schema's.
    """
    model = SCHEMAS[name]
    schema = model.model_json_schema()
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["title"] = f"{name}.yaml (reportgen {model.__name__})"
    schema["additionalProperties"] = False
    return schema


def render_json_schema(name: str) -> str:
    """Deterministic text of the schema: sorted keys, two-space indent, trailing newline."""
    return json.dumps(json_schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json_schemas(out_dir: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every assumption file into ``out_dir``; return the paths."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScaffoldError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    written: list[Path] = []
    for name in SCHEMAS:
        path = out_dir / f"{name}.schema.json"
        text = render_json_schema(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def modeline(name: str) -> str:
    """First line of a note file: tells yaml-language-server which schema applies."""
    return f"# yaml-language-server: $schema={SCHEMA_REF.format(name=name)}\n"


# --------------------------------------------------------------------------- starter note
# Placeholders: @NAME@, @SHORT@, @TICKER@ (quoted YAML scalars), @DATE@. The numbers are
# chosen so the valuation lands near a Buy on a typical 15% threshold; they mean nothing.

_COMPANY = """\
# company.yaml: who is covered, where it trades, who writes the note.
# Everything here is invented: the company is fictional and the cover says so.
company:
  name: @NAME@
  short_name: @SHORT@
  sector: Industrial Software
  country: Fictional
  reporting_currency: USD        # ISO code of the financial statements
  reporting_symbol: US$          # printed before money in the reporting currency
  fiscal_year_end: December      # month name; December means years print as 2027E, else FY27E
  shares_outstanding: 500        # mn ordinary shares, for market cap
  fictional: true                # an invented company: printed on the cover of every build

note:
  title: @TITLE@
  type: Initiation
  date: @DATE@
  price_date: @DATE@             # closing prices below are as of this day
  illustrative_prices: true      # the price is an illustration, not market data

# Reporting currency per one unit of each other currency (here: US$ per EUR).
fx:
  EUR: 1.08
symbols:
  EUR: "€"                       # how EUR amounts print, if the prose converts to EUR

listings:
  - key: main                    # the prose reads val.targets.main
    ticker: @TICKER@
    exchange: Example Exchange
    security: Ordinary share
    currency: USD
    symbol: US$
    price: 8.00                  # illustrative close on price_date
    shares_per_unit: 1
    rounding: 0.05               # target price rounded to this step
    dividend_per_unit: 0.10

analysts:
  - name: A. N. Analyst
    title: Software Analyst
    email: analyst@example.com
    phone: "+00 0000 0000"
"""

_MODEL = """\
# model.yaml: timelines, lines and (optionally) scenarios. Every number the note prints
# is a line here or is computed from lines. Keys under values/growth are years on the
# timeline; growth, margins and rates are fractions (0.12 = 12%).

timelines:
  fy: {first: 2024, last: 2030, last_actual: 2025}   # 2024-25 reported, 2026-30 estimates

lines:
  # An input grown from its last actual: values are the base, growth the forecast.
  revenue:
    label: Revenue
    unit: USD mn
    values: {2024: 1000, 2025: 1150}
    growth: {2026: 0.12, 2027: 0.11, 2028: 0.10, 2029: 0.09, 2030: 0.08}

  # A ratio: a rate (here by period) times another line, in that line's unit.
  cost_of_revenue:
    label: Cost of revenue
    unit: USD mn
    ratio:
      of: revenue
      rate: {2024: 0.62, 2025: 0.61, 2026: 0.60, 2027: 0.59, 2028: 0.58, 2029: 0.58, 2030: 0.58}

  # A formula over other lines; units must agree (USD mn - USD mn).
  gross_profit:
    label: Gross profit
    unit: USD mn
    formula: revenue - cost_of_revenue

  research:
    label: Research and development
    unit: USD mn
    values: {2024: 130, 2025: 145, 2026: 160, 2027: 172, 2028: 184, 2029: 196, 2030: 208}
    note: Analyst's plan for the engineering budget.
    assumed: true
  selling_admin:
    label: Selling, general and administrative
    unit: USD mn
    ratio:
      of: revenue
      rate: {2024: 0.11, 2025: 0.105, 2026: 0.10, 2027: 0.10, 2028: 0.095, 2029: 0.095, 2030: 0.09}

  # A sum of lines in one unit; tables can indent the children under it.
  opex:
    label: Operating expenses
    unit: USD mn
    sum: [research, selling_admin]

  operating_profit:
    label: Operating profit
    unit: USD mn
    formula: gross_profit - opex
  operating_margin:
    label: Operating margin
    unit: "%"
    formula: operating_profit / revenue

  tax_rate:
    label: Effective tax rate
    unit: "%"
    values: 0.20                 # one number: the same in every period
  tax:
    label: Income tax
    unit: USD mn
    ratio: {of: operating_profit, rate: tax_rate}   # the rate may also be a % line
  net_income:
    label: Net income
    unit: USD mn
    formula: operating_profit - tax

  shares:
    label: Diluted shares
    unit: mn shares
    values: 500
  eps:
    label: Diluted EPS
    unit: USD per share          # USD mn / mn shares = USD per share
    formula: net_income / shares

# Scenarios override lines; the first is the base case and overrides nothing.
# scenarios:
#   - key: base
#     label: Base case
#   - key: bull
#     label: Bull case
#     lines:
#       revenue: {growth: {2026: 0.16, 2027: 0.15, 2028: 0.13, 2029: 0.11, 2030: 0.10}}

# Revisions tables compare with the note's previous version, rebuilt from git: its last
# publication in the ledger (reportgen publish), or reportgen build --against REV.
"""

_VALUATION = """\
# valuation.yaml: one or more methods, blended by weight. Values are in the unit of the
# lines they read (USD mn). Equity multiples (P/E, P/B, P/S, dividend yield) give equity
# value; EV multiples (EV/EBITDA, EV/EBIT...) and a DCF give enterprise value, which the
# bridge below turns into equity. Fair value per share = equity value / diluted shares.
year: 2027
shares: shares                   # a line in share units ('mn shares')
methods:
  - key: pe
    label: P/E
    kind: multiples
    parts:
      - key: group
        name: @NAME@
        method: P/E
        metric: net_income       # a money line of the model
        multiple: 20.0
# An EV-based method needs the bridge from enterprise value to equity, e.g.:
# bridge:
#   - {key: net_cash, label: Net cash, kind: net_cash, amount: 400, discount: 0.10}
#   - {key: minorities, label: Minority interests, kind: minorities, amount: 50}
# A DCF method (see docs/reference.md): kind: dcf with periods, fcf, wacc and terminal.
"""

_EXHIBITS = """\
# exhibits.yaml: tables and charts by key. narrative.yaml places them; each is numbered
# where it first appears. Rows and series name lines of model.yaml.
tables:
  income:
    title: Income statement (US$ mn)
    periods: [2025, 2030]
    cagr: [2025, 2030]
    rows:
      - {line: revenue, style: total}
      - {yoy: revenue, label: Revenue growth, decimals: 1}
      - {line: cost_of_revenue, indent: 1}
      - {line: gross_profit, style: subtotal}
      - {ratio: [gross_profit, revenue], label: Gross margin, decimals: 1}
      - {line: opex}
      - {line: research, indent: 1}
      - {line: selling_admin, indent: 1}
      - {line: operating_profit, style: subtotal}
      - {line: operating_margin, decimals: 1}
      - {line: tax, indent: 1}
      - {line: net_income, style: total, with_yoy: true}
      - {line: eps, label: Diluted EPS (US$), decimals: 2}
      - {price_multiple: eps, label: P/E}

charts:
  revenue-growth:
    kind: bars_line
    title: Revenue (US$ mn) and growth
    periods: [2025, 2030]
    lines: [revenue]
    labels: {revenue: Revenue}
    rhs: {yoy: revenue, label: Growth yoy (RHS)}
"""

_NARRATIVE = """\
# narrative.yaml: the analyst's words and the section plan. Figures are never typed:
# {{ ... }} reads the model and a filter prints it (money, pct, pct1, mult, num, fy, target).
#   lines.<key>[2030]  .yoy[2030]  .share[2030]  .cagr(2025, 2030)  .sum/.min/.max(a, b)
#   val.year  val.fair_value  val.targets.main.rating/.etr/.upside  val.parts.group.multiple
#   fy_range(2025, 2030)  ref("income") -> "Figure N"
headline: >-
  @SHORT_TEXT@: revenue compounds at {{ lines.revenue.cagr(2025, 2030) | pct }} a year to
  {{ 2030 | fy }}; {{ val.targets.main.rating }}, target {{ val.targets.main | target }}.
summary: >-
  @NAME_TEXT@ is a fictional company used to show how a note is written. We model revenue
  of {{ lines.revenue[2030] | money }} in {{ 2030 | fy }} and an operating margin rising
  from {{ lines.operating_margin[2025] | pct }} to {{ lines.operating_margin[2030] | pct }}.
bullets:
  - lead: Steady growth.
    text: >-
      Revenue grows from {{ lines.revenue[2025] | money }} in {{ 2025 | fy }} to
      {{ lines.revenue[2030] | money }} in {{ 2030 | fy }}, a
      {{ lines.revenue.cagr(2025, 2030) | pct }} CAGR.
  - lead: Operating leverage.
    text: >-
      Research and selling costs grow more slowly than revenue, so the operating margin
      reaches {{ lines.operating_margin[2030] | pct }} and EPS
      {{ lines.eps[2030] | money }} by {{ 2030 | fy }}.
  - lead: "{{ val.targets.main.rating }}, target {{ val.targets.main | target }}."
    text: >-
      At {{ val.parts.group.multiple | mult }} {{ val.year | fy }} earnings our target
      implies an expected total return of {{ val.targets.main.etr | pct1 }}.
sections:
  - key: growth
    title: Growth and margins
    key_points:
      - "{{ lines.revenue.cagr(2025, 2030) | pct }} revenue CAGR over {{ fy_range(2025, 2030) }}."
    paragraphs:
      - >-
        We expect revenue of {{ lines.revenue[2026] | money }} in {{ 2026 | fy }}
        ({{ lines.revenue.yoy[2026] | pct }} growth) and
        {{ lines.revenue[2030] | money }} by {{ 2030 | fy }} ({{ ref("revenue-growth") }}).
        Gross margin widens as cost of revenue falls to
        {{ (lines.cost_of_revenue[2030] / lines.revenue[2030]) | pct }} of sales.
    exhibits: [revenue-growth]
  - key: valuation
    title: Valuation
    paragraphs:
      - >-
        We value @NAME_TEXT@ at {{ val.parts.group.multiple | mult }} {{ val.year | fy }}
        earnings: a fair value of {{ val.fair_value | money }} per
        share and a target of {{ val.targets.main | target }}, {{ val.targets.main.upside | pct }}
        above the current price. We rate the shares {{ val.targets.main.rating }}.
  - key: risks
    title: Risks
    paragraphs:
      - "The main risks to our rating and target price are:"
    risks: true
  - key: financials
    title: Financial statements
    paragraphs:
      - '{{ ref("income") }} sets out our income statement forecasts.'
    exhibits: [income]
risks:
  - title: Slower demand
    text: >-
      Customers may delay software purchases in a downturn, slowing revenue growth below
      our forecast.
  - title: Cost discipline
    text: >-
      If research spending rises faster than we assume, margins and earnings would fall
      short of our estimates.
"""

_TEMPLATES = {
    "company": _COMPANY,
    "model": _MODEL,
    "valuation": _VALUATION,
    "exhibits": _EXHIBITS,
    "narrative": _NARRATIVE,
}


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _check_name(company: str) -> str:
    name = " ".join(company.split())
    if not name:
        raise ScaffoldError("--company: give the company a name")
    if len(name) > MAX_COMPANY_NAME:
        raise ScaffoldError(f"--company: keep the name under {MAX_COMPANY_NAME} characters")
    if re.search(r"[{}%#<>]", name):
        raise ScaffoldError("--company: the name may not contain { } % # < or >")
    return name


def scaffold_texts(company: str = "Example Company", *, date: dt.date | None = None) -> dict[str, str]:
    """File name -> text of the starter note, each file opening with its schema modeline."""
    name = _check_name(company)
    short = name.split()[0]
    letters = re.sub(r"[^A-Za-z]", "", name).upper()
    values = {
        "@NAME@": _quoted(name),
        "@SHORT@": _quoted(short),
        "@TITLE@": _quoted(f"{name}: a worked example of a note"),
        "@TICKER@": _quoted((letters[:4] or "XMPL") + "X"),
        "@DATE@": (date or dt.date.today()).isoformat(),
        "@NAME_TEXT@": name,
        "@SHORT_TEXT@": short,
    }
    out: dict[str, str] = {}
    for stem, template in _TEMPLATES.items():
        text = template
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        out[f"{stem}.yaml"] = modeline(stem) + text
    return out


def scaffold_note(
    folder: Path, *, company: str = "Example Company", date: dt.date | None = None
) -> list[Path]:
    """Write a minimal, valid, commented note about a fictional company into ``folder``.

    Refuses (ScaffoldError, exit code 2) when ``folder`` exists and is not an empty folder.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "a file" if not folder.is_dir() else "not empty"
        raise ScaffoldError(f"{folder} is {what}: give a new or empty folder for the note")
    texts = scaffold_texts(company, date=date)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for file_name, text in texts.items():
            path = folder / file_name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ScaffoldError(f"cannot write the note into {folder}: {exc.strerror or exc}") from None
    return written


# --------------------------------------------------------------------------- commands


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--company",
    "company",
    default="Example Company",
    show_default=True,
    metavar="NAME",
    help="Name of the fictional company in the starter files.",
)
def new(folder: Path, company: str) -> None:
    """Start a note in FOLDER (new or empty): a small, valid, commented example to edit.

    FOLDER usually sits beside house.yaml, e.g. assumptions/acme. Each file names its JSON
    Schema in a first-line comment; run `reportgen schema schemas/` once so editors find it.
    """
    for path in scaffold_note(folder, company=company):
        click.echo(f"wrote {path}")
    if not (folder.parent / "house.yaml").is_file():
        click.echo(f"note: no house.yaml in {folder.parent}; the build looks for one beside the note folder")


@click.command()
@click.argument("out_dir", default="schemas", type=click.Path(file_okay=False, path_type=Path))
def schema(out_dir: Path) -> None:
    """Write JSON Schemas of the assumption files into OUT_DIR (default: schemas/).

    Editors with yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...) use
    them to complete keys, describe fields and flag mistakes as you type.
    """
    for path in write_json_schemas(out_dir):
        click.echo(f"wrote {path}")
