"""What the title of an annual report looks like.

``[agency] [关于] YEAR 年(度) … 政府信息公开 / 政务公开 … 报告`` (or the year first and the agency after
it), alone on its line. A headline *about* a report (``我市发布2021年政府信息公开工作年度报告``) is not
a title: what precedes the year must be an agency name, which ends like one.
"""
from __future__ import annotations

import re

#: The year of a title, in Arabic or Chinese numerals.
TITLE_YEAR = r"(?:(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})\s*年度?"
#: The genre word of a title.
TITLE_GENRE = r"(?:政府信息公开|政务信息公开|政务公开|信息公开)"
#: How an agency (or place) name ends.
AGENCY_END = r"(?:局|委|办|政府|办公室|院|会|厅|所|中心|委员会|管委会|办事处|街道|镇|乡|公司|站|队|部|署|处|省|市|区|县|州|旗|盟)"

REPORT_TITLE = re.compile(
    rf"^(?:[^\s，。；：！？“”]{{2,40}}?{AGENCY_END}\s*(?:关于)?\s*)?{TITLE_YEAR}[^\s，。；！？]{{0,30}}?{TITLE_GENRE}"
    rf"[^\s，。；！？]{{0,14}}?报告$"
    rf"|^{TITLE_YEAR}[^\s，。；！？]{{2,40}}?{TITLE_GENRE}[^\s，。；！？]{{0,14}}?报告$"
)
#: Markup and quotes a title may be wrapped in (markdown headings, 《》, bold).
TITLE_WRAPPING = re.compile(r"^[#*\s《“\"]+|[*\s》”\"]+$")


def is_report_title(line: str) -> bool:
    """Whether ``line`` (one line of text) is the title of an annual report.

    >>> is_report_title("平潭综合实验区2020年度政府信息公开工作年度报告")
    True
    >>> is_report_title("我市发布2021年政府信息公开工作年度报告")
    False
    """
    line = TITLE_WRAPPING.sub("", line)
    return len(line) <= 80 and bool(REPORT_TITLE.match(line))
