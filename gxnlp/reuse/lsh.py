"""Candidate pairs by MinHash + LSH over sentence windows (datasketch), streaming.

Each report's narrative is cut into windows: starting at every ``stride``-th sentence,
consecutive sentences until ``window_chars`` non-boilerplate characters. A window's
shingle set (character n-grams not touching template/stock text) is MinHashed and
queried against, then inserted into, a :class:`datasketch.MinHashLSH` index. Two reports
become a candidate pair when any of their windows collide — cost is linear in the number
of windows plus the collisions, with no all-pairs step. :class:`DocumentIndex` does the
same for whole narratives (a model text copied whole), with the usual post-filter on the
estimated Jaccard of the colliding signatures. Both kinds of signature are computed by
:func:`block_signatures`, for one text or a chunk of documents at once.

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

import mmap
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from datasketch import MinHash, MinHashLSH

from .arrays import grams_clear_of, running_total
from .batches import TextChunk
from .text import ReuseText
from ..model import DEFAULT_SEED


_MAX32 = np.iinfo(np.uint32).max


def _identity(x: int) -> int:
    return x


#: a whole-narrative collision is kept when this share of the two signatures' values are equal
DOC_VERIFY = 0.2


@lru_cache(maxsize=64)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's choice of (bands, rows) for a threshold, the buckets of ``MinHashLSH(threshold,
    num_perm)`` (remembered: datasketch finds them by numerical integration, ~15 ms a time)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


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
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=lsh_bands(threshold, num_perm))
        proto = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
        if proto.scheme != "affine32":  # pragma: no cover - datasketch default since 2.0
            raise RuntimeError(f"{type(self).__name__} expects datasketch's affine32 MinHash scheme")
        self._a, self._b = proto.permutations
        self.permutations = Permutations(self._a, self._b)
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

    def signatures(self, t: ReuseText, mask: np.ndarray) -> np.ndarray:
        """MinHash signatures (rows, ``num_perm`` columns) of the windows of ``t``.

        A window starts at every ``stride``-th sentence and takes sentences until it holds
        ``window_chars`` characters outside ``mask``; its shingles are those starting in its
        sentences, minus any touching ``mask``. The values are datasketch's own ``affine32``
        permutations, so they equal ``MinHash.update_batch`` (:func:`block_signatures`, which computes
        them for many texts at once)."""
        return block_signatures([t], [mask], self).window_sigs

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


def _fmix32(h: np.ndarray) -> np.ndarray:
    """murmur3's fmix32 finaliser of each 32-bit hash (the first step of datasketch ``affine32``)."""
    x = h.astype(np.uint32)
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint32(16))
        x = x * np.uint32(0x85EBCA6B)
        x = x ^ (x >> np.uint32(13))
        x = x * np.uint32(0xC2B2AE35)
        return x ^ (x >> np.uint32(16))


