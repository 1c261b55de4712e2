"""Split a report's ``problems`` section into problem and measure statements.

Handles the forms the genre uses: ``一是…二是…``, ``1.…``/``（1）``, ``（一）存在的问题 …（二）改进措施``,
``当前存在的问题：…改进情况：…``, a following future-tense paragraph (``2022年，我办将……``,
``下一步，我市将…``), pre-2019 ``存在的主要问题及改进措施`` with measures numbered 1. 2., and prose lists
(``主要表现在：一是…``, ``如：A；B；C``, ``存在A、B、C等问题``). Intro sentences such as
``取得了一定成效，但仍存在一些问题：`` and group labels (``（三）进一步规范政府信息公开行为`` followed by
``1、…2、…``) are not statements; trailing signatures, dates and web chrome are dropped.

The splitter works on units: pieces of text cut at 。！？, line breaks, colons and enumeration markers
(see :func:`gxnlp.text.sentence_bounds`). A small state machine tracks the current kind (problem
until a measure cue) and the open enumerated item, to which unnumbered sentences are appended.

Example:
    >>> from gxnlp.text.statements import split_statements
    >>> text = ("2022年，我办政务公开工作取得了一定成效，但仍存在一些问题：一是政策解读形式单一；"
    ...         "二是工作人员多为兼职。2023年，我办将加强培训；丰富解读形式。")
    >>> [(s.kind, s.text) for s in split_statements(text)]
    [('problem', '政策解读形式单一；'), ('problem', '工作人员多为兼职。'), ('measure', '2023年，我办将加强培训；'), ('measure', '丰富解读形式。')]
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from ..genre.agencies import RE_SIGNATURE_ORG
from .sentences import ENUM_RE, WS, marker_value, sentence_bounds


#: A unit that opens the measures part (heading, intro or future-tense sentence).
MEASURE_CUE = re.compile(
    r"改进(?:情况|措施|方向|计划|举措)|完善措施|整改措施|(?:下一步|下步|今后|明年)(?:工作)?(?:打算|措施|计划|方向|思路)?"
    r"|(?:\d{4}|二[〇○零一二三]{3})年(?:度)?[^。；;]{0,40}?(?:将|拟|计划|要)"
    r"|(?:我们|我[区市县局办委镇乡省厅院部]|本[单机]位|本机关|区政府办公室|[^。，,；;]{0,12}(?:办公室|政府|局|委|办))将"
    r"|将(?:采取|从以下|重点从|从)|考虑从|努力方向|工作(?:打算|思路|计划)|改进(?:与|和)?提升"
    r"|(?:加以|进一步|作进一步的?)改进|着力解决|整改落实"
)
#: A unit that opens the problems part.
PROBLEM_CUE = re.compile(r"(?:存在|有)(?:着)?(?:一些|一定的?|个别|少数|不少|以下|如下)(?:的)?(?:不足|问题|差距|短板|薄弱)|存在(?:的)?(?:主要)?(?:问题|不足)|存在问题|问题和不足|不足之处|主要表现(?:在|为)|薄弱环节|(?:问题|不足)(?:主要)?(?:有|是)")
#: A bare problems sub-heading: （一）主要问题 / （一）问题与不足.
PROBLEM_LABEL = re.compile(r"(?:当前|目前|工作中)?(?:主要|突出|存在的?)?(?:问题|不足)(?:[和与及](?:不足|问题|差距))?[:：]?")
#: A generic intro (no content of its own) when nothing specific follows the 存在.
INTRO_CUE = re.compile(r"(?:成效|成绩|进展|成果|提升|进步)[^。]{0,20}?(?:但|然而|不过)|(?:以下|如下|几个方面|几方面)[^。]{0,12}$|[：:]$")
GENERIC_PROBLEM = re.compile(
    r"(?:仍|还|也|依然|仍然|但)?(?:存在|有)(?:着)?(?:一些|一定的?|个别|少数|不少|部分|以下|如下)?(?:的)?"
    r"(?:不足|问题|差距|短板|薄弱环节)(?:和|与|及)?(?:不足|问题|差距|短板|薄弱环节)?"
)
#: ``存在A、B、C等问题`` / ``在A、B等方面存在不足`` / ``主要是A，B等问题`` / ``如：A；B；C``.
LIST_INTRO = re.compile(r"(?:如|主要是|主要有|主要表现为|主要表现在|具体表现为|表现为|具体如下)[:：]?")
SPECIFIC_PROBLEM = re.compile(
    r"(?:但|，|,|。|^)[^，,。]{0,10}?(?:还|仍|依然)?存在(?!(?:一些|一定|个别|少数|不少|以下|如下|的)?(?:不足|问题|差距|短板|薄弱))"
    r"(?P<body>[^。]{4,}?)等(?:方面的?)?(?:问题|不足|情况)"
)
ASPECT_PROBLEM = re.compile(r"(?P<body>[^。，,：:]{0,40}在[^。]{4,}?等方面(?:还|仍)?(?:存在|有)(?:一定的?|一些)?(?:不足|问题|差距))")
#: A unit saying there is nothing to report (未发现明显问题 / 不存在问题 / 无).
NO_PROBLEM = re.compile(r"(?:未发现|没有发现|未发生|没有|不存在|无)(?:明显|突出|重大|其他)?的?(?:问题|不足)|^无[。.]?$")
#: Lines that are chrome or signature, never statements.
JUNK = re.compile(
    r"^(?:点击下载|上一篇|下一篇|附件|扫一扫|打印|关闭|分享|【|相关链接|原文链接|\d{4}年\d{1,2}月\d{0,2}日?$|"
    r"[二〇○零一二三四五六七八九十]{4}年[〇○零一二三四五六七八九十]{1,2}月[〇○零一二三四五六七八九十]{0,3}日?$)"
)
NEXT_SECTION = re.compile(
    r"(?:^|\n|\s|。)\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])\s*"
    r"(?:其他需要报告|其它需要报告|需要说明|其他需要说明|政府信息公开情况统计表|[^\n。]{0,20}统计表|附表|附件)"
)


@dataclass
class Statement:
    """One problem or measure statement of a report's problems section.

    ``start``/``end`` are character offsets into the section text; ``position`` counts from 1 within
    the kind. ``category`` (the most probable), ``categories`` (every category above the
    threshold) and ``score`` are filled by :mod:`gxnlp.text.classify`.
    """

    report_id: str
    source: str
    kind: str
    position: int
    text: str
    start: int
    end: int
    category: str | None = None
    score: float | None = None
    categories: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _units(text: str) -> list[tuple[int, int]]:
    """Cut at 。！？ (not ；: clauses stay together), line breaks, colons and enumeration markers."""
    return sentence_bounds(text, terminators="。！？!?", closers="”’」』\"")


def _end_of_section(text: str) -> int:
    m = NEXT_SECTION.search(text)
    return m.start() if m and m.start() > 0 else len(text)


def _split_clauses(text: str, start: int, seps: str) -> list[tuple[int, int]]:
    """Split ``text`` (at offset ``start``) after each separator in ``seps``; trimmed pieces."""
    out = []
    a = 0
    for i, ch in enumerate(text):
        if ch in seps:
            out.append((a, i + 1))
            a = i + 1
    out.append((a, len(text)))
    res = []
    for x, y in out:
        seg = text[x:y]
        if seg.strip(WS + "，,、；;。"):
            x2 = x + len(seg) - len(seg.lstrip(WS))
            y2 = y - (len(seg) - len(seg.rstrip(WS)))
            res.append((start + x2, start + y2))
    return res


def _list_items(text: str, start: int) -> list[tuple[int, int]]:
    """Items of a prose list: split on ； if present, else ， if present, else 、."""
    body = re.sub(r"等(?:方面的?)?(?:问题|不足|情况)?[。；;]?$", "", text.rstrip(WS))
    for seps in ("；;", "，,", "、"):
        if any(c in body for c in seps):
            parts = _split_clauses(body, start, seps)
            # strip trailing separators from each item
            return [(a, b - 1) if body[b - 1 - start] in "；;，,、" else (a, b) for a, b in parts]
    return [(start, start + len(body))]


class _State:
    def __init__(self) -> None:
        self.kind = "problem"
        self.saw_measure_cue = False
        self.items: list[list[Any]] = []  # [kind, start, end, style, value, is_enum]
        self.open: list[Any] | None = None
        self.last_style: str | None = None
        self.last_value: int | None = None


def split_statements(text: str | None, report_id: str = "", source: str = "") -> list[Statement]:
    """Problem and measure statements of a problems-section text, in document order."""
    if not text or not text.strip(WS):
        return []
    text, omap = dewrap(text)
    end = _end_of_section(text)
    units = [(a, b) for a, b in _units(text[:end])]
    st = _State()
    raw: list[list[Any]] = []  # [kind, start, end]

    def close() -> None:
        if st.open is not None:
            raw.append(st.open[:3])
            st.open = None

    def emit(kind: str, a: int, b: int) -> None:
        raw.append([kind, a, b])

    n = len(units)
    for i, (a, b) in enumerate(units):
        u = text[a:b]
        prev = text[units[i - 1][0]:units[i - 1][1]] if i else ""
        after_intro = prev.rstrip(WS).endswith(("：", ":"))
        nxt = text[units[i + 1][0]:units[i + 1][1]] if i + 1 < n else ""
        next_is_item = bool(nxt) and _marker_at(nxt) is not None
        if JUNK.match(u) or RE_SIGNATURE_ORG.match(u):
            close()
            continue
        mk = _marker_at(u)
        if mk is not None:
            style, value, mlen = mk
            body = u[mlen:]
            body_stripped = body.strip(WS)
            is_label = bool(body_stripped) and len(body_stripped) <= 30 and not re.search(r"[。；;，,！？!?]", body_stripped.rstrip("：:"))
            if not body_stripped:
                # a bare marker (text on the next unit): treat the next unit as its body
                close()
                st.open = [st.kind, b, b, style, value, True]
                st.pending_bare = True  # type: ignore[attr-defined]
                continue
            if is_label and (MEASURE_CUE.search(body_stripped) and not PROBLEM_CUE.search(body_stripped)
                             and re.search(r"改进|措施|整改|打算|方向|计划|下一步|今后", body_stripped)):
                close()
                st.kind = "measure"
                st.saw_measure_cue = True
                st.last_style = None
                continue
            if is_label and (PROBLEM_CUE.search(body_stripped) or PROBLEM_LABEL.fullmatch(body_stripped)) \
                    and not re.search(r"改进|措施", body_stripped):
                close()
                st.kind = "problem"
                st.last_style = None
                continue
            if is_label and body_stripped.endswith(("：", ":")) and (PROBLEM_CUE.search(body_stripped) or MEASURE_CUE.search(body_stripped)):
                close()
                st.kind = "measure" if MEASURE_CUE.search(body_stripped) else st.kind
                st.last_style = None
                continue
            if is_label and next_is_item:
                # group label over a sub-enumeration: not a statement itself
                close()
                continue
            # a restarted numbering of the same style with no cue between: problems -> measures
            if (st.last_style == style and value == 1 and (st.last_value or 0) >= 1 and st.kind == "problem"):
                st.kind = "measure"
            # intro glued to a marker ("（一）存在问题虽然…但主要还存在以下问题：")
            if body_stripped.endswith(("：", ":")) and (INTRO_CUE.search(body_stripped) or PROBLEM_CUE.search(body_stripped)):
                close()
                if MEASURE_CUE.search(body_stripped) and not PROBLEM_CUE.search(body_stripped):
                    st.kind = "measure"
                elif PROBLEM_CUE.search(body_stripped):
                    st.kind = "problem"
                st.last_style = None
                continue
            close()
            off = a + mlen + (len(body) - len(body.lstrip(WS)))
            st.open = [st.kind, off, b, style, value, True]
            st.last_style, st.last_value = style, value
            continue

        # --- an unnumbered unit ---
        if NO_PROBLEM.search(u) and len(u) < 60 and st.open is None:
            continue
        if getattr(st, "pending_bare", False) and st.open is not None and st.open[1] == st.open[2]:
            st.pending_bare = False  # type: ignore[attr-defined]
            st.open[1], st.open[2] = a, b
            continue
        is_measure_cue = bool(MEASURE_CUE.search(u))
        is_problem_cue = bool(PROBLEM_CUE.search(u))
        ends_colon = u.rstrip().endswith(("：", ":"))
        has_intro = bool(INTRO_CUE.search(u))

        # problem content inside an intro ("存在A、B等问题", "在A等方面存在不足", "…不足，如A；B")
        specific = _specific_problems(u, a, st.kind)
        if specific:
            close()
            for x, y in specific:
                emit("problem", x, y)
            st.kind = "problem"
            if is_measure_cue and _measure_tail(u):
                st.kind = "measure"
                tail = _measure_tail(u)
                if tail and not next_is_item and not tail[2]:
                    for x, y in _split_clauses(u[tail[0]:], a + tail[0], "；;"):
                        emit("measure", x, y)
            st.last_style = None
            continue

        if ends_colon or (has_intro and (is_problem_cue or GENERIC_PROBLEM.search(u))) or (
                next_is_item and (is_problem_cue or is_measure_cue or has_intro or GENERIC_PROBLEM.search(u)) and not _is_content_sentence(u)):
            # heading / intro: switches the kind, is not a statement
            close()
            if is_measure_cue and (not is_problem_cue or _measure_after_problem(u)):
                st.kind = "measure"
                st.saw_measure_cue = True
            elif is_problem_cue or GENERIC_PROBLEM.search(u):
                st.kind = "problem"
            st.last_style = None
            continue

        if next_is_item and is_measure_cue and st.kind == "problem" and st.open is not None:
            # "今后工作中，我局将按照…深入开展。" before a measure list: intro
            close()
            st.kind = "measure"
            st.last_style = None
            continue

        if st.open is not None and not (is_measure_cue and st.kind == "problem" and _starts_future(u)):
            # continuation of the open enumerated item
            st.open[2] = b
            continue

        close()
        if is_measure_cue and _starts_future(u):
            st.kind = "measure"
            if next_is_item:
                st.last_style = None
                continue
        clauses = _split_clauses(u, a, "；;")
        for x, y in clauses:
            # when ； separates the items, a comma inside one is not a list separator
            items = _predicate_items(text[x:y], x, after_intro) if st.kind == "problem" and len(clauses) == 1 else None
            for x2, y2 in items or [(x, y)]:
                emit(st.kind, x2, y2)
        st.last_style = None
    close()

    out: list[Statement] = []
    counters = {"problem": 0, "measure": 0}
    for kind, x, y in raw:
        seg = text[x:y].strip(WS)
        if len(re.sub(r"[\W\d_]", "", seg)) < 4:
            continue
        x = x + (len(text[x:y]) - len(text[x:y].lstrip(WS)))
        y = x + len(seg)
        counters[kind] += 1
        if omap is not None:
            x, y = omap[x], omap[y - 1] + 1
        out.append(Statement(report_id, source, kind, counters[kind], seg, x, y))
    return out


def dewrap(text: str, min_lines: int = 3) -> tuple[str, list[int] | None]:
    """Undo hard line wrapping (PDF/fixed-width text): ``(clean_text, offset_map)``.

    Wrapping is recognised when at least ``min_lines`` lines have (nearly) the same, maximal
    length and do not end a sentence; the line breaks after such full lines are removed.
    ``offset_map[i]`` is the index in ``text`` of character ``i`` of the clean text (``None``
    when nothing was changed, so offsets are the identity).
    """
    lines = text.split("\n")
    if len(lines) < min_lines + 1:
        return text, None
    lens = [len(line.rstrip(WS)) for line in lines]
    counts: dict[int, int] = {}
    for n in lens:
        if n >= 12:
            counts[n] = counts.get(n, 0) + 1
    if not counts:
        return text, None
    # the wrap width: the most common long line length (ties: the longer)
    width = max(counts, key=lambda n: (counts[n], n))
    near = [i for i, n in enumerate(lens[:-1]) if abs(n - width) <= 2 and lines[i].rstrip(WS)[-1:] not in "。！？!?：:"]
    if len(near) < min_lines:
        return text, None
    join = {i for i, n in enumerate(lens[:-1]) if n >= width - 2}
    out_chars: list[str] = []
    omap: list[int] = []
    pos = 0
    for i, line in enumerate(lines):
        for k, ch in enumerate(line):
            out_chars.append(ch)
            omap.append(pos + k)
        pos += len(line)
        if i < len(lines) - 1:
            if i not in join:
                out_chars.append("\n")
                omap.append(pos)
            pos += 1
    return "".join(out_chars), omap


#: The predicate that closes one item of an unmarked deficiency list (``A不足，B有待提升，C尚需完善``).
DEFICIENCY_END = re.compile(
    r"(?:(?:有待|尚待|尚需|还需|仍需|亟需|亟待|需要|还要|仍要|需)(?:进一步|继续|持续|不断)?(?:加强|提升|提高|完善|改进|规范|深化|拓展|丰富|健全|强化|优化|加大|拓宽|改善|落实|增强)"
    r"|不够[\u4e00-\u9fff]{0,4}|不足|不高|不强|不到位|不及时|不完善|不规范|不全面|不充分|不平衡|不健全|不明显|不畅通?|不佳"
    r"|较弱|偏弱|薄弱|欠缺|滞后|单一|较少|偏少|较低|偏低|有限|缺乏[\u4e00-\u9fff]{1,6})"
    r"(?:的(?:问题|现象|情况))?$"
)
_LIST_TAIL = re.compile(r"等(?:方面)?(?:的)?(?:问题|不足|情况)?[。；;！!]?$")


#: Some sign of a deficiency anywhere in a clause (for items of an evident list).
DEFICIENCY_ANY = re.compile(r"不|未|没有|缺|少|弱|低|差|待|需|滞后|单一|有限|欠|偏|难|倾向|问题|现象")


def _predicate_items(piece: str, start: int, after_intro: bool) -> list[tuple[int, int]] | None:
    """Items of an unmarked list of deficiencies; None if the piece is not such a list.

    Items are separated by ， (or by 、 when there is no ，: the list separators nest ；>，>、).
    An evident list -- closed by ``等``, or three or more items after an intro colon, or two
    、-joined items after an intro colon -- needs each item to name a deficiency somewhere; three
    or more items elsewhere must each close with a deficiency predicate (不足, 有待提升, 尚需完善 …).
    Two ，-joined clauses without ``等`` are one statement with an inner comma
    (``网站更新不及时，部分栏目内容陈旧``), as a reader takes them.
    """
    body = piece.rstrip(WS + "。；;！!")
    tail = _LIST_TAIL.search(body)
    has_etc = tail is not None and tail.group().startswith("等")
    if tail:
        body = body[:tail.start()]
    sep = "，," if re.search(r"[，,]", body) else "、"
    parts = [(m.start(), m.end()) for m in re.finditer(rf"[^{sep}]+", body)]
    parts = [(x, y) for x, y in parts if body[x:y].strip(WS)]
    n = len(parts)
    evident = has_etc or (after_intro and (n >= 3 or sep == "、"))
    if n < 2 or (n < 3 and not evident):
        return None
    for x, y in parts:
        clause = body[x:y].strip(WS)
        if len(re.sub(r"[\W\d_]", "", clause)) < 4:
            return None
        if not (DEFICIENCY_ANY.search(clause) if evident else DEFICIENCY_END.search(clause)):
            return None
    out = []
    for x, y in parts:
        seg = body[x:y]
        x2 = x + len(seg) - len(seg.lstrip(WS))
        out.append((start + x2, start + x2 + len(seg.strip(WS))))
    return out


def _marker_at(u: str) -> tuple[str, int, int] | None:
    m = ENUM_RE.match(u)
    if not m:
        return None
    value = marker_value(m.group())
    return (m.lastgroup or "", value or 0, m.end())


def _starts_future(u: str) -> bool:
    """A unit that opens with a future/measure cue near its start."""
    m = MEASURE_CUE.search(u)
    return bool(m) and m.start() <= 30


def _is_content_sentence(u: str) -> bool:
    """A sentence that says something specific (long, not an intro)."""
    if INTRO_CUE.search(u) or GENERIC_PROBLEM.search(u) or re.search(r"以下|如下|几个方面|几方面", u):
        return False
    return len(u) > 60


def _measure_after_problem(u: str) -> bool:
    """In a unit with both cues, the measure cue comes after the problem one (…存在不足，计划将…改进：)."""
    mp = PROBLEM_CUE.search(u)
    mm = MEASURE_CUE.search(u)
    return bool(mm and (not mp or mm.start() > mp.start()))


def _measure_tail(u: str) -> tuple[int, int, bool] | None:
    """Where a measure clause starts after problem content in the same unit: (offset, end, is_intro)."""
    mp = None
    for mp in SPECIFIC_PROBLEM.finditer(u):
        pass
    am = ASPECT_PROBLEM.search(u)
    last = max([m.end() for m in (mp, am) if m] or [0])
    mm = MEASURE_CUE.search(u, last)
    if not mm:
        return None
    k = mm.start()
    while k > last and u[k - 1] not in "，,。；;":
        k -= 1
    rest = u[k:]
    is_intro = bool(re.search(r"以下|如下|几个方面|几方面|[：:]\s*$", rest))
    return (k, len(u), is_intro)


def _specific_problems(u: str, a: int, kind: str = "problem") -> list[tuple[int, int]]:
    """Problem statements stated inside an intro-like unit (``存在A、B等问题`` and friends)."""
    if ENUM_RE.match(u):
        return []
    m = ASPECT_PROBLEM.search(u)
    if m:
        s = m.start("body")
        body = m.group("body")
        lead = re.match(r"^(?:目前|当前|但|，|,)*", body)
        s += lead.end() if lead else 0
        return [(a + s, a + m.end("body"))]
    m = SPECIFIC_PROBLEM.search(u)
    if m:
        return _list_items(m.group("body") + "等", a + m.start("body"))
    # "…存在一些不足，如：A；B；C" / "主要是A，B等问题" in the same unit
    for lm in LIST_INTRO.finditer(u):
        before = u[:lm.start()]
        if lm.group().startswith("如") and not re.search(r"(?:不足|问题|差距|短板|薄弱环节)[，,]?\s*$", before):
            continue
        if not lm.group().startswith("如") and lm.start() > 2 and u[lm.start() - 1] not in "，,。：:；; ":
            continue
        if not re.search(r"不足|问题|差距|短板|薄弱", before) and not (not before.strip(WS) and kind == "problem"):
            continue
        rest = u[lm.end():]
        if len(rest.strip(WS)) < 6 or rest.rstrip(WS).endswith(("：", ":")) or MEASURE_CUE.search(rest[:12]):
            continue
        return _list_items(rest, a + lm.end())
    return []


def statement_spans(doc: Any, statements: list[Statement], key: str = "statements") -> Any:
    """Attach statements to the segmented problems section as ``doc.spans[key]``.

    Each span gets ``Span._.kind`` (problem | measure), ``Span._.category`` and ``Span._.score``.
    ``doc`` must be the Doc of the same section text (e.g. ``Segmenter().segment(report)["problems"]``).

    Example:
        >>> from gxnlp.text.segment import make_nlp
        >>> text = "存在的问题：一是政策解读不足。改进措施：一是丰富解读形式。"
        >>> doc = statement_spans(make_nlp()(text), split_statements(text))
        >>> [(s.text, s._.kind) for s in doc.spans["statements"]]
        [('政策解读不足。', 'problem'), ('丰富解读形式。', 'measure')]
    """
    spans = []
    for st in statements:
        span = doc.char_span(st.start, st.end, alignment_mode="expand")
        if span is None:
            continue
        span._.kind = st.kind
        span._.category = st.category
        span._.score = st.score
        spans.append(span)
    doc.spans[key] = spans
    return doc


def iter_statements(report: Any) -> Iterator[Statement]:
    """Statements of a :class:`gxnlp.model.Report` (its ``problems`` section)."""
    text = (report.sections or {}).get("problems")
    yield from split_statements(text, report.report_id, report.source)


__all__ = ["Statement", "split_statements", "iter_statements", "statement_spans", "dewrap"]
