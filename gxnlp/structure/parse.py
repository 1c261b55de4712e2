"""Structure a Document into a Report: title, agency, year, publication date, region, template, sections.

>>> from gxnlp.ingest.read import read_document
>>> from gxnlp.structure.parse import structure
>>> report = structure(read_document("corpora/demo/some_report.txt"))  # doctest: +SKIP
>>> report.agency, report.year, report.template  # doctest: +SKIP
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..genre.agencies import RE_BREADCRUMB_ORG, RE_SIGNATURE_DATE, RE_SIGNATURE_ORG
from ..genre.numerals import CN_ORDINALS, CN_YEAR_DIGITS, cn_year
from ..genre.sections import (HEADING_PATTERNS, RE_MEASURES_SUBHEADING, RE_PROBLEMS_HEADING_LINE, RE_PROBLEMS_SUBHEADING,
                              RE_PROBLEMS_WORDING, RE_TITLE)
from ..genre.templates import TABULAR_TEMPLATES, detect_template
from ..ingest import chrome
from ..model import SECTION_KEYS, Document, Report
from .region import infer_region

_NUM = CN_ORDINALS

# A top-level heading: a Chinese number and 、 at a line start, or inline on flattened pages.
_LINE_HEADING = re.compile(rf"^[ \t]*([{_NUM}]{{1,3}})[ \t]*[、.．][ \t]*(\S.*)$", re.M)
_INLINE_HEADING = re.compile(rf"(?<![{_NUM}第])([{_NUM}]{{1,3}})、 ?(?=\S)")
_MAX_HEADING = 40
_TABLE_ROW_LABEL = re.compile(r"本年新收|上年结转|办理结果|结转下年度|申请数量|\d")
_ANNEX = re.compile(r"附件\s*\d*\s*[：:]|[二][〇○零][一二三四五六七八九〇○零]{2}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?"
                    # a pre-2019 statistics annex (附：政府信息公开情况统计表, or its title right before 指标名称)
                    r"|附[表件]?\s*\d*\s*[：:]?[^。；\n]{0,40}?统计表|[^。；\n]{0,30}统计表[^。]{0,30}?指\s*标\s*名\s*称")
_OTHER_LIKE = re.compile(r"附表|附件|统计表")


@dataclass
class Heading:
    key: str | None
    start: int  # where the heading begins
    body: int  # where the section's text begins (after the heading)
    label: str


def _classify(label: str, anchored: bool) -> tuple[str | None, int]:
    """Canonical key of a heading label and the end of the matched heading text."""
    for key, pattern in HEADING_PATTERNS:
        window = label[:_MAX_HEADING]
        m = pattern.search(window)
        if not m:
            continue
        if anchored and m.start() > 20:
            continue
        # Run the heading to its natural end: 情况/措施/事项 and closing brackets.
        tail = re.match(r"[^。；，,\n]{0,16}?(?:情况|措施|事项|附表|统计表|概述)(?:的说明)?", label[m.end():])
        end = m.end() + (tail.end() if tail and key != "overview" else 0)
        if key == "overview":
            end = m.end()
        return key, end
    return None, 0


def find_headings(text: str) -> list[Heading]:
    """Top-level headings (一、… 十二、) in document order, each classified to a section key or None."""
    headings: list[Heading] = []
    seen: set[int] = set()
    for m in _LINE_HEADING.finditer(text):
        label = m.group(2)
        short = len(label) <= _MAX_HEADING and not re.search(r"[。；]", label[:-1] if label else label)
        key, end = _classify(label, anchored=not short)
        if not short and key is None:
            continue
        body = m.end() if short else m.start(2) + end
        headings.append(Heading(key, m.start(), body, label[: end or _MAX_HEADING] if not short else label))
        seen.add(m.start(1))
    # Inline headings on flattened one-line pages: only those whose label is a known section.
    for m in _INLINE_HEADING.finditer(text):
        if m.start(1) in seen or any(h.start <= m.start() < h.body for h in headings):
            continue
        label = text[m.end(): m.end() + _MAX_HEADING]
        key, end = _classify(label, anchored=True)
        if key is None:
            continue
        headings.append(Heading(key, m.start(), m.end() + end, label[:end]))
    headings.sort(key=lambda h: h.start)
    return headings


def _reflow(text: str) -> str:
    """Join lines a PDF wrapped mid-sentence (narrative sections only)."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if (out and out[-1] and line
                and not re.search(r"[。；：！？」”）)]$", out[-1])
                and not re.match(rf"^(?:[{_NUM}]{{1,3}}、|（[{_NUM}\d]{{1,3}}）|\d{{1,2}}[.、．]|[{_NUM}]是)", line)):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _trim_signature(section: str) -> str:
    lines = section.rstrip().split("\n")
    while lines and (not lines[-1].strip() or RE_SIGNATURE_ORG.match(lines[-1].strip())
                     or RE_SIGNATURE_DATE.match(lines[-1].strip())):
        lines.pop()
    return "\n".join(lines)


