"""Effects of report covariates on topic (or category) prevalence, with agency-level uncertainty.

Like STM's ``estimateEffect``: the document-topic shares of each report (the share of its
statements of a kind in each topic) are regressed on one covariate at a time -- agency type,
level, province, year, request volume (s3) and review/litigation (s4) bands. For a categorical
covariate the coefficients are differences in mean share between each level and the reference
level (the one with most agencies); for ``year`` the coefficient is the linear trend per year.

Reports of one agency are not independent (the same office writes them, often by copying), so
the intervals come from a bootstrap that resamples *agencies* with replacement, all of an agency's
reports at once. The bootstrap p-values are corrected for the many (topic x level) comparisons
by Benjamini-Hochberg. A level with fewer than ``min_agencies`` distinct agencies gets no
estimate: its row says ``too few``.

>>> import pandas as pd
>>> st = pd.DataFrame({"report_id": list("abcdefgh") * 2, "kind": "problem",
...                    "topic": [0, 0, 0, 0, 1, 1, 1, 1] + [0, 1, 0, 1, 1, 1, 1, 1]})
>>> rp = pd.DataFrame({"report_id": list("abcdefgh"), "agency": list("abcdefgh"),
...                    "agency_type": ["x"] * 4 + ["y"] * 4})
>>> e = estimate_effects(st, rp, covariates=["agency_type"], min_agencies=3, n_boot=200)
>>> e.loc[e.topic == 0, ["level", "reference", "estimate", "status"]].values.tolist()
[['y', 'x', -0.75, 'ok']]
>>> estimate_effects(st, rp, covariates=["agency_type"], min_agencies=5, n_boot=50)["status"].unique().tolist()
['too few']
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Covariates estimated by default (columns of :func:`gxnlp.topics.prevalence.report_frame`).
COVARIATES: tuple[str, ...] = ("agency_type", "level", "province", "year", "requests_band", "s4_band")
COLUMNS = ["kind", "covariate", "level", "reference", "topic", "estimate", "low", "high", "p", "q", "significant",
           "n_agencies", "n_reports", "status"]
TOO_FEW = "too few"
_ORG_SUFFIXES = ("管理委员会", "管委会", "人民政府", "政府")


def document_shares(statement_topics: pd.DataFrame, kind: str, value: str = "topic") -> pd.DataFrame:
    """report_id x value share of each report's statements of ``kind`` (statements without a
    value, topic -1 or None, count in the denominator)."""
    st = statement_topics[statement_topics["kind"] == kind]
    if st.empty:
        return pd.DataFrame()
    vals = st[value]
    has = vals.notna() & (vals.astype(str) != "-1")
    counts = st[has].groupby(["report_id", value]).size().unstack(fill_value=0)
    totals = st.groupby("report_id").size()
    counts = counts.reindex(totals.index, fill_value=0)
    return counts.div(totals, axis=0).sort_index(axis=1)


def _agency_keys(reports: pd.DataFrame) -> pd.Series:
    agency = reports["agency"] if "agency" in reports else pd.Series(None, index=reports.index)
    keys = agency.astype("string").str.replace(r"\s+", "", regex=True)
    keys = keys.where(keys.notna() & (keys != ""), "report:" + reports["report_id"].astype(str))
    # one body under two names in one corpus (平潭综合实验区 / 平潭综合实验区管委会): the shorter name
    names = set(keys)
    keys = keys.map(lambda k: next((k[: -len(sfx)] for sfx in _ORG_SUFFIXES
                                    if k.endswith(sfx) and k[: -len(sfx)] in names), k))
    return pd.Series(keys.to_numpy(), index=reports["report_id"].to_numpy())


def _bootstrap_p(draws: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p-value of 'estimate = 0' per column (draws: n_boot x m, NaN skipped)."""
    ok = ~np.isnan(draws)
    n = ok.sum(axis=0)
    le = (np.where(ok, draws, np.inf) <= 0).sum(axis=0)
    ge = (np.where(ok, draws, -np.inf) >= 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.minimum(1.0, 2 * (np.minimum(le, ge) + 1) / (n + 1))
    return np.where(n > 0, p, np.nan)


def _categorical(shares, levels, agencies, min_agencies, n_boot, ci, rng):
    """Rows (level, reference, topic index, estimate, low, high, p, n_agencies, n_reports, status)."""
    lv = pd.Series(levels).astype(str).to_numpy()
    ag_codes, ag_index = pd.factorize(pd.Series(agencies))
    n_ag_per_level = pd.Series(ag_codes).groupby(lv).nunique()
    n_rep_per_level = pd.Series(lv).value_counts()
    enough = sorted(lv_ for lv_, k in n_ag_per_level.items() if k >= min_agencies)
    rows = []
    if len(enough) < 2:
        for level in sorted(n_ag_per_level.index):
            for j in range(shares.shape[1]):
                rows.append((level, None, j, np.nan, np.nan, np.nan, np.nan, int(n_ag_per_level[level]),
                             int(n_rep_per_level[level]), TOO_FEW))
        return rows
    reference = min(enough, key=lambda x: (-n_ag_per_level[x], -n_rep_per_level[x], x))
    others = [x for x in enough if x != reference]
    use = np.isin(lv, enough)
    lv_u, ag_u, Y = lv[use], ag_codes[use], shares[use]
    L = {x: i for i, x in enumerate(enough)}
    A = len(ag_index)
    S = np.zeros((A, len(enough), Y.shape[1]))
    N = np.zeros((A, len(enough)))
    np.add.at(S, (ag_u, [L[x] for x in lv_u]), Y)
    np.add.at(N, (ag_u, [L[x] for x in lv_u]), 1)
    means = S.sum(axis=0) / N.sum(axis=0)[:, None]
    # cluster bootstrap: each draw weights every agency by how often it was resampled
    W = rng.multinomial(A, np.full(A, 1.0 / A), size=n_boot).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        bmeans = np.einsum("ba,alt->blt", W, S) / np.einsum("ba,al->bl", W, N)[:, :, None]
    q = (1 - ci) / 2
    r = L[reference]
    for level in others:
        i = L[level]
        est = means[i] - means[r]
        draws = bmeans[:, i, :] - bmeans[:, r, :]
        lo, hi = np.nanquantile(draws, [q, 1 - q], axis=0)
        p = _bootstrap_p(draws)
        for j in range(Y.shape[1]):
            rows.append((level, reference, j, est[j], lo[j], hi[j], p[j], int(n_ag_per_level[level]),
                         int(n_rep_per_level[level]), "ok"))
    for level in sorted(set(n_ag_per_level.index) - set(enough)):
        for j in range(Y.shape[1]):
            rows.append((level, reference, j, np.nan, np.nan, np.nan, np.nan, int(n_ag_per_level[level]),
                         int(n_rep_per_level[level]), TOO_FEW))
    return rows


def _trend(shares, x, agencies, min_agencies, n_boot, ci, rng):
    """Linear trend of each share per unit of ``x`` (least squares), agencies resampled."""
    x = np.asarray(x, dtype=float)
    ag_codes, ag_index = pd.factorize(pd.Series(agencies))
    A = len(ag_index)
    if A < min_agencies or len(np.unique(x)) < 3:
        return [("per year", None, j, np.nan, np.nan, np.nan, np.nan, A, len(x), TOO_FEW) for j in range(shares.shape[1])]
    # per-agency sufficient statistics of the regression y = a + b x
    stats = np.zeros((A, 4))
    np.add.at(stats, ag_codes, np.column_stack([np.ones_like(x), x, x * x, np.zeros_like(x)]))
    sxy = np.zeros((A, shares.shape[1]))
    sy = np.zeros((A, shares.shape[1]))
    np.add.at(sxy, ag_codes, shares * x[:, None])
    np.add.at(sy, ag_codes, shares)

    def slope(w):
        n, sx, sxx = w @ stats[:, 0], w @ stats[:, 1], w @ stats[:, 2]
        den = n * sxx - sx * sx
        with np.errstate(invalid="ignore", divide="ignore"):
            b = (n[..., None] * (w @ sxy) - sx[..., None] * (w @ sy)) / den[..., None]
        return np.where(np.abs(den[..., None]) > 1e-12, b, np.nan)

    est = slope(np.ones(A))
    W = rng.multinomial(A, np.full(A, 1.0 / A), size=n_boot).astype(float)
    draws = slope(W)
    q = (1 - ci) / 2
    lo, hi = np.nanquantile(draws, [q, 1 - q], axis=0)
    p = _bootstrap_p(draws)
    return [("per year", None, j, est[j], lo[j], hi[j], p[j], A, len(x), "ok") for j in range(shares.shape[1])]


def estimate_effects(
    statement_topics: pd.DataFrame,
    reports: pd.DataFrame,
    covariates: Sequence[str] = COVARIATES,
    value: str = "topic",
    min_agencies: int = 5,
    n_boot: int = 500,
    ci: float = 0.95,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Tidy effects: kind, covariate, level, reference, topic, estimate (share difference, or
    trend per year), low, high (bootstrap over agencies), p, q (Benjamini-Hochberg over every
    estimated row), significant (q < alpha), n_agencies, n_reports (of the level), status
    (``ok`` or ``too few``: fewer than ``min_agencies`` agencies, no estimate).

    ``value`` is the statement column whose shares are modelled: ``topic`` or ``category``.
    Reports need report_id, agency and the covariate columns; covariates absent or empty are skipped.
    """
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(seed)
    meta = reports.drop_duplicates("report_id").set_index("report_id", drop=False)
    agency_of = _agency_keys(meta.reset_index(drop=True))
    out = []
    for kind in sorted(statement_topics["kind"].dropna().unique()):
        shares = document_shares(statement_topics, kind, value)
        if shares.empty or shares.shape[1] == 0:
            continue
        shares = shares[shares.index.isin(meta.index)]
        values = list(shares.columns)
        for cov in covariates:
            if cov not in meta or meta[cov].isna().all():
                continue
            col = meta.loc[shares.index, cov]
            keep = col.notna().to_numpy()
            if not keep.any():
                continue
            Y = shares.to_numpy(dtype=float)[keep]
            ags = agency_of.loc[shares.index[keep]].to_numpy()
            if cov == "year":
                years = pd.to_numeric(col[keep], errors="coerce").to_numpy()
                ok = ~np.isnan(years)
                rows = _trend(Y[ok], years[ok], ags[ok], min_agencies, n_boot, ci, rng)
            else:
                rows = _categorical(Y, col[keep].to_numpy(), ags, min_agencies, n_boot, ci, rng)
            for level, ref, j, est, lo, hi, p, n_ag, n_rep, status in rows:
                out.append({"kind": kind, "covariate": cov, "level": str(level), "reference": ref, "topic": values[j],
                            "estimate": est, "low": lo, "high": hi, "p": p, "q": np.nan, "significant": False,
                            "n_agencies": n_ag, "n_reports": n_rep, "status": status})
    frame = pd.DataFrame(out, columns=COLUMNS)
    tested = frame["status"].eq("ok") & frame["p"].notna()
    if tested.any():
        reject, qvals, _, _ = multipletests(frame.loc[tested, "p"].to_numpy(), alpha=alpha, method="fdr_bh")
        frame.loc[tested, "q"] = qvals
        frame.loc[tested, "significant"] = reject
    frame.attrs["min_agencies"] = min_agencies
    return frame


__all__ = ["COVARIATES", "TOO_FEW", "document_shares", "estimate_effects"]
