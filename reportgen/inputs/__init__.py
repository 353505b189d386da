"""Inputs: the one reader, YAML with marks, the schema, units, periods and prices."""
