"""Recovering cells from glued digit runs (``713000074`` -> 71 3 0 0 0 0 74).

A row's tokens (see :mod:`gxnlp.tables.cells`) are split into the row's number of cells. A space
or any other separator is always a cell boundary; inside a run every boundary is possible, but no
piece may have a leading zero (``07``). Which split is right is decided by the table identities:
the caller passes a ``check`` (does a group of cells satisfy its identity?) and a ``score``
(lower = more plausible, by default "fewest long numbers": the sum of squared digit counts).

>>> best_split(["713000074"], [7], check=row_total_ok).values
[(71, 3, 0, 0, 0, 0, 74)]
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from .cells import EMPTY_MARKERS, parse_value, valid_piece

EMPTY = "\x00"  # an empty-marker token occupies exactly one cell
#: Search steps allowed per enumeration: a pathological digit run cannot stall a corpus run.
NODE_BUDGET = 100_000


def _atoms(tokens: Sequence[str]) -> str:
    """Tokens joined into one string: ' ' is a forced boundary, EMPTY a one-cell empty marker."""
    return " ".join(EMPTY if t in EMPTY_MARKERS else t for t in tokens)


def _value(piece: str):
    return None if piece == EMPTY else parse_value(piece)


def sumsq(pieces: Sequence[str]) -> int:
    """Fewest-long-numbers score: sum of squared digit counts."""
    return sum(sum(c.isdigit() for c in p) ** 2 for p in pieces)


def _groups_from(s: str, p: int, k: int, cap: int = 200_000,
                 budget: list[int] | None = None) -> list[tuple[int, tuple[str, ...]]]:
    """All ways to read ``k`` pieces from position ``p``: (end position, pieces).
    ``budget`` (a one-item list) bounds the search steps, shared between calls."""
    out: list[tuple[int, tuple[str, ...]]] = []
    budget = [NODE_BUDGET] if budget is None else budget

    def rec(pos: int, left: int, acc: tuple[str, ...]) -> None:
        budget[0] -= 1
        if len(out) >= cap or budget[0] < 0:
            return
        while pos < len(s) and s[pos] == " ":
            pos += 1
        if left == 0:
            out.append((pos, acc))
            return
        if pos >= len(s):
            return
        if s[pos] == EMPTY:
            rec(pos + 1, left - 1, acc + (EMPTY,))
            return
        end = pos
        while end < len(s) and s[end] not in (" ", EMPTY):
            end += 1
        # the piece is s[pos:j]; the rest of the run must still hold >= 1 digit per later piece
        for j in range(pos + 1, end + 1):
            piece = s[pos:j]
            if j < end and s[j] == ".":
                continue  # never cut just before a decimal point
            if not valid_piece(piece) or ("." in piece and j < end):
                continue  # a decimal's fraction is never cut
            rec(j, left - 1, acc + (piece,))

    rec(p, k, ())
    return out


def all_splits(tokens: Sequence[str], n: int, cap: int = 200_000) -> list[tuple[str, ...]]:
    """Every split of ``tokens`` into exactly ``n`` cells (raw pieces, EMPTY for markers)."""
    s = _atoms(tokens)
    return [pieces for end, pieces in _groups_from(s, 0, n, cap) if s[end:].strip() == ""]


def row_total_ok(values: Sequence) -> bool:
    """The last value equals the sum of the others (unknown when any is empty)."""
    if any(v is None for v in values):
        return True
    return abs(sum(values[:-1]) - values[-1]) < 1e-6


@dataclass
class SplitResult:
    #: chosen pieces per group (raw strings; EMPTY for a marker) and their values
    pieces: list[tuple[str, ...]]
    values: list[tuple]
    #: number of splits that satisfy as many group checks as the chosen one (1 = unambiguous)
    n_fitting: int
    #: number of groups whose check fails in the chosen split
    violations: int


def _min_over_groups(n_groups: int, done: Callable[[int], bool],
                     readings: Callable[[int, int], Iterable[tuple[int, tuple[str, ...], Sequence, float]]],
                     check: Callable[[Sequence], bool] | None) -> SplitResult | None:
    """Dynamic programming over consecutive groups: ``readings(g, pos)`` yields each way to read group
    ``g`` from position ``pos`` as ``(next_pos, pieces, checked_values, score)``; ``done(pos)`` says
    whether the input is used up. Minimises (failed checks, summed score); counts the readings with
    the minimal number of failed checks (capped at 10**6)."""

    @lru_cache(maxsize=None)
    def solve(g: int, pos: int):
        if g == n_groups:
            return (0, 0.0, (), 1) if done(pos) else None
        best = None
        counts: dict[int, int] = {}
        for nxt, pieces, checked, sc in readings(g, pos):
            sub = solve(g + 1, nxt)
            if sub is None:
                continue
            viol = (0 if check is None or check(checked) else 1) + sub[0]
            counts[viol] = min(10**6, counts.get(viol, 0) + sub[3])
            cand = (viol, sc + sub[1], (pieces,) + sub[2])
            if best is None or cand[:2] < best[:2]:
                best = cand
        if best is None:
            return None
        return (best[0], best[1], best[2], counts[best[0]])

    res = solve(0, 0)
    if res is None:
        return None
    viol, _, groups, n_fit = res
    return SplitResult(pieces=list(groups), values=[tuple(_value(x) for x in grp) for grp in groups],
                       n_fitting=n_fit, violations=viol)


def best_split(
    tokens: Sequence[str],
    group_sizes: Sequence[int],
    check: Callable[[Sequence], bool] | None = None,
    score: Callable[[tuple[str, ...], tuple], float] | None = None,
) -> SplitResult | None:
    """The most plausible split of ``tokens`` into consecutive groups of ``group_sizes`` cells.

    Minimises (failed checks, score) by dynamic programming over groups; ``n_fitting`` counts
    the splits with the minimal number of failed checks (capped at 10**6).
    Returns None when the tokens cannot make that many cells.
    """
    s = _atoms(tokens)
    score = score or (lambda pieces, values: sumsq(pieces))
    sizes = tuple(group_sizes)
    budget = [NODE_BUDGET]

    def readings(g: int, p: int):
        for end, pieces in _groups_from(s, p, sizes[g], budget=budget):
            values = tuple(_value(x) for x in pieces)
            yield end, pieces, values, score(pieces, values)

    return _min_over_groups(len(sizes), lambda p: s[p:].strip() == "", readings, check)


# ------------------------------------------------------------------ empty cells dropped (PDF text)

def placements(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """Ways to put ``tokens`` (in order) into ``n`` cells, the others empty (EMPTY).

    PDF text drops blank cells: ``一、本年新收… 1 1`` is a 7-cell row with five blanks. Only
    tokens that are numbers as printed (no leading zeros) or empty markers can be placed.
    """
    k = len(tokens)
    if k > n or any(not (t in EMPTY_MARKERS or valid_piece(t)) for t in tokens):
        return []
    out = []
    for pos in combinations(range(n), k):
        cells = [EMPTY] * n
        for p, t in zip(pos, tokens):
            cells[p] = t
        out.append(tuple(cells))
    return out


def placement_score(pieces: Sequence[str]) -> float:
    """Fewest long numbers, then values as far left as possible (natural persons, first columns)."""
    return sumsq([p for p in pieces if p != EMPTY]) + 0.01 * sum(i for i, p in enumerate(pieces) if p != EMPTY)


def best_placement(tokens: Sequence[str], group_sizes: Sequence[int],
                   check: Callable[[Sequence], bool] | None = None) -> SplitResult | None:
    """Like :func:`best_split`, but cells missing from the tokens are blanks, not glued digits."""
    toks = tuple(tokens)
    sizes = tuple(group_sizes)

    def readings(g: int, i: int):
        for j in range(i, min(len(toks), i + sizes[g]) + 1):
            for pieces in placements(toks[i:j], sizes[g]):
                values = (None if p == EMPTY else parse_value(p) for p in pieces)
                filled = [0 if v is None else v for v in values]
                yield j, pieces, filled, placement_score(pieces)

    return _min_over_groups(len(sizes), lambda i: i == len(toks), readings, check)


def total_splits(tokens: Sequence[str], n: int, cap: int = 50_000) -> list[tuple[str, ...]]:
    """The splits of ``tokens`` into ``n`` cells whose last cell is the sum of the others
    (the row-total identity), enumerated with pruning: the total is chosen first, then the
    other cells may never add up beyond it. Empty markers count as 0.
    """
    s = _atoms(tokens).rstrip()
    out: list[tuple[str, ...]] = []
    budget = [NODE_BUDGET]
    # the total is a suffix of the last run (or an empty marker)
    run_start = max(s.rfind(" "), s.rfind(EMPTY) if not s.endswith(EMPTY) else -1) + 1
    totals = [len(s) - 1] if s.endswith(EMPTY) else [j for j in range(run_start, len(s)) if valid_piece(s[j:])]
    for j in totals:
        total_piece = s[j:]
        total = 0 if total_piece == EMPTY else parse_value(total_piece)
        prefix = s[:j].rstrip()
        if j > 0 and s[j - 1] not in (" ", EMPTY) and "." in s[j - 1: j + 1]:
            continue

        def rec(pos: int, left: int, acc: tuple[str, ...], partial: float) -> None:
            budget[0] -= 1
            if len(out) >= cap or partial > total + 1e-9 or budget[0] < 0:
                return
            while pos < len(prefix) and prefix[pos] == " ":
                pos += 1
            if left == 0:
                if pos >= len(prefix) and abs(partial - total) < 1e-6:
                    out.append(acc + (total_piece,))
                return
            if pos >= len(prefix):
                return
            if prefix[pos] == EMPTY:
                rec(pos + 1, left - 1, acc + (EMPTY,), partial)
                return
            end = pos
            while end < len(prefix) and prefix[end] not in (" ", EMPTY):
                end += 1
            for k in range(pos + 1, end + 1):
                piece = prefix[pos:k]
                if not valid_piece(piece) or ("." in piece and k < end) or (k < end and prefix[k] == "."):
                    continue
                v = parse_value(piece)
                if v is None or v > total + 1e-9:
                    break  # longer pieces only grow
                rec(k, left - 1, acc + (piece,), partial + v)

        rec(0, n - 1, (), 0)
    return out
