"""Security tests: one per class of hole (issue 13)."""
