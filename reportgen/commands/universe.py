"""A synthetic coverage universe: N valid, varied notes on fictional companies, for benchmarks and tests.

Each company draws (from a seeded generator, so the same seed writes the same bytes) its segment
count and names, reporting currency, fiscal year end, one or two listings, a sum of the parts
mixing EV/EBITDA, P/S and P/E, and its rating. Everything is written in the public assumption
language, through the same loader as any analyst's note: if the engine held anything specific
to one company, some of these notes would fail to build.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reportgen.note import HOUSE_FILE

FIRST, LAST_ACTUAL, LAST = 2024, 2025, 2030
FORECAST = range(LAST_ACTUAL + 1, LAST + 1)
VALUATION_YEAR = 2027


@dataclass(frozen=True)
class Part:
    """One part of the sum of the parts: a metric line valued at a multiple."""

    metric: str
    name: str
    method: str
    multiple: float
    value: float  # metric in the valuation year x multiple, to price the shares near fair value


@dataclass(frozen=True)
class Market:
    """A reporting currency with the place its shares trade and the US$ value of one unit."""

    currency: str
    symbol: str
    country: str
    exchange: str
    usd: float  # US$ per unit


MARKETS = (
    Market("USD", "US$", "United States", "NASDAQ", 1.0),
    Market("EUR", "€", "Germany", "Xetra", 1.08),
    Market("GBP", "£", "United Kingdom", "London Stock Exchange", 1.27),
    Market("JPY", "¥", "Japan", "Tokyo Stock Exchange", 0.0067),
    Market("CHF", "CHF ", "Switzerland", "SIX Swiss Exchange", 1.12),
    Market("SEK", "SEK ", "Sweden", "Nasdaq Stockholm", 0.095),
)
YEAR_ENDS = ("December", "March", "June", "September")
SEGMENTS = (
    "Payments",
    "Software",
    "Devices",
    "Connectivity",
    "Services",
    "Analytics",
    "Logistics",
    "Components",
    "Subscriptions",
    "Advertising",
    "Licensing",
    "Marketplace",
)
METHODS = ("EV/EBITDA", "P/S", "P/E")
SYLLABLES = ("ar", "vel", "quin", "tor", "mex", "dal", "ros", "ven", "kor", "lun", "bra", "sel")
SUFFIXES = ("Holdings", "Group", "Systems", "Industries", "Technologies")


def write_universe(root: Path, count: int, house: Path, seed: int = 0, repeat: int = 1) -> list[Path]:
    """Write ``count`` note folders and the house profile (copied from ``house``) under ``root``.

    ``repeat`` > 1 repeats the statement tables, each pair in a section of its own, to grow a
    note's tables and pages that many times (the benchmark's cost-growth measurement).
    """
    root.mkdir(parents=True, exist_ok=True)
    _copy_house(house, root)
    folders = []
    for i in range(count):
        rng = random.Random(f"{seed}-{i}")
        folder = root / f"synthetic-{i:04d}"
        folder.mkdir(exist_ok=True)
        for name, data in note_files(rng, i, repeat).items():
            text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


class _Dumper(yaml.SafeDumper):
    """Plain YAML as an analyst writes it: no &anchors or *aliases for repeated values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _copy_house(house: Path, root: Path) -> None:
    """The house profile and the files it names beside it (its logo)."""
    shutil.copyfile(house, root / HOUSE_FILE)
    logo = yaml.safe_load(house.read_text(encoding="utf-8")).get("logo")
    if logo:
        (root / logo).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(house.parent / logo, root / logo)


def note_files(rng: random.Random, index: int, repeat: int = 1) -> dict[str, Any]:
    """The five assumption files of one synthetic company, as plain data."""
    market = rng.choice(MARKETS)
    name = _name(rng)
    segments = [(f"seg_{i + 1}", s) for i, s in enumerate(rng.sample(SEGMENTS, rng.randint(2, 6)))]
    scale = 1000 if market.currency == "JPY" else 1  # yen amounts a thousand times larger
    model, parts = _model(rng, market, segments, scale)
    shares = model["lines"]["shares"]["values"]
    fair = (sum(p.value for p in parts) + _NET_CASH * scale) / shares
    price = round(fair * rng.uniform(0.7, 1.35), 2)  # varied ratings, from Sell to Buy
    exhibits, narrative = _exhibits(market, segments), _narrative(name, segments)
    for r in range(2, repeat + 1):
        copies = {"tables": ("income", "segments", "summary"), "charts": ("segment-chart", "margin-chart")}
        for kind, keys in copies.items():
            for key in keys:
                exhibits[kind][f"{key}-{r}"] = {
                    **exhibits[kind][key],
                    "title": f"{exhibits[kind][key]['title']} ({r})",
                }
        placed = [f"{key}-{r}" for keys in copies.values() for key in keys]
        narrative["sections"].append(
            {
                "key": f"financials-{r}",
                "title": f"Financial statements ({r})",
                "paragraphs": [" ".join(f'{{{{ ref("{key}") }}}}' for key in placed) + " repeat them."],
                "exhibits": placed,
            }
        )
    return {
        "company": _company(rng, market, name, price, shares, index),
        "model": model,
        "valuation": valuation_file(parts, _NET_CASH * scale),
        "exhibits": exhibits,
        "narrative": narrative,
    }


