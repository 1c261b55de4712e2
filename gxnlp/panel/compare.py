"""Two reports of one agency side by side: table deltas, the carry-over continuity check, and
problems / measures new, repeated and dropped (by category and by text).

>>> import pandas as pd
>>> from gxnlp.panel.records import PanelReport
>>> cells = lambda fw, co: pd.DataFrame([("s3", "carried_forward", "total", fw), ("s3", "carried_over", "total", co)],
...                                     columns=["table", "row", "column", "value"])
>>> a = PanelReport("a", None, "甲局", 2021, cells=cells(3, 0))
>>> b = PanelReport("b", None, "甲局", 2022, cells=cells(0, 2))
>>> [(f["column"], f["expected"], f["found"]) for f in continuity(a, b)]
[('total', 3.0, 2.0)]
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from .records import PanelReport

#: Two statements are the same when their texts (punctuation, numbers and enumerators dropped)
#: are this similar (rapidfuzz ratio, 0–100).
SAME_TEXT = 75.0

_NOISE = re.compile(r"[\s，,。；;：:、！!？?“”\"‘’'（）()《》【】\d#０-９]+")


def norm_text(text: str | None) -> str:
    return _NOISE.sub("", text or "")


DELTA_COLUMNS = ["table", "row", "column", "previous", "value", "delta"]


def delta_rows(prev: PanelReport, cur: PanelReport, head: tuple = ()) -> list[tuple]:
    """The rows of :func:`table_deltas` as ``head + (table, row, column, previous, value, delta)`` tuples."""
    if not prev.cells or not cur.cells:
        return []
    # an inner join on the cell key in the previous report's order (as DataFrame.merge orders it)
    at: dict[tuple, list[float]] = {}
    for t, r, c, v in cur.cells:
        at.setdefault((t, r, c), []).append(v)
    out = []
    for t, r, c, p in prev.cells:
        for v in at.get((t, r, c), ()):
            out.append((*head, t, r, c, p, v, v - p))  # NaN when either is missing
    return out


def table_deltas(prev: PanelReport, cur: PanelReport) -> pd.DataFrame:
    """One row per cell present in both reports: ``table, row, column, previous, value, delta``
    (section-2 keys differ between the 2019 and 2021 templates; only shared keys are compared)."""
    rows = delta_rows(prev, cur)
    if not rows:
        return pd.DataFrame(columns=DELTA_COLUMNS)
    return pd.DataFrame(rows, columns=DELTA_COLUMNS)


def continuity_entry(report: PanelReport) -> dict[str, Any]:
    """The entry of :mod:`gxnlp.tables.continuity` for one panel report (its agency key, when resolved)."""
    from ..genre.table_keys import S3_COLUMNS
    from ..tables.continuity import series_entry

    cells = {("s3", row, col): v for row in ("carried_over", "carried_forward") for col in S3_COLUMNS
             if (v := report.cell("s3", row, col)) is not None}
    return series_entry(report.report_id, report.source, report.agency, report.region, report.year, cells,
                        agency_key=report.agency_key)


def continuity(prev: PanelReport, cur: PanelReport) -> list[dict[str, Any]]:
    """The findings of the rule ``cross_year_continuity`` (:mod:`gxnlp.tables.continuity`) for two
    reports taken as one agency's: this year's 二、上年结转 differs from last year's 四、结转下年度继续办理
    (per applicant column); nothing when either is missing or the years are not consecutive."""
    from ..tables.continuity import continuity_findings

    entries = [continuity_entry(prev), continuity_entry(cur)]
    return [f.to_dict() for f in continuity_findings(entries, keys=["agency", "agency"])]


STATEMENT_COLUMNS = ["kind", "year", "text", "category", "status", "similarity", "previous_text", "category_status"]


def statement_change_rows(prev: PanelReport, cur: PanelReport) -> list[tuple]:
    """The rows of :func:`statement_changes` as tuples in the order of :data:`STATEMENT_COLUMNS`."""
    rows = []
    for kind in ("problem", "measure"):
        a = [s for s in prev.statements if s["kind"] == kind]
        b = [s for s in cur.statements if s["kind"] == kind]
        cats_a = {s.get("category") for s in a}
        cats_b = {s.get("category") for s in b}
        used: set[int] = set()
        if a and b:
            # every pair at once; the best earlier statement, the last one among equals
            scores = cdist([norm_text(s["text"]) for s in b], [norm_text(s["text"]) for s in a],
                           scorer=fuzz.ratio, dtype=np.float64, workers=1)
            last = len(a) - 1 - scores[:, ::-1].argmax(axis=1)
        for j, s in enumerate(b):
            if a:
                i = int(last[j])
                best = float(scores[j, i])
            else:
                best, i = 0.0, -1
            same = best >= SAME_TEXT
            if same:
                used.add(i)
            rows.append((kind, cur.year, s["text"], s.get("category"), "repeated" if same else "new",
                         round(best / 100, 3), a[i]["text"] if same else None,
                         "repeated" if s.get("category") in cats_a else "new"))
        for i, s in enumerate(a):
            if i in used:
                continue
            rows.append((kind, prev.year, s["text"], s.get("category"), "dropped", None, None,
                         "repeated" if s.get("category") in cats_b else "dropped"))
    return rows


def statement_changes(prev: PanelReport, cur: PanelReport) -> pd.DataFrame:
    """Problems and measures of ``cur`` marked ``new`` or ``repeated`` (a statement of ``prev`` of the
    same kind with nearly the same text) and those of ``prev`` not repeated marked ``dropped``;
    ``category_status`` says the same by category (a category named in both years is repeated)."""
    return pd.DataFrame(statement_change_rows(prev, cur), columns=STATEMENT_COLUMNS)


def copied_from_earlier(det: Any, reports: list[PanelReport]) -> dict[str, dict[str, Any]]:
    """Per report id, the share of its narrative copied from the same agency's earlier reports, from a
    fitted :class:`gxnlp.reuse.ReuseDetector` (the pairs ``gxnlp reuse`` lists as ``self`` whose
    source is the earlier report): ``{"share", "chars", "sources"}``."""
    return copied_by_ids(det, {r.report_id: r.agency_key for r in reports}, {r.report_id: r.year for r in reports})


def copied_by_ids(det: Any, key_of: dict[str, str | None], year_of: dict[str, int | None]) -> dict[str, dict[str, Any]]:
    """:func:`copied_from_earlier` with each report's agency key and year given by its id."""
    index = {d.report_id: i for i, d in enumerate(det.docs_)}
    sents: dict[str, set[int]] = {}
    sources: dict[str, set[str]] = {}
    for r in det.pairs_.itertuples():
        if r.kind != "self" or key_of.get(r.a_report_id) != key_of.get(r.b_report_id):
            continue
        ps = det.passages_[(r.a_index, r.b_index)]
        for later, earlier, side in ((r.b_report_id, r.a_report_id, "b"), (r.a_report_id, r.b_report_id, "a")):
            if r.source_report_id != earlier or year_of.get(earlier) == year_of.get(later):
                continue
            for p in ps:
                sents.setdefault(later, set()).update(p.b_matched if side == "b" else p.a_matched)
            sources.setdefault(later, set()).add(earlier)
    out = {}
    for rid, i in index.items():
        s = sents.get(rid, set())
        state = det.documents_[i]
        chars = int(state.residual_lengths[sorted(s)].sum()) if s else 0  # computed once per report
        n = state.narrative_chars
        out[rid] = {"share": round(chars / n, 4) if n else 0.0, "chars": chars, "sources": sorted(sources.get(rid, ()))}
    return out
