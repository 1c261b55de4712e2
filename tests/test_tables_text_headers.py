"""Text-only tables (scraped pages, txt, PDF text) read by their column headers: s2 multi-column
items, s3 and s4 printed in another column order, with misspelt headers or headers broken over two
lines, are read by what their headers say, with the grid route's warnings; headers absent or
unreadable keep the template's order."""
from __future__ import annotations

import pytest

from gxnlp.model import Document
from gxnlp.tables import extract_with_warnings
from gxnlp.tables.headers import s2_order, s3_order, s4_order

S3_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
S3_ROWS = {"一、本年新收政府信息公开申请数量": (3, 1, 0, 0, 1, 0, 5), "二、上年结转政府信息公开申请数量": (1, 0, 0, 0, 0, 0, 1),
           "（一）予以公开": (2, 1, 0, 0, 1, 0, 4), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": (1, 0, 0, 0, 0, 0, 1),
           "（七）总计": (3, 1, 0, 0, 1, 0, 5), "四、结转下年度继续办理": (1, 0, 0, 0, 0, 0, 1)}
S3_KEYS = {"一、本年新收政府信息公开申请数量": "new_requests", "二、上年结转政府信息公开申请数量": "carried_over",
           "（一）予以公开": "granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "partially_granted",
           "（七）总计": "total_handled", "四、结转下年度继续办理": "carried_forward"}
#: s2 第二十条第（五）项 (2019) as (previous, change, decisions)
S2_VALUES = {"行政许可": (30, 2, 7), "其他对外管理服务事项": (5, 0, 1)}
S2_COLUMNS = ("previous", "change", "decisions")
S2_HEADS = {"previous": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量"}
#: s4 in canonical order: review, litigation_direct, litigation_after_review × upheld, corrected, other, pending, total
S4_VALUES = {"review": (3, 1, 0, 0, 4), "litigation_direct": (3, 0, 0, 0, 3), "litigation_after_review": (2, 1, 0, 3, 6)}
S4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
S4_HEADS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
S4_GROUP_HEADS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}


