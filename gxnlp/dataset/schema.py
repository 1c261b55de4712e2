"""The dataset's tables, declared once as typed columns, and the one way rows are written into them."""
from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..model import SECTION_KEYS


@dataclass(frozen=True)
class Table:
    """One table of the dataset: typed columns (name, DuckDB type) and its primary key, if any."""

    columns: tuple[tuple[str, str], ...]
    primary_key: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [name for name, _type in self.columns]

    def ddl(self) -> str:
        cols = [f'"{name}" {sql_type}' + (" PRIMARY KEY" if name == self.primary_key else "")
                for name, sql_type in self.columns]
        return ", ".join(cols)


TEXT, BIGINT, DOUBLE, INTEGER = "VARCHAR", "BIGINT", "DOUBLE", "INTEGER"
#: The tables of the dataset, declared once: the DDL, the insert columns and the exports read them.
SCHEMA: dict[str, Table] = {
    "files": Table((
        ("path", TEXT), ("size", BIGINT), ("mtime", DOUBLE), ("report_id", TEXT),
    ), primary_key="path"),
    "reports": Table((
        ("report_id", TEXT), ("source", TEXT), ("title", TEXT), ("agency", TEXT), ("agency_key", TEXT), ("agency_type", TEXT),
        ("level", TEXT), ("year", INTEGER), ("published", TEXT), ("province", TEXT), ("city", TEXT),
        ("county", TEXT), ("template", TEXT), ("encoding", TEXT), ("warnings", TEXT),
    ) + tuple((k, TEXT) for k in SECTION_KEYS), primary_key="report_id"),
    "errors": Table((("report_id", TEXT), ("source", TEXT), ("error", TEXT),), primary_key="report_id"),
    "cells": Table((
        ("report_id", TEXT), ("template", TEXT), ("table", TEXT), ("row", TEXT), ("column", TEXT),
        ("value", DOUBLE), ("raw", TEXT),
    )),
    "findings": Table((
        ("report_id", TEXT), ("source", TEXT), ("rule", TEXT), ("table", TEXT), ("row", TEXT),
        ("column", TEXT), ("expected", TEXT), ("found", TEXT), ("message", TEXT),
    )),
    "statements": Table((
        ("report_id", TEXT), ("kind", TEXT), ("position", INTEGER), ("text", TEXT), ("category", TEXT),
        ("score", DOUBLE), ("topic", INTEGER),
    )),
    "reuse": Table((
        ("a_report_id", TEXT), ("b_report_id", TEXT), ("kind", TEXT), ("copied_chars", INTEGER),
        ("a_share", DOUBLE), ("b_share", DOUBLE), ("passages", TEXT),
    )),
    "report_reuse": Table((
        ("report_id", TEXT), ("copied_share", DOUBLE), ("self_share", DOUBLE), ("cross_share", DOUBLE),
    ), primary_key="report_id"),
    "topics": Table((
        ("kind", TEXT), ("topic", INTEGER), ("label", TEXT), ("top_terms", TEXT), ("share", DOUBLE),
        ("reports", INTEGER),
    )),
    "panel_agencies": Table((
        ("agency_key", TEXT), ("names", TEXT), ("years", TEXT), ("n_reports", INTEGER), ("first_year", INTEGER),
        ("last_year", INTEGER), ("promises", INTEGER), ("kept", INTEGER), ("follow_through", DOUBLE),
    )),
    "panel_coverage": Table((
        ("agency_key", TEXT), ("year", INTEGER), ("status", TEXT), ("n_reports", INTEGER), ("report_ids", TEXT),
    )),
    "panel_deltas": Table((
        ("agency_key", TEXT), ("year", INTEGER), ("previous_year", INTEGER), ("report_id", TEXT),
        ("previous_report_id", TEXT), ("table", TEXT), ("row", TEXT), ("column", TEXT), ("previous", DOUBLE),
        ("value", DOUBLE), ("delta", DOUBLE),
    )),
    "panel_continuity": Table((
        ("agency_key", TEXT), ("year", INTEGER), ("report_id", TEXT), ("source", TEXT), ("rule", TEXT), ("table", TEXT),
        ("row", TEXT), ("column", TEXT), ("expected", DOUBLE), ("found", DOUBLE), ("message", TEXT),
    )),
    "panel_statements": Table((
        ("agency_key", TEXT), ("compared_years", TEXT), ("kind", TEXT), ("year", INTEGER), ("text", TEXT),
        ("category", TEXT), ("status", TEXT), ("similarity", DOUBLE), ("previous_text", TEXT), ("category_status", TEXT),
    )),
    "panel_promises": Table((
        ("agency_key", TEXT), ("year", INTEGER), ("next_year", INTEGER), ("report_id", TEXT), ("next_report_id", TEXT),
        ("position", INTEGER), ("text", TEXT), ("category", TEXT), ("explicit", "BOOLEAN"), ("kept", "BOOLEAN"),
        ("cover", DOUBLE), ("evidence", TEXT), ("evidence_category", TEXT),
    )),
    "panel_metrics": Table((("agency_key", TEXT), ("year", INTEGER), ("metric", TEXT), ("value", DOUBLE))),
    "build_state": Table((("key", TEXT), ("value", TEXT),), primary_key="key"),
}
#: The scheduler of the running build, for corpus stages that can distribute (reuse candidates).
CORPUS_SCHEDULER: contextvars.ContextVar[str] = contextvars.ContextVar("gxnlp_corpus_scheduler", default="sync")

