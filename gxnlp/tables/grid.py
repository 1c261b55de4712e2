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
from .labels import best_alignment
from .text import Tables, read_tables

_CJK = re.compile(r"[\u4e00-\u9fff]")
_VALUE = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|个)?")


def _is_value_cell(c: str) -> bool:
    c = c.strip()
    return c in EMPTY_MARKERS or bool(_VALUE.fullmatch(c)) or bool(re.fullmatch(r"[\d\s]+", c))


def split_row(row: list[str | None]) -> tuple[list[str], list[str]]:
    """(label cells, value cells) of one grid row. ``None`` (a merged position) is no cell; an
    empty cell after the label is an empty value cell."""
    cells = [None if c is None else normalize(c).strip() for c in row]
    last_label = -1
    for i, c in enumerate(cells):
        if c and _CJK.search(c) and not _is_value_cell(c):
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
    label_of = [rows[i][1][-1] if rows[i][1] else "" for i in valued]
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
            line = " | ".join([normalize(K.ROW_LABELS[key_of[i][1]][0])] + [v or "∅" for v in values]) + " |"
        elif _has_values(values) and inside(i):
            continue
        elif not _has_values(values) and s3_span and s3_span[0] < i < s3_span[1]:
            continue  # a header repeated where the table crosses a page, or a group label
        else:
            line = " | ".join(labels + [v or "∅" for v in values]) + " |"
        parts.append(line + "\n")
        pos += len(line) + 1
    stops.append(pos)
    return "".join(parts), stops, warnings, (al.template if al.matches else None)


def _column_key(text: str) -> str | None:
    """The s3 column a header cell names, by similarity (None below 70)."""
    from rapidfuzz import fuzz

    from .labels import normalise_label

    t = normalise_label(text)
    if not t:
        return None
    score, key = max((fuzz.ratio(t, normalise_label(lab)), k) for k, lab in K.S3_COLUMN_LABELS.items())
    return key if score >= 70 else None


def _s3_column_orders(grids, rows, where, key_of, warnings) -> dict[int, list[int]]:
    """Per grid, the permutation putting its s3 value columns in canonical order, read from the
    column headers above its first s3 row (only where the headers name all seven columns and
    their order is not the template's); a grid without headers continues the previous order."""
    out: dict[int, list[int]] = {}
    last: list[int] | None = None
    for gi, grid in enumerate(grids):
        first = next((i for i, (g, _l, _v) in enumerate(rows) if g == gi and key_of.get(i, ("",))[0] == "s3"), None)
        if first is None:
            continue
        raw = grid.rows[where[first]]
        labels, _values = split_row(raw)
        cols = [j for j, c in enumerate(raw) if c is not None][-len(K.S3_COLUMNS):]
        names = []
        for j in cols:
            name = None
            for hr in reversed(grid.rows[: where[first]]):
                if j < len(hr) and hr[j] and (name := _column_key(hr[j])):
                    break
            names.append(name)
        if None in names or len(set(names)) != len(K.S3_COLUMNS):
            if last is not None and not any(names):
                out[gi] = last
            continue
        perm = [names.index(k) for k in K.S3_COLUMNS]
        if perm != list(range(len(K.S3_COLUMNS))):
            warnings.append("s3: columns printed in the order " + ", ".join(names) + "; read by their headers")
            out[gi] = perm
        last = perm
    return out


def read_grids(grids: list[Grid], hint: str | None = None) -> Tables:
    """s2, s3, s4 read from grids."""
    if not grids:
        return Tables()
    text, stops, warnings, template = canonical_text(grids, hint)
    got = read_tables(text, template or hint, stops=stops if len(grids) > 1 else None)
    got.warnings = warnings + got.warnings
    return got
