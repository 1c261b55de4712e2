"""Where topics occur: shares by agency type, level, region, year and request volume.

Shares are of statements: the share of topic t in a group is (statements of the group's reports
assigned to t) / (all statements of those reports). Intervals are percentile bootstrap
intervals that resample *reports* (the sampling unit; a report's statements move together).

Agency type and level come from :mod:`gxnlp.structure.agency` (the dataset stores them; prevalence
infers them only for frames that lack them).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..genre.agencies import AGENCY_TYPES
from ..structure.agency import agency_level, agency_type, level_with_region
from ..model import DEFAULT_SEED


def bootstrap_shares(
    counts: np.ndarray, n_boot: int = 500, ci: float = 0.95, seed: int = DEFAULT_SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of each topic in a (reports x topics) count matrix, with bootstrap bounds.

    Returns (share, low, high), each of length n_topics.

    >>> share, lo, hi = bootstrap_shares(np.array([[2, 0], [0, 2], [1, 1]]), n_boot=200)
    >>> share.tolist(), bool(lo[0] <= 0.5 <= hi[0])
    ([0.5, 0.5], True)
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    share = counts.sum(axis=0) / total if total else np.zeros(counts.shape[1])
    n = counts.shape[0]
    if n == 0 or n_boot <= 0:
        return share, np.full_like(share, np.nan), np.full_like(share, np.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    sums = counts[idx].sum(axis=1)  # (n_boot, topics)
    tot = sums.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        boots = np.where(tot > 0, sums / np.where(tot > 0, tot, 1), np.nan)
    a = (1 - ci) / 2
    lo, hi = np.nanquantile(boots, [a, 1 - a], axis=0)
    return share, lo, hi


def report_topic_counts(statement_topics: pd.DataFrame) -> pd.DataFrame:
    """(report_id, kind) x topic statement counts from a statement_topics table (topic -1 dropped)."""
    st = statement_topics[statement_topics["topic"] >= 0]
    return st.groupby(["kind", "report_id", "topic"]).size().rename("n").reset_index()


def prevalence(
    statement_topics: pd.DataFrame,
    reports: pd.DataFrame,
    by: str | Sequence[str],
    n_boot: int = 500,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Topic shares per group of reports with bootstrap intervals.

    ``statement_topics``: columns report_id, kind, topic. ``reports``: one row per report_id with
    the grouping column(s) ``by``. Returns kind, <by...>, topic, share, low, high, n_reports,
    n_statements (tidy, one row per kind x group x topic). Reports with a missing group value are
    left out.
    """
    by = [by] if isinstance(by, str) else list(by)
    meta = reports.drop_duplicates("report_id").set_index("report_id")[by]
    counts = report_topic_counts(statement_topics)
    out = []
    for kind, ck in counts.groupby("kind", sort=True):
        topics = sorted(int(t) for t in statement_topics.loc[statement_topics["kind"] == kind, "topic"].unique() if t >= 0)
        if not topics:
            continue
        wide = ck.pivot_table(index="report_id", columns="topic", values="n", fill_value=0, aggfunc="sum")
        wide = wide.reindex(columns=topics, fill_value=0)
        wide = wide.join(meta, how="left").dropna(subset=by)
        for gi, (key, g) in enumerate(wide.groupby(by, sort=True)):
            key = key if isinstance(key, tuple) else (key,)
            m = g[topics].to_numpy()
            share, lo, hi = bootstrap_shares(m, n_boot=n_boot, ci=ci, seed=seed + gi)
            for j, t in enumerate(topics):
                rec = {"kind": kind, **dict(zip(by, key)), "topic": t, "share": share[j], "low": lo[j], "high": hi[j],
                       "n_reports": int(len(g)), "n_statements": int(m.sum())}
                out.append(rec)
    cols = ["kind", *by, "topic", "share", "low", "high", "n_reports", "n_statements"]
    return pd.DataFrame(out, columns=cols)


