"""One report as layout-neutral blocks: headings, paragraphs and table grids.

A table is a list of rows (the ``<tr>`` of the HTML it would be); each :class:`Cell` has
its text, rowspan/colspan and, for a number, the ``(table, row, column)`` key it shows.
Layouts (``layouts.py``) flatten these blocks in the ways real files do.

>>> from gxnlp.synth.document import Cell, grid_positions
>>> grid_positions([[Cell("a", rs=2), Cell("b")], [Cell("c")]])
[(0, 0, Cell(text='a', rs=2, cs=1, key=None)), (0, 1, Cell(text='b', rs=1, cs=1, key=None)), (1, 1, Cell(text='c', rs=1, cs=1, key=None))]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .numbers import DENIED, NOT_PROCESSED, OTHER_2021, UNABLE

S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

S3_LABELS = {
    "new_requests": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_complaint": "1.信访举报投诉类申请",
    "not_processed_repeated": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_reconfirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
S3_GROUPS = [("（三）不予公开", DENIED), ("（四）无法提供", UNABLE), ("（五）不予处理", NOT_PROCESSED)]
S3_HEADER = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
S4_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
S2_LABELS = {
    "regulations": "规章", "normative_documents": "行政规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
S2_ITEMS = {
    "2021": [("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["regulations", "normative_documents"]),
             ("第二十条第（五）项", ["本年处理决定数量"], ["licensing"]),
             ("第二十条第（六）项", ["本年处理决定数量"], ["penalty", "coercion"]),
             ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["fees"])],
    "2019": [("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["regulations", "normative_documents"]),
             ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["licensing", "other_services"]),
             ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["penalty", "coercion"]),
             ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], ["fees"]),
             ("第二十条第（九）项", ["采购项目数量", "采购总金额"], ["procurement"])],
}


@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    key: tuple[str, str, str] | None = None


Grid = list[list[Cell]]


@dataclass
class Block:
    kind: str  # title | heading | subheading | para | table | sign
    text: str = ""
    grid: Grid | None = None
    table: str | None = None  # s2 | s3 | s4 for tables
    ncols: int = 0


@dataclass
class Page:
    """Everything a layout needs to write one report."""

    title: str
    agency: str
    published: str  # YYYY-MM-DD
    year: int
    template: str
    blocks: list[Block]
    index_no: str
    chrome: dict[str, Any] = field(default_factory=dict)


def grid_positions(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, resolving rowspans/colspans like a browser."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, c + dc))
            c += cell.cs
    return out


def _vals(texts: dict, table: str, row: str, cols) -> list[Cell]:
    return [Cell(texts[(table, row, c)], key=(table, row, c)) for c in cols]


def s2_grid(template: str, texts: dict, labels: dict[str, str], heads: dict[str, str]) -> Grid:
    from .numbers import S2_LAYOUT

    cols = dict(S2_LAYOUT[template])
    grid: Grid = []
    for item, head, rows in S2_ITEMS[template]:
        grid.append([Cell(item, cs=4)])
        span = 4 - len(head)
        grid.append([Cell("信息内容", cs=span)] + [Cell(heads.get(h, h)) for h in head])
        for r in rows:
            grid.append([Cell(labels.get(S2_LABELS[r], S2_LABELS[r]) if template == "2021" or r != "normative_documents"
                              else labels.get("规范性文件", "规范性文件"), cs=span)] + _vals(texts, "s2", r, cols[r]))
    return grid


def s3_grid(template: str, texts: dict, labels: dict[str, str]) -> Grid:
    from .numbers import S3_COLUMNS, result_rows

    def lab(key: str) -> str:
        t = S3_LABELS[key]
        return labels.get(t, t)

    def vals(r: str) -> list[Cell]:
        return _vals(texts, "s3", r, S3_COLUMNS)

    grid: Grid = [
        [Cell(S3_NOTE, rs=3, cs=3), Cell("申请人情况", cs=7)],
        [Cell("自然人", rs=2), Cell("法人或其他组织", cs=5), Cell("总计", rs=2)],
        [Cell(labels.get(h, h)) for h in S3_HEADER[1:6]],
        [Cell(lab("new_requests"), cs=3)] + vals("new_requests"),
        [Cell(lab("carried_over"), cs=3)] + vals("carried_over"),
    ]
    res = result_rows(template)
    first = True
    group_of = {r: (g, members) for g, members in S3_GROUPS for r in members}
    if template == "2021":
        group_of.update({r: ("（六）其他处理", OTHER_2021) for r in OTHER_2021})
    for r in res + ("total_handled",):
        row: list[Cell] = []
        if first:
            row.append(Cell(labels.get("三、本年度办理结果", "三、本年度办理结果"), rs=len(res) + 1))
            first = False
        if r in group_of:
            g, members = group_of[r]
            if r == members[0]:
                row.append(Cell(labels.get(g, g), rs=len(members)))
            row.append(Cell(lab(r)))
        else:
            row.append(Cell(lab(r), cs=2))
        grid.append(row + vals(r))
    grid.append([Cell(lab("carried_forward"), cs=3)] + vals("carried_forward"))
    return grid


def s4_grid(texts: dict, labels: dict[str, str]) -> Grid:
    from .numbers import S4_COLUMNS, S4_ROWS

    head = [labels.get(h, h) for h in S4_HEAD]
    grid: Grid = [
        [Cell("行政复议", cs=5), Cell("行政诉讼", cs=10)],
        [Cell(h, rs=2) for h in head] + [Cell("未经复议直接起诉", cs=5), Cell("复议后起诉", cs=5)],
        [Cell(h) for h in head] + [Cell(h) for h in head],
        [c for g in S4_ROWS for c in _vals(texts, "s4", g, S4_COLUMNS)],
    ]
    return grid


__all__ = ["Cell", "Block", "Page", "Grid", "grid_positions", "s2_grid", "s3_grid", "s4_grid", "S3_LABELS", "S3_NOTE"]
