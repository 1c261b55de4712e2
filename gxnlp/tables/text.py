"""Finding the three tables in flattened text and reading each row's values.

Works on any flattening (pipes, one cell per line, blank-line separated cells, PDF text, glued
digits): rows are found by their labels in template order, and a row's values are the tokens
between its label and the next row's label. A row with fewer values than cells is either a glued
digit run to split or a row whose blank cells the text dropped (PDF); the candidate readings are
chosen by the identities of the tables (:mod:`gxnlp.tables.split`, :func:`_select_s3`), and every
inference that more than one reading fits is reported as a warning.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..genre import table_keys as K
from ..genre import templates as T
from .cells import EMPTY_MARKERS, Token, normalize, parse_value, strip_noise_keep_lines, tokenize, valid_piece
from .headers import s2_order, s3_order, s4_order
from .split import (EMPTY, best_placement, best_split, placement_score, placements, row_total_ok, sumsq,
                    total_splits)

#: Group labels of s3 (spanning several rows): removed from value regions.
_S3_GROUP_LABELS = re.compile("|".join(K.kw(w) for w in K.s3_group_labels()))
_ROW_LABEL_TAIL = re.compile(r"[^\d。，,；]{0,14}?数\s*量")
_RE_S4_COLUMNS = re.compile(K.kw("维持") + "|" + K.kw("纠正") + "|" + K.kw("直接起诉") + "|" + K.kw("复议后起诉"))
_S4_HEADER_WORDS = re.compile("|".join(K.kw(w) for w in ("总计", "审结", "起诉", "维持", "纠正", "结果", "行政诉讼", "行政复议")))


@dataclass
class Cell:
    table: str
    row: str
    column: str
    value: int | float | None
    raw: str | None


@dataclass
class Tables:
    """What was read from one text: cells, the template the tables follow, warnings."""

    cells: list[Cell] = field(default_factory=list)
    template: str | None = None
    found: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _anchor_rows(text: str, start: int, end: int, order: list[tuple[str, re.Pattern[str]]]):
    """Find each row label in order inside text[start:end]: list of (key, label_start, label_end)."""
    found = []
    cursor = start
    for key, pat in order:
        m = pat.search(text, cursor, end)
        if m is None:
            continue
        found.append((key, m.start(), m.end()))
        cursor = m.end()
    return found


def _regions(text: str, anchors, end: int):
    """(key, region text) for anchored rows: from a label's end to the next label's start."""
    out = []
    for i, (key, _s, e) in enumerate(anchors):
        stop = anchors[i + 1][1] if i + 1 < len(anchors) else end
        out.append((key, text[e:stop]))
    return out


def _cells_from_pieces(table: str, row: str, columns, pieces, float_cols=frozenset()) -> list[Cell]:
    cells = []
    for col, piece in zip(columns, pieces):
        if piece is None:
            cells.append(Cell(table, row, col, None, None))
        elif piece == EMPTY:
            cells.append(Cell(table, row, col, None, ""))
        else:
            cells.append(Cell(table, row, col, parse_value(piece, as_float=(row, col) in float_cols), piece))
    return cells


def piece_text(piece: str) -> str:
    return "" if piece == EMPTY else piece


def _token_strings(tokens: list[Token]) -> list[str]:
    return [t.text for t in tokens]


# ---------------------------------------------------------------- s2 plausibility (no identities)

def _digits(p: str) -> int:
    return sum(c.isdigit() for c in p)


def s2_score(template: str, row: str, unit: str | None = None):
    """Plausibility of a split of a glued s2 row (lower is better).

    s2 has no identity, so this is a prior: few long numbers; in-force/total counts at least the
    year's new ones; a year's change (本年增/减) usually short; procurement ~10^5.5 元 a project.
    """

    def score(pieces, values) -> float:
        sc = float(sumsq(pieces))
        if any(v is None for v in values):
            return sc
        if row in ("regulations", "normative_documents"):
            # in force / total public is cumulative: at least the year's new ones, usually a digit
            # longer; in the 2019 table what was made is usually what was published
            a, b, c = values
            la, lc = _digits(pieces[0]), _digits(pieces[2])
            if template == "2021":
                sc += 10 * (c < a) + 1 * (b > a) + 3 * max(0, la + 1 - lc) * (a > 0)
            else:
                sc += 10 * (c < b) + 0.5 * (b < a) - 2 * (a == b) + 1.5 * max(0, la + 1 - lc) * (a > 0)
        elif row == "procurement":
            projects, amount = values
            sc = 0.0  # the amount is long anyway: judge by the amount per project only
            if projects == 0:
                sc += 20 * (amount != 0)
            elif amount > 0:
                target = 5.5 if unit == "yuan" else 1.5  # 元 printed after the amount, else 万元
                sc += 4 * abs(math.log10(amount / projects) - target)
        elif template == "2019" and len(pieces) == 3:
            # previous | change | decisions: a change is most often 0 and short; decisions rarely
            # much longer or shorter than the previous count (weights fit on the 9 glued/signed
            # rows of the real reports, which all also have a change no longer than the decisions;
            # every such split is reported as a warning).
            lp, lc, ld = (_digits(p) for p in pieces)
            prev, change, _dec = values
            sc += (lc + 4 * (change != 0) + 1.5 * max(0, ld - lp) + 0.5 * (abs(change) > prev)
                   + 3 * max(0, lp - ld - 1) + 2 * (lc > ld))
        elif template == "2019" and len(pieces) == 2:
            sc += _digits(pieces[1]) + 4 * (values[1] != 0)
        return sc

    return score


# ---------------------------------------------------------------- table readers

def _fit_tokens(tokens: list[Token], n: int, check=None) -> tuple[list[str] | None, str | None]:
    """Exactly n raw cells from tokens, or (None, reason). Excess tokens: first window that fits."""
    strs = _token_strings(tokens)
    if len(strs) == n:
        return [t.text for t in tokens], None
    if len(strs) > n:
        windows = [tokens[i : i + n] for i in range(len(tokens) - n + 1)]
        chosen = windows[0]
        padding = all(t.empty or t.text == tokens[n - 1].text for t in tokens[n:])
        if check is not None and not padding:
            for w in windows:
                vals = [None if t.empty else parse_value(t.text) for t in w]
                if all(v is not None for v in vals) and check(vals):
                    chosen = w
                    break
        if chosen is windows[0] and all(t.empty or t.text == tokens[n - 1].text for t in tokens[n:]):
            return [t.text for t in chosen], None  # a spanning last cell repeated (colspan fill)
        return [t.text for t in chosen], f"{len(strs)} values for {n} cells, extra ignored"
    return None, "glued"


_ONE_VALUE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def positional_cells(region: str, n: int) -> list[str] | None:
    """The row's first ``n`` cells by position, keeping empty cells ("") that tokens lose.

    Two layouts show empty cells: a pipe row on the label's line (``规章 | 0 | | 5 |``) and one
    cell per line (``规章 |`` then ``0 |``, ``|``, ``5 |``). None when the region is neither.
    """
    region = strip_noise_keep_lines(region)
    lines = region.split("\n")
    first = lines[0]
    if first.count("|") >= 2:
        cells = [c.strip() for c in first.split("|")[1:]]
    else:
        cells = []
        started = False
        for line in lines[1:]:
            c = line.strip()
            if c.endswith("|"):
                c = c[:-1].strip()
            if "|" in c:
                return None
            if not started and (c == "" or (_HAS_CJK.search(c) and c not in EMPTY_MARKERS)):
                if _HAS_CJK.search(c):
                    continue  # the rest of a label broken over lines
                if not line.strip():
                    continue  # a blank line, not an empty cell
            started = True
            cells.append(c)
            if len(cells) == n:
                break
    cells = cells[:n]
    if len(cells) < n:
        return None
    for c in cells:
        if c and c not in EMPTY_MARKERS and not _ONE_VALUE.fullmatch(c.replace(",", "")):
            return None
    return cells


def _row_pieces(region: str, tokens: list[Token], n: int, check=None):
    """(pieces, why) for a row: direct tokens, positional cells with empties, or 'glued'."""
    pieces, why = _fit_tokens(tokens, n, check)
    if why is None:
        return pieces, why
    pos = positional_cells(region, n)
    if pos is not None and any(c == "" or c in EMPTY_MARKERS for c in pos):
        nums = [c for c in pos if c and c not in EMPTY_MARKERS]
        if nums == [t.text for t in tokens if not t.empty][: len(nums)]:
            return pos, None
    return pieces, why


def read_s2(text: str, start: int, end: int, template: str, out: Tables, headers: bool = True) -> None:
    rows = K.S2_ROWS[template]
    order = [(key, K.S2_PATTERNS[key]) for key, _cols in rows]
    anchors = _anchor_rows(text, start, end, order)
    if not anchors:
        return
    out.found.add("s2")
    cols_of = dict(rows)
    orders = _s2_orders(text, start, anchors, template, out) if headers else {}
    region_all = text[start:end]
    unit = "yuan" if re.search(r"\d\s*元", region_all) and not re.search(r"\d\s*万元", region_all) else "wan"
    for key, region in _regions(text, anchors, end):
        cols = cols_of[key]
        tokens = tokenize(region)
        pieces, why = _row_pieces(region, tokens, len(cols))
        if why == "glued":
            if not tokens or not _splittable(tokens, len(cols), 6, 10):
                out.warnings.append(f"s2/{key}: {len(tokens)} values for {len(cols)} cells; row left empty")
                out.cells.extend(Cell("s2", key, c, None, None) for c in cols)
                continue
            res = best_split(_token_strings(tokens), [len(cols)], score=s2_score(template, key, unit))
            if res is None:
                out.warnings.append(f"s2/{key}: cannot read {len(cols)} cells from {_token_strings(tokens)}")
                out.cells.extend(Cell("s2", key, c, None, None) for c in cols)
                continue
            pieces = list(res.pieces[0])
            if res.n_fitting > 1:
                out.warnings.append(
                    f"s2/{key}: glued digits {''.join(_token_strings(tokens))!r} split as "
                    f"{'|'.join(map(piece_text, pieces))} by plausibility ({res.n_fitting} splits possible; "
                    f"cells {', '.join(cols)} inferred)"
                )
        elif why:
            out.warnings.append(f"s2/{key}: {why}")
        if orders.get(key):
            pieces = [pieces[j] for j in orders[key]]
        out.cells.extend(_cells_from_pieces("s2", key, cols, pieces, K.FLOAT_COLUMNS))


def _s2_orders(text: str, start: int, anchors, template: str, out: Tables) -> dict[str, list[int]]:
    """Per multi-column s2 row, the permutation from its item's header (printed before the item's
    first row) to canonical column order, where the header says the order is not the template's."""
    item_of = {key: item for item, _heads, keys in K.S2_ITEMS.get(template, ()) for key in keys}
    perms: dict[str, list[int] | None] = {}
    out_orders: dict[str, list[int]] = {}
    prev_end = start
    for key, s, e in anchors:
        item = item_of.get(key)
        if item is not None and item not in perms:
            perm, warnings = s2_order(text[prev_end:s], key, template)
            perms[item] = perm
            out.warnings.extend(warnings)
        if item is not None and perms.get(item) and len(perms[item]) == len(dict(K.S2_ROWS[template])[key]):
            out_orders[key] = perms[item]
        prev_end = e
    return out_orders


