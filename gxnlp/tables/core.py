r"""``extract``: a Document or Report -> one tidy row per table cell.

>>> from gxnlp.model import Document
>>> text = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 1 | 3 |\n"
...         "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n（一）予以公开 | 2 | 0 | 0 | 0 | 0 | 1 | 3 |\n（七）总计 | 2 | 0 | 0 | 0 | 0 | 1 | 3 |")
>>> df = extract(Document(source="a.txt", report_id="r1", text=text, format="txt"))
>>> df[["row", "column", "value"]].iloc[6].tolist()
['new_requests', 'total', 3]
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..genre.templates import TABULAR_TEMPLATES, tabular_template
from ..model import Document, Report
from .cells import EMPTY_MARKERS, normalize
from .text import Tables, read_tables

COLUMNS: list[str] = ["report_id", "template", "table", "row", "column", "value", "raw"]
_LABEL = re.compile(r"[\u4e00-\u9fff]{2}")


def render_grids(grids: list[list[list[str]]]) -> tuple[str, list[int]]:
    """Resolved HTML grids as text rows ``a | b | c |`` plus the end offset of each grid.

    Repeated label cells (rowspan/colspan filled) are collapsed; an empty cell between values
    becomes ``∅`` so it stays a (null) cell.
    """
    parts: list[str] = []
    stops: list[int] = []
    pos = 0
    for grid in grids:
        lines = []
        for row in grid:
            cells = [normalize(c or "").strip() for c in row]
            if not any(cells):
                continue
            while cells and not cells[0]:
                cells.pop(0)
            out: list[str] = []
            for c in cells:
                if out and c == out[-1] and _LABEL.search(c) and c not in EMPTY_MARKERS:
                    continue
                out.append(c if c else "∅")
            lines.append(" | ".join(out) + " |")
        block = "\n".join(lines) + "\n\n"
        parts.append(block)
        pos += len(block)
        stops.append(pos)
    return "".join(parts), stops


def _read(doc: Document, hint: str | None) -> Tables:
    got = Tables()
    if doc.html_tables:
        gtext, stops = render_grids(doc.html_tables)
        got = read_tables(gtext, hint, stops=stops)
    missing = {"s2", "s3", "s4"} - got.found
    if missing and doc.text:
        tt = read_tables(doc.text, hint)
        for table in sorted(missing & tt.found):
            got.cells.extend(c for c in tt.cells if c.table == table)
            got.found.add(table)
            got.warnings.extend(w for w in tt.warnings if w.startswith(table))
        got.template = got.template or tt.template
    got.template = got.template or hint
    return got


def extract_records(obj: Document | Report, template: str | None = None,
                    year: int | None = None) -> tuple[list[dict[str, Any]], list[str], str, str]:
    """Cells of sections 2-4 as plain records (:data:`COLUMNS`), the warnings raised while
    reading them, the template and the source; :func:`extract_with_warnings` without pandas."""
    if isinstance(obj, Report):
        doc = obj.document
        if doc is None:
            raise ValueError(f"{obj.source}: Report has no document to read tables from")
        template = template or obj.template
        year = year if year is not None else obj.year
    elif isinstance(obj, Document):
        doc = obj
    else:
        raise TypeError(f"extract() takes a Document or a Report, not {type(obj).__name__}")
    got = _read(doc, tabular_template(template, year))
    tpl = got.template or "unknown"
    records: list[dict[str, Any]] = [
        {"report_id": doc.report_id, "template": tpl, "table": c.table, "row": c.row, "column": c.column,
         "value": c.value, "raw": c.raw}
        for c in got.cells
    ]
    warnings = [f"tables: {w}" for w in got.warnings]
    if tpl in TABULAR_TEMPLATES:
        missing = [t for t in ("s2", "s3", "s4") if t not in got.found]
        if missing:
            warnings.append(f"tables: {'/'.join(missing)} not found in a {tpl}-template report")
    return records, warnings, tpl, doc.source


def extract_with_warnings(obj: Document | Report, template: str | None = None, year: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Cells of sections 2-4 and the warnings raised while reading them."""
    records, warnings, tpl, source = extract_records(obj, template, year)
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    df["value"] = pd.Series([r["value"] for r in records], dtype=object, index=df.index)
    df.attrs["warnings"] = warnings
    df.attrs["source"] = source
    df.attrs["template"] = tpl
    return df, warnings


def extract(obj: Document | Report, template: str | None = None, year: int | None = None) -> pd.DataFrame:
    """One row per cell: ``report_id, template, table, row, column, value, raw``.

    ``df.attrs["warnings"]`` lists inferred splits of glued digits, odd cell counts, etc.
    """
    return extract_with_warnings(obj, template=template, year=year)[0]


def cell_dicts(df: pd.DataFrame, source: str | None = None) -> list[dict[str, Any]]:
    """The CLI/JSON records of a cells frame: ``source`` first, then :data:`COLUMNS`."""
    source = source if source is not None else df.attrs.get("source")
    out = []
    for r in df.itertuples(index=False):
        value = r.value
        if isinstance(value, float) and value != value:  # NaN
            value = None
        out.append({"source": source, "report_id": r.report_id, "template": r.template, "table": r.table,
                    "row": r.row, "column": r.column, "value": value, "raw": r.raw})
    return out


def tables_record(path) -> dict[str, Any]:
    """Read, structure and extract one file: ``{"source", "report_id", "template", "cells", "warnings"}``
    or ``{"source", "error"}``. Module-level so it runs in a process pool."""
    from ..model import error_record
    from ..structure.parse import parse_path

    try:
        report = parse_path(path)
        df, warnings = extract_with_warnings(report)
    except Exception as exc:  # one bad file never stops a corpus
        return error_record(str(path), exc)
    return {"source": str(path), "report_id": report.report_id, "template": df.attrs["template"],
            "cells": cell_dicts(df, str(path)), "warnings": warnings}


def cell_rows(report: Report) -> list[dict[str, Any]]:
    """The cells of one report for the dataset (``gxnlp.dataset``): :func:`extract`'s rows as
    plain records (no DataFrame on the per-document path)."""
    return extract_records(report)[0]
