"""The vectorised window and narrative signatures (:func:`gxnlp.reuse.lsh.block_signatures`) against the
loop they replaced, kept here as the oracle: one text at a time, a Python loop over the windows, a
numpy minimum per window. Random texts, masks and sentence spans (including empty, overlapping and
out-of-order sentences, where the per-sentence runs have their quirks), stride 1 and 2, one text or
a block of several."""
from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from gxnlp.reuse.lsh import CandidateIndex, DocumentIndex, _identity, block_signatures
from gxnlp.reuse.text import ReuseText, Sentences, shingle_hashes

_MAX = np.iinfo(np.uint32).max


def affine32(h: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """datasketch's ``affine32`` values of each hash (rows) under each permutation (columns)."""
    a, b = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity).permutations
    x = h.astype(np.uint32).reshape(-1, 1)
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint32(16))
        x = x * np.uint32(0x85EBCA6B)
        x = x ^ (x >> np.uint32(13))
        x = x * np.uint32(0xC2B2AE35)
        x = x ^ (x >> np.uint32(16))
        return x * a.astype(np.uint32) + b.astype(np.uint32)


def loop_windows(index: CandidateIndex, t: ReuseText, mask: np.ndarray) -> np.ndarray:
    """The window signatures as the streaming index computed them before (one text, a loop of windows)."""
    n = index.ngram
    h = shingle_hashes(t.norm, n)
    sents = t.sentences
    if len(h) == 0 or not sents:
        return np.zeros((0, index.num_perm), dtype=np.uint32)
    bad = np.zeros(len(h), dtype=bool)
    for j in range(n):
        bad |= mask[j: j + len(h)]
    phv = affine32(h, index.num_perm, index.seed)
    phv[bad] = _MAX
    nstart, nend = sents.nstart.tolist(), sents.nend.tolist()
    starts = np.minimum(sents.nstart, len(h)).astype(np.int64)
    seg_valid = np.add.reduceat(~bad, starts.clip(max=len(h) - 1))
    seg_valid[starts >= len(h)] = 0
    seg_min = np.minimum.reduceat(phv, starts.clip(max=len(h) - 1), axis=0)
    seg_min[starts >= len(h)] = _MAX
    empty = np.zeros(len(sents), dtype=bool)
    empty[:-1] = starts[1:] <= starts[:-1]
    seg_min[empty] = _MAX
    seg_valid[empty] = 0
    res_len = np.concatenate([[0], np.cumsum(~mask)]).tolist()
    rows = []
    for k in range(0, len(sents), index.stride):
        ns = nstart[k]
        e = k
        while e < len(sents) - 1 and res_len[nend[e]] - res_len[ns] < index.window_chars:
            e += 1
        if seg_valid[k: e + 1].sum() >= index.min_shingles:
            rows.append(seg_min[k: e + 1].min(axis=0))
        if e >= len(sents) - 1:
            break
    return np.array(rows, dtype=np.uint32).reshape(-1, index.num_perm)


def loop_narrative(index: DocumentIndex, t: ReuseText, mask: np.ndarray) -> np.ndarray | None:
    """The whole-narrative signature as :meth:`DocumentIndex.add` computed it before (None: too few shingles)."""
    h = shingle_hashes(t.norm, index.ngram)
    if not len(h):
        return None
    bad = np.zeros(len(h), dtype=bool)
    for j in range(index.ngram):
        bad |= mask[j: j + len(h)]
    sel = h[~bad]
    if len(sel) < index.min_shingles:
        return None
    return affine32(sel, index.num_perm, index.seed).min(axis=0)


@st.composite
def texts(draw, alphabet: str = "甲乙丙丁戊"):
    """A normalised text (few letters: shingles repeat), a mask mostly off, and sentences: consecutive
    (some empty) or arbitrary spans in any order."""
    norm = draw(st.text(alphabet=alphabet, max_size=70))
    size = len(norm)
    if draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.integers(0, size), max_size=10)))
        bounds = [0, *cuts, size]
        spans = list(zip(bounds[:-1], bounds[1:]))
    else:
        spans = [tuple(sorted(p)) for p in draw(st.lists(st.tuples(st.integers(0, size), st.integers(0, size)),
                                                          max_size=8))]
    mask = np.array(draw(st.lists(st.sampled_from([False, False, False, True]), min_size=size, max_size=size)),
                    dtype=bool)
    rows = np.array([(a, b, a, b) for a, b in spans], dtype=np.int32).reshape(-1, 4)
    return ReuseText(norm, norm, None, Sentences(rows)), mask


windows_params = st.fixed_dictionaries({
    "ngram": st.integers(1, 5), "window_chars": st.integers(0, 30), "stride": st.sampled_from([1, 2]),
    "min_shingles": st.integers(0, 6), "seed": st.integers(0, 3)})


@settings(max_examples=300, deadline=None)
@given(text=texts(), params=windows_params)
def test_one_text_windows_equal_the_loop(text, params):
    t, mask = text
    index = CandidateIndex(num_perm=16, threshold=0.5, **params)
    got = index.signatures(t, mask)
    want = loop_windows(index, t, mask)
    assert got.dtype == np.uint32 and got.shape == want.shape
    assert np.array_equal(got, want)


@settings(max_examples=200, deadline=None)
@given(block=st.lists(texts(), min_size=1, max_size=6), params=windows_params,
       doc_masks=st.lists(st.booleans(), min_size=6, max_size=6), doc_min=st.integers(1, 12))
def test_a_block_of_texts_equals_each_text_alone(block, params, doc_masks, doc_min):
    windows = CandidateIndex(num_perm=16, threshold=0.5, **params)
    documents = DocumentIndex(ngram=params["ngram"], num_perm=24, seed=params["seed"], min_shingles=doc_min)
    ts = [t for t, _ in block]
    masks = [m for _, m in block]
    # the narrative's mask: the window mask or none at all, text by text
    narrative_masks = [m if use else np.zeros_like(m) for m, use in zip(masks, doc_masks)]
    got = block_signatures(ts, masks, windows, narrative_masks, documents)
    per_text = [loop_windows(windows, t, m) for t, m in block]
    assert np.array_equal(got.window_sigs, np.concatenate(per_text))
    assert got.window_docs.tolist() == [d for d, rows in enumerate(per_text) for _ in range(len(rows))]
    narratives = [loop_narrative(documents, t, m) for t, m in zip(ts, narrative_masks)]
    assert got.doc_ids.tolist() == [d for d, sig in enumerate(narratives) if sig is not None]
    assert np.array_equal(got.doc_sigs.reshape(-1, 24),
                          np.array([sig for sig in narratives if sig is not None], dtype=np.uint32).reshape(-1, 24))


@settings(max_examples=60, deadline=None)
@given(text=texts(alphabet="甲乙丙丁戊己庚辛壬癸子丑寅卯"), stride=st.sampled_from([1, 2]))
def test_streaming_index_windows_collide_with_their_own_copy(text, stride):
    """A text indexed twice collides with itself whenever it has a window (same values, same buckets)."""
    t, mask = text
    index = CandidateIndex(ngram=3, num_perm=16, threshold=0.5, window_chars=8, stride=stride, min_shingles=1)
    has_windows = len(index.signatures(t, mask)) > 0
    assert index.add(0, t, mask) == set()
    assert index.add(1, t, mask) == ({0} if has_windows else set())