class Permutations:
    """datasketch's ``affine32`` permutations ``a``, ``b`` of a MinHash, applied to fmix32-ed hashes as one
    ``(num_perm, n)`` array: permutations in rows, so the minima over runs of shingles are reductions
    along contiguous memory. The array is written into a buffer kept from call to call (a fresh one
    per block of texts costs its page faults again)."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        self.num_perm = len(a)
        self.a = a.astype(np.uint32).reshape(-1, 1)
        self.b = b.astype(np.uint32).reshape(-1, 1)
        self._buffer = np.empty(0, dtype=np.uint32)

    def __call__(self, x: np.ndarray, pad: int = 0) -> np.ndarray:
        """``(num_perm, len(x) + pad)``: the permuted values of the fmix32-ed hashes ``x``, then ``pad``
        columns of the largest value (empty runs end there). Valid until the next call."""
        cols = len(x) + pad
        if self._buffer.size < self.num_perm * cols:
            # a memory map of its own, given back to the system when dropped (not left in the heap);
            # grown by half again, as its new pages cost a fault each
            self._buffer = np.frombuffer(mmap.mmap(-1, 4 * self.num_perm * (cols + cols // 2)), dtype=np.uint32)
        y = self._buffer[: self.num_perm * cols].reshape(self.num_perm, cols)
        with np.errstate(over="ignore"):
            np.multiply(self.a, x, out=y[:, : len(x)])
            np.add(y[:, : len(x)], self.b, out=y[:, : len(x)])
        y[:, len(x):] = _MAX32
        return y

    def shrink(self, cols: int) -> None:
        """Let go of a buffer grown past ``cols`` columns (by one long text)."""
        if self._buffer.size > self.num_perm * cols:
            self._buffer = np.empty(0, dtype=np.uint32)


class SignatureBlock(NamedTuple):
    """The signatures of a block of texts (:func:`block_signatures`); documents numbered in the block."""

    window_sigs: np.ndarray  # (windows, num_perm) uint32, by document then window
    window_docs: np.ndarray  # (windows,) the document of each window
    doc_sigs: np.ndarray  # (documents kept, doc num_perm) uint32: whole-narrative signatures
    doc_ids: np.ndarray  # (documents kept,) their documents


class _Text(NamedTuple):
    """A text without its document record, as a :class:`.batches.TextChunk` reads it."""

    text: ReuseText


def block_signatures(texts: TextChunk | Sequence[ReuseText], masks: Sequence[np.ndarray] | None,
                     windows: CandidateIndex | None, doc_masks: Sequence[np.ndarray] | None = None,
                     documents: DocumentIndex | None = None) -> SignatureBlock:
    """The window signatures of ``windows`` (:meth:`CandidateIndex.signatures`, shingles touching ``masks``
    left out) and the whole-narrative signatures of ``documents`` (:meth:`DocumentIndex.add`: shingles
    touching ``doc_masks`` left out; texts with fewer than its ``min_shingles`` dropped) of a chunk of
    documents or a list of texts, at once (either index may be None: no such signatures).

    The texts are hashed joined (:meth:`.batches.TextChunk.shingles`); only the shingles a signature
    keeps are permuted; a sentence's minima are taken over its run of kept shingles (one
    ``minimum.reduceat``), and a window's over its sentences with a sparse table of minima over runs
    of 1, 2, 4... sentences. Each value equals the one-text computation: windows follow the same
    rules, including the quirks of per-sentence runs at the end of a text (a sentence starting at or
    after the last shingle, or not after the previous one, has none)."""
    if windows is not None and documents is not None and windows.ngram != documents.ngram:
        raise ValueError("the two indexes shingle with different n")
    chunk = texts if isinstance(texts, TextChunk) else TextChunk([_Text(t) for t in texts], 0, len(texts))
    n = (windows or documents).ngram
    none = np.zeros(0, dtype=np.int64)
    window_sigs, window_docs, doc_sigs, doc_ids = (
        np.zeros((0, windows.num_perm if windows else 0), dtype=np.uint32), none,
        np.zeros((0, documents.num_perm if documents else 0), dtype=np.uint32), none)
    h, in_text = chunk.shingles(n)
    if len(h):
        x = _fmix32(h)
        text_grams = np.maximum(np.diff(chunk.starts) - n + 1, 0)
        if windows is not None:
            window_sigs, window_docs = _window_signatures(chunk, chunk.joined(masks), x, in_text, text_grams,
                                                          windows)
        if documents is not None:
            doc_sigs, doc_ids = _document_signatures(chunk, chunk.joined(doc_masks), x, in_text, text_grams,
                                                     documents)
    return SignatureBlock(window_sigs, window_docs, doc_sigs, doc_ids)


def _window_signatures(chunk: TextChunk, mask: np.ndarray, x: np.ndarray, in_text: np.ndarray,
                       text_grams: np.ndarray, index: CandidateIndex) -> tuple[np.ndarray, np.ndarray]:
    """Window signatures of the chunk's texts and the text of each (``mask``, ``x`` = fmix32-ed hashes and
    ``in_text`` over the joined text; ``text_grams``: shingles per text)."""
    n_perm = index.num_perm
    empty = np.zeros((0, n_perm), dtype=np.uint32), np.zeros(0, dtype=np.int64)
    starts, ends, first_sentence = chunk.sentence_spans()
    sent_text = np.repeat(np.arange(len(chunk)), np.diff(first_sentence))
    has_grams = text_grams[sent_text] > 0  # a text shorter than a gram has no windows
    starts, ends, sent_text = starts[has_grams], ends[has_grams], sent_text[has_grams]
    n_sent = len(starts)
    if not n_sent:
        return empty
    base = chunk.starts[sent_text]
    nstart, nend = starts - base, ends - base  # in the sentence's text
    first = np.ones(n_sent, dtype=bool)
    first[1:] = sent_text[1:] != sent_text[:-1]
    last = np.ones(n_sent, dtype=bool)
    last[:-1] = first[1:]
    # each sentence's run of shingles [lo, hi) in its text: from its start to the next sentence's
    # (clipped to the last shingle), the last sentence's to the text's end; none when it starts at or
    # past the end or the next sentence does not start after it (minimum.reduceat of one text)
    grams = text_grams[sent_text]
    lo = np.minimum(nstart, grams)
    next_lo = np.empty_like(lo)
    next_lo[:-1] = lo[1:]
    next_lo[-1] = 0
    clipped = np.minimum(next_lo, grams - 1)
    hi = np.where(last, grams, np.where(clipped > lo, clipped, lo + 1))
    no_run = (lo >= grams) | (~last & (next_lo <= lo))
    kept = grams_clear_of(mask, in_text, index.ngram)
    before = running_total(kept)
    run_lo = np.where(no_run, 0, before[base + lo])
    run_hi = np.where(no_run, 0, before[np.where(no_run, 0, base + hi)])
    seg_valid = run_hi - run_lo
    y = index.permutations(x[kept], pad=1)
    seg_min = np.minimum.reduceat(y, np.stack([run_lo, run_hi], axis=1).ravel(), axis=1)[:, ::2].T.copy()
    seg_min[seg_valid == 0] = _MAX32
    # windows: from every stride-th sentence of a text until window_chars unmasked characters, or its end
    unmasked = running_total(~mask)
    reach = unmasked[base + nend]
    start_chars = unmasked[base + nstart]
    text_first = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    last_of = np.flatnonzero(last)[group]
    local = np.arange(n_sent) - text_first[group]
    ks = np.flatnonzero(local % index.stride == 0)
    if np.all(reach[1:] >= reach[:-1]):
        ends = np.searchsorted(reach, start_chars[ks] + index.window_chars, side="left")
        ends = np.minimum(np.maximum(ends, ks), last_of[ks])
    else:  # sentences out of order: the first sentence reaching the length, one window at a time
        ends = np.empty(len(ks), dtype=np.int64)
        for w, k in enumerate(ks.tolist()):
            e, stop, target = k, int(last_of[k]), int(start_chars[k]) + index.window_chars
            while e < stop and reach[e] < target:
                e += 1
            ends[w] = e
    # a text's windows stop after the first one that reaches its last sentence
    done = ends == last_of[ks]
    done_before = np.cumsum(done) - done
    window_first = np.ones(len(ks), dtype=bool)
    window_first[1:] = sent_text[ks[1:]] != sent_text[ks[:-1]]
    keep = done_before == done_before[np.flatnonzero(window_first)][np.cumsum(window_first) - 1]
    valid_before = running_total(seg_valid)
    keep &= valid_before[ends + 1] - valid_before[ks] >= index.min_shingles
    ks, ends = ks[keep], ends[keep]
    level = np.frexp((ends - ks + 1).astype(np.float64))[1] - 1  # floor(log2(sentences in the window))
    sigs = np.empty((len(ks), n_perm), dtype=np.uint32)
    table = seg_min  # table[s] = the minimum over sentences s .. s + 2**j - 1
    for j in range(int(level.max()) + 1 if len(ks) else 0):
        if j:
            half = 1 << (j - 1)
            table = np.minimum(table[:-half], table[half:])
        at = np.flatnonzero(level == j)
        if len(at):
            sigs[at] = np.minimum(table[ks[at]], table[ends[at] - (1 << j) + 1])
    return sigs, sent_text[ks]


def _document_signatures(chunk: TextChunk, mask: np.ndarray, x: np.ndarray, in_text: np.ndarray,
                         text_grams: np.ndarray, index: DocumentIndex) -> tuple[np.ndarray, np.ndarray]:
    """Whole-narrative signatures of the chunk's texts with at least ``min_shingles`` kept shingles, and
    which texts they are."""
    kept = grams_clear_of(mask, in_text, index.ngram)
    before = running_total(kept)
    starts = np.minimum(chunk.starts[:-1], len(in_text))  # texts shorter than a gram at the end start past the grams
    first = before[starts]
    count = before[starts + text_grams] - first
    some = np.flatnonzero(count > 0)
    if not len(some):
        return np.zeros((0, index.num_perm), dtype=np.uint32), np.zeros(0, dtype=np.int64)
    y = index.permutations(x[kept])
    mins = np.minimum.reduceat(y, first[some], axis=1)
    enough = count[some] >= index.min_shingles
    return mins[:, enough].T.copy(), some[enough]


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
                 min_shingles: int = 20, max_bucket_docs: int | None = None, verify: float | None = DOC_VERIFY):
        super().__init__(ngram, num_perm, threshold, seed, min_shingles, max_bucket_docs)
        self.verify = verify
        self._sigs: dict[int, np.ndarray] = {}
        self.n_rejected = 0
        self.n_docs = 0

    def add(self, doc: int, t: ReuseText, mask: np.ndarray) -> set[int]:
        """Index document ``doc`` (shingles touching ``mask`` left out); return earlier colliding docs."""
        block = block_signatures([t], None, None, [mask], self)
        if not len(block.doc_sigs):  # fewer than min_shingles shingles outside the mask
            return set()
        sig = block.doc_sigs[0]
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


def make_indexes(*, ngram: int, num_perm: int, threshold: float, seed: int, window_chars: int, stride: int,
                 doc_threshold: float | None, doc_num_perm: int,
                 max_bucket_docs: int | None = None) -> tuple[CandidateIndex, DocumentIndex | None]:
    """The window index and, unless ``doc_threshold`` is None, the whole-narrative index of a detector."""
    windows = CandidateIndex(ngram=ngram, num_perm=num_perm, threshold=threshold, seed=seed,
                             window_chars=window_chars, stride=stride, max_bucket_docs=max_bucket_docs)
    documents = None if doc_threshold is None else DocumentIndex(
        ngram=ngram, num_perm=doc_num_perm, threshold=doc_threshold, seed=seed, max_bucket_docs=max_bucket_docs)
    return windows, documents


def window_mask(state, lsh_mask: str) -> np.ndarray:
    """What the window signatures of a document (:class:`gxnlp.reuse.documents.DocumentState`) leave out:
    ``lsh_mask`` ``"template"``, or ``"boilerplate"`` (template and stock)."""
    return state.template_mask if lsh_mask == "template" else state.mask


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
        for j in windows.add(i, s.text, window_mask(s, lsh_mask)):
            cands[(j, i)] += 1
        if documents is not None:
            for j in documents.add(i, s.text, s.template_mask):
                cands[(j, i)] += 1
    stats = {"windows": windows.n_windows, "skipped_queries": windows.n_skipped_queries,
             "doc_skipped_queries": documents.n_skipped_queries if documents is not None else 0,
             "doc_rejected_collisions": documents.n_rejected if documents is not None else 0,
             "candidate_pairs": len(cands)}
    return cands, stats
