"""Integer-array steps the reuse detector repeats over millions of values: distinct values, runs of equal
values, positions in a sorted table, membership, running totals — each by sorts and searches that numpy
does fast (numpy 2's hashing ``np.unique`` is far slower on millions of integers than one sort)."""
from __future__ import annotations

import numpy as np


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers by one sort (numpy 2's hashing ``unique`` is far slower on millions of them)."""
    a = np.sort(a)
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def sorted_positions(table: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Position of each of ``queries`` in the sorted, distinct ``table`` of 32-bit hashes (-1 where absent).

    ``table`` can hold every shingle of a corpus (millions): a binary search per query reads scattered
    entries. The queries are sorted first (with their positions, as one 64-bit key: faster than an
    argsort) and each distinct value is searched once, consecutive searches reading neighbouring
    entries (numpy starts from the previous key's result when keys are sorted): ~5x faster here."""
    queries = np.asarray(queries, dtype=np.uint32)
    out = np.full(len(queries), -1, dtype=np.int64)
    if len(queries) == 0 or len(table) == 0:
        return out
    if len(queries) >= 2**32:  # positions do not fit beside the value in one key
        order = np.argsort(queries, kind="stable")
        ordered = queries[order]
    else:
        key = np.sort((queries.astype(np.uint64) << np.uint64(32)) | np.arange(len(queries), dtype=np.uint64))
        ordered = (key >> np.uint64(32)).astype(np.uint32)
        order = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
        del key
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    distinct = ordered[new]
    pos = np.searchsorted(table, distinct).clip(max=len(table) - 1)
    found = np.where(table[pos] == distinct, pos, -1)
    out[order] = found[np.cumsum(new) - 1]
    return out


def contains(table: np.ndarray, queries: np.ndarray, prefilter_bits: int = 20) -> np.ndarray:
    """Whether each of ``queries`` is in the sorted, distinct ``table`` of 32-bit hashes.

    For a table of mined stock (thousands of hashes, a million queries per chunk) a bitmap of the table's
    top ``prefilter_bits`` bits (one byte per value: 1 MB) rules most queries out by one lookup each; only
    the rest are searched (:func:`sorted_positions`). A table of more than a quarter of the bitmap's size
    would let a quarter or more of the absent queries through: it is searched whole."""
    queries = np.asarray(queries, dtype=np.uint32)
    if len(table) > (1 << prefilter_bits) // 4:
        return sorted_positions(table, queries) >= 0
    shift = np.uint32(32 - prefilter_bits)
    bitmap = np.zeros(1 << prefilter_bits, dtype=bool)
    bitmap[np.asarray(table, dtype=np.uint32) >> shift] = True
    maybe = np.flatnonzero(bitmap[queries >> shift])
    hit = np.zeros(len(queries), dtype=bool)
    hit[maybe] = sorted_positions(table, queries[maybe]) >= 0
    return hit


def equal_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal ``values`` (sorted, or grouped) starts, and its length:
    ``np.unique(return_index=True, return_counts=True)`` of sorted values without the sort."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return first, np.diff(np.r_[first, len(values)])


def running_total(values: np.ndarray) -> np.ndarray:
    """``r[i]`` = the sum of ``values[:i]`` (``int64``, one more entry than ``values``): the count of set
    flags before each position, or where each of consecutive lengths starts."""
    r = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=r[1:])
    return r


def grams_clear_of(mask: np.ndarray, valid: np.ndarray, n: int) -> np.ndarray:
    """Per ``n``-gram position (``valid``: the grams that count, one per position of a text of
    ``len(valid) + n - 1`` characters or more): valid and touching no character of ``mask``."""
    masked = running_total(mask)
    return valid & (masked[n: n + len(valid)] == masked[: len(valid)])


def translate(table: np.ndarray, cp: np.ndarray) -> np.ndarray:
    """``table[c]`` for each code ``c`` of ``cp`` inside the table, ``c`` itself beyond it (a new array)."""
    cp = np.asarray(cp)
    if not len(cp) or int(cp.max()) < len(table):
        return table[cp]
    inside = cp < len(table)
    return np.where(inside, table[np.where(inside, cp, 0)], cp) if len(table) else cp.copy()
