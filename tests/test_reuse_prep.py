"""The fast paths of reuse preparation give exactly what the plain code gave (property tests against
reference implementations kept here)."""
from __future__ import annotations

import pickle
import re

import numpy as np
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
