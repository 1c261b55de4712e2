"""The fast paths of reuse preparation give exactly what the plain code gave (property tests against
reference implementations kept here)."""
from __future__ import annotations

import pickle
import re

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gxnlp.genre.boilerplate import stock_seed_phrases, template_phrases
from gxnlp.reuse.boilerplate import PhraseLexicon
from gxnlp.reuse.text import normalise

TEMPLATE = template_phrases()
SEED = stock_seed_phrases()


def regex_spans(phrases: list[str], norm: str) -> list[tuple[int, int]]:
    """The reference: one alternation of the patterns, then the literals longest first, ``finditer``."""
    patterns = [p[3:] for p in phrases if p.startswith("re:")]
    norms = sorted({normalise(p)[0] for p in phrases if not p.startswith("re:")} - {""}, key=lambda s: (-len(s), s))
    alts = patterns + [re.escape(p) for p in norms]
    if not alts:
        return []
    return [m.span() for m in re.compile("|".join(f"(?:{a})" for a in alts)).finditer(norm)]


def pieces(phrases: list[str]):
    """Text assembled from whole phrases, their prefixes and suffixes, digits and filler characters,
    so occurrences overlap, nest and touch."""
    norms = [normalise(p)[0] for p in phrases if not p.startswith("re:")]
    norms = [p for p in norms if p]
    whole = st.sampled_from(norms)
    part = st.builds(lambda p, k, front: p[:k] if front else p[-k:], whole, st.integers(1, 8), st.booleans())
    filler = st.text(alphabet="本报告年度月日起至止的中是由包括共分为组成部分下载联系如对有任何疑问电子版可以在统计期限#我局公开",
                     max_size=6)
    return st.lists(st.one_of(whole, part, filler, st.just("#")), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(pieces(TEMPLATE))
def test_template_lexicon_equals_regex(norm):
    lex = PhraseLexicon(TEMPLATE)
    spans = regex_spans(TEMPLATE, norm)
    assert lex.spans(norm) == spans
    expected = np.zeros(len(norm), dtype=bool)
    for a, b in spans:
        expected[a:b] = True
    assert np.array_equal(lex.mask(norm), expected)
    assert lex.find(norm) == {norm[a:b] for a, b in spans}


@settings(max_examples=200, deadline=None)
@given(pieces(SEED + TEMPLATE[:40]))
def test_literal_lexicon_equals_regex(norm):
    phrases = SEED + [p for p in TEMPLATE[:40] if not p.startswith("re:")]
    assert PhraseLexicon(phrases).spans(norm) == regex_spans(phrases, norm)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc#", min_size=1, max_size=4), min_size=1, max_size=6),
       st.lists(st.sampled_from(["a.?b", "c+", "#a", "b(?=c)", "(?<=a)b", "x?", "a*"]), max_size=3),
       st.text(alphabet="abc#", max_size=30))
@example(["a"], ["a.?b"], "acb")  # a pattern and a literal at one position: the pattern wins
@example(["ab", "abc"], ["x?"], "abcab")  # an empty match
def test_literals_and_patterns_equal_regex(literals, patterns, norm):
    """Overlapping literals and patterns (lookarounds, patterns that match nothing at all) on a small alphabet."""
    phrases = literals + [f"re:{p}" for p in patterns]
    lex = PhraseLexicon(phrases)
    spans = regex_spans(phrases, norm)
    assert lex.spans(norm) == spans
    assert lex.find(norm) == {norm[a:b] for a, b in spans}


def test_lexicon_pickles_and_empty():
    lex = PhraseLexicon(TEMPLATE)
    norm = normalise("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。本报告的电子版可以在门户网站下载")[0]
    assert lex.spans(norm)  # both patterns match
    again = pickle.loads(pickle.dumps(lex))
    assert again.spans(norm) == lex.spans(norm) == regex_spans(TEMPLATE, norm)
    assert PhraseLexicon([]).mask("abc").tolist() == [False] * 3
    assert PhraseLexicon(["re:"]).find("ab") == {""}


# -- batches of texts ------------------------------------------------------------------------------

import unicodedata  # noqa: E402
from functools import lru_cache  # noqa: E402

from gxnlp.reuse.text import ReuseText, Sentences, normalise_many, shingle_hashes, shingle_hashes_many  # noqa: E402
from gxnlp.text.sentences import CLOSERS, TERMINATORS, sentence_bounds, sentence_bounds_many  # noqa: E402


@lru_cache(maxsize=1)
def _reference_tables():
    keep = np.zeros(0x10000, dtype=bool)
    digit = np.zeros(0x10000, dtype=bool)
    repl = np.arange(0x10000, dtype=np.uint32)
    for i in range(0x10000):
        ch = chr(i)
        c = unicodedata.normalize("NFKC", ch) if i < 0x3400 or i > 0x9FFF else ch
        if len(c) != 1 or not c.isalnum():
            continue
        keep[i] = True
        digit[i] = c.isdigit()
        repl[i] = ord(c.lower()) if len(c.lower()) == 1 else ord(c)
    return keep, digit, repl


