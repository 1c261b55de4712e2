"""Candidate pairs by MinHash + LSH over sentence windows (datasketch), streaming.

Each report's narrative is cut into windows: starting at every ``stride``-th sentence,
consecutive sentences until ``window_chars`` non-boilerplate characters. A window's
shingle set (character n-grams not touching template/stock text) is MinHashed and
queried against, then inserted into, a :class:`datasketch.MinHashLSH` index. Two reports
become a candidate pair when any of their windows collide — cost is linear in the number
of windows plus the collisions, with no all-pairs step. :class:`DocumentIndex` does the
same for whole narratives (a model text copied whole), with the usual post-filter on the
estimated Jaccard of the colliding signatures.

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

from collections import defaultdict

import numpy as np
from datasketch import MinHash, MinHashLSH

from .text import ReuseText, shingle_hashes
from ..model import DEFAULT_SEED


def _identity(x: int) -> int:
    return x


class _MinHashIndex:
    """A datasketch LSH index fed with signatures computed in numpy by datasketch's own permutations."""

    def __init__(self, ngram: int, num_perm: int, threshold: float, seed: int, min_shingles: int,
                 max_bucket_docs: int | None):
        self.ngram = ngram
        self.num_perm = num_perm
        self.threshold = threshold
        self.seed = seed
        self.min_shingles = min_shingles
        self.max_bucket_docs = max_bucket_docs
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        proto = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
        if proto.scheme != "affine32":  # pragma: no cover - datasketch default since 2.0
            raise RuntimeError(f"{type(self).__name__} expects datasketch's affine32 MinHash scheme")
        self._a, self._b = proto.permutations
        self.n_skipped_queries = 0

    def _unless_crowded(self, hits: set[int]) -> set[int]:
        """``hits``, or nothing when more documents than ``max_bucket_docs`` collide (a text everybody
        shares: stock, not copying)."""
        if self.max_bucket_docs is not None and len(hits) > self.max_bucket_docs:
            self.n_skipped_queries += 1
            return set()
        return hits


class CandidateIndex(_MinHashIndex):
    """Streaming LSH index of narrative windows; ``add`` returns the earlier docs that collide."""

    def __init__(
        self,
        ngram: int = 6,
        num_perm: int = 64,
        threshold: float = 0.5,
        seed: int = DEFAULT_SEED,
        window_chars: int = 60,
        stride: int = 1,
        min_shingles: int = 8,
        max_bucket_docs: int | None = None,
    ):
        super().__init__(ngram, num_perm, threshold, seed, min_shingles, max_bucket_docs)
        self.window_chars = window_chars
        self.stride = stride
        self.n_windows = 0
        self.n_skipped_queries = 0

    def signatures(self, t: ReuseText, mask: np.ndarray, hashes: np.ndarray | None = None) -> np.ndarray:
        """MinHash signatures (rows, ``num_perm`` columns) of the windows of ``t``.

        A window starts at every ``stride``-th sentence and takes sentences until it holds
        ``window_chars`` characters outside ``mask``; its shingles are those starting in its
        sentences, minus any touching ``mask``. Computed for all windows at once: per-shingle
        permuted hashes (datasketch's own ``affine32`` permutations, so the values equal
        ``MinHash.update_batch``), minima per sentence, then per window. ``hashes``: the
        ``shingle_hashes(t.norm, ngram)`` of the caller, if it has them.
        """
        n = self.ngram
        h = shingle_hashes(t.norm, n) if hashes is None else hashes
        sents = t.sentences
        if len(h) == 0 or not sents:
            return np.zeros((0, self.num_perm), dtype=np.uint32)
        bad = np.zeros(len(h), dtype=bool)
        for j in range(n):
            bad |= mask[j : j + len(h)]
        phv = _permuted(h, self._a, self._b)
        phv[bad] = np.iinfo(np.uint32).max
        nstart, nend = sents.nstart.tolist(), sents.nend.tolist()
        starts = np.minimum(sents.nstart, len(h)).astype(np.int64)
        seg_valid = np.add.reduceat(~bad, starts.clip(max=len(h) - 1)) if len(h) else np.zeros(len(sents))
        seg_valid[starts >= len(h)] = 0
        seg_min = np.minimum.reduceat(phv, starts.clip(max=len(h) - 1), axis=0)
        seg_min[starts >= len(h)] = np.iinfo(np.uint32).max
        # a sentence's segment must not run past the next sentence start (empty segments)
        empty = np.zeros(len(sents), dtype=bool)
        empty[:-1] = starts[1:] <= starts[:-1]
        seg_min[empty] = np.iinfo(np.uint32).max
        seg_valid[empty] = 0
        res_len = np.concatenate([[0], np.cumsum(~mask)]).tolist()
        rows = []
        for k in range(0, len(sents), self.stride):
            ns = nstart[k]
            e = k
            while e < len(sents) - 1 and res_len[nend[e]] - res_len[ns] < self.window_chars:
                e += 1
            if seg_valid[k : e + 1].sum() >= self.min_shingles:
                rows.append(seg_min[k : e + 1].min(axis=0))
            if e >= len(sents) - 1:
                break
        return np.array(rows, dtype=np.uint32).reshape(-1, self.num_perm)

    def add(self, doc: int, t: ReuseText, mask: np.ndarray) -> set[int]:
        """Index the windows of document number ``doc``; return the earlier documents that collide."""
        found: set[int] = set()
        for w, sig in enumerate(self.signatures(t, mask)):
            m = _Signature(sig)
            hits = {key >> 16 for key in self.lsh.query(m)}
            hits.discard(doc)
            found |= self._unless_crowded(hits)
            self.lsh.insert((doc << 16) | w, m, check_duplication=False)
            self.n_windows += 1
        return found


