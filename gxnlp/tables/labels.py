"""Row labels matched to canonical keys by meaning: similarity over normalised labels, with the
template's row order as a prior.

A printed label is compared with every label the templates print for a key
(:data:`gxnlp.genre.table_keys.ROW_LABELS`) by rapidfuzz similarity after normalisation
(NFKC, no whitespace, punctuation or enumerators ``一、`` ``（三）`` ``1.``), so a typo
(``其他法律行政止公开``), a missing or extra character, a label broken over lines or a merged
cell still lands on its key. The rows of a document are aligned to the template's row sequence
by dynamic programming (a monotone alignment maximising the summed similarity), so two
similar labels (``3.其他`` and ``（六）其他处理``) are told apart by where they stand.

>>> m = align_rows(["规章", "行政规范性文件", "一、本年新收政府信息公开申请数量", "2.其他法律行政止公开"], "2021")
>>> [(a.table, a.row) for a in m.matches.values()]
[('s2', 'regulations'), ('s2', 'normative_documents'), ('s3', 'new_requests'), ('s3', 'denied_prohibited_by_law')]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..genre import table_keys as K

#: Below this similarity (0-100) a label is not taken for a key.
MIN_SIMILARITY = 62.0

_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]?|\d+[.、．])")
_DROP = re.compile(r"[\s\u3000\"“”'‘’、，,。.．:：;；()（）\[\]【】<>《》·—\-_/|]")


@lru_cache(maxsize=1 << 16)  # the same printed labels and header cells recur in every report
def normalise_label(text: str) -> str:
    """The label's words only: NFKC, enumerators, punctuation and whitespace removed."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t)
    t = _ENUM.sub("", t)
    return _DROP.sub("", t)


def similarity(label: str, variants: tuple[str, ...]) -> float:
    """Best similarity of a normalised label to any of a key's normalised printed labels.

    Plain ratio; the ratio against the start of a longer printed label (a label cut short by its
    cell, ``（二）部分公开`` for ``（二）部分公开（区分处理的…）``); or, discounted, the best partial
    match when the cell holds more than the label (``信息内容规章``)."""
    from rapidfuzz import fuzz

    best = 0.0
    for v in variants:
        best = max(best, fuzz.ratio(label, v))
        if len(label) >= 4 and len(v) > len(label):
            best = max(best, 0.95 * fuzz.ratio(label, v[: len(label)]))
        if len(label) > len(v) >= 2:
            # the printed cell holds more than the label (a header or group label merged in)
            # discounted by how much of the cell the label leaves unexplained
            best = max(best, fuzz.partial_ratio(v, label) * (0.6 + 0.4 * len(v) / len(label)))
    return best


_VARIANTS = {key: tuple(normalise_label(v) for v in labels) for key, labels in K.ROW_LABELS.items()}


@dataclass
class Match:
    table: str
    row: str
    score: float


@dataclass
class Alignment:
    template: str
    #: index of the input label -> its key
    matches: dict[int, Match] = field(default_factory=dict)
    total: float = 0.0


def similarity_matrix(labels: list[str]) -> dict[str, list[float]]:
    """``{row key: [similarity of each label]}`` for every key, computed in bulk (rapidfuzz
    ``cdist``); the same scores as :func:`similarity`."""
    scores = _similarity_matrix(tuple(normalise_label(x) for x in labels))
    return {k: list(v) for k, v in scores.items()}