_NET_CASH = 150.0


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{word.capitalize()} {rng.choice(SUFFIXES)}"


def _company(
    rng: random.Random, market: Market, name: str, price: float, shares: float, index: int
) -> dict[str, Any]:
    day = dt.date(2026, 6, 1) + dt.timedelta(days=index % 90)
    listings = [_listing("main", market.currency, market.symbol, market.exchange, price, 1.0, rng)]
    fx: dict[str, float] = {}
    if market.currency != "USD" and rng.random() < 0.5:  # a US depositary receipt beside the home line
        fx["USD"] = round(1 / market.usd, 6)  # reporting currency per US$
        per = rng.choice((1, 2, 5)) * (100 if market.currency == "JPY" else 1)
        adr = round(price * per / fx["USD"], 2)
        listings.append(_listing("adr", "USD", "US$", "NYSE", adr, per, rng, security="ADR"))
    return {
        "company": {
            "name": f"{name} (synthetic)",
            "short_name": name.split()[0],
            "sector": "Diversified Technology",
            "country": market.country,
            "reporting_currency": market.currency,
            "reporting_symbol": market.symbol,
            "fiscal_year_end": rng.choice(YEAR_ENDS),
            "shares_outstanding": shares,
            "fictional": True,
        },
        "note": {
            "title": f"{name}: a synthetic company for scale tests",
            "type": "Initiation",
            "date": day,
            "price_date": day,
            "illustrative_prices": True,
        },
        "fx": fx,
        "listings": listings,
        "analysts": [
            {
                "name": "A. N. Analyst",
                "title": "Research Analyst",
                "email": "analyst@example.com",
                "phone": "+00 0000 0000",
            }
        ],
    }


def _listing(
    key: str,
    currency: str,
    symbol: str,
    exchange: str,
    price: float,
    per: float,
    rng: random.Random,
    security: str = "Ordinary share",
) -> dict[str, Any]:
    return {
        "key": key,
        "ticker": f"SYN{rng.randint(100, 999)}",
        "exchange": exchange,
        "security": security,
        "currency": currency,
        "symbol": symbol,
        "price": price,
        "shares_per_unit": per,
        "rounding": 0.05 if price < 20 else 1,
        "dividend_per_unit": round(price * rng.uniform(0, 0.03), 2),
    }


def _path(rng: random.Random, base: float, low: float, high: float) -> tuple[dict[int, float], list[float]]:
    """Two actual years and a growth path; returns the values block and the whole series."""
    first = round(base, 1)
    second = round(base * (1 + rng.uniform(low, high)), 1)
    growth = {y: round(rng.uniform(low, high), 3) for y in FORECAST}
    series = [first, second]
    for y in FORECAST:
        series.append(series[-1] * (1 + growth[y]))
    return {FIRST: first, LAST_ACTUAL: second, **growth}, series


