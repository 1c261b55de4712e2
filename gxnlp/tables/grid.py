"""Reading tables from grids (HTML, Word, PDF ruled tables, PDF word rows).

A grid's rows are the table's rows: nothing is re-joined from text. Each row with values is
split into its label cells and its value cells; the labels of all rows are matched to the
canonical keys by meaning (:mod:`gxnlp.tables.labels`); each matched row is then decoded by
the same cell code as text (empty markers, signs, glued digit runs split by the identities,
the separators that are there kept as hard boundaries). Header rows are kept for template and
table detection; a header repeated inside a table (a table crossing a page break) is dropped.
"""
from __future__ import annotations

import re

from ..genre import table_keys as K
from ..model import Grid
from .cells import EMPTY_MARKERS, normalize
from .labels import best_alignment, without_note_tail
from .labels import column_key as _column_key
from .labels import label_fragment as _label_fragment
from .text import Tables, read_tables

_CJK = re.compile(r"[\u4e00-\u9fff]")
_VALUE = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|个)?")


def is_value_cell(c: str) -> bool:
    c = c.strip()
    return c in EMPTY_MARKERS or bool(_VALUE.fullmatch(c)) or bool(re.fullmatch(r"[\d\s]+", c))


def split_row(row: list[str | None]) -> tuple[list[str], list[str]]:
    """(label cells, value cells) of one grid row. ``None`` (a merged position) is no cell; an
    empty cell after the label is an empty value cell."""
    cells = [None if c is None else normalize(c).strip() for c in row]
    last_label = -1
    for i, c in enumerate(cells):
        if c and _CJK.search(c) and not is_value_cell(c):
            last_label = i
    labels: list[str] = []
    for c in cells[: last_label + 1]:
        if c and (not labels or c != labels[-1]):
            labels.append(c)
    values = [c for c in cells[last_label + 1:] if c is not None]
    if last_label < 0:
        while values and values[0] == "":
            values.pop(0)
    return labels, values


def _has_values(values: list[str]) -> bool:
    return any(v and v not in EMPTY_MARKERS for v in values) or (len(values) >= 2 and any(v in EMPTY_MARKERS for v in values))


def canonical_text(grids: list[Grid], hint: str | None = None) -> tuple[str, list[int], list[str], str | None]:
    """The grids rendered one row per line (``label | v | v |``) with every matched row label
    replaced by its canonical printed label; plus grid end offsets, warnings and the template
    the labels fit."""
    rows: list[tuple[int, list[str], list[str]]] = []
    where: list[int] = []  # each row's index in its grid
    for gi, grid in enumerate(grids):
        for ri, row in enumerate(grid.rows):
            labels, values = split_row(row)
            if labels or values:
                rows.append((gi, labels, values))
                where.append(ri)
    valued = [i for i, (_g, _l, v) in enumerate(rows) if _has_values(v)]
    label_of = [without_note_tail(rows[i][1][-1]) if rows[i][1] else "" for i in valued]
    al = best_alignment(label_of, hint)
    key_of: dict[int, tuple[str, str]] = {valued[k]: (m.table, m.row) for k, m in al.matches.items()}
    warnings: list[str] = []
    s3_rows = [i for i, (t, _r) in key_of.items() if t == "s3"]
    s2_rows = [i for i, (t, _r) in key_of.items() if t == "s2"]
    spans = [(min(x), max(x)) for x in (s2_rows, s3_rows) if x]
    inside = lambda i: any(a < i < b for a, b in spans)  # noqa: E731
    for k, i in enumerate(valued):
        if i in key_of or not label_of[k] or not inside(i):
            continue
        warnings.append(f"unmatched row label {label_of[k]!r} (values {' '.join(rows[i][2])}) inside a table; row not read")
    for i, (t, r) in key_of.items():
        m = al.matches[valued.index(i)]
        if m.score < 90:
            warnings.append(f"{t}/{r}: label {rows[i][1][-1]!r} read as {K.ROW_LABELS[r][0]!r} "
                            f"(similarity {m.score:.0f})")
    order = _s3_column_orders(grids, rows, where, key_of, warnings)
    row_order = {**_s2_row_orders(grids, rows, where, key_of, al.template, warnings),
                 **_s4_row_orders(grids, rows, where, warnings)}
    parts: list[str] = []
    stops: list[int] = []
    pos = 0
    s3_span = (min(s3_rows), max(s3_rows)) if s3_rows else None
    current = rows[0][0] if rows else 0
    for i, (gi, labels, values) in enumerate(rows):
        if gi != current:
            stops.append(pos)
            current = gi
        if i in key_of:
            if key_of[i][0] == "s3" and order.get(gi) and len(values) == len(K.S3_COLUMNS):
                values = [values[j] for j in order[gi]]
            elif i in row_order:
                values = [values[j] for j in row_order[i]]
            line = " | ".join([normalize(K.ROW_LABELS[key_of[i][1]][0])] + [v or "∅" for v in values]) + " |"
        elif _has_values(values) and inside(i):
            continue
        elif not _has_values(values) and s3_span and s3_span[0] < i < s3_span[1]:
            continue  # a header repeated where the table crosses a page, or a group label
        else:
            if i in row_order:
                values = [values[j] for j in row_order[i]]
            line = " | ".join(labels + [v or "∅" for v in values]) + " |"
        parts.append(line + "\n")
        pos += len(line) + 1
    stops.append(pos)
    return "".join(parts), stops, warnings, (al.template if al.matches else None)


