"""Record: what was published (the ledger, call history, ratings distribution) and git."""
