"""``build_panel``: every agency with its reports across years, compared year over year.

Input: :class:`~gxnlp.panel.records.PanelReport` records (from files or from a dataset). Output: a
:class:`Panel` of tidy DataFrames — the ``panel_*`` tables of the dataset:

- ``agencies``: agency_key, names, years, n_reports, promises, kept, follow_through;
- ``coverage``: agency_key, year, status (present / missing / duplicate), n_reports;
- ``deltas``: agency_key, year, previous_year, report_id, previous_report_id, table, row, column, previous, value, delta;
- ``continuity``: the findings of the carry-over check, rule ``cross_year_continuity`` of
  :mod:`gxnlp.tables.continuity` over all the reports (the same findings ``gxnlp validate`` gives);
- ``statements``: problems and measures new / repeated / dropped per consecutive pair of years;
- ``promises``: agency_key, year, next_year, report_id, next_report_id, position, text, category,
  explicit, kept, cover, evidence;
- ``metrics``: the long table agency_key, year, metric, value (``Dataset.panel()``).

For each agency key the versions of one year are reduced to one (the latest published, then the
longest); consecutive *reported* years are compared (a missing year is skipped, and the carry-over
check then does not apply).
"""
from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..tables.continuity import continuity_findings
from .compare import continuity_entry, copied_from_earlier, delta_rows, statement_change_rows
from .coverage import coverage_long
from .identity import AgencyResolver
from .promises import PromiseTracker, done_text, promises_of
from .records import PanelReport

METRIC_CELLS = {
    "s3_new_requests": ("s3", "new_requests", "total"),
    "s3_carried_over": ("s3", "carried_over", "total"),
    "s3_total_handled": ("s3", "total_handled", "total"),
    "s3_carried_forward": ("s3", "carried_forward", "total"),
    "s4_review_total": ("s4", "review", "total"),
    "s4_litigation_direct_total": ("s4", "litigation_direct", "total"),
}


@dataclass
class Panel:
    agencies: pd.DataFrame
    coverage: pd.DataFrame
    deltas: pd.DataFrame
    continuity: pd.DataFrame
    statements: pd.DataFrame
    promises: pd.DataFrame
    metrics: pd.DataFrame
    reports: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The ``panel_*`` tables (list-valued columns joined with ``;``)."""
        return table_frames({name: getattr(self, name) for name in
                             ("agencies", "coverage", "deltas", "continuity", "statements", "promises", "metrics", "reports")})


def _pick(versions: list[PanelReport], size: Callable[[PanelReport], int] | None = None) -> PanelReport:
    """The version of one year the panel compares: the latest published, then the longest (``size``:
    its characters, by default those of its sections), then the largest id."""
    size = size or (lambda r: sum(len(v or "") for v in r.sections.values()))
    return max(versions, key=lambda r: (str(r.published or ""), size(r), r.report_id))


def assign_keys(reports: list[PanelReport], aliases: Any = None) -> AgencyResolver:
    resolver = AgencyResolver(aliases=aliases).fit(
        [{"agency": r.agency, "year": r.year, "region": r.region} for r in reports])
    for r, k in zip(reports, resolver.keys_):
        r.agency_key = k
    return resolver


def reuse_docs(reports: Iterable[PanelReport]) -> list:
    """The reuse detector's documents of panel reports (their narrative: overview and problems)."""
    from ..reuse.detector import ReuseDoc

    return [ReuseDoc(r.report_id, "\n".join(x for x in (r.sections.get("overview"), r.sections.get("problems")) if x),
                     agency=r.agency, year=r.year, published=r.published, source=r.source,
                     meta={"region": r.region, "agency_key": r.agency_key}) for r in reports]


@dataclass
class PanelContext:
    """What every agency's comparison needs of the whole corpus: the copied-from-earlier figures per
    report id (:func:`gxnlp.panel.compare.copied_from_earlier`), the promise tracker fitted on every
    report's account of work done, and the carry-over findings per report id."""

    copied: dict[str, dict[str, Any]]
    tracker: PromiseTracker
    findings_of: dict[str, list[dict[str, Any]]]


