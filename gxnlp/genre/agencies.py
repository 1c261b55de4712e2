"""How agencies are named: organisation suffixes, signature lines, agency type and administrative level.

The functions that apply these patterns live in :mod:`gxnlp.structure.agency`; the text stages
(section trimming, statements, reuse) use the signature and suffix patterns directly.

>>> bool(RE_SIGNATURE_ORG.match("淄博市张店区财政局")), bool(RE_SIGNATURE_ORG.match("加强培训，提升水平"))
(True, False)
"""
from __future__ import annotations

import re

from .numerals import CN_ORDINALS, CN_YEAR_DIGITS

#: Endings of the name of a body that signs a report (longest alternatives first where they overlap).
ORG_SUFFIXES: tuple[str, ...] = ("人民政府", "政府", "办公室", "办公厅", "委员会", "管委会", "街道办事处", "办事处", "街道",
                                 "中心", "局", "委", "厅", "院", "部", "镇", "乡")
#: Further endings a breadcrumb's organisation may have (its site's sections name bodies loosely).
BREADCRUMB_ORG_SUFFIXES: tuple[str, ...] = ORG_SUFFIXES + ("办", "会", "所", "公司", "站", "队")

#: A line that is only the signing body's name (no sentence punctuation).
RE_SIGNATURE_ORG = re.compile(rf"^[^\n，,。；;：:]{{2,40}}(?:{'|'.join(ORG_SUFFIXES)})$")
#: A line that is only the signing date (2022年1月20日, 2022-01-20, 二〇二二年一月二十日).
RE_SIGNATURE_DATE = re.compile(
    rf"^(?:\d{{4}}年\d{{1,2}}月\d{{1,2}}日?|\d{{4}}-\d{{1,2}}-\d{{1,2}}|"
    rf"[{CN_YEAR_DIGITS}]{{4}}年[{CN_ORDINALS}]{{1,2}}月[{CN_ORDINALS}]{{1,3}}日?)$"
)
RE_BREADCRUMB_ORG = re.compile(rf"(?:{'|'.join(BREADCRUMB_ORG_SUFFIXES)})$")

#: The government / committee / general-office suffix of a name: a government's report is written by
#: its office, a zone's by its committee (平潭综合实验区管委会 and 平潭综合实验区 are one agency).
RE_GOVERNMENT_SUFFIX = re.compile(
    r"(党工委)?(人民政府办公室|人民政府办公厅|人民政府|政府办公室|管理委员会办公室|管委会办公室|管理委员会|管委会|政府)$"
)

# ---------------------------------------------------------------- agency type
#: The four kinds of reporting body.
GOV_OFFICE, DEPARTMENT, TOWNSHIP, ZONE = AGENCY_TYPES = ("政府办", "部门", "乡镇/街道", "开发区")
RE_ZONE = re.compile(r"开发区|高新区|园区|管委会|管理委员会|实验区|保税区|试验区")
RE_TOWNSHIP = re.compile(r"(?:镇|(?<!城)乡|街道|苏木)(?:人民政府|政府|办事处|党委|党工委)?(?:办公室)?$|街道办事处")
RE_GOV_OFFICE = re.compile(r"政府办|办公[室厅]$|人民政府$")

# ---------------------------------------------------------------- administrative level
#: Levels from the top: 国家 / 省 / 市 / 县 / 乡镇.
LEVELS: tuple[str, ...] = ("国家", "省", "市", "县", "乡镇")
RE_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国)")
#: One administrative unit: 1–8 characters then a unit suffix, avoiding 城乡, 城市, 市场, zones.
RE_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:自治区|省|自治州|地区|(?<!城)市(?!场)|州|盟|自治县|县|旗|"
    r"(?<!发|新|业|园|验|税)区|镇|(?<!城)乡|街道|苏木)"
)
#: Level of each unit suffix.
UNIT_LEVEL: dict[str, str] = {"省": "省", "自治区": "省", "市": "市", "州": "市", "盟": "市", "地区": "市", "自治州": "市",
                              "县": "县", "自治县": "县", "旗": "县", "区": "县", "镇": "乡镇", "乡": "乡镇", "街道": "乡镇",
                              "苏木": "乡镇"}
