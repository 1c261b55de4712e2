"""Column order of text-only tables read from their header lines.

A flattened table (pipes, one cell per line, blank-line separated cells, PDF text) still prints its
column headers before its first row. Their cells are matched to the canonical column keys with the
grids' matcher (:func:`gxnlp.tables.labels.column_key`); a table whose headers name every column
once is read in the order they print, with the grid route's warnings (a permuted order, a header
naming no column). Headers absent, or unreadable (a PDF that broke every label over two lines
column-wise, headers glued into one run), leave the template's order: nothing changes for files
that print the template's order.

Two-level headers (s3: 自然人 · 法人或其他组织 {商业企业 … 其他} · 总计; s4: 行政复议 · 行政诉讼
{未经复议直接起诉 · 复议后起诉} × results) are flattened either row by row (the group's members after
the whole first row) or with the members where the columns stand; both readings are taken, and the
template's order wins when either reading gives it.

>>> perm, warnings = s3_order("自然人 | 总计 | 法人或其他组织 |\\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |")
>>> perm, warnings
([0, 2, 3, 4, 5, 6, 1], ['s3: columns printed in the order natural_person, total, commercial, research, social_welfare, legal_service, other_org; read by their headers'])
"""
from __future__ import annotations

import re

from ..genre import table_keys as K
from .labels import column_key, label_fragment, normalise_label

