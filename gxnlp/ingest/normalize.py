"""Text normalisation: pinyin glosses, traditional -> simplified, full-width forms, whitespace.

Order matters: pinyin glosses are removed first (they sit inside half-width parentheses
that the punctuation step would otherwise convert), then characters are converted.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..genre.numerals import halfwidth

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_CHARS = "a-zü" + _TONED

# A toneless syllable is only taken for a gloss when it is a well-formed pinyin syllable;
# glosses with tone marks are unambiguous.
_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:a|o|e|ai|ei|ao|ou|an|en|ang|eng|ong|er|i|u|ü|v|in|ing|un|ün|ia|ie|iu|ua|uo|ui|ue|üe|ve"
    r"|ian|iao|iang|iong|uai|uan|uang)$"
)
_GLOSS = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\(([" + _PINYIN_CHARS + r"]{1,6})\)")


def _strip_tones(s: str) -> str:
    table = str.maketrans(
        "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm"
    )
    return s.translate(table)


def remove_pinyin_glosses(text: str) -> tuple[str, int]:
    """Remove ``(pīn)`` glosses that follow Chinese characters; return (text, how many).

    >>> remove_pinyin_glosses("張店區(qū)人民政府報(bào)告(一)")
    ('張店區人民政府報告(一)', 2)
    """
    n = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal n
        gloss = m.group(1)
        if any(c in _TONED for c in gloss) or _SYLLABLE.match(_strip_tones(gloss)):
            n += 1
            return ""
        return m.group(0)

    return _GLOSS.sub(repl, text), n


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def traditional_share(text: str, sample: int = 20000) -> float:
    """Share of CJK characters that OpenCC's t2s would change (0 for simplified text)."""
    head = text[:sample]
    cjk = [c for c in head if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    s = "".join(cjk)
    converted = _t2s().convert(s)
    changed = sum(1 for a, b in zip(s, converted) if a != b)
    return changed / len(cjk)


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


_SPACES = {ord(c): " " for c in "\u00a0\u3000\u2002\u2003\u2009\u202f\t"}
_ZERO_WIDTH = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"}
_SPACE_RUN = re.compile(r" {2,}")

_CJK = r"\u3400-\u9fff"
# Half-width punctuation next to Chinese text -> the full-width form these reports use.
_PAREN = re.compile(r"\(([^()\n]{0,60})\)")
_COLON = re.compile(rf"(?<=[{_CJK}）])[ \t]*:[ \t]*")
_COMMA = re.compile(rf"(?<=[{_CJK}）”])[ \t]*,[ \t]*(?=[{_CJK}（“\d])")
_SEMI = re.compile(rf"(?<=[{_CJK}）”])[ \t]*;[ \t]*")
_NBSP_ENTITY = re.compile(r"&nbsp;?|&#160;|&ensp;|&emsp;", re.I)


def _paren(m: re.Match[str]) -> str:
    inner = m.group(1)
    if re.search(rf"[{_CJK}]", inner) or re.fullmatch(r"[一二三四五六七八九十\d]{1,3}", inner):
        return f"（{inner}）"
    return m.group(0)


def normalise_punctuation(text: str) -> str:
    """Full-width ASCII -> ASCII; half-width ( ) : , ; among Chinese text -> full-width."""
    text = halfwidth(text)
    text = _PAREN.sub(_paren, text)
    text = _COLON.sub("：", text)
    text = _COMMA.sub("，", text)
    text = _SEMI.sub("；", text)
    return text


def normalise_whitespace(text: str) -> str:
    """Unify line breaks and spaces; keep the line structure (tables depend on it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NBSP_ENTITY.sub(" ", text)
    text = _SPACE_RUN.sub(" ", text.translate(_SPACES).translate(_ZERO_WIDTH))
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def normalise(text: str, warnings: list[str] | None = None, *, convert_threshold: float = 0.02) -> str:
    """Full normalisation of a document's text; notes what it did in ``warnings``.

    >>> normalise("張店區(qū)人民政府2020年報(bào)告：規章０件")
    '张店区人民政府2020年报告：规章0件'
    """
    warnings = [] if warnings is None else warnings
    text, glosses = remove_pinyin_glosses(text)
    if glosses:
        warnings.append(f"removed {glosses} pinyin glosses")
    share = traditional_share(text)
    if share >= convert_threshold:
        text = to_simplified(text)
        warnings.append(f"converted traditional to simplified characters (OpenCC t2s; {share:.0%} of characters)")
    text = normalise_whitespace(text)
    return normalise_punctuation(text)


_CJK_OR_PUNCT = r"\u3400-\u9fff，。、；：（）“”《》"
_PDF_NUMBER_GAP = re.compile(rf"(?:(?<=[{_CJK_OR_PUNCT}]) |^)(\d+(?:\.\d+)?%?) (?=[{_CJK_OR_PUNCT}])", re.M)


def close_pdf_number_gaps(text: str) -> str:
    """PDF text extraction spaces numbers off from Chinese text (``2024 年``); close those gaps.

    Only numbers with Chinese on both sides (or a line start and Chinese) are touched, so
    table rows such as ``规章 1 0 11`` keep their separators.

    >>> close_pdf_number_gaps("2024 年，全市受理申请 3119 件")
    '2024年，全市受理申请3119件'
    >>> close_pdf_number_gaps("规章 1 0 11")
    '规章 1 0 11'
    """
    return _PDF_NUMBER_GAP.sub(r"\1", text)