def _permuted(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """datasketch ``affine32``: murmur3 fmix32 of each hash, then ``a * x + b mod 2**32`` per permutation."""
    x = h.astype(np.uint32).reshape(-1, 1)
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint32(16))
        x = x * np.uint32(0x85EBCA6B)
        x = x ^ (x >> np.uint32(13))
        x = x * np.uint32(0xC2B2AE35)
        x = x ^ (x >> np.uint32(16))
        return x * a.astype(np.uint32) + b.astype(np.uint32)


class _Signature:
    """The two things :class:`datasketch.MinHashLSH` reads from a MinHash."""

    __slots__ = ("hashvalues",)
    scheme = "affine32"

    def __init__(self, hashvalues: np.ndarray):
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


class DocumentIndex(_MinHashIndex):
    """Streaming LSH over whole narratives: near-duplicate reports (a model text and its copies).

    Complements :class:`CandidateIndex` (local passages of rare text): a copy assembled from
    common sentences is only recognisable by the combination, i.e. the whole text.
    """

    def __init__(self, ngram: int = 6, num_perm: int = 64, threshold: float = 0.3, seed: int = DEFAULT_SEED,
                 min_shingles: int = 20, max_bucket_docs: int | None = None, verify: float | None = 0.2):
        super().__init__(ngram, num_perm, threshold, seed, min_shingles, max_bucket_docs)
        self.verify = verify
        self._sigs: dict[int, np.ndarray] = {}
        self.n_rejected = 0
        self.n_docs = 0

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
        sig = _permuted(sel, self._a, self._b).min(axis=0)
        m = _Signature(sig)
        hits = self._unless_crowded(set(self.lsh.query(m)))
        if self.verify is not None and hits:
            # the usual LSH post-filter: keep collisions whose estimated Jaccard (share of
            # equal signature values) reaches ``verify``; band collisions alone are noisy
            kept = {k for k in hits if np.mean(self._sigs[k] == sig) >= self.verify}
            self.n_rejected += len(hits) - len(kept)
            hits = kept
        if self.verify is not None:
            self._sigs[doc] = sig
        self.lsh.insert(doc, m, check_duplication=False)
        self.n_docs += 1
        return hits


def lsh_candidates(states: list, windows: CandidateIndex, documents: DocumentIndex | None = None,
                   lsh_mask: str = "boilerplate") -> tuple[dict[tuple[int, int], int], dict[str, int]]:
    """Candidate pairs ``(j, i)`` (``j < i``) of documents (:class:`gxnlp.reuse.documents.DocumentState`,
    masks set) whose windows collide in ``windows`` or whose whole narratives collide in
    ``documents``, with how many indexes proposed each; and the indexes' counters.

    ``lsh_mask``: what the window signatures leave out, ``"boilerplate"`` (template and stock) or
    ``"template"``; whole narratives always leave out the template only.
    """
    if lsh_mask not in ("boilerplate", "template"):
        raise ValueError(f"lsh_mask must be 'boilerplate' or 'template', not {lsh_mask!r}")
    cands: dict[tuple[int, int], int] = defaultdict(int)
    for i, s in enumerate(states):
        for j in windows.add(i, s.text, s.template_mask if lsh_mask == "template" else s.mask):
            cands[(j, i)] += 1
        if documents is not None:
            for j in documents.add(i, s.text, s.template_mask):
                cands[(j, i)] += 1
    stats = {"windows": windows.n_windows, "skipped_queries": windows.n_skipped_queries,
             "doc_skipped_queries": documents.n_skipped_queries if documents is not None else 0,
             "doc_rejected_collisions": documents.n_rejected if documents is not None else 0,
             "candidate_pairs": len(cands)}
    return cands, stats