def reference_normalise(text):
    """Normalisation as first written: one text, a table per property."""
    if not text:
        return "", np.zeros(0, dtype=np.int64)
    keep_t, digit_t, repl_t = _reference_tables()
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = cp < 0x10000
    idx = np.where(bmp, cp, 0)
    keep = np.where(bmp, keep_t[idx], True)
    digit = np.where(bmp, digit_t[idx], False)
    offs = np.flatnonzero(keep)
    kd = digit[offs]
    first = np.ones(len(offs), dtype=bool)
    first[1:] = ~(kd[1:] & kd[:-1])
    offs = offs[first]
    out = np.where(bmp[offs], repl_t[idx[offs]], cp[offs])
    out = np.where(digit[offs], ord("#"), out).astype(np.uint32)
    return out.tobytes().decode("utf-32-le"), offs.astype(np.int64)


def reference_text(text, min_sentence=6):
    """:meth:`ReuseText.from_text` as first written: one text, the single-text sentence splitter, a loop."""
    norm, offsets = reference_normalise(text)
    bounds = sentence_bounds(text, split_enumerations=False, split_colons=False)
    nb = np.searchsorted(offsets, np.asarray(bounds, dtype=np.int64).reshape(-1))
    ns, ne = nb[0::2], nb[1::2]
    keep = ne > ns
    starts, ends = [], []
    for a, b in zip(ns[keep].tolist(), ne[keep].tolist()):
        if starts and ends[-1] - starts[-1] < min_sentence:
            ends[-1] = b
        else:
            starts.append(a)
            ends.append(b)
    spans = np.zeros((len(starts), 4), dtype=np.int64)
    if starts:
        spans[:, 2], spans[:, 3] = starts, ends
        spans[:, 0] = offsets[spans[:, 2]]
        spans[:, 1] = offsets[spans[:, 3] - 1] + 1
    return ReuseText(text, norm, offsets.astype(np.int32), Sentences(spans.astype(np.int32)))

#: characters the rules treat differently: terminators, closers, line breaks, colons, whitespace,
#: digits (full and half width) and their separators, letters, CJK, one beyond the BMP
RULE_CHARS = "\x00。！？；!?;”’」』）)\"\n\r\t \u3000\xa0\u200b：:，,.0123456789０１２３ＡaB公开年条我局𠀀"
texts = st.lists(st.text(alphabet=RULE_CHARS, max_size=40), max_size=8)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalise_many_equals_normalise(batch):
    for (norm, offsets), text in zip(normalise_many(batch), batch, strict=True):
        ref_norm, ref_offsets = reference_normalise(text)
        assert norm == ref_norm
        assert offsets.dtype == ref_offsets.dtype and np.array_equal(offsets, ref_offsets)
        alone_norm, alone_offsets = normalise(text)
        assert alone_norm == ref_norm and alone_offsets.dtype == ref_offsets.dtype
        assert np.array_equal(alone_offsets, ref_offsets)


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans(), st.booleans(), st.sampled_from([(TERMINATORS, CLOSERS), ("。！？!?", "”’」』\""),
                                                             ("。", ")"), ("。", "。"), ("。\x00", ")")]))
def test_sentence_bounds_many_equals_sentence_bounds(batch, newlines, colons, marks):
    terminators, closers = marks
    spans, counts = sentence_bounds_many(batch, split_newlines=newlines, split_colons=colons,
                                         terminators=terminators, closers=closers)
    assert counts.tolist() == [len(sentence_bounds(t, split_enumerations=False, split_newlines=newlines,
                                                   split_colons=colons, terminators=terminators, closers=closers))
                               for t in batch]
    ref = [span for t in batch for span in sentence_bounds(
        t, split_enumerations=False, split_newlines=newlines, split_colons=colons, terminators=terminators,
        closers=closers)]
    assert [tuple(x) for x in spans.tolist()] == ref


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(1, 12), st.integers(0, 12))
def test_texts_and_shingles_of_a_batch(batch, n, min_sentence):
    made = ReuseText.from_texts(batch, min_sentence=min_sentence, keep_offsets=True)
    for t, text in zip(made, batch, strict=True):
        ref = reference_text(text, min_sentence=min_sentence)
        assert ReuseText.from_text(text, min_sentence=min_sentence) == ref
        assert t == ref and t.sentences.spans.dtype == ref.sentences.spans.dtype
        assert np.array_equal(t.offsets, ref.offsets) and t.offsets.dtype == ref.offsets.dtype
    norms = [t.norm for t in made]
    for h, norm in zip(shingle_hashes_many(norms, n), norms, strict=True):
        assert h.dtype == np.uint32 and np.array_equal(h, shingle_hashes(norm, n))


