"""Commands: one module per CLI verb beyond build (batch, watch, publish, diff, authoring)."""
