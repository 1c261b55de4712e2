"""Numerals as the reports write them: Chinese numerals (cn2an), years digit by digit, full-width forms.

>>> cn_to_int("二十三"), cn_to_int("十"), cn_to_int("是"), cn_year("二○二一")
(23, 10, None, 2021)
>>> int_to_cn(11)
'十一'
>>> halfwidth("規章０件，占１２％（見附表）")
'規章0件，占12%（見附表）'
"""
from __future__ import annotations

import re
import unicodedata

import cn2an

#: Chinese digits 1-10 as section and enumeration numbers use them (一、 … 十、, （一）, 一是).
CN_ORDINALS = "一二三四五六七八九十"
#: Digits of a year written in Chinese (二〇二一, 二○二一, 二零二一).
CN_YEAR_DIGITS = "〇○零一二三四五六七八九"
_ZERO_FORMS = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇"})

# Full-width ASCII (digits, letters, a few symbols) -> ASCII by NFKC. Chinese punctuation
# (，：；（）) stays full-width: it is the canonical form in these documents.
_FULLWIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ％＋－／．｜＝＞]")


def cn_to_int(text: str, mode: str = "strict") -> int | None:
    """The value of a Chinese numeral (``二十三`` -> 23), None when it is not one.

    ``mode`` is cn2an's: ``strict`` (a well-formed numeral) or ``smart`` (also ``3千``, digits).
    """
    try:
        return int(cn2an.cn2an(text, mode))
    except (ValueError, KeyError, TypeError):
        return None


def cn_year(digits: str) -> int | None:
    """A year written digit by digit (``二〇二一``, ``二○二一``) -> 2021; None unless four digits."""
    digits = digits.translate(_ZERO_FORMS)
    if len(digits) != 4 or any(c not in CN_YEAR_DIGITS for c in digits):
        return None
    try:
        return int(cn2an.cn2an(digits, "normal"))
    except ValueError:
        return None


def int_to_cn(n: int) -> str:
    """A positive integer as a Chinese numeral (11 -> ``十一``)."""
    return cn2an.an2cn(n)


def halfwidth(text: str) -> str:
    """Full-width digits, Latin letters and ``%+-/.|=>`` as ASCII; everything else unchanged."""
    return _FULLWIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
