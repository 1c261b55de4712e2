"""The statistics annex of pre-2019 reports (统计表: 指标名称 · 计量单位 · 本年度 · 历年累计) into
the ``pre2019`` table keys (``gxnlp/genre/table_keys_pre2019.md``).

Rows are found by their printed labels wherever they stand (their order differs between years
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
from .cells import normalize, parse_value, tokenize, valid_piece
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
