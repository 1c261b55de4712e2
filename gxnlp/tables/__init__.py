"""Extraction of the statistical tables (sections 2-4) into tidy cells.

>>> from gxnlp.model import Document
>>> doc = Document(source="x.txt", report_id="r1", text="四、结转下年度继续办理 0000000", format="txt")
>>> extract(doc).empty
True
"""
from __future__ import annotations

from .core import COLUMNS, extract, extract_with_warnings, render_grids

__all__ = ["COLUMNS", "extract", "extract_with_warnings", "render_grids"]
