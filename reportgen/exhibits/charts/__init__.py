"""Charts: one module per kind family over shared frame, scale and SVG helpers."""
