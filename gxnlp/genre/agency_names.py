"""Facts of the genre about agency names: the suffixes that name a government body itself,
the suffixes of administrative divisions, and the shipped alias table of known renamings.

A government's report is written by its general office and published under either name
(``洪泽区人民政府`` / ``洪泽区人民政府办公室``) — or the office reports as a department of its own; a
development or experimental zone is governed by its 管理委员会 (管委会), often with a 党工委.
"""
from __future__ import annotations

import re

from . import DATA_DIR

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
