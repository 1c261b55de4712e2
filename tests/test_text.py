"""Segmentation layer: jieba + domain dictionary, sentence splitter, stopwords, cache, word discovery."""
from __future__ import annotations

import json
from types import SimpleNamespace

from gxnlp.text.segment import (Segmenter, discover_words, find_markers, make_nlp, marker_value, read_wordlist,
                        STOPWORDS_DOMAIN, STOPWORDS_GENERAL, USERDICT)


def test_domain_terms_stay_whole():
    nlp = make_nlp()
    doc = nlp("加强政务公开和政策解读，做好依申请公开与保密审查，规范行政规范性文件，管好政务新媒体。")
    toks = [t.text for t in doc]
    for term in ("政务公开", "政策解读", "依申请公开", "保密审查", "行政规范性文件", "政务新媒体"):
        assert term in toks, (term, toks)


def test_sentences_on_punctuation_and_enumerations():
    nlp = make_nlp()
    doc = nlp("存在的问题：一是宣传不够；二是更新不及时。改进措施：（一）加大宣传！（二）及时更新？1.建立制度。2、加强考核")
    sents = [s.text for s in doc.sents]
    assert sents == ["存在的问题：", "一是宣传不够；", "二是更新不及时。", "改进措施：", "（一）加大宣传！",
                     "（二）及时更新？", "1.建立制度。", "2、加强考核"]
    assert [s._.kind for s in doc.sents][:3] == ["heading", "enum", "enum"]
    assert [s._.marker for s in doc.sents][4] == "（一）"


def test_markers_need_a_boundary_on_the_left():
    assert [m[3] for m in find_markers("统一是原则；一是统一。金额9116.36万元，2.完善")] == ["一是", "2."]
    assert marker_value("十二是") == 12 and marker_value("（3）") == 3 and marker_value("②") == 2


def test_stopword_lists_are_separate_and_flag_tokens():
    gen, dom = set(read_wordlist(STOPWORDS_GENERAL)), set(read_wordlist(STOPWORDS_DOMAIN))
    assert {"进一步", "加强", "工作", "不断"} <= dom and not ({"进一步", "加强"} & gen)
    assert "的" in gen
    doc = make_nlp()("进一步加强政策解读的工作")
    flags = {t.text: (t._.is_general_stop, t._.is_domain_stop) for t in doc}
    assert flags["进一步"] == (False, True) and flags["的"] == (True, False)
    assert doc._.terms == ["政策解读"]
    assert "政务公开" in read_wordlist(USERDICT)


def test_segmenter_runs_on_narrative_sections_and_caches_on_disk(tmp_path):
    rep = SimpleNamespace(report_id="abc", sections={"overview": "一是做好政务公开。", "problems": "二是政策解读不足。",
                                                     "requests": "表格 | 1 | 2"})
    seg = Segmenter(cache_dir=str(tmp_path))
    docs = seg.segment(rep)
    assert set(docs) == {"overview", "problems"}
    assert docs["problems"]._.report_id == "abc" and docs["problems"]._.section == "problems"
    assert seg.misses == 2 and list(tmp_path.rglob("*.json"))
    seg2 = Segmenter(cache_dir=str(tmp_path))  # a fresh process-like segmenter reads the disk cache
    again = seg2.segment(rep)
    assert seg2.hits == 2 and seg2.misses == 0
    assert [t.text for t in again["problems"]] == [t.text for t in docs["problems"]]
    assert [s.text for s in again["problems"].sents] == [s.text for s in docs["problems"].sents]
    seg2.segment(rep)
    assert seg2.hits == 4  # memory LRU


def test_discover_words_on_real_reports(shared):
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "corpora" / "pingtan").glob("*/page.txt"))]
    found = [w for w, _s, _c in discover_words(texts, min_count=5, top=60)]
    # corpus-specific words jieba does not know are found (place names, genre terms) ...
    assert "中国平潭" in found and "区管委会" in found
    # ... and dictionary words, shipped domain terms and function-word fragments are not proposed
    assert not {"政务公开", "依申请公开", "的通知", "一是"} & set(found)


def test_cli_newwords(shared, tmp_path):
    from typer.testing import CliRunner

    from gxnlp.cli import app

    userdict = tmp_path / "user.txt"
    res = CliRunner().invoke(app, ["newwords", str(shared / "corpora" / "pingtan"), "--top", "15",
                                   "--append", str(userdict), "-j", "1"])
    assert res.exit_code == 0, res.output
    words = [json.loads(x)["word"] for x in res.stdout.splitlines() if x.startswith("{")]
    assert len(words) == 15 and "中国平潭" in words and "我区" not in words  # stopwords are not proposed
    assert set(read_wordlist(userdict)) == set(words)


def test_pipeline_is_built_from_config_with_overrides():
    nlp = make_nlp()
    assert nlp.pipe_names == ["gxnlp_sentences", "gxnlp_stopwords"] and nlp.tokenizer.segmenter == "jieba"
    plain = make_nlp(overrides={"components.gxnlp_sentences.split_enumerations": False})
    assert len(list(plain("一是甲不足，二是乙不够。").sents)) == 1
    assert len(list(nlp("一是甲不足，二是乙不够。").sents)) == 2
