"""``PanelReport``: what the panel needs of one report (metadata, sections, cells, statements, findings),
built from a parsed :class:`gxnlp.model.Report` or from the rows of a built dataset."""
from __future__ import annotations

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
    cells: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["table", "row", "column", "value"]))
    statements: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    agency_key: str | None = None

    def cell(self, table: str, row: str, column: str) -> float | None:
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            c = self.cells
            lookup = {} if c.empty else {
                (t, r, k): float(v) for t, r, k, v in zip(c["table"], c["row"], c["column"], c["value"]) if not pd.isna(v)}
            self.__dict__["_lookup"] = lookup
        return lookup.get((table, row, column))


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
        cells=cells[["table", "row", "column", "value"]] if not cells.empty else cells,
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


def from_dataset(con, report_ids: list[str] | None = None) -> list[PanelReport]:
    """The stored reports of a dataset connection (DuckDB) as :class:`PanelReport` records: all of
    them, or those of ``report_ids`` (the panel stage reads a batch of agencies at a time)."""
    if report_ids is None:
        where = ""
    else:
        con.register("_panel_ids", pd.DataFrame({"report_id": list(report_ids)}, dtype=object))
        where = " WHERE report_id IN (SELECT report_id FROM _panel_ids)"
    reports = con.execute(f"SELECT * FROM reports{where} ORDER BY report_id").df()
    cells = con.execute(f'SELECT report_id, "table", "row", "column", value FROM cells{where}').df()
    for c in ("report_id", "table", "row", "column"):  # plain strings: the panel iterates over them per report
        cells[c] = cells[c].astype(object)
    st = con.execute(f"SELECT report_id, kind, position, text, category FROM statements{where} "
                     "ORDER BY report_id, kind, position").df()
    # the report's own findings: the corpus-level carry-over findings (rewritten after the panel) are
    # the panel's continuity table, and counting them here would depend on the previous build
    fd = con.execute(f"SELECT * FROM findings{where}{' AND' if where else ' WHERE'} rule IS DISTINCT FROM ?",
                     [CONTINUITY_RULE]).df()
    if report_ids is not None:
        con.unregister("_panel_ids")
    # one split per table (positions per report, records made once): per-report groupby frames,
    # column drops and to_dict calls were a fifth of the panel stage
    cell_rows = cells.groupby("report_id", sort=False).indices if len(cells) else {}
    cell_values = cells.drop(columns=["report_id"])
    st_by: dict[str, list[dict]] = {}
    for rid, rec in zip(st["report_id"], st.drop(columns=["report_id"]).to_dict("records")):
        st_by.setdefault(rid, []).append(rec)
    fd_by: dict[str, list[dict]] = {}
    for rec in fd.to_dict("records"):
        fd_by.setdefault(rec["report_id"], []).append(rec)
    out = []
    reports = reports.astype(object).where(reports.notna(), None)
    for r in reports.to_dict("records"):
        rid = r["report_id"]
        rows = cell_rows.get(rid)
        out.append(PanelReport(
            report_id=rid, source=r.get("source"), agency=r.get("agency"),
            year=None if pd.isna(r.get("year")) else int(r["year"]), published=r.get("published"),
            region={k: r.get(k) for k in ("province", "city", "county")},
            sections={k: r.get(k) for k in SECTION_KEYS},
            cells=cell_values.take(rows) if rows is not None else pd.DataFrame(columns=["table", "row", "column", "value"]),
            statements=st_by.get(rid, []),
            findings=fd_by.get(rid, []),
            agency_key=r.get("agency_key"),
        ))
    return out
