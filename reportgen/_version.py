"""The one version string: pyproject.toml reads it, and so do the CLI and the build keys."""

__version__ = "0.4.0"
