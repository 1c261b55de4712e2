"""Documents processed a chunk at a time (:mod:`gxnlp.reuse.batches`) give what each document alone gives:
stock masks and runs, sentence shares and TF-IDF rows do not depend on where a chunk starts or ends."""
from __future__ import annotations

import numpy as np
import pytest

from gxnlp.reuse import ReuseDetector
from gxnlp.reuse.batches import TextChunk, text_chunks
from gxnlp.reuse.arrays import contains, sorted_positions
from gxnlp.reuse.boilerplate import StockRuns, apply_stock, shingle_mask
from gxnlp.reuse.similarity import narrative_row
from gxnlp.reuse.text import shingle_hashes
from gxnlp.synth.planted import planted_corpus


@pytest.fixture(scope="module")
def fitted():
    docs, _ = planted_corpus(n_agencies=40, years=(2021, 2022), seed=8)
    docs.insert(5, type(docs[0])("empty", "", agency="空局", year=2021))  # no text: no shingles, no sentences
    docs.insert(9, type(docs[0])("short", "公开。", agency="短局", year=2021))  # shorter than a stock n-gram
    return ReuseDetector(stock_min_agencies=3).fit(docs)


def test_chunk_shingles_are_each_documents_own(fitted):
    states = fitted.documents_
    for n in (1, 4, 10):
        for chunk in text_chunks(states, max_chars=3000):
            h, valid = chunk.shingles(n)
            where = chunk.doc_of(np.flatnonzero(valid))
            for k, s in enumerate(chunk.states):
                assert h[valid][where == k].tolist() == shingle_hashes(s.text.norm, n).tolist()


@pytest.mark.parametrize("chunk_chars", [1, 777, 1 << 20])
def test_stock_masks_and_runs_do_not_depend_on_chunks(fitted, chunk_chars):
    det = fitted
    states = det.documents_
    want = [s.stock_mask.copy() for s in states]
    for s in states:  # back to the state before stock was applied: the seed mask alone
        s.seed_mask = s.stock_mask & ~shingle_mask(shingle_hashes(s.text.norm, det.stock_ngram), det.stock_hashes_,
                                                   det.stock_ngram, len(s.text.norm), det.stock_min_chars)
    runs = apply_stock(states, det.stock_hashes_, det.stock_ngram, det.stock_min_chars, chunk_chars=chunk_chars)
    assert all(np.array_equal(s.stock_mask, m) for s, m in zip(states, want))
    assert list(runs) == list(det.stock_runs_) and runs.examples == det.stock_runs_.examples
    assert runs.n_reports.tolist() == det.stock_runs_.n_reports.tolist()
    assert runs.n_agencies.tolist() == det.stock_runs_.n_agencies.tolist()
    assert len(runs) > 5


def test_sentence_shares_and_rows_do_not_depend_on_chunks(fitted):
    from gxnlp.reuse.similarity import RowStack

    verifier, states = fitted.verifier_, fitted.documents_
    rows = RowStack(max(1, len(fitted.miner_.hashes_)))
    together = verifier._chunk_inputs(TextChunk(states, 0, len(states)), rows, store=False)
    X = rows.tocsr()
    assert any(np.any(x != 0) for x in together)
    for k, s in enumerate(states):
        assert np.array_equal(together[k], verifier.sentence_logp(s))  # a chunk of this document alone
        cols, weights = narrative_row(s, fitted.miner_) if len(s.text.sentences) else ([], [])
        assert X[k].indices.tolist() == list(cols) and np.array_equal(X[k].data, np.asarray(weights, np.float32))


def test_sorted_positions_finds_each_query():
    rng = np.random.default_rng(3)
    table = np.unique(rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32))
    queries = np.concatenate([table[rng.integers(0, len(table), 300)], rng.integers(0, 2**32, 300, dtype=np.uint64)
                              .astype(np.uint32)])
    pos = sorted_positions(table, queries)
    want = {h: i for i, h in enumerate(table.tolist())}
    assert pos.tolist() == [want.get(q, -1) for q in queries.tolist()]
    assert sorted_positions(table[:0], queries).tolist() == [-1] * len(queries)


@pytest.mark.parametrize("prefilter_bits", [20, 8])  # 8: the table is too large for the bitmap, searched whole
def test_contains_equals_a_set(prefilter_bits):
    rng = np.random.default_rng(4)
    table = np.unique(rng.integers(0, 2**32, 3000, dtype=np.uint64).astype(np.uint32))
    near = table[rng.integers(0, len(table), 400)] ^ np.uint32(1)  # the same top bits, another value
    queries = np.concatenate([table[rng.integers(0, len(table), 400)], near,
                              rng.integers(0, 2**32, 400, dtype=np.uint64).astype(np.uint32)])
    members = set(table.tolist())
    got = contains(table, queries, prefilter_bits=prefilter_bits)
    assert got.tolist() == [q in members for q in queries.tolist()] and got[:400].all()
    assert not contains(table[:0], queries).any() and len(contains(table, queries[:0])) == 0


def test_stock_runs_added_together_equal_one_by_one():
    uses = [("甲乙", 0, "a"), ("丙丁", 0, "a"), ("甲乙", 1, "b"), ("戊己", 2, "a"), ("丙丁", 2, "c")]
    one, many = StockRuns(), StockRuns()
    for k, (key, report, agency) in enumerate(uses):
        one.add(key, report, agency, lambda k=k: f"example {k}")
    half = 2
    for part, lo in ((uses[:half], 0), (uses[half:], half)):
        many.add_many([u[0] for u in part], [u[1] for u in part], [u[2] for u in part],
                      lambda k, lo=lo: f"example {lo + k}")
    assert list(many) == list(one) == ["甲乙", "丙丁", "戊己"] and many.examples == one.examples
    assert many.examples == ["example 0", "example 1", "example 3"]
    assert many.n_reports.tolist() == one.n_reports.tolist() == [2, 2, 1]
    assert many.n_agencies.tolist() == one.n_agencies.tolist() == [2, 2, 1]
    assert many["丙丁"].agencies == {"a", "c"} and many["丙丁"].reports == {0, 2}


def test_a_stock_run_ends_with_its_document():
    """Documents that end and begin with one stock phrase: joined in a chunk, the two runs touch."""
    from gxnlp.reuse.documents import ReuseDoc

    phrase = "坚持以公开为常态不公开为例外深入推进决策执行管理服务结果公开"
    rng = np.random.default_rng(0)
    own = ["".join(map(chr, rng.integers(0x4E00, 0x9FA5, 30))) for _ in range(12)]  # each agency's own text
    docs = [ReuseDoc(f"r{k}", phrase + "。" + own[k] + "。" + phrase, agency=f"局{k}", year=2021) for k in range(12)]
    det = ReuseDetector(stock_min_agencies=3).fit(docs)
    assert list(det.stock_runs_) == [phrase] and det.stock_runs_.n_reports.tolist() == [12]
    for s in det.documents_:
        assert s.stock_mask[:len(phrase)].all() and s.stock_mask[-len(phrase):].all()
