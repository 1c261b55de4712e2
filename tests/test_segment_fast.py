"""The fast segmentation path gives jieba's tokens (same user dictionary) on every real
narrative in ../shared and on the demo corpus, and the spaCy pipeline uses it."""
from __future__ import annotations

import jieba
import pytest

from gxnlp.pipeline import iter_files
from gxnlp.structure.parse import parse_path
from gxnlp.text.segment import _rjieba, jieba_cut, load_userdict, make_nlp

pytest.importorskip("rjieba")


def _narratives(paths):
    out = []
    for path in iter_files(paths):
        try:
            report = parse_path(path)
        except Exception:  # noqa: BLE001 - unreadable files have no narrative
            continue
        out.extend(t for t in report.sections.values() if t)
    return out


def _assert_jieba_tokens(texts):
    load_userdict()
    differ = [t[:60] for t in texts if jieba_cut(t) != jieba.lcut(t)]
    assert not differ, f"{len(differ)} of {len(texts)} texts segment differently: {differ[:3]}"


def test_real_narrative_tokens_are_jiebas(shared):
    texts = _narratives([shared / "seeds", shared / "corpora"])
    assert len(texts) >= 60
    _assert_jieba_tokens(texts)


def test_demo_narrative_tokens_are_jiebas():
    from pathlib import Path

    texts = _narratives([Path(__file__).resolve().parents[1] / "corpora" / "demo"])
    assert len(texts) >= 1000
    _assert_jieba_tokens(texts)


@pytest.mark.parametrize("text", [
    "2021-2035年规划（2021-2035）、www.qzlc.gov.cn/zwgk，增长12.5%，c++与C#、A&B、a_b",
    "㐀中文\u9fd6测试\uf900字𠀀词\U0001F600，龙𠮷",  # CJK outside jieba's block range, emoji
    "政务新媒体依申请公开\r\n\t 一是 二是", "", " ", "-", "1.2.3", "%%", "abc-",
])
def test_pieces_where_rjieba_differs_go_to_jieba(text):
    load_userdict()
    assert jieba_cut(text) == jieba.lcut(text)


def test_pipeline_tokenizer_uses_the_fast_path_and_user_dictionary():
    load_userdict(words=("一网通办测试词",))
    assert _rjieba() is not None and _rjieba().has_word("一网通办测试词")
    doc = make_nlp()("推进一网通办测试词建设，依申请公开2021-2035年。")
    assert [t.text for t in doc] == jieba.lcut("推进一网通办测试词建设，依申请公开2021-2035年。")
    assert "一网通办测试词" in [t.text for t in doc]


def test_words_and_spaces_match_spacy(shared):
    from spacy.util import get_words_and_spaces

    from gxnlp.text.segment import words_and_spaces

    texts = _narratives([shared / "seeds", shared / "corpora"]) + [
        "a  b", " 开头", "结尾 ", "中 文\n\n 一是\t 二是  ", "\r\n", "x \u3000y", "  "]
    for text in texts:
        words = [w for w in jieba_cut(text) if w]
        assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def test_content_terms_are_the_pipelines(shared):
    from gxnlp.text.segment import content_terms

    texts = _narratives([shared / "seeds", shared / "corpora"]) + ["一是加强培训，1.完善制度；２０２１年 （一）政务公开"]
    nlp = make_nlp()
    assert content_terms(texts, nlp) == [doc._.terms for doc in nlp.pipe(texts)]
