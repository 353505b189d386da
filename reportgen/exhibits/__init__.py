"""Exhibits: tables, charts, number formatting and the values prose may quote."""