def _splittable(tokens: list[Token], n: int, per_cell: int = 5, extra: int = 0) -> bool:
    """Enough digits for ``n`` cells, and not absurdly many (a run of 60 digits is not a row)."""
    cells = sum(t.digits for t in tokens) + sum(t.empty for t in tokens)
    return n <= cells <= per_cell * n + extra


def _separated(tokens: list[Token], n: int) -> bool:
    """Values that look like separate cells with blanks dropped (not one glued run)."""
    valid = all(t.empty or valid_piece(t.text) for t in tokens)
    digits = sum(t.digits for t in tokens) + sum(t.empty for t in tokens)
    return valid and (len(tokens) >= 2 or digits < n)


def _zeros(pieces) -> list:
    """Values of a candidate row with blank/empty cells as 0 (what an empty cell means here)."""
    out = []
    for p in pieces:
        v = None if p == EMPTY else parse_value(p)
        out.append(0 if v is None else v)
    return out


def _s3_coeffs(template: str) -> dict[str, tuple[int, int]]:
    """Per row: coefficient in the balance identity (A) and in the total-handled identity (B)."""
    co = {"new_requests": (1, 0), "carried_over": (1, 0), "total_handled": (-1, 1), "carried_forward": (-1, 0)}
    for r in K.s3_result_rows(template):
        co[r] = (0, -1)
    return co


