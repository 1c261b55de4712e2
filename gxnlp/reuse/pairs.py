"""Candidate pairs of documents held as one array: a corpus of 50,000 reports has millions of LSH
candidates, and a Python tuple per pair costs ~150 bytes where two int32 cost 8.

>>> p = as_pairs([(3, 1), (0, 2), (1, 3)])
>>> list(p), len(p), p[0]
([(0, 2), (1, 3)], 2, (0, 2))
>>> p == [(0, 2), (1, 3)]
True
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .arrays import sorted_unique


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
    code = sorted_unique(arr[:, 0] * n + arr[:, 1])
    out = np.stack(np.divmod(code, n), axis=1)
    return PairList(out.astype(np.int32) if n < 2**31 else out)


class PairValues(Mapping):
    """A mapping ``{(i, j): (value, ...)}`` held as arrays: the pairs (sorted) and one array per value
    (an aligned candidate's scores cost ~250 bytes as a dict entry of tuples, 28 here)."""

    __slots__ = ("pairs", "columns", "_codes", "_n")

    def __init__(self, pairs: np.ndarray | None = None, columns: Sequence[np.ndarray] = ()):
        pairs = np.zeros((0, 2), dtype=np.int64) if pairs is None else np.asarray(pairs).reshape(-1, 2)
        self._n = int(pairs.max()) + 1 if len(pairs) else 1
        codes = pairs[:, 0].astype(np.int64) * self._n + pairs[:, 1]
        order = np.argsort(codes, kind="stable")
        self.pairs, self._codes = pairs[order], codes[order]
        self.columns = [np.asarray(c)[order] for c in columns]

    @classmethod
    def collect(cls, kinds: str) -> _PairValuesBuilder:
        """A builder: ``add(i, j, *values)`` then ``build()``; ``kinds`` the array typecode of each value."""
        return _PairValuesBuilder(kinds)

    def _find(self, key) -> int:
        try:
            i, j = key
        except (TypeError, ValueError):
            raise KeyError(key) from None
        if not (0 <= i < self._n and 0 <= j < self._n):
            raise KeyError(key)
        code = int(i) * self._n + int(j)
        k = int(np.searchsorted(self._codes, code))
        if k >= len(self._codes) or self._codes[k] != code:
            raise KeyError(key)
        return k

    def __getitem__(self, key) -> tuple:
        k = self._find(key)
        return tuple(c[k].item() for c in self.columns)

    def __contains__(self, key) -> bool:
        try:
            self._find(key)
        except KeyError:
            return False
        return True

    def __iter__(self):
        return iter(map(tuple, self.pairs.tolist()))

    def __len__(self) -> int:
        return len(self.pairs)

    def items(self):
        cols = [c.tolist() for c in self.columns]
        return [(tuple(p), tuple(v)) for p, v in zip(self.pairs.tolist(), zip(*cols))] if cols else \
            [(tuple(p), ()) for p in self.pairs.tolist()]

    def values(self):
        return [v for _, v in self.items()]

    def __eq__(self, other) -> bool:
        return dict(self.items()) == (dict(other.items()) if isinstance(other, Mapping) else other)

    def __repr__(self) -> str:
        return f"PairValues({len(self)} pairs)"

    def __getstate__(self):
        return self.pairs, self.columns, self._codes, self._n

    def __setstate__(self, state):
        self.pairs, self.columns, self._codes, self._n = state


class _PairValuesBuilder:
    def __init__(self, kinds: str):
        self._pairs = array("q")
        self._columns = [array(k) for k in kinds]

    def add(self, i: int, j: int, *values) -> None:
        self._pairs.extend((i, j))
        for col, v in zip(self._columns, values):
            col.append(v)

    def build(self) -> PairValues:
        pairs = np.frombuffer(self._pairs, dtype=np.int64).reshape(-1, 2).copy() if len(self._pairs) else None
        return PairValues(pairs, [np.array(c) for c in self._columns])
