"""Statement splitting + classification against the hand-made gold set of 20 real reports."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gxnlp.text.classify import StatementClassifier
from gxnlp.text.evaluate import overlap, score_statements
from gxnlp.text.statements import split_statements

GOLD = Path(__file__).parent / "gold" / "statements.jsonl"


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def predicted(shared):
    from gxnlp.text.statements import iter_statements
    from gxnlp.structure.parse import parse_path

    sources = sorted({g["source"] for g in _gold()})
    out = []
    for src in sources:
        rep = parse_path(shared / src)
        out.extend(iter_statements(rep))
    StatementClassifier("seed").classify(out)
    rows = [s.to_dict() for s in out]
    for r, st in zip(rows, out):
        r["source"] = next(src for src in sources if str(shared / src) == st.source or st.source.endswith(src))
    return rows


def test_gold_covers_the_real_reports():
    gold = _gold()
    sources = {g["source"] for g in gold}
    assert len(sources) == 21  # seeds 000-004, the 15 Pingtan reports, the Huai'an PDF
    assert {g["kind"] for g in gold} == {"problem", "measure"}
    assert all(g["text"] and g["category"] for g in gold)


def test_statement_recall_precision_on_gold(predicted):
    r = score_statements(_gold(), predicted)
    print({k: v for k, v in r.items() if k not in ("misses", "errors")})
    assert r["recall"] >= 0.95, r["misses"][:5]
    assert r["precision"] >= 0.95
    assert r["kind_accuracy"] >= 0.95


def test_category_accuracy_on_gold(predicted):
    r = score_statements(_gold(), predicted)
    assert r["category_accuracy_problem"] >= 0.85
    assert r["category_accuracy_measure"] >= 0.85


SPLIT = Path(__file__).parent / "gold" / "statements_split.json"


def test_gold_split_by_agency():
    """No agency on both sides; every gold report is in the split."""
    split = json.loads(SPLIT.read_text(encoding="utf-8"))["sources"]
    assert set(split) == {g["source"] for g in _gold()}
    sides: dict[str, set] = {}
    for rec in split.values():
        sides.setdefault(rec["agency"], set()).add(rec["part"])
    assert all(len(v) == 1 for v in sides.values())
    assert {p for v in sides.values() for p in v} == {"dev", "test"}


def test_frozen_test_part(predicted):
    """The done-criterion on the frozen test part (agencies the splitter and seeds were not tuned on
    after the split): statement recall >= 0.95 and category accuracy >= 0.85, default classifier."""
    from gxnlp.text.evaluate import category_report

    split = json.loads(SPLIT.read_text(encoding="utf-8"))["sources"]
    gold = [g for g in _gold() if split[g["source"]]["part"] == "test"]
    pred = [p for p in predicted if split.get(p["source"], {}).get("part") == "test"]
    r = score_statements(gold, pred, key="source")
    assert r["recall"] >= 0.95, r["misses"]
    rep = category_report(gold, pred, key="source")
    assert rep["accuracy"] >= 0.85, rep["confusion"]
    assert rep["n"] == len(gold) and 0 < rep["macro_f1"] <= 1


def _split(text):
    return [(s.kind, s.text) for s in split_statements(text)]


def test_yishi_with_future_paragraph():
    text = ("2021年，区政府办公室政务公开工作取得了一定成效，但仍存在一些问题：一是信息公开的广度和深度有待进一步提高；"
            "二是信息工作力量需进一步加强。\n\n2022年，区政府办公室将进一步完善工作制度；用好政务新媒体。\n\n"
            "                 攀枝花市仁和区人民政府办公室\n\n 2022年1月20日\n\n点击下载此文件")
    assert _split(text) == [
        ("problem", "信息公开的广度和深度有待进一步提高；"),
        ("problem", "信息工作力量需进一步加强。"),
        ("measure", "2022年，区政府办公室将进一步完善工作制度；"),
        ("measure", "用好政务新媒体。"),
    ]


def test_headed_parts_and_numbered_measures():
    text = ("（一）存在的主要问题\n1.政策解读形式单一。\n2.依申请公开答复不够规范。\n"
            "（二）改进措施\n1.丰富解读形式。\n2.规范答复文书。")
    assert _split(text) == [("problem", "政策解读形式单一。"), ("problem", "依申请公开答复不够规范。"),
                            ("measure", "丰富解读形式。"), ("measure", "规范答复文书。")]


def test_inline_cues_and_paren_numbers():
    text = "当前存在的问题：（1）宣传力度不够；（2）网站更新不及时。改进情况：（1）加大宣传；（2）及时更新网站。"
    assert [k for k, _t in _split(text)] == ["problem", "problem", "measure", "measure"]
    assert _split(text)[1][1] == "网站更新不及时。"


def test_group_label_is_not_a_statement():
    text = ("目前仍存在一些不足。一是依申请公开工作机制仍需进一步规范。因此，我们考虑从以下两个方面作进一步的改进："
            "（一）进一步深化政府信息公开内容。按照要求加大公开力度。（二）进一步规范政府信息公开行为 "
            "1、加强信息公开培训指导工作。2、做好主动公开信息巡查工作。")
    got = _split(text)
    assert got == [
        ("problem", "依申请公开工作机制仍需进一步规范。"),
        ("measure", "进一步深化政府信息公开内容。按照要求加大公开力度。"),
        ("measure", "加强信息公开培训指导工作。"),
        ("measure", "做好主动公开信息巡查工作。"),
    ]


def test_prose_lists():
    assert _split("2024年，工作取得了新进展，但仍存在不足，如机制有待完善；政策解读形式仍需创新等。"
                  "2025年，将重点从以下方面改进：一是完善机制。二是创新解读。") == [
        ("problem", "机制有待完善"), ("problem", "政策解读形式仍需创新"),
        ("measure", "完善机制。"), ("measure", "创新解读。")]
    got = _split("虽然取得了一定成效，但还存在个别单位责任意识不强、队伍建设有待加强等问题。下一步，我区将加强队伍建设，丰富公开形式。")
    assert got == [("problem", "个别单位责任意识不强"), ("problem", "队伍建设有待加强"),
                   ("measure", "下一步，我区将加强队伍建设，丰富公开形式。")]


def test_main_manifestation_and_empty():
    got = _split("主要表现在：一是公开内容不全面；二是更新不及时。下一步，我市将：一是扩大公开范围；二是提高时效性。")
    assert got == [("problem", "公开内容不全面；"), ("problem", "更新不及时。"),
                   ("measure", "扩大公开范围；"), ("measure", "提高时效性。")]
    assert split_statements("") == [] and split_statements(None) == []
    assert split_statements("无") == []


def test_offsets_point_into_the_section():
    text = "存在的问题：一是政策解读不足。二是队伍不稳定。"
    for s in split_statements(text, report_id="r", source="f"):
        assert text[s.start:s.end] == s.text
        assert s.report_id == "r" and s.source == "f"


def test_overlap_metric():
    assert overlap("政策解读形式单一。", "一是政策解读形式单一；") == 1.0
    assert overlap("政策解读形式单一。", "队伍建设") == 0.0


def test_hard_wrapped_text_is_rejoined():
    text = ("在肯定成绩的同时，我们也清醒地认识到工作中还存在一些问题：一是\n政务公开专栏栏目更新不及时，个别栏目长期未更新；二是政府信息公\n"
            "开的范围相对较窄，与公众切身利益相关的信息偏少。\n2025 年，市住房和城乡建设局将及时更新应公开内容，提高政务信息\n"
            "公开时效性，确保工作落到实处；提高政策解读质量，注重对政策背景\n、主要内容的解读，推动政务公开工作提质增效。")
    got = split_statements(text)
    assert [(s.kind, s.text) for s in got] == [
        ("problem", "政务公开专栏栏目更新不及时，个别栏目长期未更新；"),
        ("problem", "政府信息公开的范围相对较窄，与公众切身利益相关的信息偏少。"),
        ("measure", "2025 年，市住房和城乡建设局将及时更新应公开内容，提高政务信息公开时效性，确保工作落到实处；"),
        ("measure", "提高政策解读质量，注重对政策背景、主要内容的解读，推动政务公开工作提质增效。"),
    ]
    # offsets still point into the original (wrapped) text
    s = got[1]
    assert text[s.start:s.end].replace("\n", "") == s.text


DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"


@pytest.mark.skipif(not (DEMO / "truth" / "statements.jsonl").exists(), reason="demo corpus not generated")
def test_demo_corpus_held_out_split():
    """The demo ground truth, held-out half (reports with an odd report_id; seeds were refined on the even half)."""
    from gxnlp.text.evaluate import predict_file

    gold = [json.loads(x) for x in (DEMO / "truth" / "statements.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    gold = [g for g in gold if int(g["report_id"], 16) % 2 == 1]
    pred = []
    for rel in sorted({g["file"] for g in gold}):
        for s in predict_file(DEMO / rel):
            s["file"] = rel
            pred.append(s)
    r = score_statements(gold, pred, key="file")
    print({k: v for k, v in r.items() if k not in ("misses", "errors")})
    assert r["recall"] >= 0.98
    assert r["category_accuracy"] >= 0.9


def test_restarted_numbering_ordinals_and_nothing_to_report():
    assert _split("一是公开内容不全面；二是更新不及时。一是扩大公开范围；二是提高时效性。") == [
        ("problem", "公开内容不全面；"), ("problem", "更新不及时。"), ("measure", "扩大公开范围；"), ("measure", "提高时效性。")]
    assert [k for k, _ in _split("主要问题：第一，公开不及时；第二，解读不够。改进措施：第一，及时公开；第二，强化解读。")] == [
        "problem", "problem", "measure", "measure"]
    assert _split("2023年，我局政府信息公开工作平稳有序，未发现明显问题。下一步，我局将继续做好政府信息公开工作。") == [
        ("measure", "下一步，我局将继续做好政府信息公开工作。")]


@pytest.mark.parametrize("text,items", [
    ("存在的不足主要是：政策解读形式单一，网站栏目更新有待提升，制度建设尚需完善，公开内容还不够丰富，队伍建设还需加强等。",
     ["政策解读形式单一", "网站栏目更新有待提升", "制度建设尚需完善", "公开内容还不够丰富", "队伍建设还需加强"]),
    ("主动公开内容不够全面，政策解读形式较为单一，公众参与渠道有限。",
     ["主动公开内容不够全面", "政策解读形式较为单一", "公众参与渠道有限"]),
    ("我办工作仍有不足，主要是：档案整理不够规范、依申请答复质量有待提高。",
     ["档案整理不够规范", "依申请答复质量有待提高"]),
])
def test_unmarked_deficiency_list_is_split_per_item(text, items):
    assert [s.text for s in split_statements(text) if s.kind == "problem"] == items


@pytest.mark.parametrize("text", [
    "网站更新不及时，部分栏目内容陈旧。",  # one statement with an inner comma
    "制度建设有待完善；少数政务新媒体属性不够突出，互动效果有待进一步加强。",  # ； separates the items
])
def test_inner_comma_keeps_a_statement_whole(text):
    sts = split_statements(text)
    assert sts[-1].text.startswith(("网站更新", "少数政务新媒体")) and sts[-1].text.endswith("。")