def _select_s3(cands: dict[str, list[tuple[str, ...]]], template: str, row_ok: dict[str, bool]):
    """Choose one candidate per row minimising failed identities (row totals, column balance,
    total handled), then the fewest long numbers. DP over rows; the state is the vector of
    identity residuals, so equal partial sums merge. Returns (choice, n_optimal, violations)."""
    if all(len(c) == 1 for c in cands.values()):
        return {key: c[0] for key, c in cands.items()}, 1, sum(1 for ok in row_ok.values() if not ok)
    co = _s3_coeffs(template)
    ncol = len(K.S3_COLUMNS)
    zero = (0,) * (2 * ncol)
    # state -> (row-violations, score, choice tuple, n_paths with that row-violation count)
    states: dict[tuple, tuple[int, int, tuple, int]] = {zero: (0, 0, (), 1)}
    order = list(cands)
    for key in order:
        a, b = co.get(key, (0, 0))
        nxt: dict[tuple, tuple[int, int, tuple, int]] = {}
        for st, (rv, sc, ch, cnt) in states.items():
            for idx, pieces in enumerate(cands[key]):
                vals = [0 if p == EMPTY else (parse_value(p) or 0) for p in pieces]
                new = tuple(
                    st[i] + a * vals[i] if i < ncol else st[i] + b * vals[i - ncol] for i in range(2 * ncol)
                )
                rv2 = rv + (0 if row_total_ok(_zeros(pieces)) else 1)
                sc2 = sc + placement_score(pieces)
                old = nxt.get(new)
                if old is None or (rv2, sc2) < old[:2]:
                    keep_cnt = cnt + (old[3] if old is not None and old[0] == rv2 else 0)
                    nxt[new] = (rv2, sc2, ch + (idx,), keep_cnt)
                elif old[0] == rv2:
                    nxt[new] = (old[0], old[1], old[2], old[3] + cnt)
        if len(nxt) > 2_000:  # beam: keep the most plausible partial states
            nxt = dict(sorted(nxt.items(), key=lambda kv: kv[1][:2])[:2_000])
        states = nxt
    best = None
    n_opt = 0
    for st, (rv, sc, ch, cnt) in states.items():
        viol = rv + sum(1 for x in st if x != 0)
        if best is None or (viol, sc) < best[:2]:
            if best is None or viol < best[0]:
                n_opt = 0
            best = (viol, sc, ch)
        if viol == best[0]:
            n_opt += cnt
    viol, _sc, ch = best
    return {key: cands[key][i] for key, i in zip(order, ch)}, n_opt, viol


