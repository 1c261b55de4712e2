"""The corpus as tables: an incremental DuckDB build and a pandas view over it."""
from .build import Dataset, build, load

__all__ = ["build", "load", "Dataset"]
