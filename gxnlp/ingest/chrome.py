"""Web-page chrome around a report: metadata to keep, navigation and widgets to drop.

Works on normalised text (simplified characters, full-width Chinese punctuation), line by
line, and also inline for pages flattened onto a single line.
"""
from __future__ import annotations

import re

#: Metadata labels as sites print them -> our key.
META_LABELS: dict[str, str] = {
    "标题": "title",
    "文章标题": "title",
    "名称": "title",
    "发布机构": "agency",
    "发文机关": "agency",
    "发布单位": "agency",
    "来源": "source_org",
    "文章来源": "source_org",
    "信息来源": "source_org",
    "发文日期": "published",
    "发布日期": "published",
    "发布时间": "published",
    "成文日期": "written",
    "生成日期": "written",
    "索引号": "index_no",
    "文号": "doc_no",
    "主题分类": "topic",
    "栏目": "column",
    "公开方式": "disclosure",
    "原文链接": "url",
}
_LABEL_ALT = "|".join(sorted(map(re.escape, META_LABELS), key=len, reverse=True))
# "label：value" pairs, several per line allowed (value runs to the next label or a wide gap).
_META_PAIR = re.compile(
    rf"(?:^|[\s|•·]){{1}}\s*({_LABEL_ALT})\s*[：:]\s*\|?\s*(.*?)\s*(?=\s+[^\s：:|]{{1,8}}[：:]|\||$)"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")

#: Lines that are page furniture, whole.
_CHROME_LINE = re.compile(
    r"^(?:[-•·*]\s*)?(?:"
    r"当前位置|您当前的?位置|您的位置|所在位置|首页\s*[>＞»]"
    r"|扫一扫|打印本页|打印本文|关闭窗口|【?打印】?|【?关闭】?|收藏本页|分享到"
    r"|上一篇|下一篇|上一条|下一条|相关阅读|相关链接|相关文章|责任编辑|浏览次数|阅读次数|点击次数|访问次数"
    r"|点击下载|附件下载|下载附件|文件下载|选择阅读字号|字号[：:]?\s*[【\[]?[大中小]|【字体|字体[：:]\s*[大中小]"
    r"|网站地图|联系我们|版权所有|主办单位|承办单位|技术支持|网站标识码|ICP备|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP"
    r"|公网安备|本页面由|返回顶部|返回首页|附件[：:]?$|www\.[\w.]+\s*发布时间"
    r")"
)
# Runs of share/format widgets left inline on flattened pages.
_INLINE_WIDGETS = re.compile(
    r"(?:(?:微信|微博|QQ空间|全真版|文字版|文件下载|字号[：:]?\s*[大中小]{0,3}|打印|关闭|分享到?[：:]?)\s*){2,}"
    r"(?:相关链接[：:]\s*)?(?:-->\s*)?"
)
_TRAILING_WIDGETS = re.compile(r"(?:[ \t]*(?:附件下载|相关附件|【?打印本页】?|【?关闭窗口】?))+[ \t]*$", re.M)
_MD_RULE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
_PAGE_NUMBER = re.compile(r"^[-—–]\s*\d{1,3}\s*[-—–]$|^第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$")


def iso_date(text: str) -> str | None:
    """First date in ``text`` as ``YYYY-MM-DD``.

    >>> iso_date("发布时间：2022年1月25日 10:00")
    '2022-01-25'
    """
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _clean_value(value: str) -> str:
    return value.strip(" |：:").strip()


def extract_meta(lines: list[str], head: int = 40) -> dict[str, str]:
    """Metadata printed in the page head: ``label：value`` pairs and header/value table rows."""
    meta: dict[str, str] = {}
    window = lines[:head]
    for i, line in enumerate(window):
        for label, value in _META_PAIR.findall(line):
            key = META_LABELS[label]
            value = _clean_value(value)
            if value and key not in meta:
                meta[key] = value
        # A header row of labels followed by a row of values: "索引号 | 公开方式 | 发布机构 |"
        cells = [c.strip() for c in line.strip("| ").split("|")]
        if len(cells) >= 2 and all(c in META_LABELS for c in cells if c) and i + 1 < len(window):
            values = [c.strip() for c in window[i + 1].strip("| ").split("|")]
            for label, value in zip(cells, values):
                if label and value and META_LABELS[label] not in meta:
                    meta[META_LABELS[label]] = value
    for key in ("published", "written"):
        if key in meta:
            meta[key] = iso_date(meta[key]) or meta[key]
    return meta


def is_meta_line(line: str) -> bool:
    """A head line that only carries metadata (kept in ``Document.meta``, dropped from text)."""
    stripped = line.strip("| -•·")
    if not stripped:
        return False
    if _META_PAIR.search(" " + line) and len(re.sub(rf"({_LABEL_ALT})\s*[：:]", "", stripped)) < 120:
        return bool(re.match(rf"^[\s|•·-]*({_LABEL_ALT})\s*[：:]", line)) or "|" in line
    cells = [c.strip() for c in stripped.split("|") if c.strip()]
    return len(cells) >= 2 and all(c in META_LABELS for c in cells)


def strip_chrome(text: str, warnings: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """Remove page chrome; return (clean text, metadata found in the head).

    An archive header ending in a ``==== 正文 ====`` rule is read for metadata and dropped.
    """
    warnings = [] if warnings is None else warnings
    lines = text.split("\n")
    for i, line in enumerate(lines[:30]):
        if re.fullmatch(r"=+\s*正文\s*=+", line.strip()):
            meta = extract_meta(lines[:i])
            lines = lines[i + 1:]
            break
    else:
        meta = {}
    for k, v in extract_meta(lines).items():
        meta.setdefault(k, v)
    # Metadata table rows following a header row of labels.
    out: list[str] = []
    dropped = 0
    skip_values_row = False
    for idx, line in enumerate(lines):
        if skip_values_row:
            skip_values_row = False
            dropped += 1
            continue
        if idx < 40 and is_meta_line(line):
            cells = [c.strip() for c in line.strip("| ").split("|") if c.strip()]
            if cells and all(c in META_LABELS for c in cells):
                skip_values_row = True
            dropped += 1
            continue
        if _MD_RULE.match(line) or (line in ("|", "||") and idx < 10):
            dropped += 1
            continue
        if (len(line) < 200 and _CHROME_LINE.search(line)) or _PAGE_NUMBER.match(line):
            if re.search(r"首页\s*[>＞»]", line) and "breadcrumb" not in meta:
                meta["breadcrumb"] = re.sub(r"^.*?首页", "首页", line).strip()
            dropped += 1
            continue
        out.append(line)
    joined = "\n".join(out)
    joined, n_inline = _INLINE_WIDGETS.subn("", joined)
    joined, n_tail = _TRAILING_WIDGETS.subn("", joined)
    n_inline += n_tail
    # Flattened pages start with the breadcrumb inline: "当前位置： 首页政务公开… 来源：X 时间：…"
    m = re.match(r"^\s*(?:当前位置|您当前的?位置)[：:].{0,300}?(?:时间[：:]\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?|(?=根据《))", joined)
    if m:
        crumbs = m.group(0)
        src = re.search(r"来源[：:]\s*(\S+)", crumbs)
        if src:
            meta.setdefault("source_org", src.group(1))
        meta.setdefault("published", iso_date(crumbs[crumbs.find("时间"):]) if "时间" in crumbs else None)
        if meta.get("published") is None:
            meta.pop("published")
        joined = joined[m.end():]
        dropped += 1
    if dropped or n_inline:
        warnings.append(f"stripped web chrome ({dropped + n_inline} items)")
    return joined.strip("\n"), {k: v for k, v in meta.items() if v}
