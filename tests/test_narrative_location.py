"""Finding the problems section whatever happened to its heading (lost, renumbered, sub-headings alone)."""
from __future__ import annotations

import pytest

from gxnlp.structure.parse import parse_path
from gxnlp.text.statements import iter_statements

HEAD = """{title}

一、总体情况
2023年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。
二、主动公开政府信息情况
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 0 |
三、收到和处理政府信息公开申请情况
| 本年新收政府信息公开申请数量 | 12 |
四、政府信息公开行政复议、行政诉讼情况
| 行政复议 | 0 | 0 | 0 | 0 | 0 |
"""
PROBLEMS = ("2023年我局政府信息公开工作取得了一定成效，但仍存在一些不足，主要是：政策解读形式单一，"
            "网站栏目更新有待提升，公开内容还不够丰富等。")
MEASURES = "2024年，我局将进一步加强学习培训，提升业务能力；丰富政策解读形式。"
TAIL = "六、其他需要报告的事项\n无。\n"
TITLE1 = "某市自然资源和规划局2023年政府信息公开工作年度报告"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_path(path)


@pytest.mark.parametrize("middle,how", [
    (f"（一）主要问题\n{PROBLEMS}\n（二）改进情况\n{MEASURES}\n", "sub-heading '（一）主要问题'"),
    (f"（一）工作中存在的主要问题\n{PROBLEMS}\n（二）改进措施\n{MEASURES}\n", "sub-heading '（一）工作中存在的主要问题'"),
    (f"存在的主要问题及改进情况\n{PROBLEMS}\n{MEASURES}\n", "unnumbered heading '存在的主要问题及改进情况'"),
    (f"{PROBLEMS}\n{MEASURES}\n", "wording"),
])
def test_problems_found_without_numbered_heading(tmp_path, middle, how):
    rep = _write(tmp_path, "r.md", HEAD.format(title=TITLE1) + "\n" + middle + TAIL)
    assert rep.sections["problems"] and "政策解读形式单一" in rep.sections["problems"]
    assert "政策解读" not in (rep.sections["review_litigation"] or "")
    warning = next(w for w in rep.warnings if w.startswith("section problems found"))
    assert how in warning
    sts = list(iter_statements(rep))
    assert [s.text for s in sts if s.kind == "problem"] == ["政策解读形式单一", "网站栏目更新有待提升", "公开内容还不够丰富"]
    assert [s.kind for s in sts].count("measure") == 2


def test_title_over_two_lines_gives_the_agency(tmp_path):
    title = "# 某市自然资源和规划局2023年政府信息公开\n# 工作年度报告"
    rep = _write(tmp_path, "t.md", HEAD.format(title=title) + f"五、存在的主要问题及改进情况\n{PROBLEMS}\n" + TAIL)
    assert rep.title == TITLE1
    assert rep.agency == "某市自然资源和规划局" and rep.year == 2023
    assert not any(w.startswith("section problems found") for w in rep.warnings)  # its heading is there


def test_renumbered_heading_is_still_the_problems_section(tmp_path):
    text = (HEAD.format(title=TITLE1) + "五、组织保障情况\n我局成立了领导小组。\n"
            f"六、存在的主要问题及改进措施\n{PROBLEMS}\n{MEASURES}\n七、其他需要报告的事项\n无。\n")
    rep = _write(tmp_path, "n.md", text)
    assert rep.sections["problems"].startswith("2023年我局")
    assert rep.sections["other"].startswith("无")


def test_no_problems_text_is_not_invented(tmp_path):
    rep = _write(tmp_path, "e.md", HEAD.format(title=TITLE1) + TAIL)
    assert rep.sections["problems"] is None
    assert not list(iter_statements(rep))