#: What one corpus stage hands to a later one within a build (the reuse stage's copied-from-earlier
#: figures for the panel stage, so reuse is computed once); None outside a build's corpus stages.
CORPUS_RESULTS: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("gxnlp_corpus_results",
                                                                                       default=None)

#: Tables filled per document (deleted and re-inserted together with their report).
PER_REPORT_TABLES = ("reports", "errors", "cells", "findings", "statements")
#: Tables recomputed over the whole corpus.
CORPUS_TABLES = ("reuse", "report_reuse", "topics", "panel_agencies", "panel_coverage", "panel_deltas", "panel_continuity",
                 "panel_statements", "panel_promises", "panel_metrics")
#: What every export holds (CSV, Parquet, Excel, and the DuckDB file, which also keeps its own
#: bookkeeping tables ``files`` and ``build_state``): the wide view first, then the long tables.
EXPORT_TABLES = ("wide", "reports", "cells", "findings", "statements", "topics", "reuse", "report_reuse", "errors",
                 "panel_metrics", "panel_promises", "panel_agencies", "panel_coverage", "panel_statements",
                 "panel_deltas", "panel_continuity")


def _insert(con, table: str, rows: list[dict[str, Any]]) -> None:
    """Append rows (dicts; missing keys are NULL) to ``table``: one Arrow column per declared column
    (a DuckDB scan of Arrow costs a fraction of a pandas object frame's); a column Arrow cannot type
    (mixed Python types) goes the pandas way, with the same result."""
    if not rows:
        return
    import pyarrow as pa

    columns = SCHEMA[table].column_names
    arrays = []
    for c in columns:
        values = [row.get(c) for row in rows]
        try:
            arrays.append(pa.array(values, from_pandas=True))  # from_pandas: NaN is NULL, as from a frame
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            _insert_frame(con, table, pd.DataFrame(rows))
            return
    if "value" in columns and not (pa.types.is_integer(arrays[columns.index("value")].type)
                                   or pa.types.is_floating(arrays[columns.index("value")].type)
                                   or pa.types.is_null(arrays[columns.index("value")].type)):
        _insert_frame(con, table, pd.DataFrame(rows))  # text in a numeric column: pandas' coercion
        return
    _insert_arrow(con, table, pa.Table.from_arrays(arrays, names=columns))


def _insert_arrow(con, table: str, data) -> None:
    quoted = ", ".join(f'"{c}"' for c in SCHEMA[table].column_names)
    con.register("_rows", data)
    con.execute(f"INSERT OR REPLACE INTO {table} ({quoted}) SELECT {quoted} FROM _rows" if SCHEMA[table].primary_key
                else f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _rows")
    con.unregister("_rows")


def _insert_frame(con, table: str, frame: pd.DataFrame) -> None:
    """Append a DataFrame's rows to ``table`` (its declared columns; missing ones are NULL)."""
    if frame.empty:
        return
    columns = SCHEMA[table].column_names
    frame = frame.reindex(columns=columns)
    if "value" in frame:
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    con.register("_rows", frame)
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"INSERT OR REPLACE INTO {table} ({quoted}) SELECT {quoted} FROM _rows" if SCHEMA[table].primary_key
                else f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _rows")
    con.unregister("_rows")