def report(sep: str, s2_order_: tuple[str, ...], s2_heads: list[str], s3_header: list[list[str]],
           s3_order_: tuple[str, ...], s4_groups: tuple[str, ...], s4_results: tuple[str, ...],
           s4_heads: list[str] | None = None) -> str:
    """A 2019-template report as text: every table row one line of cells joined by ``sep`` (``"\\n"``:
    one cell per line), s2 item (五), s3 and s4 printed in the given column orders."""
    def row(*cells) -> list[str]:
        return [sep.join(map(str, cells))] if sep != "\n" else [str(c) for c in cells]

    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", *row("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
             *row("规章", 0, 0, 0), *row("规范性文件", 2, 2, 9), "第二十条第（五）项", *row("信息内容", *s2_heads)]
    for label, values in S2_VALUES.items():
        lines += row(label, *(values[S2_COLUMNS.index(c)] for c in s2_order_))
    lines += ["三、收到和处理政府信息公开申请情况", "申请人情况"]
    for header_row in s3_header:
        lines += row(*header_row)
    for label, values in S3_ROWS.items():
        lines += row(label, *(values[S3_COLUMNS.index(c)] for c in s3_order_))
    lit = [g for g in s4_groups if g != "review"]
    heads = s4_heads or [S4_HEADS[c] for c in s4_results]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", *row("行政复议", "行政诉讼"),
              *row(*heads, *(S4_GROUP_HEADS[g] for g in lit)), *row(*heads, *heads)]
    lines += row(*(S4_VALUES[g][S4_COLUMNS.index(c)] for g in ["review", *lit] for c in s4_results))
    lines += ["五、存在的主要问题及改进情况", "一是公开深度不够。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines)


def read(text: str):
    df, warnings = extract_with_warnings(Document(source="t.txt", report_id="t", text=text, format="txt"), template="2019")
    return {(r.table, r.row, r.column): r.value for r in df.itertuples()}, warnings


def expected() -> dict:
    out = {}
    for label, values in S2_VALUES.items():
        key = {"行政许可": "licensing", "其他对外管理服务事项": "other_services"}[label]
        out.update({("s2", key, c): v for c, v in zip(S2_COLUMNS, values)})
    for label, values in S3_ROWS.items():
        out.update({("s3", S3_KEYS[label], c): v for c, v in zip(S3_COLUMNS, values)})
    for g, values in S4_VALUES.items():
        out.update({("s4", g, c): v for c, v in zip(S4_COLUMNS, values)})
    return out


def check(got: dict) -> None:
    want = expected()
    assert {k: got.get(k) for k in want} == want


S3_PERMUTED = ("total", "commercial", "research", "social_welfare", "legal_service", "other_org", "natural_person")
S3_HEADER_PERMUTED = [["总计", "法人或其他组织", "自然人"], ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
S2_PERMUTED = ("decisions", "previous", "change")
S4_GROUPS_PERMUTED = ("review", "litigation_after_review", "litigation_direct")
S4_RESULTS_PERMUTED = ("corrected", "upheld", "other", "pending", "total")


@pytest.mark.parametrize("sep", [" | ", "\n", "  "])
def test_permuted_columns_read_by_their_headers(sep):
    text = report(sep, S2_PERMUTED, [S2_HEADS[c] for c in S2_PERMUTED], S3_HEADER_PERMUTED, S3_PERMUTED,
                  S4_GROUPS_PERMUTED, S4_RESULTS_PERMUTED)
    got, warnings = read(text)
    check(got)
    # the grid route's warnings
    assert any("s2/licensing: columns printed in the order decisions, previous, change; read by their headers" in w
               for w in warnings), warnings
    assert any("s3: columns printed in the order total, commercial" in w for w in warnings), warnings
    assert any("s4: columns printed in the order review/corrected, review/upheld" in w and
               "litigation_after_review/corrected" in w for w in warnings), warnings


def test_template_order_headers_change_nothing_and_warn_nothing():
    text = report(" | ", S2_COLUMNS, [S2_HEADS[c] for c in S2_COLUMNS],
                  [["自然人", "法人或其他组织", "总计"], ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
                  S3_COLUMNS, ("review", "litigation_direct", "litigation_after_review"), S4_COLUMNS)
    got, warnings = read(text)
    check(got)
    assert not [w for w in warnings if "column" in w], warnings


def test_misspelt_headers_and_headers_broken_over_two_lines():
    """商业企亚 / 法律服务机搆 (a wrong character), 社会公益 + 组织 and 本年增 + /减 on two lines, 结杲维持."""
    s3_header = [["总计", "法人或其他组织", "自然人"], ["商业企亚", "科研机构", "社会公益", "组织", "法律服务机搆", "其他"]]
    text = report("\n", S2_PERMUTED, ["处理决定数", "上一年项目数", "本年增", "/减"], s3_header, S3_PERMUTED,
                  S4_GROUPS_PERMUTED, S4_RESULTS_PERMUTED, s4_heads=["结果纠正", "结杲维持", "其他结果", "尚未审结", "总计"])
    got, warnings = read(text)
    check(got)
    assert any("s3: columns printed in the order total" in w for w in warnings), warnings


def test_glued_rows_split_with_the_total_where_the_header_puts_it():
    """Digits glued with no separator (``5100103``): the row total is the first cell printed, so the
    split is checked against it there."""
    lines = report(" | ", S2_COLUMNS, [S2_HEADS[c] for c in S2_COLUMNS], S3_HEADER_PERMUTED, S3_PERMUTED,
                   ("review", "litigation_direct", "litigation_after_review"), S4_COLUMNS).split("\n")
    glued = []
    for line in lines:
        label = line.split(" | ")[0]
        glued.append(label + "".join(line.split(" | ")[1:]) if label in S3_ROWS else line)
    got, warnings = read("\n".join(glued))
    check(got)


def test_unknown_or_unreadable_headers_keep_the_template_order():
    # a header naming no column is quoted (as in grids) and the template's order is kept
    perm, warnings = s3_order("自然人 | 法人或其他组织 | 备注 |\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |")
    assert perm is None and warnings == ["s3: column header '备注' names no column; columns taken in template order"]
    # PDF text that broke every label over two lines column-wise: unreadable, silently template order
    pdf = "申请人情况\n法人或其他组织\n自然人 总计\n商业 科研 社会公 法律服 其他\n企业 机构 益组织 务机构"
    assert s3_order(pdf) == (None, [])
    # PDF text printing the two-row headers 自然人 / 总计 on a line between the group label and its
    # members (a real city report's layout): the two readings disagree, so nothing is permuted
    centred = ("（本列数据的勾稽关系为：第一项加第二项之和， 法人或其他组织\n等于第三项加第四项之和）\n自然人 总计\n"
               "商业企 科研机 社会公益 法律服务\n其他\n业 构 组织 机构")
    assert s3_order(centred) == (None, [])
    # no header at all
    assert s3_order("") == (None, []) and s4_order("") == (None, []) and s2_order("", "licensing", "2019") == (None, [])
    # the same, read end to end: the values are taken in template order
    got, _w = read(report(" | ", S2_COLUMNS, ["备注", "上一年项目数量", "本年增/减"], [], S3_COLUMNS,
                          ("review", "litigation_direct", "litigation_after_review"), S4_COLUMNS))
    check(got)


def test_s4_header_row_by_row_or_where_the_columns_stand():
    """A two-level s4 header flattened row by row (行政诉讼's groups after the review results) and one
    naming each group where its columns stand read the same."""
    results = " ".join(S4_HEADS[c] for c in S4_RESULTS_PERMUTED)
    row_by_row = f"行政复议 行政诉讼\n{results} 复议后起诉 未经复议直接起诉\n{results} {results}"
    in_place = f"行政复议 {results} 行政诉讼 复议后起诉 {results} 未经复议直接起诉 {results}"
    assert s4_order(row_by_row)[0] == s4_order(in_place)[0] is not None