def prevalence_contrast(
    statement_topics: pd.DataFrame,
    reports: pd.DataFrame,
    by: str,
    a: Sequence[str],
    b: Sequence[str],
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Difference of topic shares between two sets of groups (b minus a), with a bootstrap interval
    that resamples reports within each side independently.

    E.g. agencies that received no requests vs many: ``by="requests_band", a=["0"],
    b=["10–99", "100+"]``. Returns kind, topic, share_a, share_b, diff, low, high, n_reports_a,
    n_reports_b; an interval that excludes 0 marks a topic more (or less) frequent on side b.
    """
    meta = reports.drop_duplicates("report_id").set_index("report_id")[by].astype("string")
    counts = report_topic_counts(statement_topics)
    out = []
    for kind, ck in counts.groupby("kind", sort=True):
        topics = sorted(int(t) for t in statement_topics.loc[statement_topics["kind"] == kind, "topic"].unique() if t >= 0)
        wide = ck.pivot_table(index="report_id", columns="topic", values="n", fill_value=0, aggfunc="sum")
        wide = wide.reindex(columns=topics, fill_value=0).join(meta, how="left")
        ma = wide[wide[by].isin([str(x) for x in a])][topics].to_numpy(dtype=float)
        mb = wide[wide[by].isin([str(x) for x in b])][topics].to_numpy(dtype=float)
        if not len(ma) or not len(mb):
            continue
        rng = np.random.default_rng(seed)

        def boot(m):
            sums = m[rng.integers(0, len(m), size=(n_boot, len(m)))].sum(axis=1)
            tot = sums.sum(axis=1, keepdims=True)
            return sums / np.where(tot > 0, tot, 1)

        sa, sb = ma.sum(axis=0) / max(ma.sum(), 1), mb.sum(axis=0) / max(mb.sum(), 1)
        diffs = boot(mb) - boot(ma)
        q = (1 - ci) / 2
        lo, hi = np.quantile(diffs, [q, 1 - q], axis=0)
        for j, t in enumerate(topics):
            out.append({"kind": kind, "topic": t, "share_a": sa[j], "share_b": sb[j], "diff": sb[j] - sa[j],
                        "low": lo[j], "high": hi[j], "n_reports_a": len(ma), "n_reports_b": len(mb)})
    cols = ["kind", "topic", "share_a", "share_b", "diff", "low", "high", "n_reports_a", "n_reports_b"]
    return pd.DataFrame(out, columns=cols)


# ---------------------------------------------------------------------------
# Joining the numeric tables
# ---------------------------------------------------------------------------


def table_totals(cells: pd.DataFrame) -> pd.DataFrame:
    """Per-report totals from the long table cells (report_id, table, row, column, value).

    Returns report_id, new_requests (s3 new_requests/total), review_total and litigation_total
    (s4), s4_total (sum of the three s4 totals). Missing cells stay NaN.

    >>> cells = pd.DataFrame([("r1", "s3", "new_requests", "total", 12),
    ...                       ("r1", "s4", "review", "total", 2),
    ...                       ("r1", "s4", "litigation_direct", "total", 1)],
    ...                      columns=["report_id", "table", "row", "column", "value"])
    >>> table_totals(cells).iloc[0].to_dict()["s4_total"]
    3.0
    """
    cols = ["report_id", "new_requests", "review_total", "litigation_total", "s4_total"]
    if cells is None or len(cells) == 0:
        return pd.DataFrame(columns=cols)
    c = cells.copy()
    c["value"] = pd.to_numeric(c["value"], errors="coerce").astype(float)
    tot = c[c["column"] == "total"]
    ids = pd.Index(sorted(c["report_id"].astype(str).unique()), name="report_id")
    s3 = tot[(tot["table"] == "s3") & (tot["row"] == "new_requests")].groupby("report_id")["value"].first()
    s4 = tot[tot["table"] == "s4"]
    review = s4[s4["row"] == "review"].groupby("report_id")["value"].first()
    lit = s4[s4["row"].isin(["litigation_direct", "litigation_after_review"])].groupby("report_id")["value"].sum(min_count=1)
    s4_all = s4.groupby("report_id")["value"].sum(min_count=1)
    out = pd.DataFrame(index=ids)
    out["new_requests"] = s3
    out["review_total"] = review
    out["litigation_total"] = lit
    out["s4_total"] = s4_all
    return out.reset_index()[cols]


def volume_band(n: float | None, edges: Sequence[int] = (1, 10, 100)) -> str | None:
    """Band of a count: '0', '1–9', '10–99', '100+' for the default edges (None if unknown).

    >>> [volume_band(x) for x in (0, 3, 10, 250, None)]
    ['0', '1–9', '10–99', '100+', None]
    """
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return None
    if n < edges[0]:
        return "0"
    for lo, hi in zip(edges, edges[1:]):
        if n < hi:
            return f"{lo}–{hi - 1}"
    return f"{edges[-1]}+"


def report_frame(reports: pd.DataFrame, cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Report metadata with derived columns for prevalence: agency_type, level, region, year,
    the s3/s4 totals and their bands (requests_band, s4_band).

    ``reports`` needs report_id and agency; existing agency_type/level columns win over inference.
    """
    r = reports.drop_duplicates("report_id").copy()
    if "region" in r:  # nested {"province", "city", "county"} as in Report.region / truth documents
        for part in ("province", "city", "county"):
            vals = r["region"].map(lambda g, p=part: g.get(p) if isinstance(g, dict) else None)
            r[part] = r[part].fillna(vals) if part in r else vals
        r = r.drop(columns="region")
    if "agency" not in r:
        r["agency"] = None
    if "agency_type" not in r or r["agency_type"].isna().all():
        r["agency_type"] = r["agency"].map(agency_type)
    else:
        r["agency_type"] = r["agency_type"].fillna(r["agency"].map(agency_type))
    if "level" not in r or r["level"].isna().all():
        county = r["county"] if "county" in r else pd.Series(None, index=r.index)
        city = r["city"] if "city" in r else pd.Series(None, index=r.index)
        r["level"] = [level_with_region(a, c, ci) for a, c, ci in zip(r["agency"], county, city)]
    if cells is not None and len(cells):
        tot = table_totals(cells)
        r = r.drop(columns=[c for c in tot.columns if c != "report_id" and c in r.columns]).merge(tot, on="report_id", how="left")
    for col in ("new_requests", "review_total", "litigation_total", "s4_total"):
        if col not in r:
            r[col] = np.nan
    r["requests_band"] = r["new_requests"].map(volume_band)
    r["s4_band"] = r["s4_total"].map(lambda v: volume_band(v, edges=(1, 5)))
    keep = [c for c in REPORT_COLUMNS if c in r]
    return r[keep + [c for c in r.columns if c not in keep and not r[c].map(lambda v: isinstance(v, (dict, list))).any()]]


#: Leading columns of the report frame (others that are plain values follow).
REPORT_COLUMNS: tuple[str, ...] = (
    "report_id", "source", "file", "title", "agency", "agency_type", "level", "province", "city", "county", "year",
    "template", "new_requests", "review_total", "litigation_total", "s4_total", "requests_band", "s4_band",
)


#: The groupings the CLI reports, in order.
GROUPINGS: tuple[str, ...] = ("agency_type", "level", "province", "year", "requests_band", "s4_band")


def prevalence_all(
    statement_topics: pd.DataFrame,
    reports: pd.DataFrame,
    groupings: Sequence[str] = GROUPINGS,
    n_boot: int = 500,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """:func:`prevalence` for several groupings stacked: kind, by, group, topic, share, low, high, ...

    Groupings absent from ``reports`` (or all empty) are skipped.
    """
    frames = []
    for by in groupings:
        if by not in reports or reports[by].isna().all():
            continue
        p = prevalence(statement_topics, reports, by, n_boot=n_boot, seed=seed)
        if p.empty:
            continue
        p = p.rename(columns={by: "group"})
        p.insert(1, "by", by)
        p["group"] = p["group"].astype(str)
        frames.append(p)
    cols = ["kind", "by", "group", "topic", "share", "low", "high", "n_reports", "n_statements"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


__all__ = [
    "AGENCY_TYPES",
    "agency_type",
    "agency_level",
    "bootstrap_shares",
    "report_topic_counts",
    "prevalence",
    "table_totals",
    "volume_band",
    "report_frame",
    "GROUPINGS",
    "prevalence_all",
    "prevalence_contrast",
]
