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

from ..genre import table_keys as K
from ..genre.templates import TABULAR_TEMPLATES, tabular_template
from ..model import Document, Grid, Report
from .audit import IDENTITY_RULES, check_cells, expected_cells
from .cells import EMPTY_MARKERS, normalize
from .grid import read_grids
from .pre2019 import pre2019_readings, sum_failures
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


#: Readings in order of preference when they are equally consistent: a table's own grid first.
ROUTES: tuple[str, ...] = ("grid", "grid_text", "words", "text")
_TABLE_CELLS = {"s4": len(K.S4_ROWS) * len(K.S4_COLUMNS)}


def readings(doc: Document, hint: str | None) -> dict[str, Tables]:
    """The readings of the document's tables: ``grid`` (its HTML/Word/ruled PDF tables read as
    grids), ``grid_text`` (HTML/Word grids flattened to text rows, when ``grid`` lacks a table),
    ``words`` (PDF rows rebuilt from word positions) and ``text`` (the running text; for HTML
    and Word, whose text renders the same grids, only when the grids lack a table)."""
    grids = list(doc.grids) or [Grid("html", g) for g in doc.html_tables]
    structured = [g for g in grids if g.kind != "pdf_words"]
    out: dict[str, Tables] = {}
    if structured:
        out["grid"] = read_grids(structured, hint)
    if doc.html_tables and not {"s2", "s3", "s4"} <= out.get("grid", Tables()).found:
        gtext, stops = render_grids(doc.html_tables)
        out["grid_text"] = read_tables(gtext, hint, stops=stops)
    words = [g for g in grids if g.kind == "pdf_words"]
    if words:
        out["words"] = read_grids(words, hint)
    # the running text of an HTML/Word file renders the same grids: read only for what they lack
    found = set().union(*(t.found for t in out.values())) if out else set()
    if doc.text and (doc.format not in ("html", "docx") or not {"s2", "s3", "s4"} <= found):
        out["text"] = read_tables(doc.text, hint)
    return out


def _table_score(tables: Tables, table: str, route: str) -> tuple:
    """Lower is better: identity failures, then cells that could not be read, then preference."""
    cells = {(c.table, c.row, c.column): c.value for c in tables.cells if c.table == table}
    raw = {(c.table, c.row, c.column): c.raw for c in tables.cells if c.table == table}
    # an identity that a reading cannot check (cells it did not read) counts against it like a failure:
    # a reading must not win by losing the cells that would break an identity
    fails = sum(1 for f in check_cells(cells, "-", raw=raw) if f.rule in IDENTITY_RULES + ("unverifiable",)) \
        if table != "s2" else 0
    template = "2021" if any(r in K.S3_OTHER_2021 for (_t, r, _c) in cells) else (tables.template or "2021")
    if table == "s3" and not any(r in K.S3_OTHER_2021 for (_t, r, _c) in cells) and \
            any(r == "other_handling" for (_t, r, _c) in cells):
        template = "2019"
    expected = expected_cells(table, template if template in ("2019", "2021") else "2021")
    unread = sum(1 for k in expected if cells.get(k) is None and raw.get(k) is None)
    return (fails, unread, -len(cells), ROUTES.index(route)), fails, unread


def _why(best: tuple, other: tuple, other_name: str) -> str:
    if best[0] < other[0]:
        return f"{'its identities hold' if best[0] == 0 else f'{best[0]} identities fail or cannot be checked'} " \
               f"(in the {other_name} reading {other[0]} fail or cannot be checked)"
    if best[1] < other[1]:
        return f"fewer unread cells ({best[1]} vs {other[1]} in the {other_name} reading)"
    return "equally consistent; the table's own structure is preferred"


def _choose(cands: dict[str, Tables], table: str, score, got: Tables) -> Tables | None:
    """Add ``table`` from the reading ``score`` ranks best (lower is better: ``(key, fails,
    unread)``) to ``got``; where readings disagree on a cell, a warning says which won and why."""
    having = [name for name, t in cands.items() if table in t.found]
    if len(having) == 1:  # one reading: nothing to choose between
        scored = [(((0,), 0, 0), having[0])]
    else:
        scored = sorted(((score(cands[name], table, name), name) for name in having), key=lambda x: x[0][0])
    if not scored:
        return None
    (_score, fails, unread), name = scored[0]
    chosen = cands[name]
    got.found.add(table)
    mine = {(c.row, c.column): c.value for c in chosen.cells if c.table == table}
    got.cells.extend(c for c in chosen.cells if c.table == table)
    got.warnings.extend(w for w in chosen.warnings if w.startswith(table))
    for (_oscore, ofails, ounread), other in scored[1:]:
        theirs = {(c.row, c.column): c.value for c in cands[other].cells if c.table == table}
        diff = [k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)]
        if diff:
            k = sorted(diff)[0]
            got.warnings.append(
                f"{table}: the {name} and {other} readings disagree on {len(diff)} cells (e.g. {k[0]}/{k[1]}: "
                f"{mine.get(k)!r} vs {theirs.get(k)!r}); kept {name}: "
                f"{_why((fails, unread), (ofails, ounread), other)}")
    return chosen


def _pre2019_score(tables: Tables, table: str, route: str) -> tuple:
    """Lower is better: failed sums (a total and its printed parts, 历年累计 >= 本年度), then rows
    not found, then cells read, then preference (a table's own structure first)."""
    fails = sum_failures(tables)
    rows = {c.row for c in tables.cells if c.table == table}
    unread = len(K.PRE2019_ROWS) - len(rows)
    filled = sum(1 for c in tables.cells if c.table == table and c.value is not None)
    return (fails, unread, -filled, ROUTES.index(route)), fails, unread


def _read(doc: Document, hint: str | None) -> Tables:
    """The tables from the reading that satisfies the identities, table by table; where
    readings disagree on a cell, a warning says which won and why."""
    cands = readings(doc, hint)
    got = Tables()
    for table in ("s3", "s2", "s4"):
        chosen = _choose(cands, table, _table_score, got)
        if chosen is not None and (table == "s3" or got.template is None):
            got.template = chosen.template
    for name, t in cands.items():
        if name in ("grid", "words") and any(c.table in got.found for c in t.cells):
            got.warnings.extend(w for w in t.warnings if w.startswith("unmatched row label"))
    got.template = got.template or next((t.template for t in cands.values() if t.template), None) or hint
    if not got.found:
        # a 2008-regulation report's statistics annex
        old = Tables(template="pre2019")
        if _choose(pre2019_readings(doc), K.PRE2019_TABLE, _pre2019_score, old) is not None:
            return old
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
    return cells_frame(*extract_records(obj, template, year))


def cells_frame(records: list[dict[str, Any]], warnings: list[str], tpl: str, source: str) -> tuple[pd.DataFrame, list[str]]:
    """:func:`extract_records`'s output as a cells frame (``attrs``: warnings, source, template)."""
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
    from ..runner import stage_record

    return stage_record(path, "tables")


def cell_rows(report: Report) -> pd.DataFrame:
    """The cells of one report for the dataset (``gxnlp.dataset``): :func:`extract`'s frame."""
    return extract(report)
