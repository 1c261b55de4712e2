"""Coverage: which agency reported which year (present, missing, duplicate versions of one year).

>>> import pandas as pd
>>> reports = pd.DataFrame({"agency_key": ["a", "a", "a", "b"], "year": [2020, 2022, 2022, 2021],
...                         "report_id": ["1", "2", "3", "4"]})
>>> coverage_matrix(reports).loc["a"].tolist()
['present', 'missing', 'duplicate']
"""
from __future__ import annotations

import pandas as pd

PRESENT, MISSING, DUPLICATE, OUTSIDE = "present", "missing", "duplicate", ""


def coverage_long(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per agency and year from its first to its last report (``agency_key, year, status,
    n_reports, report_ids``); years outside an agency's span are not listed."""
    ids: dict[str, dict[int, list[str]]] = {}
    for key, year, rid in zip(reports["agency_key"], reports["year"], reports["report_id"]):
        if key is None or year is None or pd.isna(key) or pd.isna(year):
            continue
        ids.setdefault(key, {}).setdefault(int(year), []).append(rid)
    rows = []
    for key in sorted(ids):
        by_year = ids[key]
        for y in range(min(by_year), max(by_year) + 1):
            found = sorted(by_year.get(y, []))
            status = MISSING if not found else (DUPLICATE if len(found) > 1 else PRESENT)
            rows.append({"agency_key": key, "year": y, "status": status, "n_reports": len(found), "report_ids": found})
    return pd.DataFrame(rows, columns=["agency_key", "year", "status", "n_reports", "report_ids"])


def coverage_matrix(reports: pd.DataFrame) -> pd.DataFrame:
    """Agencies × years of the corpus: ``present``, ``missing`` (a gap inside the agency's span),
    ``duplicate`` (two versions of one year), empty outside the span."""
    long = coverage_long(reports)
    if long.empty:
        return pd.DataFrame()
    m = long.pivot(index="agency_key", columns="year", values="status")
    years = range(int(long.year.min()), int(long.year.max()) + 1)
    return m.reindex(columns=list(years)).fillna(OUTSIDE)


def plot_coverage(matrix: pd.DataFrame, labels: dict[str, str] | None = None, ax=None):
    """A heat map of the matrix (present blue, missing red, duplicate orange); ``labels`` renames rows
    (ASCII codes keep the plot free of CJK fonts). Returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    code = {OUTSIDE: 0, PRESENT: 1, MISSING: 2, DUPLICATE: 3}
    values = matrix.replace(code).infer_objects(copy=False).to_numpy(dtype=float) if not matrix.empty else [[0]]
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(3, 0.45 * matrix.shape[1] + 1.5), max(1.2, 0.28 * matrix.shape[0] + 0.8)))
    else:
        fig = ax.figure
    ax.imshow(values, cmap=ListedColormap(["#f4f4f4", "#4c78a8", "#e45756", "#f58518"]), vmin=0, vmax=3, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(matrix.shape[0]), [(labels or {}).get(i, i) for i in matrix.index], fontsize=7)
    ax.set_title("coverage: blue present, red missing, orange duplicate", fontsize=8)
    return fig
