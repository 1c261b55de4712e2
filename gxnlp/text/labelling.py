"""Active labelling: the statements whose labels would teach the classifier most, and training from a sheet.

:func:`labelling_sheet` ranks statements by uncertainty (one minus the margin between the two most
probable outcomes, ``other`` counted as an outcome) after de-duplicating them (same text up to
punctuation and whitespace = one row). :func:`read_label_sheet` and :func:`train_from_sheet` read
the sheet back (an empty ``label`` leaves the row to the seed-term labelling functions; ``a;b``
gives two categories; a category not in the taxonomy is a new one) and fit a
:class:`~gxnlp.text.classify.StatementClassifier` (``weak``).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .classify import OTHER, StatementClassifier, categories

SHEET = "statements"
COLUMNS = ["id", "source", "report_id", "kind", "position", "text", "predicted", "probability", "uncertainty", "label"]
_NORM = re.compile(r"[\W_]+")


def dedupe(statements: Sequence[Any]) -> list[Any]:
    """First statement of each distinct (kind, text up to punctuation/whitespace)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for s in statements:
        key = (s.kind, _NORM.sub("", s.text))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def uncertainty(proba: np.ndarray) -> np.ndarray:
    """1 - margin between the two most probable outcomes; ``other`` (1 - max) is an outcome."""
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or p.shape[0] == 0:
        return np.zeros(p.shape[0] if p.ndim else 0)
    outcomes = np.hstack([p, 1.0 - p.max(axis=1, keepdims=True)])
    top2 = -np.sort(-outcomes, axis=1)[:, :2]
    return 1.0 - (top2[:, 0] - (top2[:, 1] if top2.shape[1] > 1 else 0.0))


def labelling_sheet(statements: Sequence[Any], classifier: StatementClassifier | None = None, n: int | None = 300,
                    taxonomy: Any = None) -> pd.DataFrame:
    """The ``n`` most uncertain distinct statements (all when ``n`` is None or 0), most uncertain first."""
    sts = dedupe(statements)
    if classifier is None:
        classifier = StatementClassifier("seed", taxonomy=taxonomy).fit()
        try:
            classifier = StatementClassifier("weak", taxonomy=taxonomy).fit(sts)
        except ValueError:  # too few statements for a model: the seed terms rank them
            pass
    rows = []
    for kind in ("problem", "measure"):
        group = [s for s in sts if s.kind == kind]
        est = getattr(classifier, "estimators_", {}).get(kind)
        if not group:
            continue
        texts = [s.text for s in group]
        if est is None:
            proba = np.zeros((len(group), 1))
            pred = np.array([OTHER] * len(group), dtype=object)
        else:
            proba = est.predict_proba(texts)
            pred = est.predict(texts)
        unc = uncertainty(proba)
        for s, lab, p, u in zip(group, pred, proba, unc):
            rows.append({"source": s.source, "report_id": s.report_id, "kind": kind, "position": s.position,
                         "text": s.text, "predicted": str(lab), "probability": round(float(p.max()) if p.size else 0.0, 4),
                         "uncertainty": round(float(u), 4), "label": ""})
    frame = pd.DataFrame(rows, columns=COLUMNS[1:])
    frame = frame.sort_values(["uncertainty", "source", "kind", "position"], ascending=[False, True, True, True],
                              kind="mergesort").reset_index(drop=True)
    if n:
        frame = frame.head(n)
    frame.insert(0, "id", range(1, len(frame) + 1))
    return frame


def _cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_sheet(frame: pd.DataFrame, path: str | Path, taxonomy: Any = None) -> Path:
    """Write the labelling sheet and a ``categories`` sheet (the label ids to use) to an .xlsx file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cats = pd.DataFrame([{"kind": kind, "id": c["id"], "name": c.get("name", ""), "definition": c.get("definition", "")}
                         for kind in ("problem", "measure") for c in categories(kind, taxonomy)]
                        + [{"kind": "both", "id": OTHER, "name": "其他", "definition": "fits no category"}])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.map(_cell).to_excel(writer, sheet_name=SHEET, index=False)
        cats.map(_cell).to_excel(writer, sheet_name="categories", index=False)
    return path


def read_label_sheet(path: str | Path) -> pd.DataFrame:
    """The labelled sheet as a frame with ``kind``, ``text`` and ``label`` (None when empty).

    Raises ``ValueError`` with the reason when the file is not such a sheet.
    """
    path = Path(path)
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=str)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad sheet
        raise ValueError(f"cannot read {path} as an Excel workbook: {type(exc).__name__}: {exc}") from exc
    frame = book.get(SHEET, next(iter(book.values())) if book else None)
    if frame is None:
        raise ValueError(f"{path} has no sheet")
    missing = {"kind", "text", "label"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: sheet lacks the column(s) {', '.join(sorted(missing))}")
    frame = frame.dropna(subset=["text"]).copy()
    frame["kind"] = frame["kind"].str.strip()
    bad = sorted(set(frame["kind"]) - {"problem", "measure"})
    if bad:
        raise ValueError(f"{path}: kind must be problem or measure, found {bad}")
    frame["text"] = frame["text"].map(lambda t: t[1:] if t.startswith("'") else t)
    frame["label"] = frame["label"].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    return frame.reset_index(drop=True)


def train_from_sheet(path: str | Path, taxonomy: Any = None, **params: Any) -> StatementClassifier:
    """A ``weak`` StatementClassifier fitted on a labelled sheet (empty labels: seed-term votes)."""
    from .statements import Statement

    frame = read_label_sheet(path)
    if frame["label"].notna().sum() == 0:
        raise ValueError(f"{path}: no row has a label (fill the 'label' column)")
    sts = [Statement(str(r.get("report_id") or ""), str(r.get("source") or ""), r["kind"], i, r["text"], 0, len(r["text"]))
           for i, r in frame.iterrows()]
    return StatementClassifier("weak", taxonomy=taxonomy, params=params or None).fit(sts, list(frame["label"]))


__all__ = ["dedupe", "uncertainty", "labelling_sheet", "write_sheet", "read_label_sheet", "train_from_sheet"]
