"""The two kinds of shared text that are *not* copying: mandated template and stock phrases.

(a) ``template``: headings, table labels, the 勾稽关系 note and the mandated opening
formula (:func:`gxnlp.genre.boilerplate.template_phrases`); (b) ``stock``: phrases of the genre,
a shipped seed list (:func:`gxnlp.genre.boilerplate.stock_seed_phrases`) plus character n-grams that a large share
of *different agencies* use, mined from the corpus by :class:`StockPhraseMiner`.

>>> lex = PhraseLexicon(["本报告根据《中华人民共和国政府信息公开条例》"])
>>> from gxnlp.reuse.text import normalise
>>> norm, _ = normalise("本报告根据《中华人民共和国政府信息公开条例》编制。")
>>> int(lex.mask(norm).sum())
20
>>> m = StockPhraseMiner(ngram=4, stock_df=0.5, min_agencies=2)
>>> for agency, text in [("a", "坚持公开为常态"), ("b", "坚持公开为常态"), ("c", "今年做了很多")]:
...     _ = m.partial_fit(shingle_hashes(normalise(text)[0], 4), agency)
>>> len(m.finalize()), m.threshold_
(4, 2)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .text import normalise, shingle_hashes


class PhraseLexicon:
    """Phrases found in normalised text: literals (longest first) and ``re:`` patterns over normalised text."""

    def __init__(self, phrases: list[str]):
        patterns = [p[3:] for p in phrases if p.startswith("re:")]
        norms = sorted({normalise(p)[0] for p in phrases if not p.startswith("re:")} - {""}, key=lambda s: (-len(s), s))
        self.phrases = norms
        self.patterns = patterns
        alts = patterns + [re.escape(p) for p in norms]
        self._re = re.compile("|".join(f"(?:{a})" for a in alts)) if alts else None

    def mask(self, norm: str) -> np.ndarray:
        """Boolean mask of the characters of ``norm`` inside an occurrence of a phrase."""
        mask = np.zeros(len(norm), dtype=bool)
        if self._re is not None:
            for m in self._re.finditer(norm):
                mask[m.start() : m.end()] = True
        return mask

    def find(self, norm: str) -> set[str]:
        """The phrases occurring in ``norm``."""
        return {m.group(0) for m in self._re.finditer(norm)} if self._re is not None else set()


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (faster than numpy 2's hash-based unique on these arrays)."""
    a = np.sort(a, kind="stable")
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def shingle_mask(hashes: np.ndarray, members: np.ndarray, n: int, length: int, min_chars: int = 0) -> np.ndarray:
    """Mask of the characters covered by runs of shingles whose hash is in ``members``.

    Only runs covering at least ``min_chars`` characters count: one common n-gram is
    not a phrase, a run of them is.
    """
    mask = np.zeros(length, dtype=bool)
    if len(hashes) == 0 or len(members) == 0:
        return mask
    pos = np.searchsorted(members, hashes).clip(0, len(members) - 1)
    hit = members[pos] == hashes
    if min_chars > n:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], hit.astype(np.int8), [0]])))
        starts, ends = edges[::2], edges[1::2]
        short = ends - starts + n - 1 < min_chars
        if short.any():  # runs too short to be a phrase: cleared
            cover = np.zeros(len(hit) + 1, dtype=np.int8)
            cover[starts[short]] = 1  # runs are disjoint: starts and ends are distinct positions
            cover[ends[short]] = -1
            hit &= np.cumsum(cover[:-1]) == 0
    for j in range(n):
        mask[j : j + len(hit)] |= hit
    return mask


