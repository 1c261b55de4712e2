"""Estimated similarity of candidate pairs before alignment: TF-IDF cosine of shingle vectors.

LSH proposes every pair whose windows collide, including pairs that share one sentence of a
phrase bank a fraction of all agencies write; the number of such pairs grows with the square of
the corpus while true copies grow linearly. Alignment costs far more per pair than a sparse dot
product, so each candidate is first scored by the cosine of its two narratives' shingle vectors
and only pairs reaching ``min_cosine`` are aligned — the same cut the exact TF-IDF all-pairs
baseline applies to every pair, here applied only to the LSH candidates. Cosine depends on length
(a 100-character copy between two 3,000-character reports scores about 0.05), so a pair sharing
many shingles is aligned whatever its cosine (:class:`.detector.ReuseDetector`'s
``min_candidate_cosine`` or ``min_candidate_shingles``).

A narrative's vector: its ``ngram`` character shingles not touching template text (hashed by
:func:`.text.shingle_hashes`), weighted ``(1 + log tf) * idf`` and L2-normalised. The idf is
smoothed like scikit-learn's ``ln((1 + N) / (1 + df)) + 1`` but counts *agencies* (the stock
miner's counts, :meth:`.boilerplate.StockPhraseMiner.agency_df`), so an agency repeating its own
text each year does not make that text look common.

>>> from gxnlp.reuse.boilerplate import StockPhraseMiner
>>> from gxnlp.reuse.documents import DocumentState, ReuseDoc
>>> from gxnlp.reuse.text import ReuseText
>>> texts = ["我局全年开展政务公开培训三次参训人员二百人", "我局全年开展政务公开培训三次参训人员二百人", "今天天气很好适合出门散步"]
>>> miner = StockPhraseMiner(ngram=4, stock_df=0.5, min_agencies=2)
>>> states = []
>>> for k, s in enumerate(texts):
...     t = ReuseText.from_text(s)
...     _ = miner.partial_fit(shingle_hashes(t.norm, 4), str(k))
...     states.append(DocumentState(ReuseDoc(str(k), s), t, str(k), np.zeros(len(t.norm), bool), None))
>>> _ = miner.finalize()
>>> X = shingle_vectors(states, miner)
>>> pair_cosines(X, [(0, 1), (0, 2)]).round(3).tolist()
[1.0, 0.0]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .boilerplate import StockPhraseMiner
from .text import shingle_hashes


def vector_row(vocab_pos: np.ndarray, counts: np.ndarray, n_agencies: int) -> tuple[np.ndarray, np.ndarray]:
    """One narrative's TF-IDF row: ``(columns, weights)`` from the vocabulary positions of its shingles
    outside the template (with repeats; -1 = unknown, left out) and their agency counts."""
    known = vocab_pos >= 0
    cols, first, tf = np.unique(vocab_pos[known], return_index=True, return_counts=True)
    df = counts[known][first]
    w = (1.0 + np.log(tf)) * (np.log((1.0 + max(1, n_agencies)) / (1.0 + df)) + 1.0)
    if len(w):
        w /= max(np.sqrt((w * w).sum()), 1e-12)
    return cols.astype(np.int32), w.astype(np.float32)


def shingle_vectors(states: Sequence, miner: StockPhraseMiner) -> sparse.csr_matrix:
    """One L2-normalised TF-IDF row per document (:class:`.documents.DocumentState` with its
    ``template_mask``), columns = positions in ``miner.hashes_`` (every shingle counted). A state's
    ``vector`` (set by :class:`.verify.PairVerifier`, from the same counts) is used when present."""
    n = miner.ngram
    rows = []
    for s in states:
        row = getattr(s, "vector", None)
        if row is None:
            h = shingle_hashes(s.text.norm, n)
            if len(h):
                bad = np.zeros(len(h), dtype=bool)
                for j in range(n):
                    bad |= s.template_mask[j: j + len(h)]
                h = h[~bad]
            pos = miner.lookup(h)
            counts = np.where(pos >= 0, miner.counts_[pos], 0) if len(miner.counts_) else np.zeros(len(h), np.int32)
            row = vector_row(pos, counts, miner.n_agencies)
        rows.append(row)
    indptr = np.zeros(len(states) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(c) for c, _ in rows])
    indices = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([w for _, w in rows]) if rows else np.zeros(0, np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(states), max(1, len(miner.hashes_))))


def pair_overlap(X: sparse.csr_matrix, pairs: Sequence[tuple[int, int]],
                 chunk: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """For each pair ``(i, j)``: the cosine of rows ``i`` and ``j`` (rows are L2-normalised: their
    dot product) and the number of shingles they share, computed in chunks of pairs
    (elementwise products of sparse rows, no all-pairs product)."""
    cos = np.zeros(len(pairs), dtype=np.float32)
    shared = np.zeros(len(pairs), dtype=np.int64)
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    for start in range(0, len(p), chunk):
        block = p[start:start + chunk]
        prod = X[block[:, 0]].multiply(X[block[:, 1]]).tocsr()
        cos[start:start + len(block)] = np.asarray(prod.sum(axis=1)).ravel()
        shared[start:start + len(block)] = np.diff(prod.indptr)
    return cos, shared


def pair_cosines(X: sparse.csr_matrix, pairs: Sequence[tuple[int, int]], chunk: int = 20000) -> np.ndarray:
    """Cosine of the rows of each pair ``(i, j)``."""
    return pair_overlap(X, pairs, chunk)[0]