@settings(max_examples=150, deadline=None)
@given(pieces(TEMPLATE + SEED))
def test_lexicons_scanned_together_equal_each_alone(norm):
    """Template and seed stock (sharing literals) found in one pass: each the regex's matches."""
    shared = [p for p in TEMPLATE if not p.startswith("re:")][:10]
    template, seed, empty = PhraseLexicon(TEMPLATE), PhraseLexicon(SEED + shared), PhraseLexicon([])
    together = PhraseLexicon.spans_each((template, seed, empty), norm)
    assert together == [regex_spans(TEMPLATE, norm), regex_spans(SEED + shared, norm), []]
    masks = PhraseLexicon.masks_each((template, seed), norm)
    assert [m.tolist() for m in masks] == [template.mask(norm).tolist(), seed.mask(norm).tolist()]


# -- output tables ---------------------------------------------------------------------------------

def _reference_shares(states, passages):
    """The per-report loop the shares table was first written as (sets of matched sentences per report)."""
    from collections import defaultdict

    from gxnlp.reuse.documents import likely_source
    from gxnlp.reuse.tables import SHARE_COLUMNS

    copied = defaultdict(lambda: defaultdict(set))
    partners = defaultdict(lambda: defaultdict(set))
    for (i, j), ps in passages.items():
        kind = "self" if states[i].agency == states[j].agency else "cross"
        src = likely_source(states[i].doc, states[j].doc)
        for p in ps:
            for s in p.a_matched:
                copied[i][kind].add(s)
                if src == states[j].doc.report_id:
                    copied[i]["from_earlier"].add(s)
            for s in p.b_matched:
                copied[j][kind].add(s)
                if src == states[i].doc.report_id:
                    copied[j]["from_earlier"].add(s)
        partners[i][kind].add(j)
        partners[j][kind].add(i)
        if src == states[j].doc.report_id:
            partners[i]["sources"].add(j)
        elif src == states[i].doc.report_id:
            partners[j]["sources"].add(i)
    rows = []
    for i, st in enumerate(states):
        doc, nchar, mine, theirs = st.doc, st.narrative_chars, copied[i], partners[i]
        lengths = st.residual_lengths

        def chars(sents):
            return int(sum(lengths[s] for s in sents)) if sents else 0

        row = {"report_id": doc.report_id, "source": doc.source, "agency": doc.agency, "year": doc.year,
               "published": doc.published, "text_chars": len(st.text.norm),
               "template_chars": int(st.template_mask.sum()), "stock_chars": int(st.stock_mask.sum()),
               "narrative_chars": nchar}
        allc = chars(mine["self"] | mine["cross"])
        row["copied_chars"], row["copied_share"] = allc, round(allc / nchar, 4) if nchar else 0.0
        for kind in ("self", "cross", "from_earlier"):
            c = chars(mine[kind])
            row[f"{kind}_chars"], row[f"{kind}_share"] = c, round(c / nchar, 4) if nchar else 0.0
        row["self_partners"] = sorted(states[k].doc.report_id for k in theirs["self"])
        row["cross_partners"] = sorted(states[k].doc.report_id for k in theirs["cross"])
        row["likely_sources"] = sorted(states[k].doc.report_id for k in theirs["sources"])
        rows.append(row)
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def test_shares_table_and_mask_counts_equal_the_plain_loop():
    from gxnlp.reuse import ReuseDetector
    from gxnlp.reuse.documents import mask_counts
    from gxnlp.synth.planted import planted_corpus

    docs, _ = planted_corpus(n_agencies=40, years=(2021, 2022, 2023), seed=5)
    det = ReuseDetector(seed=1).fit(docs)
    assert len(det.passages_) > 10 and (det.report_shares_["from_earlier_chars"] > 0).any()
    expected = _reference_shares(det.documents_, det.passages_)
    assert det.report_shares_.to_json(orient="split", force_ascii=False) == \
        expected.to_json(orient="split", force_ascii=False)
    pd.testing.assert_frame_equal(det.report_shares_, expected)
    for name in ("template_mask", "stock_mask"):
        assert mask_counts(det.documents_, name) == [int(getattr(s, name).sum()) for s in det.documents_]


def test_a_text_that_cannot_be_encoded_raises_as_before():
    import pytest

    with pytest.raises(UnicodeEncodeError):
        reference_normalise("\ud800")
    for call in (lambda: normalise_many(["好的", "\ud800"]), lambda: ReuseText.from_texts(["好的", "\ud800"])):
        with pytest.raises(UnicodeEncodeError):
            call()
