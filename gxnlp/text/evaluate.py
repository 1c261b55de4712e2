"""Score statement splitting and classification against a ground truth.

Matching: a predicted statement matches a gold statement of the same report when their texts
overlap on more than ``min_cover`` (default 0.5) of the gold statement's length (overlap = characters
in common blocks of the Indel (LCS) alignment of :mod:`rapidfuzz`, punctuation and whitespace ignored);
matching is one-to-one (greedy, best overlap first). Kind is not required to agree for a match,
but kind and category accuracy are reported over matched pairs.

Example:
    >>> gold = [{"report_id": "r", "kind": "problem", "text": "政策解读形式单一。", "category": "interpretation"}]
    >>> pred = [{"report_id": "r", "kind": "problem", "text": "政策解读形式单一", "category": "interpretation"}]
    >>> score_statements(gold, pred)["recall"]
    1.0
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz.distance import Indel

_STRIP = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    return _STRIP.sub("", text or "")


def overlap(gold: str, pred: str) -> float:
    """Share of the (normalised) gold text covered by the predicted text."""
    g, p = _norm(gold), _norm(pred)
    if not g or not p:
        return 0.0
    common = sum(b.size for b in Indel.opcodes(g, p).as_matching_blocks() if b.size >= 2)
    return common / len(g)


def match(gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]], min_cover: float = 0.5) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(gold_index, pred_index, cover)`` with cover > ``min_cover``."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            c = overlap(g["text"], p["text"])
            if c > min_cover:
                # the prediction must also be mostly gold text (a whole section is not a match)
                back = overlap(p["text"], g["text"])
                if back > min_cover:
                    cands.append((c + back, i, j, c))
    cands.sort(key=lambda x: -x[0])
    used_g, used_p, pairs = set(), set(), []
    for _s, i, j, c in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j, c))
    return pairs


def _grouped(items: Iterable[Mapping[str, Any]], key: str) -> dict[str, list]:
    """Items grouped by their ``key`` value (a report id), in input order."""
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[item[key]].append(item)
    return groups


def score_statements(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]],
                     key: str = "report_id", min_cover: float = 0.5) -> dict[str, Any]:
    """Recall/precision of statements and kind/category accuracy on matched pairs, per kind."""
    by_g, by_p = _grouped(gold, key), _grouped(pred, key)
    n_gold = sum(len(v) for v in by_g.values())
    n_pred = sum(len(v) for v in by_p.values())
    matched = 0
    kind_ok = 0
    cat = {"problem": [0, 0], "measure": [0, 0]}
    misses, errors = [], []
    for doc in set(by_g) | set(by_p):
        gs, ps = by_g.get(doc, []), by_p.get(doc, [])
        pairs = match(gs, ps, min_cover)
        matched += len(pairs)
        hit = {i for i, _j, _c in pairs}
        misses.extend(gs[i] for i in range(len(gs)) if i not in hit)
        for i, j, _c in pairs:
            g, p = gs[i], ps[j]
            kind_ok += g.get("kind") == p.get("kind")
            if "category" in g and g.get("kind") in cat:
                cat[g["kind"]][1] += 1
                if g["category"] == p.get("category"):
                    cat[g["kind"]][0] += 1
                else:
                    errors.append((g, p))
    out = {
        "gold": n_gold, "predicted": n_pred, "matched": matched,
        "recall": round(matched / n_gold, 4) if n_gold else 0.0,
        "precision": round(matched / n_pred, 4) if n_pred else 0.0,
        "kind_accuracy": round(kind_ok / matched, 4) if matched else 0.0,
    }
    for k, (ok, tot) in cat.items():
        out[f"category_accuracy_{k}"] = round(ok / tot, 4) if tot else None
        out[f"n_{k}"] = tot
    tot_ok = sum(v[0] for v in cat.values())
    tot_n = sum(v[1] for v in cat.values())
    out["category_accuracy"] = round(tot_ok / tot_n, 4) if tot_n else None
    out["misses"] = misses
    out["errors"] = errors
    return out


def category_report(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]],
                    key: str = "report_id", min_cover: float = 0.5) -> dict[str, Any]:
    """Per-category precision/recall/F1, macro averages and the confusion matrix over matched statements.

    Categories are ``kind:category`` (``problem:platform`` and ``measure:platform`` are different
    classes). A gold statement that no prediction matches counts as predicted ``kind:<missed>``, so
    recall also pays for splitting errors. ``confusion`` is a dict ``{gold: {predicted: n}}``.
    """
    from sklearn.metrics import precision_recall_fscore_support

    by_g, by_p = _grouped(gold, key), _grouped(pred, key)
    y_true, y_pred = [], []
    for doc in by_g:
        gs, ps = by_g[doc], by_p.get(doc, [])
        pairs = {i: j for i, j, _c in match(gs, ps, min_cover)}
        for i, g in enumerate(gs):
            y_true.append(f"{g['kind']}:{g['category']}")
            j = pairs.get(i)
            y_pred.append(f"{ps[j]['kind']}:{ps[j].get('category')}" if j is not None else f"{g['kind']}:<missed>")
    labels = sorted(set(y_true))
    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    confusion: dict[str, dict[str, int]] = {}
    for t, q in zip(y_true, y_pred):
        confusion.setdefault(t, {}).setdefault(q, 0)
        confusion[t][q] += 1
    return {
        "n": len(y_true),
        "accuracy": round(sum(t == q for t, q in zip(y_true, y_pred)) / len(y_true), 4) if y_true else None,
        "macro_precision": round(float(p.mean()), 4), "macro_recall": round(float(r.mean()), 4),
        "macro_f1": round(float(f.mean()), 4),
        "per_category": {lab: {"precision": round(float(a), 4), "recall": round(float(b), 4), "f1": round(float(c), 4),
                               "support": int(d)} for lab, a, b, c, d in zip(labels, p, r, f, n)},
        "confusion": confusion,
    }


def predict_file(path: Any) -> list[dict[str, Any]]:
    """Statements (with seed categories) of one file, as dicts; ``[]`` when the file fails."""
    from ..runner import stage_record

    out = stage_record(path, "predict")
    return [] if isinstance(out, dict) else out


def evaluate_corpus(corpus: str | Any, truth: str | Any | None = None, workers: int | None = 1) -> dict[str, Any]:
    """Score ``gxnlp statements`` on a generated corpus against its ``truth/statements.jsonl``.

    Truth rows carry ``file`` (relative to ``corpus``), ``report_id``, ``kind``, ``text`` and
    ``category``; predictions are matched per file.
    """
    import json
    from pathlib import Path

    from ..pipeline import process_map

    corpus = Path(corpus)
    truth = Path(truth) if truth else corpus / "truth" / "statements.jsonl"
    gold = [json.loads(x) for x in truth.read_text(encoding="utf-8").splitlines() if x.strip()]
    files = sorted({g["file"] for g in gold})
    pred: list[dict[str, Any]] = []
    for rel, sts in zip(files, process_map(predict_file, [corpus / f for f in files], workers=workers)):
        for s in sts:
            s["file"] = rel
            pred.append(s)
    return score_statements(gold, pred, key="file")

__all__ = ["overlap", "match", "score_statements", "category_report", "predict_file", "evaluate_corpus"]