class StockPhraseMiner:
    """Document frequency of n-gram hashes counted over distinct agencies, streaming.

    A shingle is *stock* when at least ``max(min_agencies, stock_df * n_agencies)``
    different agencies use it. Counting agencies rather than reports means an agency that
    reuses its own text every year never turns its text into "stock".
    """

    def __init__(self, ngram: int = 6, stock_df: float = 0.05, min_agencies: int = 5, compact_every: int = 2000):
        self.ngram = ngram
        self.stock_df = stock_df
        self.min_agencies = min_agencies
        self.compact_every = compact_every
        self._agencies: dict[str, int] = {}
        self._chunks: list[np.ndarray] = []
        self._pending = 0
        self._dir = None

    def partial_fit(self, hashes: np.ndarray, agency: str) -> StockPhraseMiner:
        aid = self._agencies.setdefault(agency, len(self._agencies))
        packed = (sorted_unique(hashes).astype(np.uint64) << np.uint64(32)) | np.uint64(aid)
        self._chunks.append(packed)
        self._pending += 1
        if self._pending >= self.compact_every:
            self._chunks = [sorted_unique(np.concatenate(self._chunks))]
            self._pending = 0
        return self

    @property
    def n_agencies(self) -> int:
        return len(self._agencies)

    def finalize(self) -> np.ndarray:
        """Sorted array of the stock shingle hashes; sets ``threshold_``, ``df_`` and the agency
        count of every shingle (``hashes_``, ``counts_``, read by :meth:`agency_df`)."""
        packed = sorted_unique(np.concatenate(self._chunks)) if self._chunks else np.zeros(0, np.uint64)
        self._chunks = []
        # distinct (hash, agency) records sorted by hash: each hash's agency count is its run length
        h = (packed >> np.uint64(32)).astype(np.uint32)
        del packed
        first = np.flatnonzero(np.r_[True, h[1:] != h[:-1]]) if len(h) else np.zeros(0, np.int64)
        hashes, counts = h[first], np.diff(np.r_[first, len(h)])
        del h
        self.threshold_ = max(self.min_agencies, int(np.ceil(self.stock_df * self.n_agencies)))
        keep = counts >= self.threshold_
        #: every shingle hash seen (sorted) and the number of agencies using it
        self.hashes_, self.counts_ = hashes, counts.astype(np.int32)
        self.stock_ = hashes[keep]
        self.df_ = dict(zip(self.stock_.tolist(), counts[keep].tolist()))
        return self.stock_

    def agency_df(self, hashes: np.ndarray) -> np.ndarray:
        """Number of agencies using each shingle hash (0 for a hash never counted); after :meth:`finalize`."""
        pos = self.lookup(hashes)
        out = np.zeros(len(hashes), dtype=np.int32)
        out[pos >= 0] = self.counts_[pos[pos >= 0]]
        return out

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Position of each shingle hash in ``hashes_`` (-1 for a hash never counted); after :meth:`finalize`.

        ``hashes_`` holds every shingle of the corpus (tens of millions at 50k reports): a binary
        search over all of it reads ~25 scattered entries per hash. The hash's top bits index a
        directory of ``hashes_`` (built once), so the search runs over a few entries only."""
        hashes = np.asarray(hashes, dtype=np.uint32)
        out = np.full(len(hashes), -1, dtype=np.int64)
        if len(hashes) == 0 or len(self.hashes_) == 0:
            return out
        shift, directory, steps = self._directory()
        top = hashes >> np.uint32(shift)
        lo = directory[top].astype(np.int64)
        hi = directory[top + 1].astype(np.int64)
        last = len(self.hashes_) - 1
        for _ in range(steps):  # branch-free binary search within each hash's bucket
            mid = (lo + hi) >> 1
            right = (mid < hi) & (self.hashes_[np.minimum(mid, last)] < hashes)
            lo = np.where(right, mid + 1, lo)
            hi = np.where(right, hi, mid)
        hit = (lo <= last) & (self.hashes_[np.minimum(lo, last)] == hashes)
        out[hit] = lo[hit]
        return out

    def _directory(self) -> tuple[int, np.ndarray, int]:
        """``(shift, directory, steps)``: ``hashes_[directory[t]:directory[t + 1]]`` are the hashes whose
        top bits (``hash >> shift``) equal ``t``; ``steps`` halvings search the largest bucket."""
        if getattr(self, "_dir", None) is None or self._dir[3] is not self.hashes_:
            bits = int(np.clip(np.ceil(np.log2(max(1, len(self.hashes_)) / 4)), 4, 24))
            shift = 32 - bits
            top = (self.hashes_ >> np.uint32(shift)).astype(np.int64)
            directory = np.searchsorted(top, np.arange((1 << bits) + 1)).astype(np.int64)
            largest = int(np.diff(directory).max()) if len(directory) > 1 else 1
            self._dir = (shift, directory, max(1, int(np.ceil(np.log2(largest + 1)))) + 1, self.hashes_)
        return self._dir[:3]


@dataclass
class StockRun:
    """A mined stock phrase: its text as one report writes it, the reports and agencies using it."""

    example: str
    reports: set[int] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)


def apply_stock(states: list, stock_hashes: np.ndarray, ngram: int, min_chars: int) -> dict[str, StockRun]:
    """Mask the mined stock phrases of every document (:class:`gxnlp.reuse.documents.DocumentState`:
    sets ``stock_mask``); return the runs of mined stock by normalised text."""
    runs: dict[str, StockRun] = {}
    for i, s in enumerate(states):
        t = s.text
        mined = shingle_mask(shingle_hashes(t.norm, ngram), stock_hashes, ngram, len(t.norm), min_chars)
        mined &= ~s.template_mask
        s.stock_mask = mined | s.seed_mask
        s.seed_mask = None  # inside stock_mask now
        if not mined.any():
            continue
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mined.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2]):
            key = t.norm[a:b]
            run = runs.get(key)
            if run is None:
                a0, a1 = t.span(a, b)
                runs[key] = run = StockRun(t.text[a0:a1])
            run.reports.add(i)
            run.agencies.add(s.agency)
    return runs
