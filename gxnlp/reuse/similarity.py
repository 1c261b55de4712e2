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


def vector_weights(tf: np.ndarray, df: np.ndarray, n_agencies: int) -> np.ndarray:
    """``(1 + log tf) * idf`` of shingles seen ``tf`` times in a narrative and used by ``df`` agencies
    (both factors looked up by value: a corpus has few distinct counts and millions of shingles)."""
    if not len(tf):
        return np.zeros(0)
    tf_weight = 1.0 + np.log(np.arange(1, int(tf.max()) + 1))
    idf = np.log((1.0 + max(1, n_agencies)) / (1.0 + np.arange(int(df.max()) + 1))) + 1.0
    return tf_weight[tf - 1] * idf[df]


def normalised(w: np.ndarray) -> np.ndarray:
    """``w`` over its L2 norm (unchanged when empty)."""
    return w / max(np.sqrt((w * w).sum()), 1e-12) if len(w) else w


def vector_row(vocab_pos: np.ndarray, counts: np.ndarray, n_agencies: int) -> tuple[np.ndarray, np.ndarray]:
    """One narrative's TF-IDF row: ``(columns, weights)`` from the vocabulary positions of its shingles
    outside the template (with repeats; -1 = unknown, left out) and their agency counts."""
    known = vocab_pos >= 0
    cols, first, tf = np.unique(vocab_pos[known], return_index=True, return_counts=True)
    w = normalised(vector_weights(tf, counts[known][first], n_agencies))
    return cols.astype(np.int32), w.astype(np.float32)


class RowStack:
    """Sparse rows appended one at a time and stacked into one CSR matrix (:meth:`tocsr`); rows are kept in
    blocks, so the peak is the matrix plus one block, not two copies of it."""

    def __init__(self, n_cols: int, block: int = 1024):
        self.n_cols = n_cols
        self.block = block
        self._rows: list[tuple[np.ndarray, np.ndarray]] = []
        self._blocks: list[tuple[np.ndarray, np.ndarray] | None] = []
        self._lengths: list[int] = []

    def append(self, row: tuple[np.ndarray, np.ndarray]) -> None:
        self._rows.append(row)
        self._lengths.append(len(row[0]))
        if len(self._rows) >= self.block:
            self._close()

    def extend(self, cols: np.ndarray, weights: np.ndarray, lengths: np.ndarray) -> None:
        """Append consecutive rows given joined: row ``k`` is the next ``lengths[k]`` entries."""
        self._close()
        self._blocks.append((cols, weights))
        self._lengths.extend(np.asarray(lengths).tolist())

    def _close(self) -> None:
        if self._rows:
            self._blocks.append((np.concatenate([c for c, _ in self._rows]), np.concatenate([w for _, w in self._rows])))
            self._rows = []

    def tocsr(self) -> sparse.csr_matrix:
        self._close()
        nnz = sum(self._lengths)
        index_dtype = np.int32 if nnz < 2**31 and self.n_cols < 2**31 else np.int64
        indptr = np.zeros(len(self._lengths) + 1, dtype=index_dtype)
        np.cumsum(self._lengths, out=indptr[1:])
        indices, data = np.empty(nnz, dtype=index_dtype), np.empty(nnz, dtype=np.float32)
        pos = 0
        for k, (cols, weights) in enumerate(self._blocks):
            self._blocks[k] = None
            indices[pos:pos + len(cols)], data[pos:pos + len(cols)] = cols, weights
            pos += len(cols)
        self._blocks, n_rows = [], len(self._lengths)
        self._lengths = []
        return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, self.n_cols), copy=False)


def narrative_row(s, miner: StockPhraseMiner) -> tuple[np.ndarray, np.ndarray]:
    """The TF-IDF row of one document (:class:`.documents.DocumentState`): its shingles not touching the
    template."""
    n = miner.ngram
    h = shingle_hashes(s.text.norm, n)
    if len(h):
        template = s.template_mask
        bad = np.zeros(len(h), dtype=bool)
        for j in range(n):
            bad |= template[j: j + len(h)]
        h = h[~bad]
    pos = miner.lookup(h)
    counts = np.where(pos >= 0, miner.counts_[pos], 0) if len(miner.counts_) else np.zeros(len(h), np.int32)
    return vector_row(pos, counts, miner.n_agencies)


def shingle_vectors(states: Sequence, miner: StockPhraseMiner) -> sparse.csr_matrix:
    """One L2-normalised TF-IDF row per document (:class:`.documents.DocumentState` with its
    ``template_mask``), columns = positions in ``miner.hashes_`` (every shingle counted)."""
    rows = RowStack(max(1, len(miner.hashes_)))
    for s in states:
        rows.append(narrative_row(s, miner))
    return rows.tocsr()


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