def _model(
    rng: random.Random, market: Market, segments: list[tuple[str, str]], scale: int
) -> tuple[dict[str, Any], list[Part]]:
    """model.yaml, and the parts of the valuation (one per segment, each on its own method)."""
    unit = f"{market.currency} mn"
    lines: dict[str, Any] = {"revenue": {"label": "Revenue", "unit": unit, "sum": [k for k, _ in segments]}}
    parts: list[Part] = []
    at = VALUATION_YEAR - FIRST
    for key, label in segments:
        path, series = _path(rng, rng.uniform(100, 1500) * scale, -0.02, 0.2)
        lines[key] = {
            "label": label,
            "unit": unit,
            "values": {FIRST: path[FIRST], LAST_ACTUAL: path[LAST_ACTUAL]},
            "growth": {y: path[y] for y in FORECAST},
        }
        method = rng.choice(METHODS)
        if method == "P/S":
            multiple = round(rng.uniform(1.0, 4.0), 1)
            parts.append(Part(key, label, method, multiple, series[at] * multiple))
            continue
        margin = round(rng.uniform(0.12, 0.35) if method == "EV/EBITDA" else rng.uniform(0.05, 0.15), 3)
        multiple = round(rng.uniform(7, 14) if method == "EV/EBITDA" else rng.uniform(10, 22), 1)
        lines[f"{key}_metric"] = {
            "label": f"{label} {'EBITDA' if method == 'EV/EBITDA' else 'net income'}",
            "unit": unit,
            "ratio": {"of": key, "rate": _flat(margin)},
            "assumed": True,
            "note": "Segment margin is our estimate.",
        }
        parts.append(Part(f"{key}_metric", label, method, multiple, series[at] * margin * multiple))
    cost = round(rng.uniform(0.4, 0.6), 3)
    opex = round(rng.uniform(0.15, 0.25), 3)
    lines.update(
        {
            "cost_of_revenue": {
                "label": "Cost of revenue",
                "unit": unit,
                "ratio": {"of": "revenue", "rate": _flat(cost)},
            },
            "gross_profit": {"label": "Gross profit", "unit": unit, "formula": "revenue - cost_of_revenue"},
            "opex": {
                "label": "Operating expenses",
                "unit": unit,
                "ratio": {"of": "revenue", "rate": _flat(opex)},
            },
            "ebit": {"label": "EBIT", "unit": unit, "formula": "gross_profit - opex"},
            "tax_rate": {
                "label": "Effective tax rate",
                "unit": "%",
                "values": round(rng.uniform(0.15, 0.3), 2),
            },
            "tax": {"label": "Income tax", "unit": unit, "ratio": {"of": "ebit", "rate": "tax_rate"}},
            "net_income": {"label": "Net income", "unit": unit, "formula": "ebit - tax"},
            "shares": {"label": "Diluted shares", "unit": "mn shares", "values": float(rng.randint(50, 900))},
            "eps": {
                "label": "Diluted EPS",
                "unit": f"{market.currency} per share",
                "formula": "net_income / shares",
            },
            "gross_margin": {"label": "Gross margin", "unit": "%", "formula": "gross_profit / revenue"},
            "ebit_margin": {"label": "EBIT margin", "unit": "%", "formula": "ebit / revenue"},
        }
    )
    model = {"timelines": {"fy": {"first": FIRST, "last": LAST, "last_actual": LAST_ACTUAL}}, "lines": lines}
    return model, parts


def _flat(rate: float) -> dict[int, float]:
    """The same rate in every year (a ratio's rate is a per-year map or a % line)."""
    return dict.fromkeys(range(FIRST, LAST + 1), rate)


def valuation_file(parts: list[Part], net_cash: float) -> dict[str, Any]:
    """valuation.yaml: one sum of the parts (a multiple of a metric line each), its enterprise
    values (if any part has one) bridged by net cash or debt.

    Kept in this one function so a change of the valuation format touches nothing else here.
    """
    kind = "net_cash" if net_cash >= 0 else "net_debt"
    enterprise = any(p.method.startswith("EV/") for p in parts)
    return {
        "year": VALUATION_YEAR,
        "shares": "shares",
        "methods": [
            {
                "key": "sotp",
                "label": "Sum of the parts",
                "kind": "multiples",
                "parts": [
                    {
                        "key": f"part_{i + 1}",
                        "name": p.name,
                        "method": p.method,
                        "metric": p.metric,
                        "multiple": p.multiple,
                    }
                    for i, p in enumerate(parts)
                ],
            }
        ],
        "bridge": [
            {
                "key": kind,
                "label": "Net cash" if kind == "net_cash" else "Net debt",
                "kind": kind,
                "amount": abs(net_cash),
                "note": "Illustrative net cash." if kind == "net_cash" else "Illustrative net debt.",
            }
        ]
        if enterprise
        else [],
    }


