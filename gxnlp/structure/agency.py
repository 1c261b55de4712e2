"""Agency type and administrative level, inferred from an agency's name (patterns: :mod:`gxnlp.genre.agencies`).

>>> agency_type("某县人民政府办公室"), agency_type("某镇人民政府"), agency_type("某高新区管委会")
('政府办', '乡镇/街道', '开发区')
>>> agency_type("某市教育局")
'部门'
"""
from __future__ import annotations

import re

from ..genre.agencies import (DEPARTMENT, GOV_OFFICE, RE_GOV_OFFICE, RE_NATIONAL, RE_TOWNSHIP, RE_UNIT, RE_ZONE,
                              TOWNSHIP, UNIT_LEVEL, ZONE)

_UNITS_LONGEST_FIRST = sorted(UNIT_LEVEL, key=len, reverse=True)


def agency_type(name: str | None) -> str | None:
    """政府办 / 乡镇/街道 / 开发区 / 部门, inferred from an agency's name (None if no name).

    Zones first (a 管委会 may have a 办公室), then townships (镇/乡/街道 as the agency's own
    unit, so 住房和城乡建设局 stays a department), then government offices and governments.
    """
    if not name:
        return None
    name = re.sub(r"\s+", "", name)
    if RE_ZONE.search(name):
        return ZONE
    if RE_TOWNSHIP.search(name):
        return TOWNSHIP
    if RE_GOV_OFFICE.search(name):
        return GOV_OFFICE
    return DEPARTMENT


def agency_level(name: str | None) -> str | None:
    """国家 / 省 / 市 / 县 / 乡镇 from the most local administrative unit leading the name (heuristic;
    a county-level city named alone, e.g. 醴陵市, reads as 市).

    >>> [agency_level(n) for n in ("山东省人民政府办公厅", "淄博市教育局", "淄博市张店区财政局",
    ...                            "攸县住房和城乡建设局", "张店区某镇人民政府", "国务院办公厅", "徐州市邳州市卫生健康局")]
    ['省', '市', '县', '县', '乡镇', '国家', '县']
    """
    if not name:
        return None
    name = re.sub(r"\s+", "", name)
    if RE_NATIONAL.match(name):
        return "国家"
    pos, level = 0, None
    while m := RE_UNIT.match(name, pos):
        end = m.end()
        if name[end:end + 1] in ("县", "市", "区", "旗") and name[end:end + 2] != "市场":
            end += 1  # 金乡县, 苏州市: the unit character belonged to the name
        unit = next(u for u in _UNITS_LONGEST_FIRST if name[:end].endswith(u))
        # a 市 under a 市/州 (徐州市邳州市) is a county-level city
        level = "县" if UNIT_LEVEL[unit] == "市" and level == "市" else UNIT_LEVEL[unit]
        pos = end
    return level


def level_with_region(agency: str | None, county: str | None = None, city: str | None = None) -> str | None:
    """:func:`agency_level`, corrected by the report's region (from the gazetteer): an agency named
    after its county-level city (永康市…) is at county level; a body whose name has no unit (a
    development zone) takes the level of the most local division of its region."""
    level = agency_level(agency)
    has = lambda v: isinstance(v, str) and bool(v)  # noqa: E731
    if level == "市" and has(county) and agency and county in agency:
        return "县"
    if level is None and agency:
        return "县" if has(county) else "市" if has(city) else None
    return level
