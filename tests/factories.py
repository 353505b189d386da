"""Tiny hand-sized assumption objects, so model tests can be checked with a pencil.

Everything is built with ``model_validate`` in strict mode, as the YAML loader does:
real ints and floats, ``datetime.date`` objects for dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.inputs.schema import CompanyFile, House, ModelFile, ValuationFile
from reportgen.model.engine import ModelRun, compile_model, run_model

#: Four fiscal years, FY24 reported: the default timeline of ``tiny_model``.
FY = {"fy": {"first": 2024, "last": 2027, "last_actual": 2024}}


def tiny_company(
    ads_price: float = 50.0,
    h_price: float = 58.0,
    *,
    fiscal_year_end: str = "March",
    shares_outstanding: float | None = None,
    **overrides: Any,
) -> CompanyFile:
    """CNY reporting; an ADS (8 shares, US$, rounded to 5) and an H share (HK$, rounded to 1).

    FX: US$1 = Rmb7.0, HK$1 = Rmb0.9. ``overrides`` replace top-level keys of company.yaml.
    """
    company: dict[str, Any] = {
        "name": "Co",
        "short_name": "Co",
        "sector": "S",
        "country": "C",
        "reporting_currency": "CNY",
        "reporting_symbol": "Rmb",
        "fiscal_year_end": fiscal_year_end,
    }
    if shares_outstanding is not None:
        company["shares_outstanding"] = shares_outstanding
    listing = {"exchange": "X", "dividend_per_unit": 0.0}
    ads: dict[str, Any] = {
        **listing,
        "key": "ads",
        "ticker": "A",
        "security": "ADS",
        "currency": "USD",
        "symbol": "US$",
        "price": ads_price,
        "shares_per_unit": 8.0,
        "rounding": 5.0,
        "dividend_per_unit": 1.0,
    }
    h: dict[str, Any] = {
        **listing,
        "key": "h",
        "ticker": "H",
        "security": "H share",
        "currency": "HKD",
        "symbol": "HK$",
        "price": h_price,
        "shares_per_unit": 1.0,
        "rounding": 1.0,
    }
    data: dict[str, Any] = {
        "company": company,
        "note": {
            "title": "T",
            "type": "Update",
            "date": dt.date(2026, 5, 11),
            "price_date": dt.date(2026, 5, 8),
        },
        "fx": {"USD": 7.0, "HKD": 0.9},
        "listings": [ads, h],
        "analysts": [{"name": "N", "title": "T", "email": "e", "phone": "p"}],
    }
    data.update(overrides)
    return CompanyFile.model_validate(data, strict=True)


def tiny_house() -> House:
    """Buy at an expected total return of 15% or more, Hold from 0%, Sell below."""
    bands = [
        {"name": "Buy", "min_return": 0.15, "definition": "d"},
        {"name": "Hold", "min_return": 0.0, "definition": "d"},
        {"name": "Sell", "definition": "d"},
    ]
    texts = {"certification": "c", "methodology": "m", "disclosures": ["d"], "disclaimer": "x"}
    return House.model_validate(
        {
            "name": "H",
            "short_name": "H",
            "division": "D",
            "colours": {"primary": "#000000"},
            "rating_scheme": bands,
            "texts": texts,
        },
        strict=True,
    )


def tiny_model(
    lines: dict[str, Any],
    timelines: dict[str, Any] | None = None,
    scenarios: list[dict[str, Any]] | None = None,
) -> ModelFile:
    """A model.yaml of the given lines, on ``FY`` unless other timelines are given."""
    data: dict[str, Any] = {"timelines": timelines or FY, "lines": lines}
    if scenarios is not None:
        data["scenarios"] = scenarios
    return ModelFile.model_validate(data, strict=True)


def line(unit: str, **fields: Any) -> dict[str, Any]:
    """One line spec; the label is not under test, so it is filled in."""
    return {"label": fields.pop("label", "L"), "unit": unit, **fields}


def run(model: ModelFile, company: CompanyFile | None = None) -> ModelRun:
    """Compile (which must find no problem) and run."""
    compiled, problems = compile_model(model, company or tiny_company())
    assert problems == []
    assert compiled is not None
    return run_model(compiled)


def problems_of(model: ModelFile, company: CompanyFile | None = None) -> list[tuple[tuple[Any, ...], str]]:
    """The problems compile_model reports (it must then return no model)."""
    compiled, problems = compile_model(model, company or tiny_company())
    assert compiled is None
    return problems


def tiny_valuation_model() -> ModelFile:
    """The old four-year example, as lines. FY27E metrics, worked by hand:

    a1: 4.0 (FY25) x 1.5 = 6.0 x 1.25 = 7.5        a2: 8.0 x 1.0 = 8.0 x 1.5 = 12.0
    a = a1 + a2 = 19.5 (FY27)                       b: 22.0 x 1.1 = 24.2 x 0.5 = 12.1
    cloud_revenue = a + b = 31.6 CNY bn -> rev_cloud = 31.6 x 1000 = 31,600 CNY mn
    rev_aidc = 60,000; adj_net_income = 30,000; diluted_shares = 8,000 mn (all FY27E)
    """
    bn = "CNY bn"
    return tiny_model(
        {
            "a": line(bn, values={2024: 10.0}, sum=["a1", "a2"]),
            "a1": line(bn, values={2025: 4.0}, growth={2026: 0.5, 2027: 0.25}),
            "a2": line(bn, values={2025: 8.0}, growth={2026: 0.0, 2027: 0.5}),
            "b": line(bn, values={2024: 20.0, 2025: 22.0}, growth={2026: 0.1, 2027: -0.5}),
            "cloud_revenue": line(bn, sum=["a", "b"]),
            "rev_cloud": line("CNY mn", formula='convert(cloud_revenue, "CNY mn")'),
            "rev_aidc": line("CNY mn", values={2026: 50000.0, 2027: 60000.0}),
            "adj_net_income": line("CNY mn", values={2026: 24000.0, 2027: 30000.0}),
            "diluted_shares": line("mn shares", values={2026: 8000.0, 2027: 8000.0}),
        }
    )


#: The old four-year example's parts: two revenue multiples on enterprise value, one P/E.
TINY_PARTS = [
    {"key": "cloud", "name": "Cloud", "method": "EV/Sales", "metric": "rev_cloud", "multiple": 2.0},
    {"key": "aidc", "name": "Intl", "method": "EV/Sales", "metric": "rev_aidc", "multiple": 1.0},
    {"key": "core", "name": "Core", "method": "P/E", "metric": "adj_net_income", "multiple": 10.0},
]
TINY_CASH = {"key": "cash", "label": "Net cash", "kind": "net_cash", "amount": 10000.0, "discount": 0.3}


def multiples(parts: list[dict[str, Any]], key: str = "sotp", **fields: Any) -> dict[str, Any]:
    """A multiples method of ``parts``."""
    return {"key": key, "label": "Sum of the parts", "kind": "multiples", "parts": parts, **fields}


def tiny_valuation(
    *,
    parts: list[dict[str, Any]] | None = None,
    bridge: list[dict[str, Any]] | None = None,
    methods: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> ValuationFile:
    """Cloud at 2x and Intl at 1x EV/Sales (enterprise values), Core at 10x P/E (equity);
    the bridge adds net cash of 10,000 less 30% to the enterprise values."""
    data: dict[str, Any] = {
        "year": 2027,
        "shares": "diluted_shares",
        "methods": methods
        if methods is not None
        else [multiples(parts if parts is not None else TINY_PARTS)],
        "bridge": bridge if bridge is not None else [TINY_CASH],
    }
    data.update(overrides)
    return ValuationFile.model_validate(data, strict=True)


#: A net-debt bridge item of 200 (the DCF and sensitivity tests value through it).
NET_DEBT = {"key": "nd", "label": "Net debt", "kind": "net_debt", "amount": 200.0}


def dcf_model(last_fcf: float = 121.0, ebitda: float = 272.0) -> ModelRun:
    """Three forecast years (2025-27, December year end) with every line a DCF reads, in CNY mn."""
    return run(
        tiny_model(
            {
                "fcf": line("CNY mn", values={2025: 100.0, 2026: 110.0, 2027: last_fcf}),
                "ebit": line("CNY mn", values={2025: 200.0, 2026: 220.0, 2027: 242.0}),
                "tax_rate": line("%", values=0.25),
                "da": line("CNY mn", values={2025: 30.0, 2026: 30.0, 2027: 30.0}),
                "capex": line("CNY mn", values={2025: 40.0, 2026: 45.0, 2027: 50.0}),
                "nwc": line("CNY mn", values={2024: 50.0, 2025: 60.0, 2026: 75.0, 2027: 80.0}),
                "ebitda": line("CNY mn", values={2027: ebitda}),
                "shares": line("mn shares", values=100.0),
            }
        ),
        tiny_company(fiscal_year_end="December"),
    )
