"""Text units of reuse detection: normalised narrative, sentences and character shingles.

Normalisation keeps letters and CJK characters, drops punctuation and whitespace and
folds every run of digits to one ``#`` (so a sentence copied with this year's numbers
still matches). Each normalised character keeps the offset of its original character,
so every match maps back to a span of the report's own text.

>>> t = ReuseText.from_text("一、总体情况\\n2021年，我局共公开信息75条。")
>>> t.norm
'一总体情况#年我局共公开信息#条'
>>> t.text[t.offsets[7]:t.offsets[11] + 1]
'我局共公开'
>>> len(shingle_hashes(t.norm, 4))
13
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from ..text.sentences import sentence_bounds_many
from .arrays import translate

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_BASE = np.uint64(0x100000001B3)


_CODES: np.ndarray | None = None


def _codes() -> np.ndarray:
    """What normalisation makes of each code point of the BMP: 0 when it is dropped, ``#`` for a digit
    (``#`` itself is dropped, so a ``#`` here is always a digit), else the folded code point."""
    global _CODES
    if _CODES is None:
        codes = np.zeros(0x10000, dtype=np.uint32)
        for i in range(0x10000):
            ch = chr(i)
            c = unicodedata.normalize("NFKC", ch) if i < 0x3400 or i > 0x9FFF else ch
            if len(c) != 1 or not c.isalnum():
                continue
            codes[i] = ord("#") if c.isdigit() else ord(c.lower()) if len(c.lower()) == 1 else ord(c)
        _CODES = codes
    return _CODES


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (a read-only ``uint32`` view of its UTF-32 encoding)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def from_code_points(cp: np.ndarray) -> str:
    """The string of the code points ``cp`` (inverse of :func:`code_points`)."""
    return np.ascontiguousarray(cp, dtype=np.uint32).tobytes().decode("utf-32-le")


def normalise(text: str) -> tuple[str, np.ndarray]:
    """Return ``(norm, offsets)``: the normalised string and each character's offset in ``text``.

    Letters and CJK characters are kept (NFKC-folded, lower-cased), punctuation and space
    dropped, and each run of digits (ignoring dropped characters between them, so
    ``1,000`` is one run) becomes one ``#``.
    """
    if not text:
        return "", np.zeros(0, dtype=np.int64)
    out, offs = _fold(code_points(text))
    first = _run_starts(out)
    return from_code_points(out[first]), offs[first]


def _fold(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kept characters of code points ``cp`` folded (:func:`_codes`; beyond the BMP kept as they
    are), and their positions."""
    out = translate(_codes(), cp)
    offs = np.flatnonzero(out)
    return out[offs], offs


def _run_starts(out: np.ndarray) -> np.ndarray:
    """Which folded characters to keep: all but the second and later digits (``#``) of a run."""
    digit = out == ord("#")
    first = np.ones(len(out), dtype=bool)
    first[1:] = ~(digit[1:] & digit[:-1])
    return first


def normalise_many(texts: list[str]) -> list[tuple[str, np.ndarray]]:
    """:func:`normalise` of each of ``texts``, by numpy over the joined texts (a digit run never
    continues into the next text): the same results, without the cost of a call per text."""
    norm, offs, starts, cuts = _normalise_joined(texts)
    return [(norm[a:b], offs[a:b] - start) for a, b, start in zip(cuts, cuts[1:], starts.tolist())]


def _normalise_joined(texts: list[str]) -> tuple[str, np.ndarray, np.ndarray, list[int]]:
    """The texts joined and normalised: ``(norm, offsets, starts, cuts)``, text ``k`` being
    ``norm[cuts[k]:cuts[k + 1]]``, its characters at ``offsets`` (in the joined text, where it starts at
    ``starts[k]``)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    cp = code_points("".join(texts))  # a lone surrogate raises
    starts = np.cumsum(lengths) - lengths
    out, offs = _fold(cp)
    first = _run_starts(out)
    text_first = np.searchsorted(offs, starts)  # each text's first kept character starts a run
    first[text_first[text_first < len(offs)]] = True
    offs, out = offs[first], out[first]
    cuts = np.searchsorted(offs, np.r_[starts, len(cp)]).tolist()
    return from_code_points(out), offs, starts, cuts


def shingle_hashes(norm: str, n: int) -> np.ndarray:
    """32-bit hashes of every character ``n``-gram of ``norm`` (position ``i`` = gram starting at ``i``).

    A vectorised polynomial hash of the code points, mixed with splitmix64 finalisers:
    deterministic across runs and processes (unlike :func:`hash`).
    """
    if len(norm) < n:
        return np.zeros(0, dtype=np.uint32)
    cp = code_points(norm).astype(np.uint64)
    m = len(cp) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _BASE + cp[j : j + m] + np.uint64(1)
        h ^= h >> np.uint64(30)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(31)
    return (h >> np.uint64(32)).astype(np.uint32)


def shingle_hashes_many(norms: list[str], n: int) -> list[np.ndarray]:
    """:func:`shingle_hashes` of each of ``norms``, hashed in one pass over the joined strings (the
    n-grams that cross from one string into the next are dropped): the same hashes."""
    lengths = [len(t) for t in norms]
    hashes = shingle_hashes("".join(norms), n)
    out, start = [], 0
    for length in lengths:
        out.append(hashes[start:start + length - n + 1] if length >= n else np.zeros(0, dtype=np.uint32))
        start += length
    return out


@dataclass(slots=True)
class Sentence:
    """A sentence of a narrative: original span ``[start, end)`` and normalised span ``[nstart, nend)``."""

    start: int
    end: int
    nstart: int
    nend: int


class Sentences:
    """The sentences of one narrative as one ``(n, 4)`` int32 array of ``start, end, nstart, nend`` (a list
    of :class:`Sentence` objects costs ~170 bytes a sentence): a sequence of :class:`Sentence` made on
    access, with the columns as arrays for vectorised code."""

    __slots__ = ("spans",)

    def __init__(self, spans: np.ndarray | None = None):
        self.spans = np.zeros((0, 4), dtype=np.int32) if spans is None else spans

    @classmethod
    def from_list(cls, sentences: list[Sentence]) -> Sentences:
        spans = np.array([(s.start, s.end, s.nstart, s.nend) for s in sentences], dtype=np.int64).reshape(-1, 4)
        return cls(spans.astype(np.int32) if spans.size == 0 or spans.max() < 2**31 else spans)

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, k: int) -> Sentence:
        if isinstance(k, slice):
            return [Sentence(*row) for row in self.spans[k].tolist()]
        return Sentence(*self.spans[k].tolist())

    def __iter__(self):
        return (Sentence(*row) for row in self.spans.tolist())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __getstate__(self):
        return self.spans

    def __setstate__(self, state):
        self.spans = state

    @property
    def start(self) -> np.ndarray:
        return self.spans[:, 0]

    @property
    def end(self) -> np.ndarray:
        return self.spans[:, 1]

    @property
    def nstart(self) -> np.ndarray:
        return self.spans[:, 2]

    @property
    def nend(self) -> np.ndarray:
        return self.spans[:, 3]


class ReuseText:
    """The narrative of one report prepared for reuse detection: the text, its normalised form and its
    sentences. The offset of each normalised character in ``text`` is kept only when asked for
    (``keep_offsets``); otherwise :attr:`offsets` recomputes it (a corpus holds many texts, and the
    offsets are needed only to map a few spans back)."""

    __slots__ = ("text", "norm", "_offsets", "sentences")

    def __init__(self, text: str, norm: str, offsets: np.ndarray | None = None,
                 sentences: Sentences | list[Sentence] | None = None):
        self.text = text
        self.norm = norm
        self._offsets = offsets
        self.sentences = sentences if isinstance(sentences, Sentences) else Sentences.from_list(sentences or [])

    @classmethod
    def from_text(cls, text: str, min_sentence: int = 6, keep_offsets: bool = True) -> ReuseText:
        return cls.from_texts([text], min_sentence, keep_offsets)[0]

    @classmethod
    def from_texts(cls, texts: list[str], min_sentence: int = 6, keep_offsets: bool = True) -> list[ReuseText]:
        """:meth:`from_text` of each of ``texts``, normalised and split a batch at a time (numpy over the
        joined texts: a call per text costs more than its work)."""
        if not texts:
            return []
        norm, offs, starts, cuts = _normalise_joined(texts)
        # sentences end at 。！？； and line breaks; 一是/二是 enumerations and colons stay inside
        bounds, counts = sentence_bounds_many(texts, split_colons=False)
        # sentence bounds in the joined normalised string (the offsets of all texts are one sorted array)
        owner = np.repeat(np.arange(len(texts)), counts)
        nb = np.searchsorted(offs, (bounds + starts[owner, None]).reshape(-1))
        ns, ne = nb[0::2], nb[1::2]
        keep = ne > ns
        ns, ne, owner = ns[keep], ne[keep], owner[keep]
        # glue a short fragment (a heading, "一是") to the next sentence: a sentence starting a group
        # takes the following ones up to the first that ends min_sentence characters after its start
        last = np.r_[owner[1:] != owner[:-1], True][:len(ns)]
        last_of_text = np.flatnonzero(last)[np.cumsum(np.r_[True, last[:-1]][:len(ns)]) - 1]  # per sentence
        upto = np.minimum(np.searchsorted(ne, ns + min_sentence), last_of_text) if min_sentence > 0 else \
            np.arange(len(ns))
        begins = np.ones(len(ns), dtype=bool)
        nxt = 0
        for k in np.flatnonzero(upto > np.arange(len(ns))).tolist():  # only fragments need the walk
            if k < nxt:
                continue
            j = int(upto[k])
            begins[k + 1:j + 1] = False
            nxt = j + 1
        group = np.flatnonzero(begins)
        group_end = np.append(group[1:], len(ns))[:len(group)] - 1
        n_start, n_end, owner = ns[group], ne[group_end], owner[group]
        text_norm_start = np.asarray(cuts, dtype=np.int64)[owner]
        spans = np.stack([offs[n_start] - starts[owner], offs[n_end - 1] + 1 - starts[owner],
                          n_start - text_norm_start, n_end - text_norm_start], axis=1).astype(np.int64)
        per_text = np.searchsorted(owner, np.arange(len(texts) + 1)).tolist()
        out = []
        for k, text in enumerate(texts):
            a, b, start = cuts[k], cuts[k + 1], int(starts[k])
            mine = spans[per_text[k]:per_text[k + 1]]
            offsets = (offs[a:b] - start).astype(np.int32) if keep_offsets else None
            out.append(cls(text, norm[a:b], offsets, Sentences(mine.astype(np.int32) if len(text) < 2**31 else mine)))
        return out

    @property
    def offsets(self) -> np.ndarray:
        """Offset in ``text`` of each character of ``norm``."""
        return self._offsets if self._offsets is not None else normalise(self.text)[1]

    def drop_offsets(self) -> None:
        """Stop holding the offsets (:attr:`offsets` recomputes them when asked)."""
        self._offsets = None

    def span(self, nstart: int, nend: int, offsets: np.ndarray | None = None) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised span ``[nstart, nend)`` (``offsets``: this text's
        :attr:`offsets`, when the caller holds them)."""
        offsets = self.offsets if offsets is None else offsets
        if nend <= nstart:
            return (int(offsets[nstart]) if nstart < len(offsets) else len(self.text),) * 2
        return int(offsets[nstart]), int(offsets[nend - 1]) + 1

    def __getstate__(self):
        return self.text, self.norm, self._offsets, self.sentences

    def __setstate__(self, state):
        self.text, self.norm, self._offsets, self.sentences = state

    def __eq__(self, other) -> bool:
        return isinstance(other, ReuseText) and (self.text, self.norm) == (other.text, other.norm) \
            and self.sentences == other.sentences

    def __repr__(self) -> str:
        return f"ReuseText({self.text[:30]!r}, {len(self.sentences)} sentences)"
