"""Review of audit findings: an evaluator marks each finding ``confirmed``, ``dismissed`` (with a
reason) or ``pending``, in a CSV file they edit (Excel opens it: UTF-8 with BOM).

A finding is identified by the report's content hash (``report_id``), the rule and the cell
(``table, row, column``), so a review survives rebuilding the dataset and re-running the audit; a
changed file is a new report and its findings start ``pending``. ``gxnlp review PATH... --file
reviews.csv`` (or :func:`sync`) adds every new finding as ``pending`` and keeps what was decided;
the panel pages show the status of each finding.

>>> import pandas as pd, tempfile, pathlib
>>> f = pd.DataFrame([{"report_id": "r1", "rule": "s3_row_total", "table": "s3", "row": "granted", "column": "total",
...                    "message": "总计 ≠ Σ"}])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
>>> sync(f, path).status.tolist()
['pending']
>>> df = load_reviews(path); df.loc[0, ["status", "reason"]] = ["dismissed", "表格原文如此"]; save_reviews(df, path)
>>> apply_reviews(f, path)[["status", "reason"]].values.tolist()
[['dismissed', '表格原文如此']]
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

STATUSES = ("pending", "confirmed", "dismissed")
KEY = ["report_id", "rule", "table", "row", "column"]
COLUMNS = KEY + ["status", "reason", "reviewer", "updated", "source", "message"]


class ReviewError(ValueError):
    """A review file that cannot be used (missing columns, unknown status, dismissed without reason)."""


def _norm_key(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in KEY:
        if c not in df:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str)
    return df


def load_reviews(path: str | os.PathLike) -> pd.DataFrame:
    """The review table (empty when the file does not exist); checks statuses and reasons."""
    p = Path(path)
    if not p.exists():
        return pd.DataFrame(columns=COLUMNS)
    df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in KEY + ["status"] if c not in df.columns]
    if missing:
        raise ReviewError(f"{p}: review file lacks the columns {', '.join(missing)}")
    df["status"] = df["status"].str.strip().str.lower().replace("", "pending")
    bad = sorted(set(df["status"]) - set(STATUSES))
    if bad:
        raise ReviewError(f"{p}: unknown status {', '.join(bad)} (use {', '.join(STATUSES)})")
    for c in COLUMNS:
        if c not in df:
            df[c] = ""
    no_reason = df[(df.status == "dismissed") & (df.reason.str.strip() == "")]
    if len(no_reason):
        r = no_reason.iloc[0]
        raise ReviewError(f"{p}: a dismissed finding needs a reason ({r.report_id} {r.rule} {r.table}/{r.row}/{r.column})")
    return _norm_key(df)[COLUMNS]


def excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting with = + - @ (a formula in Excel) quoted with a leading apostrophe."""
    return df.map(lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)


def save_reviews(df: pd.DataFrame, path: str | os.PathLike) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    excel_safe(df.reindex(columns=COLUMNS)).sort_values(KEY, kind="stable").to_csv(path, index=False, encoding="utf-8-sig")


def apply_reviews(findings: pd.DataFrame, path: str | os.PathLike | None) -> pd.DataFrame:
    """``findings`` with ``status`` and ``reason`` (``pending`` where nobody decided yet)."""
    f = _norm_key(findings)
    reviews = load_reviews(path) if path else pd.DataFrame(columns=COLUMNS)
    out = f.merge(reviews[KEY + ["status", "reason"]].drop_duplicates(KEY, keep="last"), on=KEY, how="left")
    out["status"] = out["status"].fillna("pending")
    out["reason"] = out["reason"].fillna("")
    return out


def sync(findings: pd.DataFrame, path: str | os.PathLike) -> pd.DataFrame:
    """Add the findings not yet in the review file as ``pending`` (decisions kept); returns the table."""
    reviews = load_reviews(path)
    f = _norm_key(findings)
    have = set(map(tuple, reviews[KEY].values.tolist()))
    new = f[[tuple(x) not in have for x in f[KEY].values.tolist()]].drop_duplicates(KEY)
    add = new.reindex(columns=COLUMNS)
    add["status"] = "pending"
    out = pd.concat([reviews, add.astype(object).fillna("")], ignore_index=True) if len(add) else reviews
    save_reviews(out, path)
    return load_reviews(path)
