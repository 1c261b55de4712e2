"""Agency panel pages: one self-contained HTML page per agency with two or more years, and an index.

Each page: the names the agency used, coverage of its years, key figures by year, the share of each
year's narrative copied from its earlier reports (inline SVG, ASCII labels), table deltas with the
carry-over continuity check, problems and measures new / repeated / dropped, promise tracking with the
next report's evidence, and the audit findings with their review status. Everything from a document
goes through Jinja2 autoescaping.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..panel.series import Panel
from .reuse import _env, _plt, _svg

_FIGURES = ["s3_new_requests", "s3_carried_over", "s3_total_handled", "s3_carried_forward", "s4_review_total",
            "s4_litigation_direct_total", "n_problems", "n_measures", "findings", "copied_from_earlier_share",
            "follow_through"]


def page_name(agency_key: str) -> str:
    """A file name for an agency's page: ASCII, stable, unique (a hash of the key)."""
    return f"agency_{hashlib.sha1(agency_key.encode('utf-8')).hexdigest()[:12]}.html"


def plot_series(metrics: pd.DataFrame) -> Any:
    """Copied-from-earlier share and follow-through by year, as inline SVG (None when empty)."""
    m = metrics[metrics.metric.isin(["copied_from_earlier_share", "follow_through"])]
    if m.empty:
        return None
    plt = _plt()
    w = m.pivot_table(index="year", columns="metric", values="value", aggfunc="first").sort_index()
    fig, ax = plt.subplots(figsize=(6.2, 2.4))
    x = np.arange(len(w))
    if "copied_from_earlier_share" in w:
        ax.bar(x, w["copied_from_earlier_share"].fillna(0), color="#4c78a8", label="copied from earlier years")
    if "follow_through" in w:
        ax.plot(x, w["follow_through"], "o-", color="#f58518", label="promises kept next year")
    ax.set_xticks(x, [str(int(y)) for y in w.index], rotation=0 if len(w) < 10 else 60)
    ax.set_ylim(0, 1.05)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _num(v: Any) -> int | float | None:
    """A figure for display: integers without a decimal point, shares to three places."""
    if v is None or pd.isna(v):
        return None
    v = float(v)
    return int(v) if v.is_integer() else round(v, 3)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    return [{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]


def agency_context(panel: Panel, key: str, findings: pd.DataFrame | None = None) -> dict[str, Any]:
    ag = panel.agencies[panel.agencies.agency_key == key].iloc[0].to_dict()
    metrics = panel.metrics[panel.metrics.agency_key == key]
    wide = metrics.pivot_table(index="year", columns="metric", values="value", aggfunc="first").sort_index()
    figures = [c for c in _FIGURES if c in wide.columns]
    years = [{"year": int(y), **{c: _num(wide.loc[y, c]) for c in figures}} for y in wide.index]
    cov = panel.coverage[panel.coverage.agency_key == key]
    reports = panel.reports[panel.reports.agency_key == key]
    deltas = panel.deltas[(panel.deltas.agency_key == key) & (panel.deltas.column == "total")]
    st = panel.statements[panel.statements.agency_key == key]
    pr = panel.promises[panel.promises.agency_key == key]
    fd = pd.DataFrame()
    if findings is not None and len(findings):
        fd = findings[findings.report_id.isin(set(reports.report_id))].merge(
            reports[["report_id", "year"]], on="report_id", how="left").sort_values(["year", "rule"], kind="stable")
    return {
        "agency": ag, "key": key, "figures": figures, "years": years, "plot": plot_series(metrics),
        "coverage": _records(cov), "reports": _records(reports),
        "deltas": _records(deltas), "continuity": _records(panel.continuity[panel.continuity.agency_key == key]),
        "statements": _records(st), "promises": _records(pr), "findings": _records(fd),
        "counts": {s: int((st.status == s).sum()) for s in ("new", "repeated", "dropped")},
    }


def render_agency(panel: Panel, key: str, findings: pd.DataFrame | None = None) -> str:
    ctx = agency_context(panel, key, findings)
    return _env().get_template("panel_agency.html.j2").render(version=__version__, **ctx)


def render_index(panel: Panel, pages: dict[str, str], title: str = "机构年度序列 · Agency panels") -> str:
    ag = panel.agencies.copy()
    ag["page"] = ag.agency_key.map(pages)
    from ..panel.coverage import coverage_matrix

    matrix = coverage_matrix(panel.reports)
    rows = []
    if not matrix.empty:
        for key in matrix.index:
            rows.append({"key": key, "page": pages.get(key), "cells": [matrix.loc[key, y] for y in matrix.columns]})
    return _env().get_template("panel_index.html.j2").render(
        version=__version__, title=title, agencies=_records(ag.sort_values(["n_reports", "agency_key"], ascending=[False, True])),
        years=[int(y) for y in matrix.columns] if not matrix.empty else [], matrix=rows,
        n_reports=len(panel.reports), n_agencies=len(panel.agencies))


def write_pages(panel: Panel, out: str | os.PathLike, findings: pd.DataFrame | None = None,
                min_years: int = 2, progress=None) -> list[Path]:
    """Write ``index.html`` and one page per agency with ``min_years`` or more years into ``out``."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    keys = [k for k, ys in zip(panel.agencies.agency_key, panel.agencies.years) if len(ys) >= min_years]
    pages = {k: page_name(k) for k in keys}
    written = []
    for k in (progress(keys, len(keys), "pages") if progress else keys):
        p = d / pages[k]
        p.write_text(render_agency(panel, k, findings), encoding="utf-8")
        written.append(p)
    idx = d / "index.html"
    idx.write_text(render_index(panel, pages), encoding="utf-8")
    return [idx] + written
