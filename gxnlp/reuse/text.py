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
from dataclasses import dataclass, field

import numpy as np

from ..text.sentences import sentence_bounds

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_BASE = np.uint64(0x100000001B3)


_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-code-point lookup tables of the BMP: kept?, digit?, replacement code point."""
    global _TABLES
    if _TABLES is None:
        keep = np.zeros(0x10000, dtype=bool)
        digit = np.zeros(0x10000, dtype=bool)
        repl = np.arange(0x10000, dtype=np.uint32)
        for i in range(0x10000):
            ch = chr(i)
            c = unicodedata.normalize("NFKC", ch) if i < 0x3400 or i > 0x9FFF else ch
            if len(c) != 1 or not c.isalnum():
                continue
            keep[i] = True
            digit[i] = c.isdigit()
            repl[i] = ord(c.lower()) if len(c.lower()) == 1 else ord(c)
        _TABLES = (keep, digit, repl)
    return _TABLES


def normalise(text: str) -> tuple[str, np.ndarray]:
    """Return ``(norm, offsets)``: the normalised string and each character's offset in ``text``.

    Letters and CJK characters are kept (NFKC-folded, lower-cased), punctuation and space
    dropped, and each run of digits (ignoring dropped characters between them, so
    ``1,000`` is one run) becomes one ``#``.
    """
    if not text:
        return "", np.zeros(0, dtype=np.int64)
    keep_t, digit_t, repl_t = _tables()
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = cp < 0x10000
    idx = np.where(bmp, cp, 0)
    keep = np.where(bmp, keep_t[idx], True)
    digit = np.where(bmp, digit_t[idx], False)
    offs = np.flatnonzero(keep)
    kd = digit[offs]
    first = np.ones(len(offs), dtype=bool)
    first[1:] = ~(kd[1:] & kd[:-1])
    offs = offs[first]
    out = np.where(bmp[offs], repl_t[idx[offs]], cp[offs])
    out = np.where(digit[offs], ord("#"), out).astype(np.uint32)
    return out.tobytes().decode("utf-32-le"), offs.astype(np.int64)


def shingle_hashes(norm: str, n: int) -> np.ndarray:
    """32-bit hashes of every character ``n``-gram of ``norm`` (position ``i`` = gram starting at ``i``).

    A vectorised polynomial hash of the code points, mixed with splitmix64 finalisers:
    deterministic across runs and processes (unlike :func:`hash`).
    """
    if len(norm) < n:
        return np.zeros(0, dtype=np.uint32)
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
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


@dataclass(slots=True)
class Sentence:
    """A sentence of a narrative: original span ``[start, end)`` and normalised span ``[nstart, nend)``."""

    start: int
    end: int
    nstart: int
    nend: int


@dataclass
class ReuseText:
    """The narrative of one report prepared for reuse detection."""

    text: str
    norm: str
    offsets: np.ndarray
    sentences: list[Sentence] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, min_sentence: int = 6) -> ReuseText:
        norm, offsets = normalise(text)
        sentences: list[Sentence] = []
        # sentences end at 。！？； and line breaks; 一是/二是 enumerations and colons stay inside
        bounds = sentence_bounds(text, split_enumerations=False, split_colons=False)
        nbounds = np.searchsorted(offsets, np.asarray(bounds, dtype=np.int64).reshape(-1)).tolist()
        for ns, ne in zip(nbounds[::2], nbounds[1::2]):
            if ne <= ns:
                continue
            if sentences and sentences[-1].nend - sentences[-1].nstart < min_sentence:
                # glue a short fragment (a heading, "一是") to the next sentence
                sentences[-1].nend = ne
            else:
                sentences.append(Sentence(0, 0, ns, ne))
        if sentences:
            starts = offsets[[x.nstart for x in sentences]].tolist()
            ends = offsets[[x.nend - 1 for x in sentences]].tolist()
            for x, a, b in zip(sentences, starts, ends):
                x.start, x.end = a, b + 1
        return cls(text=text, norm=norm, offsets=offsets, sentences=sentences)

    def span(self, nstart: int, nend: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised span ``[nstart, nend)``."""
        if nend <= nstart:
            return (int(self.offsets[nstart]) if nstart < len(self.offsets) else len(self.text),) * 2
        return int(self.offsets[nstart]), int(self.offsets[nend - 1]) + 1