def split_sections(doc: Document, warnings: list[str]) -> tuple[dict[str, str | None], dict[str, tuple[int, int]], str]:
    """The six canonical sections (None where absent), their spans, and the preamble."""
    text = doc.text
    headings = find_headings(text)
    # Keep the first occurrence of each key in document order; later duplicates and unknown
    # headings (pre-2019's extra sections, table row labels such as 一、本年新收…) continue
    # the section they fall in.
    # A section starts at the first heading of each key. Later duplicates and table row
    # labels (一、本年新收…) continue the section they fall in. Other unknown headings are
    # pre-2019's extra sections: routed to overview (组织领导, 保密审查, 所属事业单位 … are 总体情况
    # topics in the 2019 format) or, for annexes and statistics tables, to other.
    starts: list[Heading] = []
    assigned: set[str] = set()
    for h in headings:
        if h.key and h.key not in assigned:
            starts.append(h)
            assigned.add(h.key)
        elif h.key is None and h.label and not _TABLE_ROW_LABEL.search(h.label):
            routed = "other" if _OTHER_LIKE.search(h.label) else "overview"
            starts.append(Heading(routed, h.start, h.body, h.label))
            if routed != "overview":
                warnings.append(f"section heading {h.label!r} not in the canonical six; counted as {routed}")
        elif starts and h.key and h.key != starts[-1].key and h.key in ("other", "review_litigation", "requests"):
            pass  # a repeated heading keeps the running section
    preamble_end = starts[0].start if starts else len(text)
    pieces: dict[str, list[tuple[int, int]]] = {}
    for i, h in enumerate(starts):
        end = starts[i + 1].start if i + 1 < len(starts) else len(text)
        pieces.setdefault(h.key, []).append((h.body, end))
    sections: dict[str, str | None] = {}
    spans: dict[str, tuple[int, int]] = {}
    for key in SECTION_KEYS:
        if key in pieces:
            a, b = pieces[key][0][0], pieces[key][-1][1]
            spans[key] = (a, b)
            parts = []
            for x, y in pieces[key]:
                # A later piece keeps its own heading so the joined text stays readable.
                label = next((h.label for h in starts if h.body == x), "") if parts else ""
                parts.append((label + "\n" if label else "") + text[x:y].strip())
            sections[key] = "\n".join(parts).strip()
        else:
            sections[key] = None
    # Headings lost (PDF extraction, flattened pages, renumbered): locate the problems section from
    # what remains -- an unnumbered heading, a sub-heading standing alone, or its wording after the tables.
    if sections["problems"] is None:
        found = locate_problems(text, spans)
        if found is not None:
            start, body, how = found
            nxt = spans.get("other", (len(text), len(text)))[0]
            end = nxt if nxt > body else len(text)
            prev = [k for k in spans if spans[k][1] > start and spans[k][0] < start]
            for k in prev:  # cut the section the problems text fell into
                spans[k] = (spans[k][0], start)
                sections[k] = text[spans[k][0]: start].strip()
            spans["problems"] = (body, end)
            sections["problems"] = text[body: end].strip()
            warnings.append(f"section problems found {how} (no numbered heading)")
    if doc.format == "pdf":
        for key in ("overview", "problems", "other"):
            if sections.get(key):
                sections[key] = _reflow(sections[key])
    if sections.get("problems") and spans["problems"][1] == len(text):
        # Flattened pages run the annexed statistics table and the date into the last section.
        cut = _ANNEX.search(sections["problems"])
        if cut and cut.start() > 0:
            tail = sections["problems"][cut.start():].strip()
            sections["problems"] = sections["problems"][: cut.start()].strip()
            if sections["other"] is None and re.search(r"[\u4e00-\u9fff]{4}", tail):
                sections["other"] = tail
    last = max((k for k in spans), key=lambda k: spans[k][1], default=None)
    if last and sections.get(last):
        sections[last] = _trim_signature(sections[last])
    preamble = text[:preamble_end].strip()
    return sections, spans, preamble


