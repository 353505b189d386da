"""Hand-worked checks of the two example notes written only in YAML.

Every expected value is computed here from the YAML inputs, with the arithmetic in the
comments; none is copied from the program's output.

* corvane-systems: fictional US payments/software company, December year end, US$ mn,
  one NASDAQ listing, five growth-built segments, a DCF (CAPM WACC, mid-year, note date
  mid-June) with a three-part sum of the parts as a zero-weight cross-check, net debt.
* quellmark-instruments: fictional European instruments maker, June year end, EUR mn,
  Xetra shares plus a US ADR (2 shares per ADR, EUR 0.92 per US$), balance sheet and
  cash-flow statement, base/bull/bear scenarios on instrument growth; EV/EBITDA bridged
  by net debt (a model line) and minority interests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.model.valuation import build_valuation
from reportgen.note import load_assumptions

ROOT = Path(__file__).resolve().parent.parent
CORVANE = ROOT / "assumptions" / "corvane-systems"
QUELLMARK = ROOT / "assumptions" / "quellmark-instruments"

approx = pytest.approx


@pytest.fixture(scope="module")
def corvane():
    a = load_assumptions(CORVANE)
    return a, build_valuation(a.valuation, a.run, a.company, a.house)


@pytest.fixture(scope="module")
def quellmark():
    a = load_assumptions(QUELLMARK)
    return a, build_valuation(a.valuation, a.run, a.company, a.house)


# ----------------------------------------------------------------------------- Corvane


def test_corvane_segments_compound(corvane):
    a, _ = corvane
    lines = a.run.lines
    # Merchant payments: 2025 base 1,320; +10% in 2026 and 2027: 1320 x 1.10 x 1.10 = 1,597.2
    assert lines["rev_payments"].value(2027) == approx(1597.2)
    # Commerce software: 760 x 1.18 x 1.17 = 896.8 x 1.17 = 1,049.256
    assert lines["rev_software"].value(2027) == approx(1049.256)
    # ... and on to 2030: x 1.15 x 1.13 x 1.12
    #   1049.256 x 1.15 = 1206.6444; x 1.13 = 1363.508172; x 1.12 = 1527.12915264
    assert lines["rev_software"].value(2030) == approx(1527.12915264)
    # Terminals: 500 x 0.98 x 1.00 = 490.0
    assert lines["rev_terminals"].value(2027) == approx(490.0)
    assert lines["rev_software"].growth_at(2026) == approx(0.18)


def test_corvane_revenue_total(corvane):
    a, _ = corvane
    # 2027: payments 1,597.2 + software 1,049.256 + terminals 490.0
    #       + connectivity 410 x 1.06 x 1.06 = 460.676 + services 270 x 1.04 x 1.04 = 292.032
    #       = 3,889.164
    assert a.run.lines["revenue"].value(2027) == approx(3889.164)
    # 2025 actuals: 1,320 + 760 + 500 + 410 + 270 = 3,260
    assert a.run.lines["revenue"].value(2025) == approx(3260.0)
    # software share 2027: 1,049.256 / 3,889.164 = 0.269790...
    assert a.run.lines["rev_software"].share_at(2027) == approx(1049.256 / 3889.164)


def test_corvane_costs_and_profit(corvane):
    a, _ = corvane
    lines = a.run.lines
    rev = 3889.164
    # cost of revenue by ratio: 0.45 x 3,889.164 = 1,750.1238
    assert lines["cost_of_revenue"].value(2027) == approx(1750.1238)
    # EBITDA = revenue x (1 - 0.45 - 0.12 - 0.135 - 0.068) = 3,889.164 x 0.227 = 882.840228
    assert lines["ebitda"].value(2027) == approx(882.840228)
    # EBIT = EBITDA - D&A (5%) = 3,889.164 x 0.177 = 688.382028
    assert lines["ebit"].value(2027) == approx(rev * 0.177)
    assert lines["ebit"].value(2027) == approx(688.382028)
    # net income = (EBIT - interest 75) x (1 - 0.21) = 613.382028 x 0.79 = 484.57180212
    assert lines["net_income"].value(2027) == approx(484.57180212)
    # EPS = 484.57180212 / 414 mn shares = 1.170463...
    assert lines["eps"].value(2027) == approx(484.57180212 / 414)


def test_corvane_sotp_cross_check(corvane):
    _, v = corvane
    sotp = v.method("sotp")
    # parts on 2027E:
    #   payments EBITDA 1,597.2 x 0.36 = 574.992;   EV/EBITDA x 12.0 = 6,899.904 (enterprise)
    #   software sales 1,049.256;                    P/S x 4.5 = 4,721.652 (equity)
    #   other net income (490 + 460.676 + 292.032) x 0.07
    #                    = 1,242.708 x 0.07 = 86.98956;  P/E x 13.0 = 1,130.86428 (equity)
    #   EV 6,899.904 less net debt 1,400 = 5,499.904; plus equity parts -> 11,352.42028
    #   per share = 11,352.42028 / 414 = 27.421305...
    assert sotp.weight == 0.0
    assert sotp.enterprise_value == approx(6899.904)
    assert sotp.equity_value == approx(11352.42028)
    assert sotp.per_share == approx(11352.42028 / 414)


def test_corvane_dcf_and_hold(corvane):
    a, v = corvane
    dcf = v.method("dcf").dcf
    # FCF = EBIT x (1 - 21%) + D&A - capex - increase in working capital (8% of revenue):
    #   2026: 586.443 x 0.79 = 463.2900 + 177.7100 - 206.1436 - (284.3360 - 260.8000) = 411.3204
    #   2027: 688.3820 x 0.79 = 543.8218 + 194.4582 - 217.7932 - 26.7971 = 493.6897
    #   2028: 807.9139 x 0.79 = 638.2520 + 211.4958 - 228.4154 - 27.2601 = 594.0723
    #   2029: 908.9003 x 0.79 = 718.0312 + 228.3669 - 237.5016 - 26.9938 = 681.9027
    #   2030: 986.0261 x 0.79 = 778.9606 + 245.2801 - 245.2801 - 27.0612 = 751.8994
    fcf = [411.3204, 493.6897, 594.0723, 681.9027, 751.8994]
    assert [y.fcf for y in dcf.years] == approx(fcf, abs=1e-3)
    # WACC = 70% x (4% + 1.2 x 5%) + 30% x 6.25% x (1 - 20%) = 7% + 1.5% = 8.5%
    assert dcf.wacc.rate == approx(0.085)
    # Note dated 15 June 2026: 6 months of 2026 remain (half its FCF counts); mid-year
    # periods 0.25, 1, 2, 3, 4 years; factors 1.085^-t
    assert [y.years for y in dcf.years] == [0.25, 1.0, 2.0, 3.0, 4.0]
    counted = [fcf[0] * 0.5, *fcf[1:]]
    pv = [c / 1.085**t for c, t in zip(counted, (0.25, 1, 2, 3, 4), strict=True)]
    # = 201.509 + 455.013 + 504.638 + 533.868 + 542.551 = 2,237.58
    assert dcf.pv_fcf == approx(sum(pv), rel=1e-5)
    assert dcf.pv_fcf == approx(2237.58, abs=0.01)
    # TV = 751.8994 x 1.03 / (8.5% - 3%) = 14,081.03, discounted 4 years (x 0.721574) = 10,160.5
    assert dcf.terminal_value == approx(751.8994 * 1.03 / 0.055, rel=1e-6)
    assert dcf.pv_terminal == approx(751.8994 * 1.03 / 0.055 / 1.085**4, rel=1e-6)
    # EV 12,398.1 less net debt 1,400 = 10,998.1 / 414 mn shares = US$26.57 -> US$27
    ev = sum(pv) + 751.8994 * 1.03 / 0.055 / 1.085**4
    assert v.fair_value == approx((ev - 1400) / 414, rel=1e-5)
    t = v.targets["main"]
    assert t.fair_value == approx(27.0)
    # ETR = 27 / 26.00 - 1 + 0.32 / 26.00 = 0.038462 + 0.012308 = 0.050769 -> 5.1%: Hold
    assert t.etr == approx(27 / 26 - 1 + 0.32 / 26)
    assert t.rating == "Hold"
    assert a.valuation.methods[0].max_terminal_share == 0.85
    assert dcf.terminal_share == approx(10160.5 / 12398.1, abs=1e-4)  # 82%, below the declared 85%


def test_corvane_check_exits_zero():
    result = CliRunner().invoke(main, ["check", str(CORVANE)])
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------- Quellmark


def test_quellmark_segments_and_revenue(quellmark):
    a, _ = quellmark
    lines = a.run.lines
    # Instruments: FY26 1,120 x 1.02 = 1,142.4
    assert lines["rev_instruments"].value(2027) == approx(1142.4)
    # ... to FY30: x 1.03 x 1.03 x 1.03 = 1142.4 x 1.092727 = 1,248.3313248
    assert lines["rev_instruments"].value(2030) == approx(1248.3313248)
    # Consumables: 630 x 1.04 = 655.2
    assert lines["rev_consumables"].value(2027) == approx(655.2)
    # revenue FY27 = 1,142.4 + 655.2 + 310 x 1.03 (= 319.3) = 2,116.9
    assert lines["revenue"].value(2027) == approx(2116.9)


def test_quellmark_income_statement(quellmark):
    a, _ = quellmark
    lines = a.run.lines
    # cost of sales by ratio: 0.535 x 2,116.9 = 1,132.5415
    assert lines["cogs"].value(2027) == approx(1132.5415)
    # EBITDA = 2,116.9 x (1 - 0.535 - 0.30) = 2,116.9 x 0.165 = 349.2885
    assert lines["ebitda"].value(2027) == approx(349.2885)
    # EBIT = 2,116.9 x (0.165 - 0.05) = 243.4435
    assert lines["ebit"].value(2027) == approx(243.4435)
    # net income = (243.4435 - 22) x 0.75 = 166.082625; EPS = / 150 = 1.1072175
    assert lines["net_income"].value(2027) == approx(166.082625)
    assert lines["eps"].value(2027) == approx(1.1072175)


def test_quellmark_cash_flow(quellmark):
    a, _ = quellmark
    lines = a.run.lines
    # working capital = revenue x (0.20 + 0.18 - 0.12) = 0.26 x revenue
    #   FY26 2,060 x 0.26 = 535.6; FY27 2,116.9 x 0.26 = 550.394; increase 14.794
    assert lines["delta_nwc"].value(2027) == approx(14.794)
    # CFO = 166.082625 + D&A (0.05 x 2,116.9 = 105.845) - 14.794 = 257.133625
    assert lines["cfo"].value(2027) == approx(257.133625)
    # FCF = 257.133625 - capex (0.055 x 2,116.9 = 116.4295) = 140.704125
    assert lines["fcf"].value(2027) == approx(140.704125)
    # net change in cash = 140.704125 - dividends (0.45 x 166.082625 = 74.73718125)
    #                      + debt change (550 - 600 = -50) = 15.96694375
    assert lines["cash_change"].value(2027) == approx(15.96694375)
    # cash FY27 = 180 + 15.96694375 = 195.96694375
    assert lines["cash"].value(2027) == approx(195.96694375)


def test_quellmark_balance_sheet_balances(quellmark):
    a, _ = quellmark
    lines = a.run.lines
    # FY26: assets 180 + 412 + 370.8 + 800 + 900 = 2,662.8;
    #       liabilities 247.2 + 600 + 250 = 1,097.2; equity 1,565.6 -> difference 0
    assert lines["total_assets"].value(2026) == approx(2662.8)
    # FY27: assets 195.96694375 + 423.38 + 381.042 + (800 + 116.4295 - 105.845 = 810.5845)
    #       + 900 = 2,710.97344375; equity 1,565.6 + 166.082625 - 74.73718125 = 1,656.94544375
    assert lines["total_assets"].value(2027) == approx(2710.97344375)
    assert lines["equity"].value(2027) == approx(1656.94544375)
    for year in range(2026, 2031):
        assert lines["balance_check"].value(year) == approx(0.0, abs=1e-6), year


def test_quellmark_scenarios(quellmark):
    a, _ = quellmark
    # bull: 1,120 x 1.06 = 1,187.2; bear: 1,120 x 0.96 = 1,075.2
    assert a.run.line("rev_instruments", "bull").value(2027) == approx(1187.2)
    assert a.run.line("rev_instruments", "bear").value(2027) == approx(1075.2)
    # bull revenue FY27 = 1,187.2 + 655.2 + 319.3 = 2,161.7
    assert a.run.line("revenue", "bull").value(2027) == approx(2161.7)


def test_quellmark_valuation_and_sell(quellmark):
    a, v = quellmark
    # EV = 8.0 x EBITDA 349.2885 = 2,794.308; less net debt 420 (model line at FY26A:
    # borrowings 600 - cash 180) and minorities 95 -> 2,279.308; / 150 = 15.195387
    assert a.run.lines["net_debt"].value(2026) == approx(420.0)
    m = v.methods[0]
    assert m.enterprise_value == approx(2794.308)
    assert [b.value for b in m.bridge] == approx([-420.0, -95.0])
    assert v.fair_value == approx(2279.308 / 150)
    xetra, adr = v.targets["xetra"], v.targets["adr"]
    # Xetra (EUR, 1 share): 15.195 rounded to EUR 1 -> 15
    assert xetra.fair_value == approx(15.0)
    # ETR = 15 / 19.00 - 1 + 0.50 / 19.00 = -0.210526 + 0.026316 = -0.184211 -> Sell
    assert xetra.etr == approx(15 / 19 - 1 + 0.50 / 19)
    assert xetra.rating == "Sell"
    # ADR: 2 shares x 15.195387 / 0.92 EUR per US$ = 33.033 -> rounded to US$1 = 33
    assert adr.fair_value == approx(33.0)
    # ETR = 33 / 41.30 - 1 + 1.09 / 41.30 = -0.200969 + 0.026392 = -0.174576 -> Sell
    assert adr.etr == approx(33 / 41.30 - 1 + 1.09 / 41.30)
    assert adr.rating == "Sell"


def test_quellmark_check_exits_zero():
    result = CliRunner().invoke(main, ["check", str(QUELLMARK)])
    assert result.exit_code == 0, result.output
