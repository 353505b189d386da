"""Tiny hand-sized assumption objects, so model tests can be checked with a pencil."""

from __future__ import annotations

from typing import Any

from reportgen.model.forecast import OPEX
from reportgen.schema import CompanyFile, ForecastFile, House, ValuationFile


def tiny_forecast(**overrides: Any) -> ForecastFile:
    """Segments A (= a1 + a2) and B over 2024-2027; group lines in round thousands."""
    lines: dict[str, Any] = {
        "rev_ecommerce": {2026: 100000, 2027: 110000},
        "rev_aidc": {2026: 50000, 2027: 60000},
        "rev_others": {2026: 10000, 2027: 10000},
        "rev_unallocated": {2026: 0, 2027: 0},
        "rev_eliminations": {2026: -8200, 2027: -1600},
        "revenue_prior": {2025: 150000},
        "cost_of_revenue": {2026: 100000, 2027: 120000},
        **{k: {2026: 5000, 2027: 5000} for k in OPEX},
        "net_income": {2026: 20000, 2027: 25000},
        "nci": {2026: -2000, 2027: 1000},
        "adj_net_income": {2026: 24000, 2027: 30000},
        "ebita_ecommerce": {2026: 30000, 2027: 35000},
        "ebita_others": {2026: -5000, 2027: -5000},
        "ebita_rest": {2026: -1000, 2027: -1000},
        "diluted_shares": {2026: 8000, 2027: 8000},
    }
    data: dict[str, Any] = {
        "timeline": {"first_year": 2024, "last_actual": 2024, "last_year": 2027},
        "cloud": {
            "name": "Cloud",
            "segments": [
                {
                    "key": "a",
                    "name": "A",
                    "values": {2024: 10.0},
                    "children": [
                        {"key": "a1", "name": "A1", "values": {2025: 4.0}, "growth": {2026: 0.5, 2027: 0.25}},
                        {"key": "a2", "name": "A2", "values": {2025: 8.0}, "growth": {2026: 0.0, 2027: 0.5}},
                    ],
                },
                {
                    "key": "b",
                    "name": "B",
                    "values": {2024: 20.0, 2025: 22.0},
                    "growth": {2026: 0.1, 2027: -0.5},
                },
            ],
            "external_share": {2026: 0.5, 2027: 0.5},
            "ebita_margin": {2026: 0.1, 2027: 0.2},
        },
        "capex": {2025: 17.0, 2026: 19.1, 2027: 15.8},
        "financials": {
            "first_year": 2026,
            "last_year": 2027,
            "lines": {k: {"label": k, "values": v} for k, v in lines.items()},
            "previous": {"revenue": {2026: 200000, 2027: 200000}},
        },
    }
    data.update(overrides)
    return ForecastFile.model_validate(data, strict=True)


def tiny_valuation() -> ValuationFile:
    return ValuationFile.model_validate(
        {
            "year": 2027,
            "shares_line": "diluted_shares",
            "parts": [
                {"key": "cloud", "name": "Cloud", "method": "P/S", "metric": "rev_cloud", "multiple": 2.0},
                {"key": "aidc", "name": "Intl", "method": "P/S", "metric": "rev_aidc", "multiple": 1.0},
                {
                    "key": "core",
                    "name": "Core",
                    "method": "P/E",
                    "metric": "adj_net_income",
                    "multiple": 10.0,
                },
            ],
            "net_cash": {"amount": 10000, "discount": 0.3, "note": "test"},
        },
        strict=True,
    )


def tiny_company(ads_price: float = 50.0, h_price: float = 58.0) -> CompanyFile:
    listing = {"exchange": "X", "dividend_per_unit": 0.0}
    return CompanyFile.model_validate(
        {
            "company": {
                "name": "Co",
                "short_name": "Co",
                "sector": "S",
                "country": "C",
                "reporting_currency": "CNY",
                "reporting_symbol": "Rmb",
                "fiscal_year_end": "March",
            },
            "note": {"title": "T", "type": "Update", "date": "2026-05-11", "price_date": "2026-05-08"},
            "fx": {"USD": 7.0, "HKD": 0.9},
            "listings": [
                {
                    **listing,
                    "key": "ads",
                    "ticker": "A",
                    "security": "ADS",
                    "currency": "USD",
                    "symbol": "US$",
                    "price": ads_price,
                    "shares_per_unit": 8,
                    "rounding": 5,
                    "dividend_per_unit": 1.0,
                },
                {
                    **listing,
                    "key": "h",
                    "ticker": "H",
                    "security": "H share",
                    "currency": "HKD",
                    "symbol": "HK$",
                    "price": h_price,
                    "shares_per_unit": 1,
                    "rounding": 1,
                },
            ],
            "analysts": [{"name": "N", "title": "T", "email": "e", "phone": "p"}],
        },
        strict=False,  # dates as ISO strings here; the YAML loader yields date objects
    )


def tiny_house() -> House:
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
            "colours": {"primary": "#000"},
            "rating_scheme": bands,
            "texts": texts,
        },
        strict=True,
    )
