"""How agencies are named: organisation suffixes, signature lines, agency type and administrative level.

The functions that apply these patterns live in :mod:`gxnlp.structure.agency`; the text stages
(section trimming, statements, reuse) use the signature and suffix patterns directly.

>>> bool(RE_SIGNATURE_ORG.match("淄博市张店区财政局")), bool(RE_SIGNATURE_ORG.match("加强培训，提升水平"))
(True, False)
"""
from __future__ import annotations

import re

from . import DATA_DIR
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


# ---------------------------------------------------------------- identity across years
# (used by gxnlp.panel.identity: one agency key for the reports of one body under changed names)
#: The trailing words that make a name "the government (or zone committee) of <place>".
GOVERNMENT_SUFFIX = re.compile(r"(?:党工委)?(?:人民政府|管理委员会|管委会|政府)$")
#: The trailing words of its general office, which reports as a department of its own in some places
#: and publishes the government's report in others.
OFFICE_SUFFIX = re.compile(r"(?:党工委)?(?:人民政府办公室|人民政府办公厅|人民政府办|政府办公室|政府办公厅|政府办|"
                           r"管理委员会办公室|管委会办公室|党政办公室|党政办)$")
#: Suffixes of county- and city-level divisions; ``洪泽县`` became ``洪泽区`` in a redistricting,
#: so a division is compared by its stem.
DIVISION_SUFFIX = re.compile(r"(?:各族自治县|自治县|自治旗|县|区|市|旗|林区|特区)$")
#: Suffixes of provinces (stem ``福建`` of ``福建省``).
PROVINCE_SUFFIX = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")
#: A name that is a territory (zone, town, street): it stands for the territory's government.
TERRITORY = re.compile(r"(?:实验区|试验区|开发区|高新区|新区|园区|保税区|合作区|示范区|镇|乡|街道)$")
#: The last word of a body's name, its kind (局, 委员会, 办公室 …); two names of one body keep it.
BODY_KIND = re.compile(r"(?:委员会|办公室|办公厅|中心|街道办事处|街道|管理处|服务处|局|厅|委|办|院|所|站|队|镇|乡|部|会|社|馆)$")

#: Short forms of department names, and the names that replaced others one for one in the 2018
#: reorganisation: a body is compared under its current full name.
DEPARTMENT_NAMES: dict[str, str] = {
    "人社局": "人力资源和社会保障局", "人力资源社会保障局": "人力资源和社会保障局",
    "发改局": "发展和改革局", "发展改革局": "发展和改革局", "发改委": "发展和改革委员会", "发展改革委": "发展和改革委员会",
    "住建局": "住房和城乡建设局", "住房城乡建设局": "住房和城乡建设局",
    "卫健局": "卫生健康局", "卫健委": "卫生健康委员会", "卫生和计划生育局": "卫生健康局", "卫生计生局": "卫生健康局",
    "卫生和计划生育委员会": "卫生健康委员会", "卫生计生委": "卫生健康委员会",
    "文旅局": "文化和旅游局", "市场监管局": "市场监督管理局", "城管局": "城市管理局",
    "环境保护局": "生态环境局", "环保局": "生态环境局", "国土资源局": "自然资源局",
    "农业局": "农业农村局", "科技局": "科学技术局", "工信局": "工业和信息化局", "应急局": "应急管理局",
    "医保局": "医疗保障局", "退役军人局": "退役军人事务局",
}

#: The shipped alias table (``name,canonical``): names of one body that neither the gazetteer
#: nor string similarity can join (a county government replaced by a zone committee …).
ALIASES_CSV = DATA_DIR / "agency_aliases.csv"