def read_s3(text: str, start: int, end: int, template: str, out: Tables, header_from: int | None = None) -> None:
    """s3 from ``text[start:end]``; its column headers are read from ``text[header_from:start]``."""
    rows = K.s3_rows(template)
    order = [(key, K.S3_PATTERNS[key]) for key in rows]
    anchors = _anchor_rows(text, start, end, order)
    if len(anchors) < 3:
        return
    out.found.add("s3")
    n = len(K.S3_COLUMNS)
    perm, head_warnings = s3_order(text[header_from:start]) if header_from is not None else (None, [])
    out.warnings.extend(head_warnings)

    def canonical(pieces):
        return tuple(pieces[j] for j in perm) if perm else tuple(pieces)

    def total_ok(values) -> bool:
        return row_total_ok(canonical(values))

    cands: dict[str, list[tuple[str, ...]]] = {}
    glued: dict[str, str] = {}
    row_fits: dict[str, bool] = {}
    unread: list[str] = []
    for key, region in _regions(text, anchors, end):
        tokens = tokenize(_S3_GROUP_LABELS.sub(" ", region))
        pieces, why = _row_pieces(region, tokens, n, check=total_ok)
        if why != "glued":
            if why:
                out.warnings.append(f"s3/{key}: {why}")
            cands[key] = [canonical(pieces)]
            continue
        strs = _token_strings(tokens)
        # fewer values than cells: blank cells the text dropped (PDF: separate, well-formed
        # numbers) or glued digits to split (one run, or runs with leading zeros)
        options = placements(strs, n) if _separated(tokens, n) else []
        fitting = [p for p in options if total_ok(_zeros(p))]
        if not fitting and tokens and _splittable(tokens, n):
            # total_splits reads the total as the last cell printed
            fitting = total_splits(strs, n) if not perm or perm[-1] == n - 1 else []
            if not fitting:  # the source's own row total is off: keep the most plausible splits
                best = best_split(strs, [n])
                options += [best.pieces[0]] if best else []
            options += fitting
        if not options:
            out.warnings.append(f"s3/{key}: {len(tokens)} values for {n} cells; row left empty")
            unread.append(key)
            continue
        row_fits[key] = bool(fitting)
        pool = sorted(fitting, key=placement_score)[:200] if fitting else sorted(options, key=placement_score)[:20]
        cands[key] = [canonical(p) for p in pool]
        if len(pool) > 1 or not fitting:
            glued[key] = " ".join(strs)
    if not cands:
        return
    choice, n_opt, viol = _select_s3(cands, template, row_fits)
    if glued and (n_opt > 1 or viol > 0):
        detail = "; ".join(f"{k}: {g!r} -> {'|'.join(map(piece_text, choice[k]))}" for k, g in glued.items())
        if viol > 0:
            out.warnings.append(f"s3: no reading of rows with too few values satisfies every identity ({viol} fail); "
                                f"inferred {detail}")
        else:
            out.warnings.append(f"s3: {n_opt} readings of rows with too few values (glued digits or blank cells) "
                                f"fit the identities; inferred {detail}")
    for key in rows:
        if key in cands:
            out.cells.extend(_cells_from_pieces("s3", key, K.S3_COLUMNS, choice[key]))
        elif key in unread:
            out.cells.extend(Cell("s3", key, c, None, None) for c in K.S3_COLUMNS)