@lru_cache(maxsize=512)  # a template's printed labels recur across reports: most tables hit the cache
def _similarity_matrix(norm: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    import numpy as np
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    keys = list(_VARIANTS)
    variants = [(k, v) for k in keys for v in _VARIANTS[k]]
    vs = [v for _k, v in variants]
    best = np.zeros((len(norm), len(variants)))
    if norm and variants:
        best = cdist(norm, vs, scorer=fuzz.ratio, dtype=np.float64)
        lab_len = np.array([len(a) for a in norm])[:, None]
        var_len = np.array([len(v) for v in vs])[None, :]
        for length in sorted({len(a) for a in norm if len(a) >= 4}):
            rows = [i for i, a in enumerate(norm) if len(a) == length]
            cut = cdist([norm[i] for i in rows], [v[:length] for v in vs], scorer=fuzz.ratio, dtype=np.float64) * 0.95
            cut[:, np.array([len(v) for v in vs]) <= length] = 0
            best[rows] = np.maximum(best[rows], cut)
        partial = cdist(norm, vs, scorer=lambda a, b, **kw: fuzz.partial_ratio(b, a), dtype=np.float64)
        weight = 0.6 + 0.4 * var_len / np.maximum(lab_len, 1)
        ok = (lab_len > var_len) & (var_len >= 2)
        best = np.maximum(best, np.where(ok, partial * weight, 0))
        best[np.array([not a for a in norm])] = 0
    out: dict[str, tuple[float, ...]] = {}
    for j, (k, _v) in enumerate(variants):
        col = tuple(best[:, j].tolist())
        out[k] = col if k not in out else tuple(max(a, b) for a, b in zip(out[k], col))
    return out


def align_rows(labels: list[str], template: str, sims: dict[str, list[float]] | None = None) -> Alignment:
    """Monotone alignment of printed row labels to the template's rows (s2 then s3)."""
    order = K.table_row_order(template)
    sims = sims if sims is not None else similarity_matrix(labels)
    n, m = len(labels), len(order)
    sim = [[sims[row][i] for (_t, row) in order] for i in range(n)]
    # best[i][j]: best total using labels[:i] and template rows[:j]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[0] * (m + 1) for _ in range(n + 1)]  # 0 skip label, 1 skip row, 2 match
    for i in range(1, n + 1):
        above, here, sim_i, step_i = best[i - 1], best[i], sim[i - 1], step[i]
        for j in range(1, m + 1):
            # the best of (total, move), ties to the larger move: match > skip row > skip label
            v, st = (here[j - 1], 1) if here[j - 1] >= above[j] else (above[j], 0)
            s = sim_i[j - 1]
            if s >= MIN_SIMILARITY and above[j - 1] + s >= v:
                v, st = above[j - 1] + s, 2
            here[j], step_i[j] = v, st
    out = Alignment(template, total=best[n][m])
    i, j = n, m
    while i > 0 and j > 0:
        st = step[i][j]
        if st == 2:
            table, row = order[j - 1]
            out.matches[i - 1] = Match(table, row, sim[i - 1][j - 1])
            i, j = i - 1, j - 1
        elif st == 0:
            i -= 1
        else:
            j -= 1
    out.matches = dict(sorted(out.matches.items()))
    return out


def best_alignment(labels: list[str], hint: str | None = None) -> Alignment:
    """The alignment under the template (2021 or 2019) the labels fit best; ties go to ``hint``."""
    first = hint if hint in ("2021", "2019") else "2021"
    best = _best_alignment(tuple(normalise_label(x) for x in labels), first)
    return Alignment(best.template, dict(best.matches), best.total)


@lru_cache(maxsize=512)
def _best_alignment(norm: tuple[str, ...], first: str) -> Alignment:
    sims = {k: list(v) for k, v in _similarity_matrix(norm).items()}
    al = {t: align_rows(list(norm), t, sims) for t in ("2021", "2019")}
    other = "2019" if first == "2021" else "2021"
    return al[other] if al[other].total > al[first].total + 1e-9 else al[first]


_NOTE = normalise_label(K.S3_NOTE)


def without_note_tail(label: str) -> str:
    """A row label without the end of s3's 勾稽关系 note glued before it: PDF word rows put the note's
    last line (…之和，等于第三项加第四项之和）) beside the first row of each page of the table."""
    label = label or ""
    words = [(i, unicodedata.normalize("NFKC", ch)) for i, ch in enumerate(label)]
    words = [(i, ch) for i, ch in words if ch.strip() and not _DROP.match(ch)]
    compact = "".join(ch for _i, ch in words)
    for k in range(len(_NOTE), 3, -1):
        if compact.startswith(_NOTE[-k:]):
            rest = label[words[k - 1][0] + 1:].lstrip("）)」 ")
            return rest or label
    return label


# ----------------------------------------------------------------- column headers (grids and text)

def column_key(text: str, labels: dict[str, str] | None = None) -> str | None:
    """The column a header cell names among ``labels`` (key -> printed label; s3's by default),
    by similarity (None below 70)."""
    from rapidfuzz import fuzz

    t = normalise_label(text)
    if not t:
        return None
    labels = K.S3_COLUMN_LABELS if labels is None else labels
    score, key = max((fuzz.ratio(t, normalise_label(lab)), k) for k, lab in labels.items())
    return key if score >= 70 else None


def label_fragment(text: str) -> bool:
    """Whether a header cell is a piece of a printed column label (a header split over two grid
    rows, as 本年新 / 制作数量 or 尚未 / 审结): such a piece names no column by itself, but it is no
    unknown header either."""
    t = normalise_label(text)
    return bool(t) and any(t in label for label in _normalised_column_labels())


@lru_cache(maxsize=1)
def _normalised_column_labels() -> tuple[str, ...]:
    return tuple(normalise_label(label) for label in printed_column_labels())


@lru_cache(maxsize=1)
def printed_column_labels() -> tuple[str, ...]:
    """Every printed column label of s2, s3 and s4, and the s4 group labels."""
    labels = set(K.S3_COLUMN_LABELS.values()) | set(K.S4_COLUMN_LABELS.values()) | set(K.S4_ROW_LABELS.values())
    labels |= {column for items in K.S2_ITEMS.values() for _item, columns, _rows in items for column in columns}
    return tuple(sorted(labels))
