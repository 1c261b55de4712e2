"""Turning the text between two row labels into value tokens, and tokens into numbers.

>>> [t.text for t in tokenize(" | 12 | — | +18 | 9116.36万元 |")]
['12', '—', '+18', '9116.36']
>>> parse_value("+18"), parse_value("—"), parse_value("9116.36")
(18, None, 9116.36)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Cell texts that mean "empty" (the value is null, the raw text is kept).
EMPTY_MARKERS: frozenset[str] = frozenset({"—", "——", "-", "--", "–", "―", "/", "\\", "无", "空", "∅", "－", "_"})

#: A page number on a line of its own (``- 4 -``, ``第3页 共6页``); only applied to whole texts.
PAGE_NUMBER = re.compile(r"(?m)^[ \t]*(?:[-—–－][ \t]?\d{1,3}[ \t]?[-—–－]|第[ \t]*\d+[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d+[ \t]*页)?)[ \t]*$")
_ARTICLE_REF = re.compile(r"第\s*[一二三四五六七八九十百\d]+\s*条(?:\s*第\s*\(?\s*[一二三四五六七八九十\d]+\s*\)?\s*项)?")
_LABEL_ENUM = re.compile(r"\d\s*[.、]\s*(?=[\u4e00-\u9fff“\"])")
_CELL_SPLIT = re.compile(r"[|\s\u00a0\u3000]+")
_NUMBER = re.compile(r"(?<![\d.])[+-]?\d+(?:\.\d+)?")
_SIGN_BOUNDARY = re.compile(r"(?<=\d)(?=[+-]\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize(text: str) -> str:
    """NFKC (full-width digits, parentheses, signs -> ASCII), `&nbsp;` debris and page-number
    lines removed."""
    text = unicodedata.normalize("NFKC", text)
    return PAGE_NUMBER.sub("", text.replace("&nbsp;", " ").replace("\u200b", ""))


def strip_noise_keep_lines(region: str) -> str:
    """Article references removed, line structure kept."""
    return _ARTICLE_REF.sub(" ", region)


def strip_noise(region: str) -> str:
    """Remove article references and label enumerators from a value region."""
    region = _ARTICLE_REF.sub(" ", region)
    return _LABEL_ENUM.sub(" ", region)


@dataclass(frozen=True)
class Token:
    """A value found in a row: ``text`` is a number (possibly a glued digit run) or an empty marker."""

    text: str
    empty: bool = False

    @property
    def digits(self) -> int:
        return sum(ch.isdigit() for ch in self.text)


_PIECE = re.compile(r"[+-]?\d+(?:\.\d+)?|—+|–|―|/|无|-")
_MARKER_CHARS = frozenset("—–―/无-")


def _is_marker_here(cell: str, start: int, end: int) -> bool:
    """Inside a cell with other text, a marker counts only next to numbers or other markers
    (``无0无``, ``事项0无``), never inside words (``无法提供``, ``本年增/减``, ``（四）无``)."""
    prev = cell[start - 1] if start > 0 else None
    nxt = cell[end] if end < len(cell) else None

    def near(ch):
        return ch is not None and (ch.isdigit() or ch in _MARKER_CHARS)

    if nxt is not None and not near(nxt):
        return False
    if prev is None or near(prev):
        return prev is not None or near(nxt)
    return near(nxt)


def tokenize(region: str) -> list[Token]:
    """Value tokens of a row's region: numbers and empty markers, in order.

    Label text (CJK) is dropped; ``无``/``—``/``/`` count as empty markers when they stand alone
    or next to numbers. A sign between digits starts a new number (``2648-18538`` -> ``2648``,
    ``-18538``).
    """
    tokens: list[Token] = []
    for cell in _CELL_SPLIT.split(strip_noise(region)):
        if not cell:
            continue
        if cell in EMPTY_MARKERS:
            tokens.append(Token(cell, empty=True))
            continue
        cell = _SIGN_BOUNDARY.sub(" ", _THOUSANDS.sub("", cell))
        for m in _PIECE.finditer(cell):
            t = m.group(0)
            if t[-1].isdigit():
                tokens.append(Token(t))
            elif _is_marker_here(cell, m.start(), m.end()):
                tokens.append(Token(t, empty=True))
    return tokens


_VALID_PIECE = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")


def valid_piece(text: str) -> bool:
    """A number as a table prints it: no leading zeros (except ``0`` itself and ``0.5``)."""
    return _VALID_PIECE.fullmatch(text) is not None


def parse_value(text: str | None, as_float: bool = False) -> int | float | None:
    """The number a cell states, or None for an empty cell / empty marker."""
    if text is None:
        return None
    t = text.strip()
    if not t or t in EMPTY_MARKERS:
        return None
    m = _NUMBER.search(t.replace(",", ""))
    if m is None:
        return None
    s = m.group(0)
    if as_float or "." in s:
        return float(s)
    return int(s)