def locate_problems(text: str, spans: dict[str, tuple[int, int]]) -> tuple[int, int, str] | None:
    """Where the problems section is when its numbered heading is missing: ``(start, body, how)``.

    Looked for after the start of the last earlier section found (the tables of s3/s4 come
    before it) and before 其他需要报告的事项: an unnumbered heading line, then a sub-heading
    standing alone (（一）主要问题, with or without （二）改进情况 after it), then the wording of a
    problems paragraph (…但仍存在一些不足…). ``how`` says which, for the warning.
    """
    earlier = [spans[k][0] for k in ("overview", "active_disclosure", "requests", "review_litigation") if k in spans]
    lo = max(earlier, default=0)
    hi = spans["other"][0] if "other" in spans and spans["other"][0] > lo else len(text)
    window = text[lo:hi]
    m = RE_PROBLEMS_HEADING_LINE.search(window)
    if m:
        label = m.group().strip(" \t#*")
        return lo + m.start(), lo + m.end(), f"from its unnumbered heading {label!r}"
    m = RE_PROBLEMS_SUBHEADING.search(window)
    if m:
        label = m.group().strip(" \t#*")
        return lo + m.start(), lo + m.start() + len(m.group()) - len(m.group().lstrip(" \t#*")), \
            f"from its sub-heading {label!r} standing alone"
    m = RE_MEASURES_SUBHEADING.search(window)
    for w in RE_PROBLEMS_WORDING.finditer(window):
        # a paragraph after the tables that speaks of problems (not a table row, not inside the tables)
        para_start = window.rfind("\n", 0, w.start()) + 1
        para = window[para_start: window.find("\n", w.end()) if "\n" in window[w.end():] else len(window)]
        if "|" in para or re.search(r"\d+\s+\d+\s+\d+", para):
            continue
        if m is not None and para_start > m.start():
            break
        return lo + para_start, lo + para_start, f"from its wording {w.group().strip()!r} after the tables"
    return None


# ------------------------------------------------------------------ metadata

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(rf"([{CN_YEAR_DIGITS}]{{4}})\s*年")


def _cn_year(s: str) -> int | None:
    m = _CN_YEAR.search(s)
    if not m:
        return None
    return cn_year(m.group(1))


def find_title(doc: Document) -> str | None:
    meta_title = doc.meta.get("title")
    if meta_title and "报告" in meta_title:
        return meta_title
    lines = [l.strip().strip("#*").strip() for l in doc.text.split("\n")[:25]]
    for i, line in enumerate(lines):
        if len(line) > 80:
            continue
        if not RE_TITLE.search(line):
            # a title printed over two lines: "…2023年政府信息公开" / "工作年度报告"
            nxt = next((l for l in lines[i + 1:i + 3] if l), "")
            joined = line + nxt
            if (nxt and len(joined) <= 80 and "报告" in nxt and not re.search(r"[。，；：]", joined)
                    and re.search(r"公开|政务|年度?$|(?:19|20)\d{2}\s*年", line) and RE_TITLE.search(joined)):
                line = joined
            else:
                continue
        if re.match(rf"^(?:关于)?(?:\d{{4}}|[{CN_YEAR_DIGITS}]{{4}})\s*年", line):
            # "凉州区城市管理综合执法局\n2021年政务信息公开工作年度报告": the agency is on the line above.
            prev = next((l for l in reversed(lines[:i]) if l), "")
            if prev and len(prev) <= 40 and not re.search(r"[。，；：]", prev):
                return prev + line
        return line
    head = doc.text[:600]
    m = re.search(rf"[^\s。，；：“”《》]{{2,40}}?(?:\d{{4}}|[{CN_YEAR_DIGITS}]{{4}})\s*年度?\S{{0,8}}?(?:政府信息公开|政务公开|信息公开)\S{{0,8}}?报告", head)
    if m:
        return m.group(0)
    return meta_title or doc.meta.get("page_title")


def find_agency(title: str | None, doc: Document) -> str | None:
    if title:
        m = re.match(rf"^(.*?)(?:关于)?\s*(?:(?:19|20)\d{{2}}|[{CN_YEAR_DIGITS}]{{4}})\s*年", title)
        if m and m.group(1).endswith("关于"):
            m = re.match(r"^(.*?)关于", title)
        if m and len(m.group(1).strip()) >= 2:
            return m.group(1).strip()
    for key in ("agency", "source_org"):
        if doc.meta.get(key):
            return doc.meta[key]
    crumbs = doc.meta.get("breadcrumb")
    if crumbs:
        for part in reversed(re.split(r"\s*[>＞»]\s*", crumbs)):
            if RE_BREADCRUMB_ORG.search(part) and "公开" not in part:
                return part
    return None


