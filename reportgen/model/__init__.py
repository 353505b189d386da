"""The forecast and valuation model: pure functions from Assumptions to typed results."""