def read_s4(text: str, start: int, end: int, out: Tables, headers: bool = True) -> None:
    region = text[start:end]
    heads = list(_S4_HEADER_WORDS.finditer(region))
    if not heads:
        return
    # the values follow the header block: the first stretch between header words holding 15
    # cells' worth of digits (narrative such as 行政复议2件 before or after the table is skipped),
    # else whatever follows the last header word (a PDF that dropped blank cells)
    tokens = tokenize(region[heads[-1].end() :])
    header_end = heads[-1].end()
    for m, nxt in zip(heads, heads[1:] + [None]):
        seg = tokenize(region[m.end() : nxt.start() if nxt else len(region)])
        if sum(t.digits for t in seg) + sum(t.empty for t in seg) >= 15:
            tokens = seg
            header_end = m.end()
            break
    perm, head_warnings = s4_order(region[:header_end]) if headers else (None, [])
    out.warnings.extend(head_warnings)
    # the results in one printed order in every group: a group's total is where its header puts it
    local = [p % 5 for p in perm[:5]] if perm else list(range(5))

    def group_ok(values) -> bool:
        return row_total_ok([values[j] for j in local])

    if not tokens:
        if region[heads[-1].end():].count("|") < 15:
            return
        tokens = [Token("", empty=True)] * 15  # a table printed with every cell blank
    out.found.add("s4")
    pieces, why = _fit_tokens(tokens, 15)
    groups: list[tuple[str, ...]]
    if why == "glued":
        strs = _token_strings(tokens)
        if _separated(tokens, 15):
            res = best_placement(strs, [5, 5, 5], check=group_ok)
            if (res is None or res.violations) and _splittable(tokens, 15):
                # partly separated runs (``31015 20002 0 0 0 0 0``): split inside each run, the
                # spaces that are there stay cell boundaries
                split = best_split(strs, [5, 5, 5], check=group_ok)
                if split is not None and (res is None or split.violations < res.violations):
                    res = split
        elif not _splittable(tokens, 15):
            res = None
        else:
            res = best_split(strs, [5, 5, 5], check=group_ok) or best_placement(strs, [5, 5, 5], check=group_ok)
        if res is None:
            out.warnings.append(f"s4: {len(tokens)} values for 15 cells; table left empty")
            for r in K.S4_ROWS:
                out.cells.extend(Cell("s4", r, c, None, None) for c in K.S4_COLUMNS)
            return
        groups = res.pieces
        if res.n_fitting > 1 or res.violations:
            what = "fit the group totals" if not res.violations else "exist, none fits every group total"
            out.warnings.append(
                f"s4: {res.n_fitting} readings (glued digits or blank cells) of {' '.join(_token_strings(tokens))!r} {what}; "
                f"inferred {' '.join('|'.join(map(piece_text, g)) for g in groups)}"
            )
    else:
        if why:
            out.warnings.append(f"s4: {why}")
        groups = [tuple(pieces[i : i + 5]) for i in (0, 5, 10)]
    if perm:
        flat = [p for g in groups for p in g]
        flat = [flat[j] for j in perm]
        groups = [tuple(flat[i : i + 5]) for i in (0, 5, 10)]
    for r, g in zip(K.S4_ROWS, groups):
        out.cells.extend(_cells_from_pieces("s4", r, K.S4_COLUMNS, g))


