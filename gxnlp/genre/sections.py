"""The sections of a report and the headings that name them."""
from __future__ import annotations

import re

#: The six canonical sections of a report, in document order.
SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "active_disclosure",
    "requests",
    "review_litigation",
    "problems",
    "other",
)

#: The six headings as the 2019 and 2021 templates print them, numbered 一、 to 六、 in this order.
SECTION_TITLES: dict[str, str] = {
    "overview": "总体情况",
    "active_disclosure": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}

#: Narrative sections (the ones segmentation, statements and reuse work on).
NARRATIVE_SECTIONS: tuple[str, ...] = ("overview", "problems")

#: Heading text -> canonical section. Searched in the heading text that follows a top-level
#: number (一、 二、 …). Order matters: the first pattern that matches wins.
HEADING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(p))
    for key, p in (
        ("problems", r"存在的(?:主要)?问题|主要问题(?:及|和|与)(?:改进|整改)|问题(?:及|和|与)改进"),
        ("review_litigation", r"行政复议|复议(?:、|和|及|与)?(?:行政)?诉讼|申诉"),
        ("requests", r"收到和处理政府信息公开申请|依申请公开|政府信息公开申请(?:的)?(?:受理|办理|处理|答复)(?:工作)?情况"),
        ("active_disclosure", r"主动公开"),
        ("overview", r"总体情况|概述|概况|基本情况"),
        ("other", r"其他需要报告|其他需要说明|需要说明的事项|其他事项|需报告的其他事项|其他需报告|统计表$|情况统计表"),
        # pre-2019: fees were charged on requests
        ("requests", r"收费(?:及|和)?(?:减免)?(?:情况)?$|收费(?:及|和)减免"),
    )
)

#: The problems heading when it lost its number (PDF extraction, flattened pages).
RE_PROBLEMS_UNNUMBERED = re.compile(r"(?:存在的主要问题|存在的问题|主要问题)(?:及|和|与)?(?:改进|整改)?(?:情况|措施)?[:：]?")

#: A line that names the report (its title).
RE_TITLE = re.compile(r"(?:政府信息公开|政务公开|政务信息公开|信息公开)\S{0,12}?报告")

# Where the problems section is when its numbered heading is lost (gxnlp.structure.parse.locate_problems).
PROBLEMS_WORDS = r"(?:工作中)?(?:存在的主要问题|存在的问题|存在的不足|主要问题|存在问题|问题和不足|不足之处)"
#: An unnumbered heading line: 存在的主要问题及改进情况 / 政府信息公开工作存在的主要问题和改进措施.
RE_PROBLEMS_HEADING_LINE = re.compile(rf"^[ \t#*]*(?![（(]?[一二三四五六七八九十\d]{{1,2}}[）)、.．])[^\n。；，]{{0,16}}?{PROBLEMS_WORDS}(?:及|和|与)?(?:改进|整改)?(?:情况|措施)?[:：]?[ \t*]*$", re.M)
#: A sub-heading standing alone: （一）主要问题 / 1.存在的问题 / （一）工作中存在的主要问题.
RE_PROBLEMS_SUBHEADING = re.compile(
    rf"^[ \t#*]*(?:[（(][一1][）)]|[一1][、.．])\s*{PROBLEMS_WORDS}[^\n。]{{0,12}}?[:：]?[ \t*]*$", re.M)
#: The subheading of the measures half, to tell a lone measures part: （二）改进情况 / 改进措施.
RE_MEASURES_SUBHEADING = re.compile(
    r"^[ \t#*]*(?:[（(][二2][）)]|[二2][、.．])\s*(?:改进|整改|完善)(?:情况|措施|方向)|^[ \t#*]*(?:下一步工作(?:打算|计划)|改进措施)[:：]?\s*$", re.M)
#: Wording that opens a problems paragraph: 但仍存在一些不足 / 还存在以下问题.
RE_PROBLEMS_WORDING = re.compile(
    r"(?:但|然而|不过|同时)?[^。\n]{0,30}?(?:仍|还|也|依然)?(?:存在|有)(?:着)?(?:一些|一定的?|以下|如下|不少)?(?:的)?(?:不足|问题|差距|短板)")
