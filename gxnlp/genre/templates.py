"""The three generations of the report and how to tell which one a report follows.

``pre2019`` (2008 regulation, free structure), ``2019`` (国办公开办函〔2019〕60号) and ``2021``
(国办公开办函〔2021〕30号). A report's tables say which template it follows (their column headers
and the 2021-only rows of s3); the report year says which one it should follow.

>>> template_for_year(2018), template_for_year(2020), template_for_year(2024), template_for_year(None)
('pre2019', '2019', '2021', None)
>>> template_from_text("规章 | 本年制发件数 | 本年废止件数 | 现行有效件数 |")
'2021'
"""
from __future__ import annotations

import re

from .table_keys import kw

#: Every value of ``Report.template``.
TEMPLATES: tuple[str, ...] = ("2021", "2019", "pre2019", "unknown")
#: The templates with the three statistical tables.
TABULAR_TEMPLATES: tuple[str, ...] = ("2019", "2021")

#: First report year of each tabular template.
FIRST_YEAR: dict[str, int] = {"2019": 2019, "2021": 2021}


def template_for_year(year: int | None) -> str | None:
    """The template a report of ``year`` should follow (None when the year is unknown)."""
    if year is None:
        return None
    if year >= FIRST_YEAR["2021"]:
        return "2021"
    if year >= FIRST_YEAR["2019"]:
        return "2019"
    return "pre2019"


def tabular_template(template: str | None, year: int | None) -> str | None:
    """The tabular template to read tables by: the detected one, else the year's (None for pre-2019/unknown)."""
    if template in TABULAR_TEMPLATES:
        return template
    by_year = template_for_year(year)
    return by_year if by_year in TABULAR_TEMPLATES else None


#: Words only one template prints in its tables: s2 column headers (and 2019's 其他对外管理服务事项 row),
#: 2021's three （六） rows of s3. Each is part of a label of :mod:`table_keys` (a test checks).
S2_MARKERS: dict[str, tuple[str, ...]] = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额"),
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量", "采购总金额",
             "其他对外管理服务事项"),
}
S3_MARKERS_2021: tuple[str, ...] = ("逾期不补正", "逾期未按收费", "申请人无正当理由逾期")

RE_S2: dict[str, re.Pattern[str]] = {t: re.compile("|".join(kw(w) for w in words)) for t, words in S2_MARKERS.items()}
RE_S3_2021 = re.compile("|".join(kw(w) for w in S3_MARKERS_2021))
#: The six-section structure of the tabular templates, seen without its tables.
RE_SIX_SECTIONS = re.compile(kw("收到和处理政府信息公开申请") + "|" + kw("本年新收政府信息公开申请"))


def s3_template(s3_text: str) -> str:
    """2021 when the s3 text has the 2021-only rows, else 2019."""
    return "2021" if RE_S3_2021.search(s3_text) else "2019"


def template_from_tables(s2_text: str, s3_text: str) -> str | None:
    """The template of a report's tables: s2's column headers first, then s3's 2021-only rows."""
    for template in ("2021", "2019"):
        if RE_S2[template].search(s2_text):
            return template
    return "2021" if RE_S3_2021.search(s3_text) else None


def template_from_text(text: str) -> str | None:
    """The template whose table words occur anywhere in a report's text (2021's first)."""
    if RE_S2["2021"].search(text) or RE_S3_2021.search(text):
        return "2021"
    return "2019" if RE_S2["2019"].search(text) else None


def detect_template(text: str, year: int | None, warnings: list[str]) -> str:
    """``2021``, ``2019``, ``pre2019`` or ``unknown`` for a report: its tables' labels first, then its year."""
    by_table = template_from_text(text)
    by_year = template_for_year(year)
    if by_table:
        if by_year and by_year != by_table:
            warnings.append(f"tables follow the {by_table} template although the report year {year} implies {by_year}")
        return by_table
    if RE_SIX_SECTIONS.search(text):
        if by_year in TABULAR_TEMPLATES:
            return by_year
        warnings.append("six-section report without recognisable tables; template from year unknown")
        return "unknown" if by_year is None else ("2019" if by_year == "pre2019" else by_year)
    if by_year == "pre2019":
        return "pre2019"
    if by_year is None:
        return "unknown"
    warnings.append(f"report year {year} but no 2019/2021 template structure found")
    return "unknown"