def read_tables(text: str, template_hint: str | None = None, stops: list[int] | None = None,
                headers: bool = True) -> Tables:
    """Read s2, s3 and s4 from a report's text (any flattening). ``headers``: take the columns in the
    order the header lines print them (:mod:`gxnlp.tables.headers`); the grid route, whose values
    are already in canonical order, reads its headers itself.

    >>> t = read_tables("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 713000074 "
    ...                 "二、上年结转政府信息公开申请数量 1000001 （一）予以公开 723000075 "
    ...                 "（七）总计 723000075 四、结转下年度继续办理 0000000")
    >>> [(c.row, c.column, c.value) for c in t.cells][:3]
    [('new_requests', 'natural_person', 71), ('new_requests', 'commercial', 3), ('new_requests', 'research', 0)]
    """
    t = normalize(text) if stops is None else text
    out = Tables()
    # --- s3 first: it is the best anchored table
    # the table's first row, not a sentence (本年度新收申请20件，上年结转1件…) before the table:
    # prefer a label that reads like the row (一、… / …申请数量)
    candidates = [
        m for m in K.S3_PATTERNS["new_requests"].finditer(t)
        if K.S3_PATTERNS["carried_over"].search(t, m.end(), m.end() + 600)
        and K.S3_PATTERNS["granted"].search(t, m.end(), m.end() + 3000)
    ]
    labelled = [m for m in candidates if m.group(0).startswith("一") or _ROW_LABEL_TAIL.match(t, m.end())]
    m_new = (labelled or candidates or [None])[0]
    s3_start = m_new.start() if m_new else None
    h3 = None
    for m in K.RE_S3_HEADING.finditer(t, 0, s3_start if s3_start is not None else len(t)):
        h3 = m
    if h3 is not None and s3_start is not None and s3_start - h3.end() > 1500:
        h3 = None

    # --- s2: between its heading (or 第二十条) and s3
    s2_limit = h3.start() if h3 else (s3_start if s3_start is not None else len(t))
    h2 = None
    for m in K.RE_S2_HEADING.finditer(t, 0, s2_limit):
        h2 = m
    s2_from = h2.end() if h2 else 0
    m2 = K.RE_S2_START.search(t, s2_from, s2_limit)
    while m2 is not None and not (T.RE_S2["2021"].search(t, m2.start(), m2.start() + 400)
                                  or T.RE_S2["2019"].search(t, m2.start(), m2.start() + 400)):
        m2 = K.RE_S2_START.search(t, m2.end(), s2_limit)
    s2_start = m2.start() if m2 else None
    region_s2 = t[s2_start:s2_limit] if s2_start is not None else ""

    # --- s4: after s3 (or anywhere when there is no s3, if its header is there)
    s3_end = len(t)
    s4_start = s4_end = None
    after = 0
    if s3_start is not None:
        m_cf = K.S3_PATTERNS["carried_forward"].search(t, s3_start)
        after = m_cf.end() if m_cf else s3_start
    m4 = K.RE_S4_HEADING.search(t, after)
    while m4 is not None and not _RE_S4_COLUMNS.search(t, m4.end(), m4.end() + 400):
        m4 = K.RE_S4_HEADING.search(t, m4.end())
    if m4:
        s4_start = m4.start()
        m5 = K.RE_AFTER_S4.search(t, m4.end())
        s4_end = m5.start() if m5 else min(len(t), m4.end() + 3000)
        if stops:
            s4_end = min([s4_end] + [x for x in stops if x > s4_start])
    if s3_start is not None:
        if m4 and m4.start() > s3_start:
            s3_end = m4.start()
        else:
            m5 = K.RE_AFTER_S4.search(t, after)
            s3_end = m5.start() if m5 else min(len(t), after + 400)
        if stops:
            s3_end = min([s3_end] + [x for x in stops if x > after])
    region_s3 = t[s3_start:s3_end] if s3_start is not None else ""

    # s2 only where its column headers are (a table, not prose mentioning 行政许可)
    head_s2 = region_s2[:400]
    s2_template = T.template_from_tables(head_s2, "")
    if s2_template is None:
        region_s2 = ""
    template = T.template_from_tables(region_s2, region_s3) or template_hint
    out.template = template
    if s2_start is not None and s2_template is not None:
        read_s2(t, s2_start, min(s2_limit, s2_start + 4000), s2_template, out, headers)
    if s3_start is not None:
        s3_template = T.s3_template(region_s3)
        head_from = h3.end() if h3 is not None else max(0, s3_start - 300)
        read_s3(t, s3_start, s3_end, s3_template, out, header_from=head_from if headers else None)
    if s4_start is not None:
        read_s4(t, s4_start, s4_end, out, headers)
    return out
