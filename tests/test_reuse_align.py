"""Alignment on recoded residuals (:class:`gxnlp.reuse.align.Recoding`): a bijection of code points, so every
score and passage equals the alignment of the original text."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from rapidfuzz.distance import Levenshtein
from hypothesis import strategies as st

from gxnlp.reuse import ReuseDetector, ReuseText, align
from gxnlp.reuse.align import Recoding, residuals, shared_rare
from gxnlp.reuse.text import code_points, from_code_points
from gxnlp.synth.planted import planted_corpus

CJK = list("公开信息政府网站平台依申请办理答复")
ALPHABET = st.sampled_from(CJK + list("#abcÿ"))  # "#", letters: code points below 256 a normalised text keeps


def crowding_recoding() -> Recoding:
    """Frequent characters placed so that ALPHABET's own characters take the codes of "#", "a", "b", "c"
    (35, 97-99), which must then move."""
    frequent = [0x3400 + k for k in range(140)]
    frequent[35] = ord(CJK[0])
    frequent[90:90 + len(CJK) - 1] = map(ord, CJK[1:])
    return Recoding(np.asarray(frequent))


@given(st.lists(st.integers(0, 0x2FFFF), max_size=300), st.integers(1, 300))
@settings(max_examples=200, deadline=None)
def test_recoding_is_a_bijection(chars, size):
    counts = np.bincount(np.asarray(chars, dtype=np.int64), minlength=1) if chars else np.zeros(1, np.int64)
    recoding = Recoding.from_counts(counts, size)
    domain = np.arange(0x30000, dtype=np.uint32)
    image = recoding(domain)
    assert np.array_equal(np.sort(image), domain)  # a permutation of the code points
    frequent = np.argsort(-counts, kind="stable")[:size]
    frequent = frequent[counts[frequent] > 0]
    assert np.array_equal(image[frequent], np.arange(len(frequent)))  # the most frequent take the lowest codes


@given(st.lists(st.text(ALPHABET, min_size=4, max_size=40), min_size=1, max_size=8),
       st.lists(st.text(ALPHABET, min_size=4, max_size=40), max_size=4),
       st.lists(st.tuples(st.integers(0, 7), st.lists(st.tuples(st.integers(0, 39), ALPHABET), max_size=6)),
                max_size=6))
@settings(max_examples=300, deadline=None)
def test_align_on_recoded_residuals_equals_align(a_sents, b_sents, copies):
    for k, edits in copies:  # sentences of a copied into b with a few characters changed
        sent = list(a_sents[k % len(a_sents)])
        for at, ch in edits:
            sent[at % len(sent)] = ch
        b_sents = b_sents + ["".join(sent)]
    if not b_sents:
        return
    a = ReuseText.from_text("。".join(a_sents) + "。", min_sentence=1)
    b = ReuseText.from_text("。".join(b_sents) + "。", min_sentence=1)
    recoding = crowding_recoding()

    def recoded(t):
        return [from_code_points(recoding(code_points(r))) for r in residuals(t)]

    plain = align(a, b, min_sentence=3, min_passage=4)
    assert align(a, b, min_sentence=3, min_passage=4, a_res=recoded(a), b_res=recoded(b)) == plain


def test_verifier_verdicts_do_not_depend_on_the_recoding():
    docs, _ = planted_corpus(n_agencies=40, years=(2021, 2022), seed=21)
    det = ReuseDetector(seed=1).fit(docs)
    verifier, recoding = det.verifier_, det.verifier_.recoding
    assert det.passages_ and len(recoding.source) > 0
    i = int(det.aligned_candidates_.array[0, 0])
    recoded = verifier.inputs(i).kept
    verifier.recoding = None
    verifier._inputs.clear()
    plain = verifier.inputs(i).kept
    assert recoded != plain and recoded == from_code_points(recoding(code_points(plain)))  # aligned recoded
    verdicts = verifier.verify(det.aligned_candidates_)
    assert verdicts.passages == det.passages_
    assert dict(verdicts.scores) == dict(det.scores_) and dict(verdicts.rejected) == dict(det.rejected_)


@given(st.text(ALPHABET, max_size=30), st.text(ALPHABET, max_size=30), st.data())
@settings(max_examples=200, deadline=None)
def test_shared_rare_counts_equal_characters_stock_on_neither_side(x, y, data):
    xs = np.array(data.draw(st.lists(st.booleans(), min_size=len(x), max_size=len(x))), dtype=bool)
    ys = np.array(data.draw(st.lists(st.booleans(), min_size=len(y), max_size=len(y))), dtype=bool)
    pairs = [(op.src_start + k, op.dest_start + k) for op in Levenshtein.opcodes(x, y) if op.tag == "equal"
             for k in range(op.src_end - op.src_start)]
    assert shared_rare(x, y, xs, ys) == sum(not xs[i] and not ys[j] for i, j in pairs)
    assert shared_rare(x, y, xs) == sum(not xs[i] for i, _ in pairs)
    assert shared_rare(x, y) == len(pairs)
