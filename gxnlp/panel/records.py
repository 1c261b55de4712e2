"""``PanelReport``: what the panel needs of one report (metadata, sections, cells, statements, findings),
built from a parsed :class:`gxnlp.model.Report` or from the rows of a built dataset."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from ..model import SECTION_KEYS
from ..tables.continuity import RULE as CONTINUITY_RULE


@dataclass
class PanelReport:
    report_id: str
    source: str | None
    agency: str | None
    year: int | None
    published: str | None = None
    region: dict[str, str | None] = field(default_factory=dict)
    sections: dict[str, str | None] = field(default_factory=dict)
    #: ``(table, row, column, value)`` records in the report's order (``value`` a float, NaN when the
    #: cell holds no number); a cells frame with those columns is converted
    cells: list[tuple[str, str, str, float]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    agency_key: str | None = None

    def __post_init__(self):
        if isinstance(self.cells, pd.DataFrame):
            self.cells = cell_records(self.cells)

    def cell(self, table: str, row: str, column: str) -> float | None:
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {(t, r, k): v for t, r, k, v in self.cells if v == v}
            self.__dict__["_lookup"] = lookup
        return lookup.get((table, row, column))


def _number(value: Any) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def cell_records(cells: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    """The ``(table, row, column, value)`` records of a cells frame (missing values NaN)."""
    if cells.empty:
        return []
    return [(t, r, c, _number(v)) for t, r, c, v in zip(cells["table"], cells["row"], cells["column"], cells["value"])]


@lru_cache(maxsize=1)
def _classifier():
    from ..text.classify import StatementClassifier

    return StatementClassifier()


def from_report(report: Any) -> PanelReport:
    """Everything the panel uses of one parsed report (tables, audit, classified statements)."""
    from ..tables import cell_rows
    from ..tables.audit import finding_rows
    from ..text.statements import iter_statements

    try:
        cells = cell_rows(report)
        findings = finding_rows(report, cells)
    except Exception:  # noqa: BLE001 - a report without readable tables still has narrative
        cells, findings = pd.DataFrame(columns=["table", "row", "column", "value"]), []
    statements = [{"kind": s.kind, "position": s.position, "text": s.text, "category": s.category}
                  for s in _classifier().classify(list(iter_statements(report)))]
    return PanelReport(
        report_id=report.report_id, source=report.source, agency=report.agency, year=report.year,
        published=report.published, region=dict(report.region or {}),
        sections={k: (report.sections or {}).get(k) for k in SECTION_KEYS},
        cells=cell_records(cells),
        statements=statements, findings=findings,
    )


def from_path(path: Any) -> PanelReport | dict[str, Any]:
    """A :class:`PanelReport` of one file, or ``{"source", "error"}`` (picklable, for process pools)."""
    from ..model import error_record
    from ..structure.parse import parse_path

    try:
        return from_report(parse_path(path))
    except Exception as exc:  # noqa: BLE001 - one bad file never stops a corpus
        return error_record(str(path), exc)


def from_dataset(con, report_ids: list[str] | None = None,
                 cell_keys: Iterable[tuple[str, str, str]] | None = None) -> list[PanelReport]:
    """The stored reports of a dataset connection (DuckDB) as :class:`PanelReport` records: all of
    them, or those of ``report_ids`` (the panel stage reads a batch of agencies at a time); with
    ``cell_keys``, only those ``(table, row, column)`` cells of each."""
    if report_ids is None:
        where = ""
    else:
        con.register("_panel_ids", pd.DataFrame({"report_id": list(report_ids)}, dtype=object))
        where = " WHERE report_id IN (SELECT report_id FROM _panel_ids)"
    cell_where, cell_params, keep = where, [], None
    if cell_keys is not None:  # narrowed in the query (each part of the key), exactly in Python
        keep = set(cell_keys)
        parts = [sorted({k[i] for k in keep}) for i in range(3)]
        cell_where += (" AND " if where else " WHERE ") + " AND ".join(
            f'"{c}" IN ({", ".join("?" * len(p))})' if p else "false" for c, p in zip(("table", "row", "column"), parts))
        cell_params = [v for p in parts for v in p]
    cur = con.execute(f"SELECT * FROM reports{where} ORDER BY report_id")
    names = [d[0] for d in cur.description]
    reports = [dict(zip(names, row)) for row in cur.fetchall()]
    # plain tuples grouped per report in one pass: DataFrames per report and their to_dict calls
    # were most of reading a batch
    cells_by: dict[str, list] = {}
    nan = float("nan")
    # in stored order (a filtered scan's order depends on DuckDB's threads)
    for rid, *cell in con.execute(f'SELECT report_id, "table", "row", "column", value FROM cells{cell_where} '
                                  "ORDER BY rowid", cell_params).fetchall():
        if keep is not None and tuple(cell[:3]) not in keep:
            continue
        if cell[3] is None:
            cell[3] = nan
        cells_by.setdefault(rid, []).append(tuple(cell))
    st_by: dict[str, list[dict]] = {}
    for rid, kind, position, text, category in con.execute(
            f"SELECT report_id, kind, position, text, category FROM statements{where} "
            "ORDER BY report_id, kind, position").fetchall():
        st_by.setdefault(rid, []).append({"kind": kind, "position": position, "text": text, "category": category})
    # the report's own findings: the corpus-level carry-over findings (rewritten after the panel) are
    # the panel's continuity table, and counting them here would depend on the previous build
    cur = con.execute(f"SELECT * FROM findings{where}{' AND' if where else ' WHERE'} rule IS DISTINCT FROM ?",
                      [CONTINUITY_RULE])
    names = [d[0] for d in cur.description]
    fd_by: dict[str, list[dict]] = {}
    for row in cur.fetchall():
        rec = dict(zip(names, row))
        fd_by.setdefault(rec["report_id"], []).append(rec)
    if report_ids is not None:
        con.unregister("_panel_ids")
    out = []
    for r in reports:
        rid = r["report_id"]
        out.append(PanelReport(
            report_id=rid, source=r.get("source"), agency=r.get("agency"),
            year=None if r.get("year") is None else int(r["year"]), published=r.get("published"),
            region={k: r.get(k) for k in ("province", "city", "county")},
            sections={k: r.get(k) for k in SECTION_KEYS},
            cells=cells_by.get(rid, []),
            statements=st_by.get(rid, []),
            findings=fd_by.get(rid, []),
            agency_key=r.get("agency_key"),
        ))
    return out
