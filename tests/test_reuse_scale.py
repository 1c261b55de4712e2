"""The scaling pieces of reuse detection, each against a plain reference: vectorised band collisions,
candidate scoring before alignment, and the agency resolver's pair search."""
from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz import fuzz

from gxnlp.panel.identity import _close_pairs
from gxnlp.reuse import ReuseDetector
from gxnlp.reuse.shuffle import _collisions
from gxnlp.reuse.similarity import pair_overlap, shingle_vectors
from gxnlp.synth.planted import planted_corpus


def reference_collisions(sigs, docs, b, r, cap):
    """The streaming rule written out row by row: a row of document ``d`` collides with the earlier
    documents having a row equal to it on some band; a band reaching more than ``cap`` earlier
    documents, or all bands together reaching more, silences the row."""
    pairs = set()
    for k in range(len(sigs)):
        d = docs[k]
        hits, silenced = set(), False
        for band in range(b):
            cols = slice(band * r, (band + 1) * r)
            same = {int(docs[m]) for m in range(len(sigs)) if docs[m] < d and (sigs[m, cols] == sigs[k, cols]).all()}
            if cap is not None and len(same) > cap:
                silenced = True
            hits |= same
        if silenced or (cap is not None and len(hits) > cap):
            continue
        pairs |= {(e, int(d)) for e in hits}
    return pairs


@pytest.mark.parametrize("cap", [None, 1, 2, 5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_collisions_follow_the_streaming_rule(cap, seed):
    rng = np.random.default_rng(seed)
    n, b, r = 60, 4, 2
    docs = np.sort(rng.integers(0, 25, n))
    sigs = rng.integers(0, 3, (n, b * r)).astype(np.uint32)  # few values: crowded buckets
    got = {tuple(p) for p in _collisions(sigs, docs, b, r, cap, max_hits=37).tolist()}  # many row blocks
    assert got == reference_collisions(sigs, docs, b, r, cap)
    if cap is None:
        assert got  # the draw does collide


def test_pair_overlap_is_the_dot_product_of_the_rows():
    docs, _ = planted_corpus(n_agencies=30, years=(2021, 2022), seed=4)
    det = ReuseDetector(stock_min_agencies=3).fit(docs, candidate_fn=lambda d: [])
    X = shingle_vectors(det.documents_, det.miner_)
    dense = X.toarray().astype(np.float64)
    assert np.allclose(np.linalg.norm(dense, axis=1)[np.diff(X.indptr) > 0], 1.0, atol=1e-5)
    pairs = [(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))][:500]
    cos, shared = pair_overlap(X, pairs, chunk=64)
    p = np.array(pairs)
    assert np.allclose(cos, (dense[p[:, 0]] * dense[p[:, 1]]).sum(axis=1), atol=1e-5)
    assert (shared == ((dense[p[:, 0]] > 0) & (dense[p[:, 1]] > 0)).sum(axis=1)).all()


def test_candidate_scoring_aligns_fewer_pairs_and_keeps_every_pair():
    # a corpus of its own seed (not one the thresholds were chosen on)
    docs, truth = planted_corpus(n_agencies=400, years=(2021, 2022, 2023), seed=13)
    scored = ReuseDetector(seed=2).fit(docs)
    every = ReuseDetector(seed=2, min_candidate_cosine=None).fit(docs)
    assert scored.candidates_ == every.candidates_
    assert len(scored.aligned_candidates_) < 0.7 * len(scored.candidates_)
    assert set(scored.aligned_candidates_) >= set(scored.passages_)
    assert scored.pairs_.equals(every.pairs_)
    assert scored.clusters_.equals(every.clusters_)
    ids = [d.report_id for d in scored.docs_]
    found = {tuple(sorted((ids[i], ids[j]))) for i, j in scored.passages_}
    assert len(found & {t[:2] for t in truth}) >= 0.95 * len(truth)


def test_close_pairs_are_every_pair_at_the_similarity():
    rng = random.Random(3)
    stems = ["市场监督管理局", "市场监管局", "教育局", "教育体育局", "民政局", "人力资源和社会保障局", "人社局"]
    keys = sorted({f"r:{rng.choice('东西南北')}{rng.choice('一二三')}区{rng.choice(stems)}" for _ in range(200)})
    body = {k: k.split(":", 1)[1] for k in keys}
    close = _close_pairs({"局": keys}, body, 80.0, block=7)
    want = {(a, b) for i, a in enumerate(keys) for b in keys[i + 1:] if fuzz.ratio(body[a], body[b]) >= 80.0}
    assert want and {(a, b) for a, bs in close.items() for b in bs} == want
    for a, bs in close.items():  # in list order, as the resolver tests them
        assert bs == sorted(bs, key=keys.index)


def test_miner_lookup_equals_a_binary_search_over_every_hash():
    from gxnlp.reuse.boilerplate import StockPhraseMiner

    rng = np.random.default_rng(5)
    miner = StockPhraseMiner(ngram=4, stock_df=0.5, min_agencies=2)
    for k in range(20):
        miner.partial_fit(rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32), str(k % 7))
    miner.partial_fit(np.array([0, 1, 2**32 - 1], dtype=np.uint32), "edges")
    miner.finalize()
    needles = np.concatenate([miner.hashes_[rng.integers(0, len(miner.hashes_), 5000)],
                              rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32),
                              np.array([0, 1, 2, 2**32 - 1, 2**32 - 2], dtype=np.uint32)])
    pos = np.searchsorted(miner.hashes_, needles).clip(0, len(miner.hashes_) - 1)
    want = np.where(miner.hashes_[pos] == needles, pos, -1)
    assert np.array_equal(miner.lookup(needles), want) and (want >= 0).sum() > 5000
    assert np.array_equal(miner.agency_df(needles)[want >= 0], miner.counts_[want[want >= 0]])
