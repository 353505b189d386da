"""The note's Jinja templates, stylesheets and fonts, shipped in the wheel as ``reportgen.templates``."""