def continuity_by_report(entries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The carry-over findings (:func:`gxnlp.tables.continuity.continuity_findings`) per report id;
    one rule for validate, build and the panel: every version of a year is checked, not only the picked one."""
    findings_of: dict[str, list[dict]] = {}
    for f in continuity_findings(list(entries)):
        findings_of.setdefault(f.report_id, []).append(f.to_dict())
    return findings_of


def agency_rows(key: str, years: dict[int, list[PanelReport]], series: list[PanelReport], ctx: PanelContext,
                deltas: bool = True) -> dict[str, list]:
    """The panel rows of one agency: ``years`` holds every version of each year (their ids and names
    are read), ``series`` the picked version of each year in order (compared in full). ``deltas=False``
    leaves the table deltas out (the dataset's panel stage joins them in DuckDB: :func:`delta_pairs`)."""
    copied, tracker, findings_of = ctx.copied, ctx.tracker, ctx.findings_of
    with_deltas, deltas, stmts, proms, metrics = deltas, [], [], [], []
    for r in series:
        metrics.append((key, r.year, "copied_from_earlier_share", copied.get(r.report_id, {}).get("share", 0.0)))
        metrics.append((key, r.year, "n_versions", float(len(years[r.year]))))
        metrics.append((key, r.year, "findings", float(len(r.findings))))
        for kind in ("problem", "measure"):
            metrics.append((key, r.year, f"n_{kind}s", float(sum(s["kind"] == kind for s in r.statements))))
        for name, (t, row, col) in METRIC_CELLS.items():
            v = r.cell(t, row, col)
            if v is not None:
                metrics.append((key, r.year, name, v))
    cont = [{"agency_key": key, "year": y, **f} for y in sorted(years) for r in years[y]
            for f in findings_of.get(r.report_id, [])]
    n_prom = n_kept = 0
    for prev, cur in zip(series, series[1:]):
        if with_deltas:
            deltas += delta_rows(prev, cur, (key, cur.year, prev.year, cur.report_id, prev.report_id))
        sc = statement_change_rows(prev, cur)
        years_compared = f"{prev.year}-{cur.year}"
        stmts += [(key, years_compared) + c for c in sc]
        for k in ("new", "repeated", "dropped"):
            metrics.append((key, cur.year, f"statements_{k}", float(sum(c[4] == k for c in sc))))
        if cur.year - prev.year != 1:
            continue  # a promise is for the next year: a gap leaves it unchecked
        evidence = done_text(cur.sections)
        year_kept = year_n = 0
        for p in promises_of(prev.statements, prev.sections.get("problems")):
            m = tracker.match(p, evidence)
            proms.append({"agency_key": key, "year": prev.year, "next_year": cur.year, "report_id": prev.report_id,
                          "next_report_id": cur.report_id, "position": p.get("position"), "text": p["text"],
                          "category": p.get("category"), "explicit": p["explicit"], "kept": m["kept"],
                          "cover": m["cover"], "evidence": m["evidence"], "evidence_category": m["category"]})
            year_n += 1
            year_kept += m["kept"]
        if year_n:
            metrics.append((key, prev.year, "promises", float(year_n)))
            metrics.append((key, prev.year, "promises_kept", float(year_kept)))
            metrics.append((key, prev.year, "follow_through", year_kept / year_n))
        n_prom += year_n
        n_kept += year_kept
    names = sorted({r.agency for ys in years.values() for r in ys if r.agency})
    agencies = [{"agency_key": key, "names": names, "years": sorted(years), "n_reports": sum(map(len, years.values())),
                 "first_year": min(years), "last_year": max(years), "promises": n_prom, "kept": n_kept,
                 "follow_through": round(n_kept / n_prom, 4) if n_prom else None}]
    return {"agencies": agencies, "deltas": deltas, "continuity": cont, "statements": stmts, "promises": proms,
            "metrics": metrics}


def delta_pairs(key: str, series: list[PanelReport]) -> list[tuple[str, int, int, str, str]]:
    """The consecutive reported years of one agency whose tables are compared: ``(agency_key, year,
    previous_year, report_id, previous_report_id)``, in the order of :func:`agency_rows`."""
    return [(key, cur.year, prev.year, cur.report_id, prev.report_id) for prev, cur in zip(series, series[1:])]


def missing_metrics(coverage: pd.DataFrame, keys: Container[str]) -> list[tuple]:
    """The ``missing`` metric of every year inside an agency's span it did not report."""
    return [(r.agency_key, r.year, "missing", 1.0) for r in coverage.itertuples()
            if r.agency_key in keys and r.status == "missing"]


COLUMNS = {
    "agencies": ["agency_key", "names", "years", "n_reports", "first_year", "last_year", "promises", "kept",
                 "follow_through"],
    "deltas": ["agency_key", "year", "previous_year", "report_id", "previous_report_id", "table", "row", "column",
               "previous", "value", "delta"],
    "continuity": ["agency_key", "year", "report_id", "source", "rule", "table", "row", "column", "expected", "found",
                   "message"],
    "statements": ["agency_key", "compared_years", "kind", "year", "text", "category", "status", "similarity",
                   "previous_text", "category_status"],
    "promises": ["agency_key", "year", "next_year", "report_id", "next_report_id", "position", "text", "category",
                 "explicit", "kept", "cover", "evidence", "evidence_category"],
    "metrics": ["agency_key", "year", "metric", "value"],
}


def frames(parts: dict[str, list]) -> dict[str, pd.DataFrame]:
    """The tidy DataFrames of the rows of :func:`agency_rows` (of one or several agencies, in key order)."""
    out = {name: pd.DataFrame(parts.get(name, []), columns=cols) for name, cols in COLUMNS.items()}
    out["metrics"] = out["metrics"].sort_values(["agency_key", "year", "metric"], kind="stable").reset_index(drop=True)
    return out


_SCALAR_KINDS = frozenset({"string", "empty", "integer", "floating", "mixed-integer-float", "decimal", "boolean"})


def table_frames(parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``panel_<name>`` tables of panel DataFrames (list-valued columns joined with ``;``)."""
    out = {}
    for name, df in parts.items():
        df = df.copy()
        for c in df.columns:
            # only object columns can hold lists; infer_dtype (compiled) tells plain text or numbers apart
            if df[c].dtype != object or pd.api.types.infer_dtype(df[c], skipna=True) in _SCALAR_KINDS:
                continue
            if df[c].map(lambda v: isinstance(v, (list, tuple))).any():
                df[c] = df[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        out[f"panel_{name}"] = df
    return out


def build_panel(reports: Iterable[PanelReport], *, aliases: Any = None, detector: Any = None, seed: int = 1,
                min_years: int = 1, progress=None) -> Panel:
    """Compare every agency's reports year over year. ``detector``: a fitted
    :class:`gxnlp.reuse.ReuseDetector` over the same reports (fitted here when not given)."""
    reports = [r for r in reports if r.year is not None]
    assign_keys(reports, aliases)
    if detector is None:
        from ..reuse.detector import ReuseDetector

        detector = ReuseDetector(seed=seed).fit(reuse_docs(reports))
    ctx = PanelContext(copied=copied_from_earlier(detector, reports),
                       tracker=PromiseTracker().fit(done_text(r.sections) for r in reports),
                       findings_of=continuity_by_report(continuity_entry(r) for r in reports))
    rep_df = pd.DataFrame([{"report_id": r.report_id, "source": r.source, "agency": r.agency, "agency_key": r.agency_key,
                            "year": r.year, "published": r.published} for r in reports],
                          columns=["report_id", "source", "agency", "agency_key", "year", "published"])
    by_key: dict[str, dict[int, list[PanelReport]]] = {}
    for r in reports:
        if r.agency_key:
            by_key.setdefault(r.agency_key, {}).setdefault(int(r.year), []).append(r)
    parts: dict[str, list] = {name: [] for name in COLUMNS}
    keys = sorted(by_key)
    for key in (progress(keys, len(keys), "agencies") if progress else keys):
        years = by_key[key]
        if len(years) < min_years:
            continue
        for name, rows in agency_rows(key, years, [_pick(years[y]) for y in sorted(years)], ctx).items():
            parts[name] += rows
    cov = coverage_long(rep_df)
    parts["metrics"] += missing_metrics(cov, by_key)
    return Panel(coverage=cov, **frames(parts),
                 reports=rep_df.sort_values(["agency_key", "year", "report_id"], na_position="last").reset_index(drop=True))
