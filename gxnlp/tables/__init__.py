"""Extraction of the statistical tables (sections 2-4) into tidy cells.

>>> from gxnlp.model import Document
>>> doc = Document(source="x.txt", report_id="r1", text="四、结转下年度继续办理 0000000", format="txt")
>>> extract(doc).empty
True
"""
from __future__ import annotations

from .. import dataset as _dataset
from .core import COLUMNS, cells_stage, extract, extract_with_warnings, render_grids

_dataset.register_stage("cells", cells_stage)

__all__ = ["COLUMNS", "cells_stage", "extract", "extract_with_warnings", "render_grids"]
