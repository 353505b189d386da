"""Compare: the previous version, the target-price bridge and the estimate changes."""
