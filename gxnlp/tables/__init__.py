"""Extraction of the statistical tables (sections 2-4) into tidy cells.

``extract(doc_or_report)`` returns one row per cell, ``report_id, template, table, row, column,
value, raw``, with the keys of ``table_keys.md`` (s2 by template, s3 7x23/25, s4 3x5; the
statistics annex of pre-2019 reports as table ``pre2019``, ``genre/table_keys_pre2019.md``). Tables
are read as grids wherever the file has them (``Document.grids``: HTML, Word, PDF ruled tables,
PDF rows rebuilt from word positions, :mod:`.grid`), row labels matched to the keys by similarity
with the template's row order as a prior (:mod:`.labels`), and from any flattening of the text
otherwise (:mod:`.text`: pipe rows, one cell per line, PDF text, glued digit runs split by the
identities). Where several readings exist, each table comes from the one whose identities hold
(:func:`.core.readings`); disagreements, inferred splits and unmatched labels are warnings in
``df.attrs["warnings"]`` / :func:`extract_with_warnings`.

>>> from gxnlp.model import Document
>>> text = ("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量713000074"
...         "二、上年结转政府信息公开申请数量1000001（一）予以公开723000075（七）总计723000075"
...         "四、结转下年度继续办理0000000")
>>> df = extract(Document(source="a.txt", report_id="r1", text=text, format="txt"))
>>> df[df.row == "new_requests"]["value"].tolist()
[71, 3, 0, 0, 0, 0, 74]
"""
from __future__ import annotations

from .core import COLUMNS, cell_rows, extract, extract_with_warnings, render_grids

__all__ = ["COLUMNS", "cell_rows", "extract", "extract_with_warnings", "render_grids"]
