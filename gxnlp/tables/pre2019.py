"""The statistics annex of pre-2019 reports (统计表: 指标名称 · 计量单位 · 本年度 · 历年累计) into
the ``pre2019`` table keys (``gxnlp/genre/table_keys_pre2019.md``).

Read from the file's grids where it has them (HTML ``<table>``, Word tables, PDF ruled tables and
word rows: :func:`read_pre2019_grids`) and from its text (:func:`read_pre2019`);
:func:`pre2019_readings` gives every reading and :mod:`gxnlp.tables.core` keeps the one whose sums
hold, as for s2–s4. In a grid, each row's label is matched to its key by meaning (the row
matcher's similarity over normalised labels, every key once, the best match first), the value
columns by their headers (本年度 or a year such as 2015年度 · 历年累计; the last two value cells
when there is no header).

In text, rows are found by their printed labels wherever they stand (their order differs between years
and provinces); a longer label wins where one contains another (``信函、传真申请数`` over
``传真申请数``). A row's two numbers are the tokens up to the next label; a glued pair
(``条294981916``) is split with the identities (each total is the sum of its parts, per column)
and ``历年累计 >= 本年度``, the fewest long numbers breaking ties; an inferred split is a warning.

>>> t = read_pre2019("统计表 指标名称 计量单位 2015年度 历年累计 主动公开文件数 条 294981916 "
...                  "其中：1、政府网站公开数 条 294981916 2、政府公报公开数 条 0 0 行政复议数 件 0 0")
>>> [(c.row, c.column, c.value) for c in t.cells][:2]
[('proactive_total', 'year', 2949), ('proactive_total', 'cumulative', 81916)]
"""
from __future__ import annotations

import itertools
import re

from ..genre import table_keys as K
from ..model import Document, Grid
from .cells import EMPTY_MARKERS, normalize, parse_value, tokenize, valid_piece
from .grid import is_value_cell
from .labels import MIN_SIMILARITY, column_key, normalise_label, similarity
from .split import sumsq
from .text import Cell, Tables

_END = re.compile(K.kw("附件") + "|" + K.kw("附表") + "|" + K.kw("扫一扫"))
_PATTERNS = sorted(((K.kw(label), key) for key, labels in K.PRE2019_ROWS.items() for label in labels),
                   key=lambda p: -len(p[0]))
_COLS = K.PRE2019_COLUMNS
_NEXT_ENUM = re.compile(r"\d\s*[.、．]\s*$")
_PROSE = re.compile(r"[\u4e00-\u9fff]{4,}")


