"""Sentences and enumeration markers of Chinese narrative: the package's one sentence splitter.

Light (no spaCy): reuse detection and statement extraction call it directly; the spaCy component
``gxnlp_sentences`` (:mod:`gxnlp.text.segment`) sets sentence starts from it.

>>> text = "存在的问题：一是依申请公开办理不规范；二是政务新媒体更新不及时。"
>>> [text[a:b] for a, b in sentence_bounds(text)]
['存在的问题：', '一是依申请公开办理不规范；', '二是政务新媒体更新不及时。']
>>> marker_value("二是"), marker_value("（3）"), marker_value("十二、")
(2, 3, 12)
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..genre.numerals import CN_ORDINALS, cn_to_int

CN_NUM = CN_ORDINALS
#: Enumeration markers, longest alternatives first; group ``style`` names the numbering scheme.
ENUM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("shi", rf"(?:其)?[{CN_NUM}]{{1,3}}是(?=[^是])"),          # 一是 / 二是
    ("paren_cn", rf"[（(][{CN_NUM}]{{1,3}}[）)]"),              # （一）
    ("paren_num", r"[（(]\d{1,2}[）)]"),                         # （1）
    ("num_dot", r"(?<![\d.])\d{1,2}(?:[.．、](?!\d)|\s*[)）])"),  # 1. / 1、 / 1)
    ("cn_dun", rf"[{CN_NUM}]{{1,3}}、"),                       # 一、
    ("circled", r"[①②③④⑤⑥⑦⑧⑨⑩]"),
    ("ordinal", rf"第[{CN_NUM}]{{1,3}}[，,、]"),                 # 第一，
)
ENUM_RE = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in ENUM_PATTERNS))
#: Where an enumeration marker may start a new unit: text start, after punctuation or whitespace.
ENUM_LEFT = set("。；;！!？?：:，,\n \t\u3000\xa0\u200b”\"")
TERMINATORS = "。！？；!?;"
#: Heading words a marker may follow with no punctuation between (``（二）改进措施一是…``).
_HEAD_END = re.compile(r"(?:问题|措施|情况|不足|如下|方面|举措|打算)$")
#: Whitespace trimmed off a sentence.
WS = " \t\n\r\u3000\xa0\u200b"
CLOSERS = "”’」』）)\""


def marker_value(marker: str) -> int | None:
    """The ordinal of an enumeration marker: ``二是`` -> 2, ``（3）`` -> 3, ``①`` -> 1."""
    m = re.search(r"\d+", marker)
    if m:
        return int(m.group())
    if marker and marker[0] in "①②③④⑤⑥⑦⑧⑨⑩":
        return "①②③④⑤⑥⑦⑧⑨⑩".index(marker[0]) + 1
    cn = "".join(ch for ch in marker if ch in CN_NUM)
    if not cn:
        return None
    value = cn_to_int(cn)
    return value if value is not None else cn_to_int(cn[0])  # 一一是: a typo, read as its first numeral


def find_markers(text: str) -> list[tuple[int, int, str, str]]:
    """Enumeration markers that start a unit: ``(start, end, style, marker)``.

    A marker counts only at the start of the text or after punctuation/whitespace, so 统一是 or
    2022.1 are not taken for markers.
    """
    out = []
    for m in ENUM_RE.finditer(text):
        s = m.start()
        if s > 0 and text[s - 1] not in ENUM_LEFT and not _HEAD_END.search(text, max(0, s - 4), s):
            continue
        style = m.lastgroup or ""
        out.append((s, m.end(), style, m.group()))
    return out


def sentence_bounds(text: str, split_enumerations: bool = True, split_newlines: bool = True,
                    terminators: str = TERMINATORS, split_colons: bool = True,
                    closers: str = CLOSERS) -> list[tuple[int, int]]:
    """Character spans of sentences: after a terminator (plus closing quotes), at enumeration
    markers, at line breaks and after a colon (a heading cue such as 存在的问题： is its own unit);
    spans trimmed of whitespace, whitespace-only spans dropped. The one sentence splitter of the
    package: statements and reuse call it with their own options."""
    cuts = {0, len(text)}
    ends = [f"[{re.escape(terminators)}][{re.escape(closers)}]*"]
    if split_newlines:
        ends.append("\n")
    if split_colons:
        ends.append("[：:]")
    for m in re.finditer("|".join(ends), text):
        cuts.add(m.end())
    if split_enumerations:
        for s, _e, _style, _m in find_markers(text):
            cuts.add(s)
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:]):
        seg = text[a:b]
        if seg.strip(WS):
            spans.append((a + len(seg) - len(seg.lstrip(WS)), b - (len(seg) - len(seg.rstrip(WS)))))
    return spans


def sentence_bounds_many(texts: list[str], split_newlines: bool = True, terminators: str = TERMINATORS,
                         split_colons: bool = True, closers: str = CLOSERS) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sentence_bounds` without enumeration markers (``split_enumerations=False``) for many texts
    at once: ``(spans, counts)``, the ``(k, 2)`` int64 spans of every text in order (offsets within their
    own text) and the number of spans of each text. The same spans, found by numpy over the joined texts
    (a call per text costs more than the work in it); the regular expression's rules become: each
    terminator cuts after itself and the closers that follow it, each line break (or colon) after itself.
    """
    counts = np.zeros(len(texts), dtype=np.int64)
    cut_sets = set(terminators) | (set("\n") if split_newlines else set()) | (set("：:") if split_colons else set())
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts)
    try:
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        cp = None
    if cp is None or not terminators or not closers or set(closers) & cut_sets:
        # what the single-text splitter does with such input (or its error), text by text
        per_text = [sentence_bounds(t, split_enumerations=False, split_newlines=split_newlines,
                                    terminators=terminators, split_colons=split_colons, closers=closers)
                    for t in texts]
        counts[:] = [len(b) for b in per_text]
        flat = [span for b in per_text for span in b]
        return np.array(flat, dtype=np.int64).reshape(-1, 2), counts
    if not len(cp):
        return np.zeros((0, 2), dtype=np.int64), counts
    classes = _char_classes(terminators, closers, "".join(sorted(cut_sets - set(terminators))))
    if classes is None:
        cls = np.zeros(len(cp), dtype=np.uint8)
        for bit, chars in ((_TERM, terminators), (_CLOSE, closers), (_CUT, cut_sets - set(terminators)), (_WS, WS)):
            cls[np.isin(cp, np.array(sorted(ord(c) for c in chars), dtype=np.uint32))] |= bit
    else:
        cls = classes[np.where(cp < len(classes), cp, 0)]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # a terminator cuts after the run of closers that follows it, not past the end of its text
    term = np.flatnonzero(cls & _TERM)
    close_start, close_end = _runs(np.flatnonzero(cls & _CLOSE))
    k = np.searchsorted(close_start, term + 1)
    k_ok = k < len(close_start)
    follows = np.zeros(len(term), dtype=bool)
    follows[k_ok] = close_start[k[k_ok]] == term[k_ok] + 1
    run_end = term + 1
    run_end[follows] = close_end[k[follows]]
    text_end = ends[np.searchsorted(ends, term, side="right")]
    plain_cut = np.flatnonzero((cls & (_CUT | _TERM)) == _CUT) + 1
    cuts = np.sort(np.concatenate([starts, ends, np.minimum(run_end, text_end), plain_cut]))
    cuts = cuts[np.r_[True, cuts[1:] != cuts[:-1]]]
    seg_a, seg_b = cuts[:-1], cuts[1:]
    # each segment trimmed to its first and last character that is not whitespace
    ws_start, ws_end = _runs(np.flatnonzero(cls & _WS))
    first, last = seg_a.copy(), seg_b - 1
    k = np.searchsorted(ws_start, seg_a, side="right") - 1
    inside = (k >= 0) & (seg_a < ws_end[k.clip(min=0)] if len(ws_start) else False)
    first[inside] = ws_end[k[inside]]
    k = np.searchsorted(ws_start, last, side="right") - 1
    inside = (k >= 0) & (last < ws_end[k.clip(min=0)] if len(ws_start) else False)
    last[inside] = ws_start[k[inside]] - 1
    keep = first <= last
    a, b = first[keep], last[keep] + 1
    which = np.searchsorted(starts, a, side="right") - 1
    counts[:] = np.bincount(which, minlength=len(texts))
    return np.stack([a - starts[which], b - starts[which]], axis=1), counts


def _runs(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of consecutive ``positions`` (sorted): their starts and ends (exclusive)."""
    if not len(positions):
        return positions, positions
    new = np.flatnonzero(np.diff(positions) != 1) + 1
    return positions[np.r_[0, new]], positions[np.r_[new - 1, len(positions) - 1]] + 1


_TERM, _CLOSE, _CUT, _WS = 1, 2, 4, 8


@lru_cache(maxsize=16)
def _char_classes(terminators: str, closers: str, other_cuts: str) -> np.ndarray | None:
    """Per BMP code point: terminator, closer, other cut (line break, colon) and whitespace bits (None when
    a character is beyond the BMP or NUL, which stands for every character beyond it)."""
    groups = ((_TERM, terminators), (_CLOSE, closers), (_CUT, other_cuts), (_WS, WS))
    if any(c == "\0" or ord(c) > 0xFFFF for _, chars in groups for c in chars):
        return None
    table = np.zeros(0x10000, dtype=np.uint8)
    for bit, chars in groups:
        for c in chars:
            table[ord(c)] |= bit
    return table