_SEPARATOR = re.compile(r"[|\t \u3000\xa0]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: a group key (never a column key)
_ORGS = "<organisations>"
_LITIGATION = "<litigation>"


def header_cells(text: str) -> list[tuple[str, int]]:
    """(cell, line number) of the header text's cells (split at line breaks, pipes and spaces);
    cells without a Chinese character (page numbers, values, dashes) left out."""
    return [(c, n) for n, line in enumerate(re.split(r"\r?\n", text or ""))
            for c in _SEPARATOR.split(line) if c and _CJK.search(c)]


def _known_text(cell: str) -> bool:
    """A piece of any label the templates print (申请人情况, 信息内容, the 勾稽关系 note …)."""
    t = normalise_label(cell)
    return bool(t) and (label_fragment(cell) or any(t in normalise_label(lab) for lab in K.printed_labels()))


def name_cells(cells: list[tuple[str, int]], labels: dict[str, str]) -> list[tuple[str | None, str, int]]:
    """(key or None, text, line) of each header cell; two neighbouring cells that name nothing alone
    but together name a column are one cell (a label broken over two lines: 社会公益 / 组织)."""
    out: list[tuple[str | None, str, int]] = []
    i = 0
    while i < len(cells):
        text, line = cells[i]
        key = column_key(text, labels)
        if key is None and i + 1 < len(cells) and column_key(cells[i + 1][0], labels) is None:
            joined = text + cells[i + 1][0]
            if (both := column_key(joined, labels)) is not None:
                out.append((both, joined, line))
                i += 2
                continue
        out.append((key, text, line))
        i += 1
    return out


def _unnamed_warnings(table: str, named: list[tuple[str | None, str, int]], n_found: int) -> list[str]:
    """The grid route's warning for header cells naming nothing, when the other headers do name
    columns (at least three) but not all of them."""
    if n_found < 3:
        return []
    return [f"{table}: column header {text!r} names no column; columns taken in template order"
            for key, text, _line in named if key is None and not _known_text(text)]


def _order(named: list[tuple[str | None, str, int]], group_key: str | None, in_group: tuple[str, ...],
           canonical: tuple[str, ...]) -> list[str] | None:
    """The columns' printed order from where their headers stand (None when that is ambiguous).

    Two readings of a two-level header: each column where its own header stands, or the group's
    members where the group label stands (the header flattened row by row: 总计 | 法人或其他组织 |
    自然人, then the organisations' five). The template's order when either reading gives it; the
    row-by-row reading when the group label shares a line with a column header, or every cell has
    a line of its own (cell per line); the one reading when both agree; else ambiguous (PDF text
    prints a header spanning two rows on a line of its own, between the rows: 自然人 总计 under
    法人或其他组织)."""
    first: dict[str, tuple[int, int]] = {}
    for i, (key, _text, line) in enumerate(named):
        if key is not None and key not in first:
            first[key] = (i, line)
    own = sorted(canonical, key=lambda k: first[k][0])
    if group_key not in first:
        return own
    g = first[group_key][0]
    by_rows = sorted(canonical, key=lambda k: ((g if k in in_group else first[k][0]), first[k][0]))
    if list(canonical) in (own, by_rows):
        return list(canonical)
    if own == by_rows:
        return own
    lines = [line for _k, _t, line in named]
    group_line = first[group_key][1]
    shares = any(first[k][1] == group_line for k in canonical if k not in in_group)
    if shares or len(set(lines)) == len(lines):
        return by_rows
    return None


def _permutation(table: str, printed: list, canonical: tuple) -> tuple[list[int] | None, list[str]]:
    """The permutation from printed to canonical order and its warning (None: template order)."""
    perm = [printed.index(k) for k in canonical]
    if perm == list(range(len(canonical))):
        return None, []
    shown = ["/".join(k) if isinstance(k, tuple) else k for k in printed]
    return perm, [f"{table}: columns printed in the order " + ", ".join(shown) + "; read by their headers"]


def _positions(named: list[tuple[str | None, str, int]]) -> tuple[dict[str, int], set[str]]:
    """First position of each key and the keys named more than once."""
    first: dict[str, int] = {}
    twice: set[str] = set()
    for i, (key, _text, _line) in enumerate(named):
        if key is None:
            continue
        if key in first:
            twice.add(key)
        else:
            first[key] = i
    return first, twice


def s3_order(header: str) -> tuple[list[int] | None, list[str]]:
    """(permutation putting the printed s3 columns in canonical order, or None for template order;
    warnings)."""
    labels = {**K.S3_COLUMN_LABELS, _ORGS: K.S3_ORGANISATIONS_LABEL}
    named = name_cells(header_cells(header), labels)
    first, twice = _positions(named)
    columns = [k for k in first if k != _ORGS]
    if len(columns) < len(K.S3_COLUMNS) or twice - {_ORGS}:
        return None, _unnamed_warnings("s3", named, len(columns))
    printed = _order(named, _ORGS, K.S3_COLUMNS[1:-1], K.S3_COLUMNS)
    return _permutation("s3", printed, K.S3_COLUMNS) if printed else (None, [])


def s2_order(header: str, key: str, template: str) -> tuple[list[int] | None, list[str]]:
    """The same for the multi-column s2 row ``key`` from its item's header."""
    columns = dict(K.S2_ROWS[template]).get(key, ())
    heads = next((h for _item, h, keys in K.S2_ITEMS.get(template, ()) if key in keys), ())
    if len(columns) < 2 or len(heads) != len(columns):
        return None, []
    named = name_cells(header_cells(header), dict(zip(columns, heads)))
    first, twice = _positions(named)
    if len(first) < len(columns) or twice:
        return None, _unnamed_warnings(f"s2/{key}", named, len(first)) if len(first) >= 2 else []
    return _permutation(f"s2/{key}", _order(named, None, (), columns), columns)


_S4_CELLS: tuple[tuple[str, str], ...] = tuple((r, c) for r in K.S4_ROWS for c in K.S4_COLUMNS)


def s4_order(header: str) -> tuple[list[int] | None, list[str]]:
    """The same for s4's 15 cells: the three groups (行政复议 · 未经复议直接起诉 · 复议后起诉) by their
    labels, the five results (维持 纠正 其他 尚未审结 总计) by theirs, printed once or once per group
    (then in one order in every group); either in template order when its headers do not say."""
    cells = header_cells(header)
    groups = name_cells(cells, {**K.S4_ROW_LABELS, _LITIGATION: K.S4_LITIGATION_LABEL})
    g_first, g_twice = _positions(groups)
    group_order = list(K.S4_ROWS)
    if all(g in g_first for g in K.S4_ROWS) and not g_twice - {_LITIGATION}:
        group_order = _order(groups, _LITIGATION, K.S4_ROWS[1:], K.S4_ROWS) or list(K.S4_ROWS)
    results = [k for k, _t, _line in name_cells(cells, K.S4_COLUMN_LABELS) if k is not None]
    result_order = list(K.S4_COLUMNS)
    chunks = [results[i:i + 5] for i in range(0, len(results), 5)]
    if results and len(results) in (5, 15) and all(sorted(c) == sorted(K.S4_COLUMNS) and c == chunks[0] for c in chunks):
        result_order = chunks[0]
    printed = [(g, c) for g in group_order for c in result_order]
    if printed == list(_S4_CELLS):
        return None, []
    return _permutation("s4", printed, _S4_CELLS)
