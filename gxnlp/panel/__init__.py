"""Agency panels: one agency across years (identity, coverage, comparison, promises, review)."""