def _header_above(grid: Grid, row: int, j: int, labels: dict[str, str], left: bool = False) -> tuple[str | None, str | None]:
    """(key, nearest header text) of value column ``j`` of ``grid.rows[row]``: the nearest header
    cell above naming one of ``labels``; with ``left``, a merged (None) header position takes the
    cell it is merged into (a group label spanning several columns)."""
    seen = None
    for hr in reversed(grid.rows[:row]):
        k = j
        while left and 0 < k < len(hr) and hr[k] is None:
            k -= 1
        if k < len(hr) and hr[k]:
            if (name := _column_key(hr[k], labels)):
                return name, hr[k]
            if seen is None and not is_value_cell(hr[k]):
                seen = hr[k]
    return None, seen


def _column_order(table: str, grid: Grid, row: int, columns: tuple, header_names, warnings: list[str]) -> list[int] | None:
    """The permutation putting the value columns of ``grid.rows[row]`` in ``columns`` order, read
    from the headers above (None when they do not name every column once); warns on a permuted
    order and quotes a header that names nothing while the others do."""
    raw = grid.rows[row]
    cols = [j for j, c in enumerate(raw) if c is not None][-len(columns):]
    found = [header_names(grid, row, j) for j in cols]
    names = [n for n, _t in found]
    if any(names) and None in names:
        for n, text in found:
            if n is None and text and not _label_fragment(text):
                warnings.append(f"{table}: column header {text!r} names no column; columns taken in template order")
    if None in names or len(set(names)) != len(columns):
        return None
    perm = [names.index(k) for k in columns]
    if perm != list(range(len(columns))):
        shown = ["/".join(n) if isinstance(n, tuple) else n for n in names]
        warnings.append(f"{table}: columns printed in the order " + ", ".join(shown) + "; read by their headers")
    return perm


def _s3_column_orders(grids, rows, where, key_of, warnings) -> dict[int, list[int]]:
    """Per grid, the permutation putting its s3 value columns in canonical order, read from the
    column headers above its first s3 row (only where the headers name all seven columns and
    their order is not the template's); a grid without headers continues the previous order."""
    out: dict[int, list[int]] = {}
    last: list[int] | None = None
    names_of = lambda g, r, j: _header_above(g, r, j, K.S3_COLUMN_LABELS)  # noqa: E731
    for gi, grid in enumerate(grids):
        first = next((i for i, (g, _l, _v) in enumerate(rows) if g == gi and key_of.get(i, ("",))[0] == "s3"), None)
        if first is None:
            continue
        cols = [j for j, c in enumerate(grid.rows[where[first]]) if c is not None][-len(K.S3_COLUMNS):]
        perm = _column_order("s3", grid, where[first], K.S3_COLUMNS, names_of, warnings)
        if perm is None:
            if last is not None and not any(names_of(grid, where[first], j)[0] for j in cols):
                out[gi] = last
            continue
        if perm != list(range(len(K.S3_COLUMNS))):
            out[gi] = perm
        last = perm
    return out


def _s2_row_orders(grids, rows, where, key_of, template, warnings) -> dict[int, list[int]]:
    """Per s2 row (index into ``rows``), the permutation putting its value columns in canonical
    order, read from the item's column headers above it (template order when they do not name
    every column)."""
    out: dict[int, list[int]] = {}
    if template not in K.S2_ITEMS:
        return out
    columns_of = dict(K.S2_ROWS[template])
    labels_of = {key: dict(zip(columns_of[key], heads)) for _item, heads, keys in K.S2_ITEMS[template] for key in keys}
    for i, (t, key) in key_of.items():
        if t != "s2" or key not in labels_of or len(columns_of[key]) < 2:
            continue
        gi = rows[i][0]
        if len(rows[i][2]) != len(columns_of[key]):
            continue
        names_of = lambda g, r, j, lab=labels_of[key]: _header_above(g, r, j, lab)  # noqa: E731
        perm = _column_order(f"s2/{key}", grids[gi], where[i], columns_of[key], names_of, warnings)
        if perm is not None and perm != list(range(len(perm))):
            out[i] = perm
    return out


_S4_CELLS: tuple[tuple[str, str], ...] = tuple((r, c) for r in K.S4_ROWS for c in K.S4_COLUMNS)


def _s4_names(grid: Grid, row: int, j: int) -> tuple[tuple[str, str] | None, str | None]:
    """The (s4 row, s4 column) a value column stands under: the result header above it and the
    group header (行政复议 / 未经复议直接起诉 / 复议后起诉) spanning it."""
    col, text = _header_above(grid, row, j, K.S4_COLUMN_LABELS)
    group, gtext = _header_above(grid, row, j, K.S4_ROW_LABELS, left=True)
    if col is None or group is None:
        return None, text if col is None else gtext
    return (group, col), text


def _s4_row_orders(grids, rows, where, warnings) -> dict[int, list[int]]:
    """Per row of 15 values under an s4 header, the permutation putting them in canonical order,
    read from the two-level header above (template order when it does not name every cell)."""
    out: dict[int, list[int]] = {}
    for i, (gi, _labels, values) in enumerate(rows):
        if len(values) != len(_S4_CELLS) or not _has_values(values):
            continue
        grid = grids[gi]
        if not any(c and _column_key(c, K.S4_COLUMN_LABELS) for hr in grid.rows[: where[i]] for c in hr):
            continue
        perm = _column_order("s4", grid, where[i], _S4_CELLS, _s4_names, warnings)
        if perm is not None and perm != list(range(len(perm))):
            out[i] = perm
    return out


def read_grids(grids: list[Grid], hint: str | None = None) -> Tables:
    """s2, s3, s4 read from grids."""
    if not grids:
        return Tables()
    text, stops, warnings, template = canonical_text(grids, hint)
    got = read_tables(text, template or hint, stops=stops if len(grids) > 1 else None, headers=False)
    got.warnings = warnings + got.warnings
    return got