def _anchors(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    taken: list[tuple[int, int]] = []
    found: dict[str, tuple[int, int]] = {}
    for pat, key in _PATTERNS:
        for m in re.finditer(pat, text[start:end]):
            s, e = m.start() + start, m.end() + start
            if key in found or any(s < b and a < e for a, b in taken):
                continue
            found[key] = (s, e)
            taken.append((s, e))
            break
    return sorted(((k, s, e) for k, (s, e) in found.items()), key=lambda x: x[1])


def _candidates(tokens: list[str]) -> list[tuple[str | None, str | None]]:
    """Ways to read (year, cumulative) from a row's tokens."""
    if len(tokens) >= 2:
        return [(tokens[0], tokens[1])]
    if not tokens:
        return [(None, None)]
    run = tokens[0]
    splits = [(run[:i], run[i:]) for i in range(1, len(run)) if valid_piece(run[:i]) and valid_piece(run[i:])
              and "." not in run[i - 1:i + 1]]
    return splits or [(run, None)]


def _vals(pair):
    return tuple(None if p is None else parse_value(p) for p in pair)


def read_pre2019(text: str) -> Tables:
    """The pre-2019 statistics annex of a text, or an empty :class:`Tables` if it has none."""
    t = normalize(text)
    out = Tables()
    m = K.RE_PRE2019_STATS.search(t)
    if m is None:
        return out
    end_m = _END.search(t, m.end())
    end = end_m.start() if end_m else min(len(t), m.end() + 3000)
    anchors = _anchors(t, m.end(), end)
    if len(anchors) < 3:
        return out
    out.found.add(K.PRE2019_TABLE)
    out.template = "pre2019"
    cands: dict[str, list[tuple]] = {}
    row_tokens: dict[str, list[str]] = {}
    for i, (key, _s, e) in enumerate(anchors):
        stop = anchors[i + 1][1] if i + 1 < len(anchors) else end
        if i + 1 == len(anchors):  # the last row ends where prose (a signature, a heading) begins
            prose = _PROSE.search(t, e, stop)
            stop = prose.start() if prose else stop
        # the next row's enumerator (``其中：1、``, glued as in ``2949819162、``) is not a value
        region = _NEXT_ENUM.sub("", t[e:stop])
        tokens = [tk.text for tk in tokenize(region) if not tk.empty]
        if len(tokens) > 2:
            out.warnings.append(f"pre2019/{key}: {len(tokens)} values for 2 cells, extra ignored")
        row_tokens[key] = tokens
    # an annex that separates its cells anywhere separates them everywhere: a lone number is one
    # cell (the other blank), not a glued pair
    separated = any(len(tk) >= 2 for tk in row_tokens.values())
    for key, tokens in row_tokens.items():
        cands[key] = [(tokens[0], None)] if separated and len(tokens) == 1 else _candidates(tokens)
    choice = {k: c[0] for k, c in cands.items()}
    # each group (a total and its parts) is chosen jointly: identities, cumulative >= year, short numbers
    for total, parts in K.PRE2019_SUMS.items():
        rows = [r for r in (total,) + parts if r in cands]
        if len(rows) < 2 or all(len(cands[r]) == 1 for r in rows):
            continue
        options = [cands[r] for r in rows]
        if _product(options) > 50_000:
            continue
        best = None
        scores = []
        for combo in itertools.product(*options):
            vals = [_vals(p) for p in combo]
            fails = 0
            for col in (0, 1):
                if all(v[col] is not None for v in vals):
                    fails += abs(vals[0][col] - sum(v[col] for v in vals[1:])) > 1e-6
            fails += sum(1 for v in vals if None not in v and v[1] < v[0])
            score = (fails, sum(sumsq([p for p in pair if p]) for pair in combo))
            scores.append(fails)
            if best is None or score < best[0]:
                best = (score, combo)
        n_best = scores.count(best[0][0])
        for r, pair in zip(rows, best[1]):
            choice[r] = pair
        glued = [r for r in rows if len(cands[r]) > 1]
        if glued:
            out.warnings.append(
                f"pre2019: glued digits of {', '.join(glued)} split as "
                f"{'; '.join(f'{r} {choice[r][0]}|{choice[r][1]}' for r in glued)} by the sums and "
                f"cumulative >= year ({n_best} readings {'fit' if best[0][0] == 0 else 'fit equally badly'})")
    for key in cands:
        if len(cands[key]) > 1 and not any(key in (tot,) + parts for tot, parts in K.PRE2019_SUMS.items()):
            pair = min(cands[key], key=lambda p: (1 if None not in _vals(p) and _vals(p)[1] < _vals(p)[0] else 0,
                                                  sumsq([x for x in p if x])))
            choice[key] = pair
            out.warnings.append(f"pre2019/{key}: glued digits split as {pair[0]}|{pair[1]} (cumulative >= year, "
                                f"fewest long numbers; {len(cands[key])} splits possible)")
    for key, _s, _e in anchors:
        for col, piece in zip(_COLS, choice[key]):
            out.cells.append(Cell(K.PRE2019_TABLE, key, col, parse_value(piece, as_float="yuan" in key and piece
                                                                         is not None and "." in piece), piece))
    return out


def _product(options) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


# ----------------------------------------------------------------------------- grids

_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR_HEADER = re.compile(r"(?:19|20)\d{2}\s*年度?")
_WHEREOF = re.compile(r"^\s*其中\s*[:：]?\s*")
_UNITS = frozenset({"条", "件", "元", "万元", "个", "次", "人次", "项", "份", "篇"})
_ROW_VARIANTS = {key: tuple(normalise_label(v) for v in labels) for key, labels in K.PRE2019_ROWS.items()}
_OTHER_HEADERS = {normalise_label(h) for h in K.PRE2019_OTHER_HEADERS}
_HEADER_PREFIX = re.compile(r"^(?:" + "|".join(K.kw(h) for h in K.PRE2019_OTHER_HEADERS) + ")")


def _value_column(cell: str) -> str | None:
    """``year`` or ``cumulative`` for a header cell naming one (the grids' column matcher)."""
    text = _YEAR_HEADER.sub("本年度", cell)
    for key, variants in K.PRE2019_COLUMN_LABELS.items():
        if any(column_key(text, {key: v}) for v in variants):
            return key
    return None


def _row_key_scores(label: str) -> list[tuple[float, str]]:
    """(similarity, key) of a printed row label against every annex row, best first."""
    text = normalise_label(_WHEREOF.sub("", label))
    if not text:
        return []
    return sorted(((similarity(text, variants), key) for key, variants in _ROW_VARIANTS.items()), reverse=True)


def _label_cell(cell: str) -> str:
    """A label cell without a header word PDF word rows glued to it (``指标名称主动公开…``,
    ``计量单位条``)."""
    return _HEADER_PREFIX.sub("", cell).strip()


def _grid_entries(grid: Grid) -> list[tuple[str, str | None, str | None]]:
    """(label, year cell, cumulative cell) of each row with a label: the cells under the headers
    naming the two columns where the header row spans the grid's columns; else the last two value
    cells, in the order the headers print them (本年度 first when there is no header)."""
    columns: dict[str, int] = {}
    width = 0
    out = []
    for row in grid.rows:
        cells = [None if c is None else normalize(c).strip() for c in row]
        heads = {key: j for j, c in enumerate(cells) if c and (key := _value_column(c))}
        if len(heads) == 2 and not any(c and is_value_cell(c) and c not in EMPTY_MARKERS for c in cells):
            columns, width = heads, len(cells)
            continue
        labels = [(j, t) for j, c in enumerate(cells) if c and _CJK.search(c) and not is_value_cell(c)
                  and (t := _label_cell(c)) and t not in _UNITS and normalise_label(t) not in _OTHER_HEADERS]
        if not labels:
            continue
        last = labels[-1][0]
        if columns and len(cells) == width and min(columns.values()) > last:
            year, cumulative = (cells[columns[k]] for k in ("year", "cumulative"))
        else:
            values = [c for c in cells[last + 1:] if c is not None and _label_cell(c) not in _UNITS]
            year, cumulative = (values + [None, None])[:2]
            # a lone number is this year's (历年累计 is the cell annexes leave blank, as Pingtan 2013)
            if columns and columns["cumulative"] < columns["year"] and len(values) >= 2:
                year, cumulative = cumulative, year
        if year is not None or cumulative is not None:  # a title or group row has no value cells
            out.append((labels[-1][1], year, cumulative))
    return out


def read_pre2019_grids(grids: list[Grid]) -> Tables:
    """The annex from grids: the rows of every grid with at least three annex rows, and of the
    grids after it with any (the annex continued on the next page)."""
    out = Tables()
    for grid in grids:
        entries = _grid_entries(grid)
        scores = [_row_key_scores(label) for label, _y, _c in entries]
        taken: dict[str, int] = {}
        # every key once, the best-matching row first
        for score, i, key in sorted(((sc, i, k) for i, ranked in enumerate(scores) for sc, k in ranked
                                     if sc >= MIN_SIMILARITY), key=lambda x: (-x[0], x[1])):
            if key not in taken and i not in taken.values():
                taken[key] = i
        if len(taken) < (1 if out.found else 3):  # an annex, or its rest after a page break
            continue
        out.found.add(K.PRE2019_TABLE)
        out.template = "pre2019"
        key_of = {i: k for k, i in taken.items()}
        have = {c.row for c in out.cells}
        for i, (label, year, cumulative) in enumerate(entries):
            key = key_of.get(i)
            if key is None or key in have:
                if key is None and any(v and v not in EMPTY_MARKERS for v in (year, cumulative)):
                    out.warnings.append(f"pre2019: unmatched row label {label!r} (values {year} {cumulative}) "
                                        "inside a table; row not read")
                continue
            best = scores[i][0][0]
            if best < 90:
                out.warnings.append(f"pre2019/{key}: label {label!r} read as {K.PRE2019_ROWS[key][0]!r} "
                                    f"(similarity {best:.0f})")
            for col, piece in zip(K.PRE2019_COLUMNS, (year, cumulative)):
                piece = None if piece is None else piece.replace(" ", "")
                value = parse_value(piece, as_float="yuan" in key and piece is not None and "." in piece)
                out.cells.append(Cell(K.PRE2019_TABLE, key, col, value, piece))
    return out


def pre2019_readings(doc: Document) -> dict[str, Tables]:
    """Readings of the annex: ``grid`` (HTML/Word/ruled PDF grids), ``words`` (PDF word rows) and
    ``text``; only those that found it."""
    grids = list(doc.grids) or [Grid("html", g) for g in doc.html_tables]
    out: dict[str, Tables] = {}
    structured = [g for g in grids if g.kind != "pdf_words"]
    if structured:
        out["grid"] = read_pre2019_grids(structured)
    words = [g for g in grids if g.kind == "pdf_words"]
    if words:
        out["words"] = read_pre2019_grids(words)
    if doc.text:
        out["text"] = read_pre2019(doc.text)
    return {name: t for name, t in out.items() if t.found}


def sum_failures(tables: Tables) -> int:
    """How many of the annex's checks fail: each total against the sum of its printed parts, per
    column, and 历年累计 >= 本年度 per row (cells not printed are not checked)."""
    cells = {(c.row, c.column): c.value for c in tables.cells if c.table == K.PRE2019_TABLE}
    fails = 0
    for total, parts in K.PRE2019_SUMS.items():
        present = [p for p in parts if any((p, col) in cells for col in K.PRE2019_COLUMNS)]
        if (total, "year") not in cells or not present:
            continue
        for col in K.PRE2019_COLUMNS:
            vals = [cells.get((total, col))] + [cells.get((p, col)) for p in present]
            if all(v is not None for v in vals):
                fails += abs(vals[0] - sum(vals[1:])) > 1e-6
    rows = {r for r, _c in cells}
    fails += sum(1 for r in rows if None not in (y := cells.get((r, "year")), c := cells.get((r, "cumulative")))
                 and c < y)
    return fails