def _exhibits(market: Market, segments: list[tuple[str, str]]) -> dict[str, Any]:
    keys = [k for k, _ in segments]
    money = f"{market.currency} mn"
    return {
        "tables": {
            "summary": {
                "title": f"Financial summary ({money})",
                "periods": [LAST_ACTUAL, 2028],
                "line_notes": False,
                "rows": [
                    {"line": "revenue", "with_yoy": True},
                    {"line": "ebit"},
                    {"line": "net_income"},
                    {"line": "eps", "label": f"Diluted EPS ({market.currency})", "with_yoy": True},
                    {"price_multiple": "eps", "label": "P/E"},
                ],
            },
            "segments": {
                "title": "Revenue by segment",
                "periods": [LAST_ACTUAL, LAST],
                "cagr": [LAST_ACTUAL, LAST],
                "line_notes": False,
                "rows": [{"line": k, "with_yoy": True} for k in keys]
                + [{"line": "revenue", "style": "total", "with_yoy": True}],
            },
            "income": {
                "title": "Income statement",
                "periods": [FIRST, LAST],
                "rows": [
                    {"line": "revenue", "style": "total"},
                    {"yoy": "revenue", "label": "Revenue growth", "decimals": 1},
                    {"line": "cost_of_revenue", "indent": 1},
                    {"line": "gross_profit", "style": "subtotal"},
                    {"line": "opex", "indent": 1},
                    {"line": "ebit", "style": "subtotal"},
                    {"line": "tax", "indent": 1},
                    {"line": "net_income", "style": "total", "with_yoy": True},
                    {"line": "eps", "label": f"Diluted EPS ({market.currency})", "decimals": 2},
                ],
            },
            "sotp": {"kind": "valuation", "title": "Sum-of-the-parts valuation"},
        },
        "charts": {
            "segment-chart": {
                "kind": "stacked_bars",
                "title": f"Revenue by segment ({money}) and growth",
                "periods": [FIRST, LAST],
                "lines": keys,
                "total": "revenue",
                "rhs": {"yoy": "revenue", "label": "Revenue growth (RHS)"},
            },
            "margin-chart": {
                "kind": "lines",
                "title": "Gross and EBIT margins",
                "periods": [FIRST, LAST],
                "lines": ["gross_margin", "ebit_margin"],
                "width": "half",
            },
            "eps-chart": {
                "kind": "bars_line",
                "title": f"Diluted EPS ({market.currency}) and growth",
                "periods": [LAST_ACTUAL, LAST],
                "lines": ["eps"],
                "rhs": {"yoy": "eps", "label": "EPS growth (RHS)"},
                "width": "half",
            },
            "sotp-chart": {
                "kind": "waterfall",
                "data": "valuation",
                "title": f"From parts to fair value per share ({VALUATION_YEAR}E)",
            },
        },
    }


def _narrative(name: str, segments: list[tuple[str, str]]) -> dict[str, Any]:
    top = segments[0][0]
    target = "{{ val.targets.main.rating }}, target {{ val.targets.main | target }}"
    return {
        "headline": f"{name}: a synthetic company, {target}.",
        "summary": (
            f"{name} is generated to test the engine at scale. We model revenue of "
            f"{{{{ lines.revenue[{LAST}] | money }}}} by {{{{ {LAST} | fy }}}}, a "
            f"{{{{ lines.revenue.cagr({LAST_ACTUAL}, {LAST}) | pct }}}} CAGR."
        ),
        "bullets": [
            {
                "lead": "Growth.",
                "text": f"{{{{ lines.{top}.label }}}} reaches {{{{ lines.{top}[{LAST}] | money }}}}.",
            },
            {
                "lead": "Margins.",
                "text": f"The EBIT margin is {{{{ lines.ebit_margin[{LAST}] | pct1 }}}} by then.",
            },
            {"lead": f"{target}.", "text": "Expected total return {{ val.targets.main.etr | pct1 }}."},
        ],
        "cover_table": "summary",
        "sections": [
            {
                "key": "segments",
                "title": "Segments",
                "paragraphs": [
                    f"Group revenue grows to {{{{ lines.revenue[{LAST}] | money }}}} "
                    '({{ ref("segment-chart") }}, {{ ref("segments") }}).'
                ],
                "exhibits": ["segment-chart", "segments"],
            },
            {
                "key": "margins",
                "title": "Margins and earnings",
                "paragraphs": [
                    f"The EBIT margin reaches {{{{ lines.ebit_margin[{LAST}] | pct1 }}}} "
                    '({{ ref("margin-chart") }}, {{ ref("eps-chart") }}).'
                ],
                "exhibits": ["margin-chart", "eps-chart"],
            },
            {
                "key": "valuation",
                "title": "Valuation",
                "paragraphs": [
                    "Fair value {{ val.fair_value | money }} per share "
                    '({{ ref("sotp") }}, {{ ref("sotp-chart") }}).'
                ],
                "exhibits": ["sotp", "sotp-chart"],
            },
            {"key": "risks", "title": "Risks", "paragraphs": ["The main risks are:"], "risks": True},
            {
                "key": "financials",
                "title": "Financial statements",
                "paragraphs": ['{{ ref("income") }} sets out our forecasts.'],
                "exhibits": ["income"],
            },
        ],
        "risks": [
            {"title": "Demand", "text": "Slower demand would cut revenue below our forecast."},
            {"title": "Costs", "text": "Faster cost growth would cut margins below our estimates."},
        ],
    }
