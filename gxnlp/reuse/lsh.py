"""Candidate pairs by MinHash + LSH over sentence windows (datasketch), streaming.

Each report's narrative is cut into windows: starting at every ``stride``-th sentence,
consecutive sentences until ``window_chars`` non-boilerplate characters. A window's
shingle set (character n-grams not touching template/stock text) is MinHashed and
queried against, then inserted into, a :class:`datasketch.MinHashLSH` index. Two reports
become a candidate pair when any of their windows collide — cost is linear in the number
of windows plus the collisions, with no all-pairs step.

>>> import numpy as np
>>> from gxnlp.reuse.text import ReuseText
>>> idx = CandidateIndex(ngram=4, num_perm=64, threshold=0.5, seed=1, window_chars=10)
>>> t = ReuseText.from_text("我局全年开展政务公开培训三次，参训人员二百人。")
>>> idx.add(0, t, np.zeros(len(t.norm), bool))
set()
>>> idx.add(1, t, np.zeros(len(t.norm), bool))
{0}
"""
from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from .text import ReuseText, shingle_hashes


def _identity(x: int) -> int:
    return x


class CandidateIndex:
    """Streaming LSH index of narrative windows; ``add`` returns the earlier docs that collide."""

    def __init__(
        self,
        ngram: int = 6,
        num_perm: int = 64,
        threshold: float = 0.5,
        seed: int = 1,
        window_chars: int = 60,
        stride: int = 1,
        min_shingles: int = 8,
        max_bucket_docs: int | None = None,
    ):
        self.ngram = ngram
        self.num_perm = num_perm
        self.threshold = threshold
        self.seed = seed
        self.window_chars = window_chars
        self.stride = stride
        self.min_shingles = min_shingles
        self.max_bucket_docs = max_bucket_docs
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._proto = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
        self.n_windows = 0
        self.n_skipped_queries = 0

    def windows(self, t: ReuseText, mask: np.ndarray, stop: np.ndarray | None = None) -> list[np.ndarray]:
        """Shingle-hash sets of the windows of ``t``.

        Shingles touching boilerplate (``mask``) or listed in ``stop`` (sorted hashes of
        n-grams too common to be evidence of copying) are dropped.
        """
        n = self.ngram
        h = shingle_hashes(t.norm, n)
        if len(h) == 0:
            return []
        # a shingle is usable when none of its characters is boilerplate
        bad = np.isin(h, stop) if stop is not None and len(stop) else np.zeros(len(h), dtype=bool)
        for j in range(n):
            bad |= mask[j : j + len(h)]
        res_len = np.concatenate([[0], np.cumsum(~mask)])
        sents = t.sentences
        out = []
        for k in range(0, len(sents), self.stride):
            ns = sents[k].nstart
            e = k
            while e < len(sents) and res_len[sents[e].nend] - res_len[ns] < self.window_chars:
                e += 1
            ne = sents[min(e, len(sents) - 1)].nend
            lo, hi = ns, max(ns, min(ne - n + 1, len(h)))
            sel = h[lo:hi][~bad[lo:hi]]
            if len(sel) >= self.min_shingles:
                out.append(sel)  # duplicates do not change a MinHash
            if e >= len(sents) - 1:
                break
        return out

    def minhash(self, hashes: np.ndarray) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=_identity,
                    permutations=self._proto.permutations, scheme=self._proto.scheme)
        m.update_batch(hashes.tolist())
        return m

    def add(self, doc: int, t: ReuseText, mask: np.ndarray, stop: np.ndarray | None = None) -> set[int]:
        """Index the windows of document number ``doc``; return the earlier documents that collide."""
        found: set[int] = set()
        for w, hashes in enumerate(self.windows(t, mask, stop)):
            m = self.minhash(hashes)
            hits = {key >> 16 for key in self.lsh.query(m)}
            hits.discard(doc)
            if self.max_bucket_docs is not None and len(hits) > self.max_bucket_docs:
                self.n_skipped_queries += 1  # a window everybody shares: stock, not copying
            else:
                found |= hits
            self.lsh.insert((doc << 16) | w, m, check_duplication=False)
            self.n_windows += 1
        return found


class DocumentIndex:
    """Streaming LSH over whole narratives: near-duplicate reports (a model text and its copies).

    Complements :class:`CandidateIndex` (local passages of rare text): a copy assembled from
    common sentences is only recognisable by the combination, i.e. the whole text.
    """

    def __init__(self, ngram: int = 6, num_perm: int = 64, threshold: float = 0.3, seed: int = 1,
                 min_shingles: int = 20, max_bucket_docs: int | None = None):
        self.ngram = ngram
        self.num_perm = num_perm
        self.threshold = threshold
        self.min_shingles = min_shingles
        self.max_bucket_docs = max_bucket_docs
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._proto = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
        self.n_docs = 0
        self.n_skipped_queries = 0

    def add(self, doc: int, t: ReuseText, mask: np.ndarray) -> set[int]:
        """Index document ``doc`` (shingles touching ``mask`` left out); return earlier colliding docs."""
        n = self.ngram
        h = shingle_hashes(t.norm, n)
        if len(h) == 0:
            return set()
        bad = np.zeros(len(h), dtype=bool)
        for j in range(n):
            bad |= mask[j : j + len(h)]
        sel = h[~bad]
        if len(sel) < self.min_shingles:
            return set()
        m = MinHash(num_perm=self.num_perm, hashfunc=_identity, permutations=self._proto.permutations,
                    scheme=self._proto.scheme)
        m.update_batch(sel.tolist())
        hits = set(self.lsh.query(m))
        if self.max_bucket_docs is not None and len(hits) > self.max_bucket_docs:
            self.n_skipped_queries += 1
            hits = set()
        self.lsh.insert(doc, m, check_duplication=False)
        self.n_docs += 1
        return hits
