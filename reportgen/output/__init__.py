"""Output: the atomic publish, incremental build state and the content-addressed cache."""
