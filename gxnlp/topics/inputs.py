"""Inputs of the topics stage: statements, report metadata and table totals of each report.

:func:`load_report` turns one file into a small picklable record (so a corpus streams through
:func:`gxnlp.pipeline.process_map`); :func:`collect` stacks the records into three frames.
It parses with :func:`gxnlp.structure.parse_path`, splits statements with
:func:`gxnlp.text.statements.iter_statements` and takes cells from :func:`gxnlp.tables.cell_rows`.

Already-segmented statements (JSON lines with report_id, kind, text, e.g. a generated corpus's
``truth/statements.jsonl``) can be read with :func:`read_statements_jsonl`.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..model import error_record

_KIND_ALIASES = {
    "problem": "problem", "problems": "problem", "issue": "problem",
    "measure": "measure", "measures": "measure", "improvement": "measure", "improvements": "measure",
}


def normalise_kind(kind: Any) -> str | None:
    return _KIND_ALIASES.get(str(getattr(kind, "value", kind)).lower()) if kind is not None else None


def statements_of(report: Any) -> list[dict[str, Any]]:
    """Problem and measure statements of a structured report."""
    from ..text.statements import iter_statements

    out = []
    for i, s in enumerate(iter_statements(report)):
        kind = normalise_kind(s.kind)
        text = (s.text or "").strip()
        if kind is None or not text:
            continue
        out.append({"report_id": s.report_id or report.report_id, "kind": kind,
                    "position": int(s.position) if s.position is not None else i, "text": text})
    return out


def cells_of(report: Any) -> list[dict[str, Any]]:
    """The long table cells of a report (report_id, table, row, column, value)."""
    from ..tables import extract

    cells = extract(report)
    return cells[["report_id", "table", "row", "column", "value"]].to_dict("records") if len(cells) else []


def report_meta(report: Any) -> dict[str, Any]:
    region = getattr(report, "region", None) or {}
    return {
        "report_id": report.report_id,
        "source": report.source,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "province": region.get("province"),
        "city": region.get("city"),
        "county": region.get("county") or region.get("district"),
        "title": report.title,
    }


def load_report(path: str | Path) -> dict[str, Any]:
    """One file -> {"report": meta, "statements": [...], "cells": [...]}; or an error record."""
    try:
        from ..structure import parse_path

        report = parse_path(path)
        cells_error = None
        try:
            cells = cells_of(report)
        except Exception as exc:  # tables are optional for topics: keep the statements
            cells, cells_error = [], f"tables: {type(exc).__name__}: {exc}"
        rec = {"source": str(path), "report": report_meta(report), "statements": statements_of(report), "cells": cells}
        if cells_error:
            rec["warning"] = cells_error
        return rec
    except Exception as exc:  # one bad file never stops the run
        return error_record(str(path), exc)


def collect(records: Iterable[dict[str, Any]], errors: list[dict[str, Any]] | None = None):
    """Stack :func:`load_report` records into (statements, reports, cells) frames.

    Error records are appended to ``errors``.
    """
    st, rp, cl = [], [], []
    for rec in records:
        if "error" in rec:
            if errors is not None:
                errors.append(rec)
            continue
        rp.append(rec["report"])
        st.extend(rec["statements"])
        cl.extend(rec["cells"])
    statements = pd.DataFrame(st, columns=["report_id", "kind", "position", "text"])
    reports = pd.DataFrame(rp)
    cells = pd.DataFrame(cl, columns=["report_id", "table", "row", "column", "value"])
    return statements, reports, cells


def read_statements_jsonl(path: str | Path) -> pd.DataFrame:
    """Statements from JSON lines (report_id, kind, text, optional position and other fields)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
            kind = normalise_kind(obj.get("kind"))
            if kind is None or not obj.get("text") or not obj.get("report_id"):
                continue
            obj["kind"] = kind
            rows.append(obj)
    df = pd.DataFrame(rows)
    if df.empty:
        raise ValueError(f"{path}: no statements with report_id, kind (problem|measure) and text")
    if "position" not in df:
        df["position"] = df.groupby(["report_id", "kind"]).cumcount()
    return df


#: Report-level columns a statements file may carry (kept as the reports' metadata).
META_COLUMNS: tuple[str, ...] = ("agency", "agency_type", "level", "year", "province", "city", "county", "source",
                                 "file", "title", "template")


def reports_from_statements(statements: pd.DataFrame) -> pd.DataFrame:
    """One row per report_id with the report-level columns found in a statements frame."""
    cols = [c for c in META_COLUMNS if c in statements]
    return statements.groupby("report_id", sort=True)[cols].first().reset_index() if cols else \
        pd.DataFrame({"report_id": sorted(statements["report_id"].unique())})


def read_cells(path: str | Path) -> pd.DataFrame:
    """Long table cells from CSV or JSON lines (report_id, table, row, column, value)."""
    path = Path(path)
    df = read_jsonl(path) if path.suffix in (".jsonl", ".json") else pd.read_csv(path)
    missing = {"report_id", "table", "row", "column", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: table cells need columns {sorted(missing)}")
    return df


def read_jsonl(path: str | Path) -> pd.DataFrame:
    with open(path, encoding="utf-8") as f:
        return pd.DataFrame([json.loads(line) for line in f if line.strip()])


__all__ = [
    "normalise_kind",
    "statements_of",
    "cells_of",
    "report_meta",
    "load_report",
    "collect",
    "read_statements_jsonl",
    "read_jsonl",
    "reports_from_statements",
    "read_cells",
    "META_COLUMNS",
]