def find_year(title: str | None, doc: Document, preamble: str, warnings: list[str]) -> int | None:
    if title:
        m = _YEAR.search(title)
        if m:
            return int(m.group(1))
        y = _cn_year(title)
        if y:
            return y
    head = (preamble + "\n" + doc.text[:3000])
    m = re.search(r"统计(?:期限|时限|时间段?)\S{0,4}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", head)
    if m:
        warnings.append("year inferred from the statistics period (no year in the title)")
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(doc.text[:3000]))
    if years:
        year = years.most_common(1)[0][0]
        warnings.append(f"year inferred from the text (most mentioned year {year}; no title year)")
        return year
    published = doc.meta.get("published")
    if published and re.match(r"\d{4}", published):
        warnings.append("year inferred as the year before publication")
        return int(published[:4]) - 1
    warnings.append("report year not found")
    return None


def find_published(doc: Document, warnings: list[str] | None = None) -> str | None:
    """The page's publication date; failing that, the date the report is signed (with a warning)."""
    for key in ("published", "written"):
        value = doc.meta.get(key)
        if value:
            date = chrome.iso_date(value)
            if date:
                return date
            if warnings is not None:
                warnings.append(f"{key} date {value[:40]!r} is not a date; ignored")
    tail = doc.text[-300:]
    dates = list(re.finditer(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", tail))
    if dates:
        if warnings is not None:
            warnings.append("publication date not stated; using the date the report is signed")
        return chrome.iso_date(dates[-1].group(0))
    return None


def structure(doc: Document) -> Report:
    """Structure one Document into a Report (never raises on odd content: it warns)."""
    warnings = list(doc.warnings)
    sections, spans, preamble = split_sections(doc, warnings)
    title = find_title(doc)
    if title is None:
        warnings.append("title not found")
    agency = find_agency(title, doc)
    if agency is None:
        warnings.append("agency not found")
    year = find_year(title, doc, preamble, warnings)
    template = detect_template(doc.text, year, warnings)
    if template in TABULAR_TEMPLATES:
        for key in SECTION_KEYS:
            if sections[key] is None:
                warnings.append(f"section {key} missing")
    else:
        for key in ("overview", "problems"):
            if sections[key] is None:
                warnings.append(f"section {key} missing")
    if sections["overview"] is None and preamble and len(preamble) > 80 and template == "pre2019":
        sections["overview"] = preamble
        spans["overview"] = (0, len(preamble))
        warnings.append("section overview inferred from the text before the first section")
    context = " ".join(filter(None, [title, doc.meta.get("agency"), doc.meta.get("source_org"),
                                      doc.meta.get("breadcrumb"), doc.text[:1500]]))
    region = infer_region([agency, title, doc.meta.get("agency"), doc.meta.get("source_org")], context, warnings)
    published = find_published(doc, warnings)
    if published and year and int(published[:4]) < year:
        warnings.append(f"publication date {published} is before the end of the report year {year} (as printed)")
    return Report(
        source=doc.source,
        report_id=doc.report_id,
        title=title,
        agency=agency,
        year=year,
        published=published,
        region=region,
        template=template,
        sections=sections,
        encoding=doc.encoding,
        warnings=warnings,
        section_spans=spans,
        document=doc,
    )


def parse_path(path: str | Path, *, require_report: bool = True, limits=None) -> Report:
    """Read and structure one file (raises :class:`gxnlp.model.IngestError` on a bad file).

    A file that shows no sign of being an annual report (no report title, no template
    sections, no tables that add up: :mod:`gxnlp.structure.detect`) raises the error
    ``not_a_report`` unless ``require_report`` is false. ``limits``: :class:`gxnlp.limits.Limits`.
    """
    from ..ingest.read import read_document
    from ..model import IngestError
    from .detect import report_evidence

    report = structure(read_document(path, limits=limits))
    if require_report:
        evidence = report_evidence(report)
        if not evidence.is_report:
            raise IngestError("not_a_report", f"not an annual report: {evidence.describe()}")
    return report


def parse_record(path: str | Path) -> dict:
    """``gxnlp parse``'s JSON record of one file: the report, or ``{"source", "error"}``.

    A module-level function so it can run in a process pool or on Dask.
    """
    from ..runner import stage_record

    return stage_record(path, "parse")
