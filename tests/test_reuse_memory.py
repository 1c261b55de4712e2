"""The compact forms reuse detection holds a corpus in, each against the plain form it replaces:
stock counting in partitions, stock-run uses as arrays, sentence spans, packed masks, alignment inputs
computed when needed, candidate pairs and pair scores as arrays."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from gxnlp.reuse import ReuseDetector
from gxnlp.reuse.align import AlignmentInputs, residuals, stock_flags
from gxnlp.reuse.boilerplate import StockPhraseMiner, shingle_mask
from gxnlp.reuse.pairs import PairList, PairValues, as_pairs
from gxnlp.reuse.text import ReuseText, Sentence, shingle_hashes
from gxnlp.synth.planted import planted_corpus


@pytest.mark.parametrize("whole", [False, True])
@pytest.mark.parametrize("partitions,flush", [(64, 1 << 22), (1, 1 << 22), (64, 50), (16, 7), (3, 100)])
def test_partitioned_stock_counts_equal_distinct_agencies_per_shingle(partitions, flush, whole):
    rng = np.random.default_rng(partitions + flush)
    miner = StockPhraseMiner(ngram=4, stock_df=0.01, min_agencies=2, partitions=partitions, flush_records=flush)
    agencies_of: dict[int, set[str]] = {}
    by_agency: dict[str, list[np.ndarray]] = {}
    for _ in range(300):
        own = rng.integers(0, 2**32, size=rng.integers(0, 40), dtype=np.uint64).astype(np.uint32)
        common = rng.integers(0, 50, size=10).astype(np.uint32) * np.uint32(2**26)  # spread over the top bits
        hashes, agency = np.concatenate([own, common]), str(rng.integers(0, 60))
        if whole:
            by_agency.setdefault(agency, []).append(hashes)
        else:
            miner.partial_fit(hashes, agency)
        for h in hashes.tolist():
            agencies_of.setdefault(h, set()).add(agency)
    for agency, parts in by_agency.items():  # each agency's documents at once
        miner.add_agency(np.concatenate(parts), agency)
    stock = miner.finalize()
    want = sorted(agencies_of)
    counts = np.array([len(agencies_of[h]) for h in want])
    assert miner.hashes_.tolist() == want and miner.counts_.tolist() == counts.tolist()
    assert stock.tolist() == np.array(want)[counts >= miner.threshold_].tolist() and len(stock)
    assert miner.df_ == {h: len(agencies_of[h]) for h in stock.tolist()}
    with pytest.raises(ValueError):  # one agency twice would be counted twice
        StockPhraseMiner().add_agency(np.arange(3, dtype=np.uint32), "a").add_agency(np.arange(2, dtype=np.uint32), "a")


def test_compact_document_state_reads_like_the_plain_one():
    docs, _ = planted_corpus(n_agencies=40, years=(2021, 2022), seed=6)
    det = ReuseDetector(stock_min_agencies=3).fit(docs)
    assert len(det.pairs_)  # the corpus has copies
    for s in det.documents_[:30]:
        t = s.text
        assert t._offsets is None  # not held; recomputed when asked
        plain = ReuseText.from_text(s.doc.text)
        assert t.norm == plain.norm and np.array_equal(t.offsets, plain.offsets)
        assert list(t.sentences) == list(plain.sentences) and all(isinstance(x, Sentence) for x in t.sentences)
        assert [x.nstart for x in t.sentences] == t.sentences.nstart.tolist()
        template, stock = s.template_mask, s.stock_mask
        assert template.dtype == bool and len(template) == len(stock) == len(t.norm)
        assert np.array_equal(s.mask, template | stock)
        by_char = [t.norm[x.nstart:x.nend] for x in t.sentences]
        want = ["".join(c for c, m in zip(seg, template[x.nstart:x.nend]) if not m)
                for seg, x in zip(by_char, t.sentences)]
        assert s.residuals == residuals(t, template) == want
        assert s.residual_lengths.tolist() == [len(r) for r in want]
        inputs, flags = AlignmentInputs(t, template, stock), stock_flags(t, template, stock)
        assert inputs.residuals == want
        assert len(inputs.stock_flags) == len(flags) == len(want)
        for k, r in enumerate(want):
            assert len(flags[k]) == len(r) and np.array_equal(inputs.stock_flags[k], flags[k])
    # the stock runs' uses, against sets of the runs' reports and agencies found from the masks again
    reports: dict[str, set[int]] = {}
    agencies: dict[str, set[str]] = {}
    for i, s in enumerate(det.documents_):
        norm = s.text.norm
        mined = shingle_mask(shingle_hashes(norm, det.stock_ngram), det.stock_hashes_, det.stock_ngram, len(norm),
                             det.stock_min_chars) & ~s.template_mask
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mined.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2]):
            reports.setdefault(norm[a:b], set()).add(i)
            agencies.setdefault(norm[a:b], set()).add(s.agency)
    runs = det.stock_runs_
    assert list(runs) == list(reports) and len(runs) > 10
    assert runs.n_reports.tolist() == [len(reports[k]) for k in runs]
    assert runs.n_agencies.tolist() == [len(agencies[k]) for k in runs]
    key = max(runs, key=len)
    assert runs[key].reports == reports[key] and runs[key].agencies == agencies[key]
    assert all(key in runs.runs_of(i) for i in reports[key])
    restored = pickle.loads(pickle.dumps(det))
    assert restored.pairs_.equals(det.pairs_) and restored.scores_ == det.scores_


def test_pairs_and_pair_values_behave_as_list_and_dict():
    pairs = as_pairs([(5, 2), (1, 3), (2, 5), (0, 9)])
    assert pairs == [(0, 9), (1, 3), (2, 5)] and pairs[1] == (1, 3) and set(pairs) == {(0, 9), (1, 3), (2, 5)}
    assert pairs.select(np.array([True, False, True])) == [(0, 9), (2, 5)]
    assert as_pairs([]) == [] and len(PairList()) == 0
    b = PairValues.collect("qd")
    for i, j, v in [(4, 7, 0.5), (0, 2, 1.25), (1, 9, -3.0)]:
        b.add(i, j, i + j, v)
    values = b.build()
    plain = {(4, 7): (11, 0.5), (0, 2): (2, 1.25), (1, 9): (10, -3.0)}
    assert values == plain and len(values) == 3 and values[(1, 9)] == (10, -3.0)
    assert list(values) == sorted(plain) and (2, 0) not in values and (0, 2) in values
    with pytest.raises(KeyError):
        values[(3, 3)]
    assert pickle.loads(pickle.dumps(values)) == plain
