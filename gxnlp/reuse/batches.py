"""Documents processed a chunk at a time: the normalised texts of consecutive documents joined, so the
numpy work done per document (shingle hashes, lookups, masks, per-sentence medians) is one call per chunk.

A corpus holds tens of thousands of short texts; per-document numpy calls cost more in call overhead
than in arithmetic. A chunk of about ``max_chars`` characters keeps the arrays small (bounded memory)
while amortising that overhead.

>>> from gxnlp.reuse.documents import DocumentState, ReuseDoc
>>> from gxnlp.reuse.text import ReuseText, shingle_hashes
>>> states = [DocumentState(ReuseDoc(str(k), s), ReuseText.from_text(s), "a", np.zeros(len(s), bool), None)
...           for k, s in enumerate(["甲乙丙丁戊", "己庚", "辛壬癸子丑寅"])]
>>> chunk = next(text_chunks(states))
>>> h, valid = chunk.shingles(3)
>>> [h[valid][chunk.doc_of(np.flatnonzero(valid)) == d].tolist() == shingle_hashes(s.text.norm, 3).tolist()
...  for d, s in enumerate(states)]
[True, True, True]
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .text import shingle_hashes


class TextChunk:
    """Consecutive documents ``states[lo:hi]`` (:class:`.documents.DocumentState`) with their normalised
    texts joined: ``norm``, and where each document starts in it (``starts``, one more entry than
    documents: the last is the joined length)."""

    __slots__ = ("states", "lo", "norm", "starts")

    def __init__(self, states: Sequence, lo: int, hi: int):
        self.states = states[lo:hi]
        self.lo = lo
        norms = [s.text.norm for s in self.states]
        self.norm = "".join(norms)
        self.starts = np.zeros(len(norms) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in norms], out=self.starts[1:])

    def __len__(self) -> int:
        return len(self.states)

    def shingles(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``(hashes, valid)`` of the ``n``-grams of the joined text (:func:`.text.shingle_hashes`; position
        ``p`` = the gram starting at ``p``): ``valid`` where the gram lies inside one document, where the
        hash equals that document's own."""
        h = shingle_hashes(self.norm, n)
        valid = np.zeros(len(h) + n, dtype=np.int8)
        ends = self.starts[1:] - n + 1  # the first position of a document whose gram would cross its end
        inside = ends > self.starts[:-1]
        np.add.at(valid, self.starts[:-1][inside], 1)
        np.add.at(valid, ends[inside], -1)
        return h, np.cumsum(valid[:len(h)]) > 0

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        """The chunk's document number (0-based) of each position of the joined text."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def joined(self, masks: Sequence[np.ndarray | None]) -> np.ndarray:
        """One boolean array over the joined text from the documents' masks (None: all False)."""
        out = np.zeros(len(self.norm), dtype=bool)
        for k, m in enumerate(masks):
            if m is not None:
                out[self.starts[k]:self.starts[k + 1]] = m
        return out

    def split(self, joined: np.ndarray) -> list[np.ndarray]:
        """The per-document slices of an array over the joined text."""
        return [joined[self.starts[k]:self.starts[k + 1]] for k in range(len(self.states))]

    def sentence_spans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every sentence of the chunk: ``(start, end, first)`` — normalised start and end in the joined
        text, and per document the number of its first sentence (one more entry than documents)."""
        spans = [s.text.sentences for s in self.states]
        first = np.zeros(len(spans) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in spans], out=first[1:])
        start = np.concatenate([x.nstart.astype(np.int64) + self.starts[k] for k, x in enumerate(spans)]) \
            if spans else np.zeros(0, np.int64)
        end = np.concatenate([x.nend.astype(np.int64) + self.starts[k] for k, x in enumerate(spans)]) \
            if spans else np.zeros(0, np.int64)
        return start, end, first


def text_chunks(states: Sequence, max_chars: int = 1 << 20) -> Iterator[TextChunk]:
    """Consecutive chunks of ``states`` holding about ``max_chars`` normalised characters each."""
    lo, size = 0, 0
    for i, s in enumerate(states):
        size += len(s.text.norm)
        if size >= max_chars:
            yield TextChunk(states, lo, i + 1)
            lo, size = i + 1, 0
    if lo < len(states):
        yield TextChunk(states, lo, len(states))
