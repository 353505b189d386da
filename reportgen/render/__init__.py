"""Render: the template context, HTML (note and reviewer parts) and the PDF."""
