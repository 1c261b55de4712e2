"""Candidate pairs of documents held as one array: a corpus of 50,000 reports has millions of LSH
candidates, and a Python tuple per pair costs ~150 bytes where two int32 cost 8.

>>> p = as_pairs([(3, 1), (0, 2), (1, 3)])
>>> list(p), len(p), p[0]
([(0, 2), (1, 3)], 2, (0, 2))
>>> p == [(0, 2), (1, 3)]
True
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class PairList(Sequence):
    """Pairs ``(i, j)``, ``i < j``, sorted and distinct, as an ``(n, 2)`` integer array (:attr:`array`);
    a sequence of ``(int, int)`` tuples to the reader."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray | None = None):
        self.array = np.zeros((0, 2), dtype=np.int32) if array is None else array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return PairList(self.array[k])
        i, j = self.array[k].tolist()
        return (i, j)

    def __iter__(self):
        return iter(map(tuple, self.array.tolist()))

    def __eq__(self, other) -> bool:
        if isinstance(other, PairList):
            return np.array_equal(self.array, other.array)
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"PairList({len(self)} pairs)"

    def __getstate__(self):
        return self.array

    def __setstate__(self, state):
        self.array = state

    def select(self, keep: np.ndarray) -> PairList:
        """The pairs where the boolean ``keep`` is true."""
        return PairList(self.array[keep])


def as_pairs(pairs: Iterable[tuple[int, int]] | np.ndarray) -> PairList:
    """Pairs in any order or orientation (an iterable of 2-tuples or an ``(n, 2)`` array) as a sorted,
    distinct :class:`PairList` of ``(min, max)``."""
    if isinstance(pairs, PairList):
        arr = pairs.array
    elif isinstance(pairs, np.ndarray):
        arr = pairs.reshape(-1, 2)
    else:
        arr = np.array(list(pairs) if not isinstance(pairs, Sequence) else pairs, dtype=np.int64).reshape(-1, 2)
    if not len(arr):
        return PairList()
    arr = np.sort(arr.astype(np.int64, copy=False), axis=1)
    n = int(arr[:, 1].max()) + 1
    code = np.unique(arr[:, 0] * n + arr[:, 1])
    out = np.stack(np.divmod(code, n), axis=1)
    return PairList(out.astype(np.int32) if n < 2**31 else out)
