"""Plan a corpus, build each report, write the files and the ground truth, streaming.

The plan (which agency reports which year, who copies whom, which layout) is drawn from
``seed`` up front; it is small (one record per report). Reports are then built one
*unit* at a time (a single report, an agency's series of years, or a county's cluster of
copying departments) with a generator seeded by ``(seed, index)``, written, and their
truth lines appended, so memory stays flat however large ``n`` is.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..genre.agencies import DEPARTMENT, GOV_OFFICE, TOWNSHIP, ZONE
from ..genre.numerals import int_to_cn
from ..genre.sections import SECTION_TITLES
from ..genre.table_keys import S3_COLUMN_LABELS, S3_COLUMNS, S3_LABELS, S3_RESULTS_LABEL, S4_COLUMN_LABELS
from ..genre.templates import template_for_year
from . import phrases as P
from .agencies import Agency, build_hierarchy
from .document import Block, Page, s2_grid, s3_grid, s4_grid
from .layouts import LAYOUTS
from .narrative import Narrative, copy_narrative, draw_narrative, render_overview, render_problems
from .numbers import PLANTABLE, continue_series, draw_tables, format_value, iter_cells, plant_error, violations
from ..model import DEFAULT_SEED

YEARS = tuple(range(2016, 2025))
_YEAR_WEIGHTS = (5, 6, 7, 10, 11, 13, 14, 15, 15)
LAYOUT_WEIGHTS = {
    "pipe_rows": 14, "cell_lines_pipe": 12, "cell_lines_bare": 8, "blank_separated": 10, "glued": 8,
    "pdf_text": 10, "html": 20, "trad_pinyin": 5, "docx": 1, "pdf": 1.5,
}
GBK_LAYOUTS = ("pipe_rows", "cell_lines_pipe", "cell_lines_bare")
ERROR_RATE = 0.08
MISMATCH_RATE = 0.06


@dataclass
class Slot:
    index: int
    agency: Agency
    year: int
    layout: str
    encoding: str = "utf-8"
    cluster: str | None = None
    cluster_kind: str | None = None
    source: int | None = None  # index of the report whose narrative this one copies
    #: panel corpora (:mod:`gxnlp.synth.panel`): the name printed this year, this year's 上年结转 per
    #: applicant column, and sentences of the overview reporting last year's promises as done
    display_name: str | None = None
    carried_over: dict[str, int] | None = None
    done: list[str] | None = None
    #: the planted continuity break of this year against last year's report (:func:`link_series`)
    continuity_break: str | None = None


@dataclass
class Unit:
    slots: list[Slot] = field(default_factory=list)


# ----------------------------------------------------------------------------- planning

#: Share of reports by (agency_type, level): county departments dominate, as in real corpora.
_KIND_SHARE = {(DEPARTMENT, "county"): 40, (TOWNSHIP, "township"): 18, (GOV_OFFICE, "county"): 10,
               (ZONE, "county"): 4, (ZONE, "city"): 2, (DEPARTMENT, "city"): 14, (GOV_OFFICE, "city"): 4,
               (GOV_OFFICE, "province"): 2, (DEPARTMENT, "province"): 6}


def plan(n: int, seed: int, agencies: list[Agency] | None = None) -> list[Unit]:
    """Draw the corpus plan: units of reports (singles, series, copy clusters)."""
    if agencies is None:
        # two agency-years per report: the hierarchy grows (beyond GEOGRAPHY) only when n needs it
        agencies = build_hierarchy(seed, min_agencies=-(-2 * n // len(YEARS)))
    rng = random.Random(f"plan:{seed}")
    by_kind: dict[tuple[str, str], list[Agency]] = {}
    for a in agencies:
        by_kind.setdefault((a.agency_type, a.level), []).append(a)
    kinds = sorted(by_kind)
    kind_weights = [_KIND_SHARE.get(k, 1.0) for k in kinds]

    def pick_agency() -> Agency:
        return rng.choice(by_kind[rng.choices(kinds, weights=kind_weights)[0]])

    groups: dict[str, list[Agency]] = {}
    for a in agencies:
        if a.group and a.agency_type == DEPARTMENT:
            groups.setdefault(a.group, []).append(a)
    group_keys = sorted(k for k, v in groups.items() if len(v) >= 4)
    used: set[tuple[str, int]] = set()
    layouts, lw = list(LAYOUT_WEIGHTS), list(LAYOUT_WEIGHTS.values())
    units: list[Unit] = []
    count = 0
    n_clusters = 0

    def pick_layout() -> tuple[str, str]:
        lay = rng.choices(layouts, weights=lw)[0]
        enc = "gbk" if (lay in GBK_LAYOUTS and rng.random() < 0.15) or (lay == "html" and rng.random() < 0.12) \
            else "utf-8"
        return lay, enc

    capacity = len(agencies) * len(YEARS)
    if n > capacity // 2:
        raise ValueError(f"n={n} is too large for the synthetic hierarchy ({capacity} agency-years; at most {capacity // 2})")
    while count < n:
        r = rng.random()
        unit = Unit()
        if r < 0.12 and group_keys:
            g = rng.choice(group_keys)
            year = rng.choices(YEARS, weights=_YEAR_WEIGHTS)[0]
            members = [a for a in groups[g] if (a.key, year) not in used]
            k = min(len(members), rng.randint(3, 6), n - count)
            if k >= 2:
                n_clusters += 1
                cid = f"c{n_clusters:05d}"
                lay, enc = pick_layout()
                chosen = rng.sample(members, k)
                for j, a in enumerate(chosen):
                    l2, e2 = (lay, enc) if rng.random() < 0.7 else pick_layout()
                    unit.slots.append(Slot(count + j, a, year, l2, e2, cid, "cross", None if j == 0 else count))
        elif r < 0.42:
            a = pick_agency()
            length = rng.randint(2, 5)
            start = rng.randint(YEARS[0], YEARS[-1] - length + 1)
            years = [y for y in range(start, start + length) if (a.key, y) not in used][: n - count]
            reuse = len(years) >= 2 and rng.random() < 0.45
            cid = None
            if reuse:
                n_clusters += 1
                cid = f"c{n_clusters:05d}"
            lay, enc = pick_layout()
            for j, y in enumerate(years):
                if rng.random() < 0.3:
                    lay, enc = pick_layout()
                unit.slots.append(Slot(count + j, a, y, lay, enc, cid, "self" if reuse else None,
                                       None if (not reuse or j == 0) else count + j - 1))
        else:
            a = pick_agency()
            y = rng.choices(YEARS, weights=_YEAR_WEIGHTS)[0]
            if (a.key, y) not in used:
                lay, enc = pick_layout()
                unit.slots.append(Slot(count, a, y, lay, enc))
        for s in unit.slots:
            used.add((s.agency.key, s.year))
        if unit.slots:
            units.append(unit)
            count += len(unit.slots)
    _ensure_coverage(units, rng)
    return units


def max_reports(seed: int = DEFAULT_SEED) -> int:
    """The largest ``n`` :func:`plan` accepts: half the agency-years of the whole synthetic world."""
    return len(build_hierarchy(seed, min_agencies=sys.maxsize)) * len(YEARS) // 2


def _ensure_coverage(units: list[Unit], rng: random.Random) -> None:
    """Every layout (and a GBK file) appears once the corpus is big enough to hold them."""
    slots = [s for u in units for s in u.slots]
    tabular = [s for s in slots if template_for_year(s.year) != "pre2019"]
    if len(tabular) < len(LAYOUT_WEIGHTS) + 1:
        return
    want = max(1, min(3, len(slots) // 100))
    pool = rng.sample(tabular, len(tabular))
    for lay in LAYOUT_WEIGHTS:
        have = sum(s.layout == lay for s in slots)
        while have < want and pool:
            s = pool.pop()
            if s.layout == lay or sum(x.layout == s.layout for x in slots) <= want:
                continue  # never starve another layout
            s.layout, s.encoding = lay, "utf-8"
            have += 1
    if not any(s.encoding == "gbk" for s in slots):
        cand = [s for s in pool if s.layout in GBK_LAYOUTS]
        if cand:
            cand[0].encoding = "gbk"


# ----------------------------------------------------------------------------- one report

def set_carried_over(tables: dict, carried: dict[str, int]) -> None:
    """Set 二、上年结转 per applicant column, keeping every identity: the difference is handled
    (予以公开 and （七）总计 change with it)."""
    s3 = tables["s3"]
    results = [r for r in s3 if r not in ("new_requests", "carried_over", "total_handled", "carried_forward")]
    for col, v in carried.items():
        d = v - s3["carried_over"][col]
        s3["carried_over"][col] = v
        if d >= 0:
            s3["granted"][col] += d
            s3["total_handled"][col] += d
            continue
        need = -d  # fewer requests to handle: take them from the results, then from the carried forward
        for r in results:
            take = min(need, s3[r][col])
            s3[r][col] -= take
            s3["total_handled"][col] -= take
            need -= take
        s3["carried_forward"][col] -= need
    for row in s3:
        s3[row]["total"] = sum(s3[row][c] for c in s3[row] if c != "total")


def _index_no(rng: random.Random, year: int) -> str:
    alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "11" + "".join(rng.choice(alnum) for _ in range(16)) + f"/{year + 1}-{rng.randint(10000, 9999999)}"


def _published(rng: random.Random, year: int) -> str:
    month = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
    day = rng.randint(10, 31) if month == 1 else rng.randint(1, 28)
    return f"{year + 1}-{month:02d}-{day:02d}"


#: Misprinted labels (as real files have them): printed label -> the misprint.
_TYPOS = {
    S4_COLUMN_LABELS["pending"]: "尚未审六结",
    S3_LABELS["partially_granted"]: "（二部分公开区分处理的，只计这一情形不计其他情形）",
    S3_RESULTS_LABEL: "三、本年度办理结 果",
    S3_LABELS["not_processed_reconfirm"]: "5.要求行政机关确认或重新 出具已获取信息",
    S3_LABELS["unable_needs_creation"]: "2.没有现成信息需要另行制做",
    S3_COLUMN_LABELS["commercial"]: "商业 企业",
    S3_LABELS["other_no_correction"]: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申",
}
_NULL_TOKENS = ("—", "/", "无", "", "-")


def _cell_texts(rng: random.Random, tables: dict, layout: str, variants: list[str]) -> tuple[dict, dict]:
    """Text shown in each value cell and the truth value (None where the text is a null token)."""
    glued = layout == "glued"
    null_mode = "none" if glued else rng.choices(("none", "s2", "all"), weights=(70, 22, 8))[0]
    visible = layout in ("cell_lines_bare", "blank_separated", "pdf_text", "pdf")  # an empty cell would vanish
    token = rng.choice(("—", "/", "无") if visible else _NULL_TOKENS)
    signed = rng.random() < 0.6
    texts, values = {}, {}
    for table, row, col, v in iter_cells(tables):
        key = (table, row, col)
        if isinstance(v, Decimal):
            text = f"{v:.2f}" if v else rng.choice(("0", "0", "0.00"))
        elif col == "change" and signed and v > 0:
            text = f"+{v}"
        else:
            text = str(v)
        value = v
        if v == 0 and (null_mode == "all" or (null_mode == "s2" and table == "s2" and rng.random() < 0.6)):
            text, value = token, None
        texts[key], values[key] = text, value
    if null_mode != "none":
        variants.append(f"null_cells:{token or 'empty'}")
    if signed and any(c == "change" for _, _, c, _ in iter_cells(tables)):
        variants.append("signed_change")
    return texts, values


def _ctx(slot: Slot, narr: Narrative, tables: dict, stated: int, numbers: dict[str, int]) -> dict[str, Any]:
    a = slot.agency
    s3 = tables["s3"]
    s4 = tables["s4"]
    return {
        "org": a.self_ref if narr.org_style == "self" else a.short,
        "name": a.name, "year": slot.year, "next": slot.year + 1, "parent": a.parent_gov,
        "thought": P.THOUGHT.get(slot.year, P.THOUGHT_DEFAULT), "field": a.field, "stock": "",
        "N_stated": stated, "N": stated,
        "H": s3["total_handled"]["total"], "F": s3["carried_forward"]["total"],
        "C": s3["carried_over"]["total"], "NP": s3["new_requests"]["natural_person"],
        "R": s4["review"]["total"], "L": s4["litigation_direct"]["total"] + s4["litigation_after_review"]["total"],
        **numbers,
    }


_PRE_HEADS = {
    "overview": ["概述", "政府信息公开工作概述"],
    "organisation": ["政府信息公开的组织领导和制度建设情况", "组织领导和制度建设情况"],
    "active": ["主动公开政府信息情况", "主动公开政府信息及公开平台建设情况"],
    "interp": ["发布解读、回应社会关切以及互动交流情况", "政策解读和回应社会关切情况"],
    "key_fields": ["重点领域政府信息公开工作推进情况", "重点领域信息公开情况"],
    "requests": ["政府信息公开申请的办理情况", "依申请公开政府信息情况"],
    "fees": ["政府信息公开的收费及减免情况", "政府信息公开收费及减免情况"],
    "review": ["因政府信息公开申请提起行政复议、行政诉讼的情况", "政府信息公开行政复议和行政诉讼情况"],
    "security": ["政府信息公开保密审查及监督检查情况", "保密审查及监督检查情况"],
    "subordinate": ["所属事业机构信息公开工作推进措施和落实情况", "所属单位信息公开工作情况"],
    "problems": ["政府信息公开工作存在的主要问题及改进措施", "存在的主要问题及改进措施", "存在的主要问题和改进措施"],
    "other": ["其他需要报告的事项", "需要说明的事项与附表", "其他需要说明的事项"],
}
_PRE_ORDER = ("overview", "organisation", "active", "interp", "key_fields", "requests", "fees", "review",
              "security", "subordinate", "problems", "other")


def _blocks_pre2019(rng: random.Random, slot: Slot, narr: Narrative, ctx: dict, title: str):
    a = slot.agency
    chosen = set(narr.pre2019_sections) | {"overview", "active", "requests", "review", "problems"}
    optional = [s for s in _PRE_ORDER if s not in chosen]
    while len(chosen) < 7:
        chosen.add(optional.pop(rng.randrange(len(optional))))
    sections = [s for s in _PRE_ORDER if s in chosen]
    blocks = [Block("title", title)]
    intro = rng.choice(P.INTRO_PRE2019).format_map(ctx)
    blocks.append(Block("para", intro))
    stmts: list[dict] = []
    narrative_lines: list[str] = []
    stated = None
    from .narrative import request_sentence

    for i, sec in enumerate(sections):
        blocks.append(Block("heading", f"{int_to_cn(i + 1)}、{rng.choice(_PRE_HEADS[sec])}"))
        paras: list[str] = []
        if sec == "overview":
            paras = [narr.opening.format_map(ctx), "".join(s.format_map(ctx) for s in narr.overview["management"])]
        elif sec == "organisation":
            paras = ["".join(s.format_map(ctx) for s in narr.overview["supervision"])]
        elif sec == "active":
            paras = ["".join(s.format_map(ctx) for s in narr.overview["active"]),
                     "".join(s.format_map(ctx) for s in narr.overview["platform"])]
        elif sec == "interp":
            paras = ["".join(s.format_map(ctx) for s in narr.overview["interp"])]
        elif sec == "key_fields":
            paras = [f"{ctx['year']}年，{ctx['org']}认真梳理{a.field}等重点领域信息，做好相关信息的公开工作，"
                     f"全年公开{a.field}类信息{ctx['n_field']}条。"]
        elif sec == "requests":
            req, stated = request_sentence(narr, ctx)
            paras = [req]
            if stated:
                s3 = ctx["_s3"]
                paras.append(f"在已办结的申请中，予以公开{s3['granted']['total']}件，部分公开{s3['partially_granted']['total']}件，"
                             f"不属于本机关公开范围或信息不存在{s3['unable_not_held']['total']}件。")
        elif sec == "fees":
            paras = [rng.choice(P.PRE2019_FEES).format_map(ctx)]
        elif sec == "review":
            paras = [rng.choice(P.PRE2019_REVIEW if (ctx["R"] or ctx["L"]) else P.PRE2019_REVIEW_ZERO).format_map(ctx)]
        elif sec == "security":
            paras = ["".join(s.format_map(ctx) for s in narr.overview["management"][:1]) +
                     "确保“上网信息不涉密、涉密信息不上网”。"]
        elif sec == "subordinate":
            paras = [f"{ctx['org']}所属事业单位信息均通过{a.short}网站及时公开，不断提高办事效率，为群众提供优质服务。"]
        elif sec == "problems":
            paras, stmts = render_problems(narr, ctx)
        elif sec == "other":
            paras = [_other_text(rng, ctx)]
        if sec in ("overview", "organisation", "active", "problems"):
            narrative_lines += paras
        blocks += [Block("para", p) for p in paras if p]
    annex = rng.random() < 0.4
    if annex:  # the old combined statistics table (cells.csv: table pre2019)
        blocks.append(Block("heading", rng.choice(["附：政府信息公开情况统计表", "附表：政府信息公开情况统计表"])))
        blocks.append(Block("table", grid=_pre2019_stats_grid(rng, ctx), table="pre2019_stats", ncols=4))
    # an annex is read as section other (never as part of the problems it follows)
    sections_truth = {"overview": True, "active_disclosure": True, "requests": True, "review_litigation": True,
                      "problems": True, "other": "other" in chosen or annex}
    return blocks, stmts, narrative_lines, stated, sections_truth


def _other_text(rng: random.Random, ctx: dict) -> str:
    """六、其他需要报告的事项: the 信息处理费 sentences only exist from the 2021 report year on."""
    options = [t for t in P.OTHER_SECTION if template_for_year(ctx["year"]) == "2021" or "信息处理费" not in t]
    return rng.choice(options).format_map(ctx)


def _pre2019_stats_grid(rng: random.Random, ctx: dict) -> list:
    from .document import Cell

    s3 = ctx["_s3"]
    n_req, handled = s3["new_requests"]["total"], s3["total_handled"]["total"]
    online = rng.randint(0, n_req)
    denied = sum(s3[r]["total"] for r in s3 if r.startswith("denied_"))
    rows = [
        ("proactive_total", "主动公开政府信息数", "条", ctx["n_active"], ctx["n_active"] * rng.randint(3, 9)),
        ("proactive_website", "其中：政府网站公开数", "条", ctx["n_active"], ctx["n_active"] * rng.randint(3, 9)),
        ("requests_total", "受理政府信息公开申请数", "件", n_req, n_req * rng.randint(1, 6)),
        ("requests_in_person", "其中：当面申请数", "件", n_req - online, None),
        ("requests_online", "网上申请数", "件", online, None),
        ("replies_total", "对申请的答复总数", "件", handled, None),
        ("replies_granted", "其中：同意公开答复数", "件", s3["granted"]["total"], None),
        ("replies_partial", "同意部分公开答复数", "件", s3["partially_granted"]["total"], None),
        ("replies_denied", "不予公开答复数", "件", denied, None),
        ("fees_yuan", "政府信息公开收费金额", "元", 0, 0),
        ("review", "行政复议数", "件", ctx["R"], None),
        ("litigation", "行政诉讼数", "件", ctx["L"], None),
    ]
    grid = [[Cell("指标名称"), Cell("计量单位"), Cell(f"{ctx['year']}年度"), Cell("历年累计")]]
    for _key, label, unit, a, b in rows:
        grid.append([Cell(label), Cell(unit), Cell(str(a)), Cell("" if b is None else str(b))])
    # the truth (cells.csv, table pre2019 of table_keys_pre2019.md): a blank 历年累计 is null
    ctx["_annex"] = [("pre2019", key, col, v) for key, _label, _unit, a, b in rows
                     for col, v in (("year", a), ("cumulative", b))]
    return grid


def _blocks_modern(rng: random.Random, slot: Slot, narr: Narrative, ctx: dict, title: str, texts: dict,
                   labels: dict, heads: dict, template: str):
    blocks = [Block("title", title)]
    intro = rng.choice(P.INTRO_2019).format_map(ctx)
    if intro:
        blocks.append(Block("para", intro))
    shift = 1 if rng.random() < 0.05 else 0
    t = SECTION_TITLES  # the printed heading, twice as likely as each variant
    h = [rng.choice([t["overview"], t["overview"], "政府信息公开工作总体情况"]),
         t["active_disclosure"], t["requests"],
         rng.choice([t["review_litigation"], t["review_litigation"], "因政府信息公开申请提起行政复议、行政诉讼情况"]),
         rng.choice([t["problems"], t["problems"], "政府信息公开工作存在的主要问题及改进情况", "存在的主要问题及改进措施"]),
         rng.choice([t["other"], t["other"], "其他需要报告事项"])]

    def head(i: int) -> Block:
        k = i + (shift if i >= 1 else 0)
        return Block("heading", f"{int_to_cn(k + 1)}、{h[i]}")

    blocks.append(head(0))
    overview, stated = render_overview(narr, ctx)
    if slot.done:
        overview = overview + ["".join(slot.done)]
    blocks += [Block("subheading" if p.startswith("（") and len(p) < 20 else "para", p) for p in overview]
    if shift:
        blocks.append(Block("heading", "二、重点领域信息公开情况"))
        blocks.append(Block("para", f"围绕{slot.agency.field}等重点领域，{ctx['org']}持续加大信息公开力度，"
                                    f"全年公开相关信息{ctx['n_field']}条。"))
    blocks.append(head(1))
    blocks.append(Block("table", grid=s2_grid(template, texts, labels, heads), table="s2", ncols=4))
    blocks.append(head(2))
    blocks.append(Block("table", grid=s3_grid(template, texts, labels), table="s3", ncols=10))
    blocks.append(head(3))
    blocks.append(Block("table", grid=s4_grid(texts, labels), table="s4", ncols=15))
    blocks.append(head(4))
    problem_lines, stmts = render_problems(narr, ctx)
    blocks += [Block("subheading" if p in narr.heads else "para", p) for p in problem_lines]
    has_other = rng.random() < 0.93
    if has_other:
        blocks.append(head(5))
        blocks.append(Block("para", _other_text(rng, ctx)))
    sections_truth = {"overview": True, "active_disclosure": True, "requests": True, "review_litigation": True,
                      "problems": True, "other": has_other}
    return blocks, stmts, overview + problem_lines, stated, sections_truth


@dataclass
class Built:
    slot: Slot
    data: bytes
    rel: str
    doc: dict
    cells: list[tuple]
    errors: list[dict]
    statements: list[dict]
    narrative: Narrative
    narrative_text: str


def _report_tables(rng: random.Random, slot: Slot) -> tuple[dict, tuple[str, str] | None]:
    """The tables a slot's report prints (its report generator's first draws) and the planted identity
    error, if any."""
    a, template = slot.agency, template_for_year(slot.year)
    tables = draw_tables(rng, template if template != "pre2019" else "2019", a.agency_type, a.level)
    tables["template"] = "2019" if template == "pre2019" else template
    if slot.carried_over is not None:
        set_carried_over(tables, slot.carried_over)
    planted = None
    if template != "pre2019" and rng.random() < ERROR_RATE:
        rule = rng.choice(PLANTABLE)
        planted = (rule, plant_error(rng, tables, rule))
    return tables, planted


def link_series(units: list[Unit], seed: int) -> None:
    """Make each agency's years one series: a report's 二、上年结转 is the 四、结转下年度 its
    previous year's report prints (both 2019+ templates), except planted breaks
    (:func:`~gxnlp.synth.numbers.continue_series`). Sets ``carried_over``/``continuity_break`` of
    the slots that have no carried-over of their own; the previous report's tables are redrawn from
    its seed, so reports can still be built one unit at a time in corpus order."""
    by_agency: dict[str, list[Slot]] = {}
    for unit in units:
        for s in unit.slots:
            if s.carried_over is None:
                by_agency.setdefault(s.agency.key, []).append(s)
    for slots in by_agency.values():
        slots.sort(key=lambda s: s.year)
        for prev, cur in zip(slots, slots[1:]):
            if cur.year != prev.year + 1 or "pre2019" in (template_for_year(prev.year), template_for_year(cur.year)):
                continue
            previous, _ = _report_tables(random.Random(f"report:{seed}:{prev.index}"), prev)
            cur.carried_over, cur.continuity_break = continue_series(previous, random.Random(f"series:{seed}:{cur.index}"))


def build_report(slot: Slot, seed: int, source: Narrative | None) -> Built:
    """Build one report (bytes + truth) from its slot; ``source`` is the narrative it copies."""
    rng = random.Random(f"report:{seed}:{slot.index}")
    a, year = slot.agency, slot.year
    if slot.display_name:
        a = dataclasses.replace(a, name=slot.display_name)
    template = template_for_year(year)
    tables, planted = _report_tables(rng, slot)
    if source is None:
        narr = draw_narrative(rng, a)
    else:
        narr, _ = copy_narrative(rng, source, a, 1.0 if slot.cluster_kind == "cross" else 0.6)
    n_new = tables["s3"]["new_requests"]["total"]
    stated = n_new
    mismatch = False
    if template != "pre2019" and narr.req_mode == "number" and rng.random() < MISMATCH_RATE:
        stated = max(0, n_new + rng.choice([-5, -2, -1, 1, 2, 3, 10, n_new or 4]))
        mismatch = stated != n_new
    scale = {"province": 8, "city": 4, "county": 1.5, "township": 0.5}[a.level]
    numbers = {k: max(1, int(rng.lognormvariate(0, 0.8) * m * scale)) for k, m in
               (("n_active", 150), ("n_field", 30), ("n_cols", 3), ("n_interp", 6), ("n_media", 80),
                ("n_train", 2), ("n_people", 40), ("n_norm", 3))}
    ctx = _ctx(slot, narr, tables, stated, numbers)
    ctx["_s3"] = tables["s3"]
    title = rng.choice([f"{a.name}{year}年政府信息公开工作年度报告", f"{a.name}{year}年度政府信息公开工作年度报告",
                        f"{a.name}{year}年政府信息公开工作年度报告", f"{a.name}关于{year}年度政府信息公开工作的报告"])
    variants: list[str] = []
    cells: list[tuple] = []
    if template == "pre2019":
        blocks, stmts, nlines, stated_out, sections = _blocks_pre2019(rng, slot, narr, ctx, title)
        if any(b.table == "pre2019_stats" for b in blocks):
            variants.append("pre2019_stats_table")
            cells = [(t, r, c, format_value(v)) for t, r, c, v in ctx["_annex"]]
    else:
        texts, values = _cell_texts(rng, tables, slot.layout, variants)
        labels, heads = {}, {}
        if rng.random() < 0.1:
            for k in rng.sample(sorted(_TYPOS), 2):
                labels[k] = _TYPOS[k]
            variants.append("label_typos")
        if template == "2019" and rng.random() < 0.3:
            heads = {"本年新制作数量": "本年新", "本年新公开数量": "本年新"}
            variants.append("truncated_headers")
        blocks, stmts, nlines, stated_out, sections = _blocks_modern(rng, slot, narr, ctx, title, texts, labels,
                                                                     heads, template)
        cells = [(t, r, c, format_value(values[(t, r, c)])) for t, r, c, _ in iter_cells(tables)]
    published = _published(rng, year)
    y, m, d = published.split("-")
    blocks.append(Block("sign", f"{a.name}\n{y}年{int(m)}月{max(1, int(d) - rng.randint(0, 5))}日"))
    chrome = {k: rng.random() < p for k, p in (("crumb", .4), ("meta", .3), ("split_title", .15), ("source_line", .3),
                                                ("download", .3), ("qr", .3), ("prevnext", .3))}
    chrome["prev_title"] = f"{a.name}{year - 1}年政府信息公开工作年度报告"
    chrome["next_title"] = rng.choice(["关于公布政务服务事项清单的通知", "政府信息公开指南", f"{a.short}{year + 1}年部门预算公开"])
    if slot.layout == "trad_pinyin":
        chrome["site"] = f"{a.county or a.city or a.province}人民政府"
    page = Page(title, a.name, published, year, template, blocks, _index_no(rng, year), chrome)
    opts = {"encoding": slot.encoding}
    if slot.layout in ("pipe_rows", "cell_lines_pipe", "cell_lines_bare", "blank_separated") and rng.random() < 0.08:
        opts["fullwidth"] = rng.choice(("tables", "all"))
        variants.append("fullwidth_digits" if opts["fullwidth"] == "tables" else "fullwidth_digits_everywhere")
    data, suffix, fmt, enc = LAYOUTS[slot.layout](page, rng, opts)
    rel = f"{year}/{slot.index:05d}{suffix}"
    rid = hashlib.sha1(data).hexdigest()[:16]
    errors = []
    if template != "pre2019":
        for v in violations(tables):
            v = dict(v)
            if planted:
                v["detail"] = f"planted: {planted[1]}; {v['detail']}"
            errors.append(v)
        if mismatch:
            errors.append({"rule": "narrative_table_mismatch", "table": "s3", "row": "new_requests", "column": "total",
                           "detail": f"narrative states {stated_out} new requests; table total is {n_new}"})
    doc = {
        "file": rel, "report_id": rid, "title": title, "agency": a.name, "agency_type": a.agency_type,
        "level": a.level, "region": a.region, "year": year, "published": published, "template": template,
        "layout": slot.layout, "format": fmt, "encoding": enc, "sections": sections,
        "stated": {"new_requests": stated_out}, "variants": variants, "cluster": slot.cluster,
        "narrative_form": narr.form,
    }
    return Built(slot, data, rel, doc, cells, errors, stmts, narr, "\n".join(x for x in nlines if x))


# ----------------------------------------------------------------------------- writing

TRUTH_FILES = ("documents.jsonl", "cells.csv", "errors.jsonl", "statements.jsonl", "reuse_pairs.jsonl", "clusters.jsonl")
#: the default corpus's cross-year truth (not a file of the panel corpus, which writes its own)
CONTINUITY_FILE = "continuity.jsonl"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def iter_built(n: int, seed: int) -> Iterator[list[Built]]:
    """Units of built reports, in corpus order."""
    units = plan(n, seed)
    link_series(units, seed)
    for unit in units:
        built: dict[int, Built] = {}
        out = []
        for slot in unit.slots:
            src = built[slot.source].narrative if slot.source is not None else None
            b = build_report(slot, seed, src)
            built[slot.index] = b
            out.append(b)
        yield out


def generate(out_dir: str | Path, n: int = 300, seed: int = DEFAULT_SEED,
             progress: Callable[[int], None] | None = None, phrases: str = "seen") -> dict[str, Any]:
    """Write ``n`` synthetic reports and their ground truth under ``out_dir``; returns a summary.

    ``phrases`` picks the problem/measure phrase banks: ``seen`` (default) or ``heldout`` (phrases
    the classifier and stop lists were never developed on: the corpus to score on).
    """
    from .narrative import use_phrases

    with use_phrases(phrases):
        return _generate(out_dir, n, seed, progress)


def _generate(out_dir: str | Path, n: int, seed: int, progress: Callable[[int], None] | None) -> dict[str, Any]:
    out = Path(out_dir)
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    counts = {"reports": 0, "errors": 0, "reports_with_errors": 0, "statements": 0, "clusters": 0, "pairs": 0,
              "cells": 0, "bytes": 0}
    layouts: dict[str, int] = {}
    fh = {name: open(truth / name, "w", encoding="utf-8", newline="") for name in TRUTH_FILES + (CONTINUITY_FILE,)}
    carried: dict[tuple[str, int], tuple[Built, dict, dict]] = {}
    counts["continuity_breaks"] = 0
    try:
        cw = csv.writer(fh["cells.csv"], lineterminator="\n")
        cw.writerow(["file", "report_id", "table", "row", "column", "value"])
        made_dirs: set[Path] = set()
        for unit in iter_built(n, seed):
            for b in unit:
                path = out / b.rel
                if path.parent not in made_dirs:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made_dirs.add(path.parent)
                path.write_bytes(b.data)
                rid = b.doc["report_id"]
                fh["documents.jsonl"].write(_dumps(b.doc) + "\n")
                cw.writerows((b.rel, rid, t, r, c, v) for t, r, c, v in b.cells)
                for e in b.errors:
                    fh["errors.jsonl"].write(_dumps({"file": b.rel, "report_id": rid, **e}) + "\n")
                for s in b.statements:
                    fh["statements.jsonl"].write(_dumps({"file": b.rel, "report_id": rid, "kind": s["kind"],
                                                         "position": s["position"], "text": s["text"],
                                                         "category": s["category"]}) + "\n")
                counts["reports"] += 1
                counts["errors"] += len(b.errors)
                counts["reports_with_errors"] += bool(b.errors)
                counts["statements"] += len(b.statements)
                counts["cells"] += len(b.cells)
                counts["bytes"] += len(b.data)
                counts["continuity_breaks"] += _write_continuity(b, carried, fh[CONTINUITY_FILE])
                layouts[b.doc["layout"]] = layouts.get(b.doc["layout"], 0) + 1
                if progress:
                    progress(1)
            _write_clusters(unit, fh, counts)
    finally:
        for f in fh.values():
            f.close()
    secs = time.perf_counter() - t0
    counts.update(seconds=round(secs, 3), reports_per_second=round(counts["reports"] / secs, 1) if secs else None,
                  layouts=dict(sorted(layouts.items())))
    return counts


def _printed_carry(b: Built) -> tuple[dict, dict]:
    """二、上年结转 and 四、结转下年度 as the file prints them (columns printed as a null token left out)."""
    rows: dict[str, dict[str, int]] = {"carried_over": {}, "carried_forward": {}}
    for t, r, c, v in b.cells:
        if t == "s3" and r in rows and v != "":
            rows[r][c] = int(v)
    return rows["carried_over"], rows["carried_forward"]


def _write_continuity(b: Built, carried: dict, out) -> int:
    """Truth of the cross-year rule: every column where a report's printed 上年结转 differs from the
    printed 结转下年度 of the same agency's previous year (a planted break, or a planted identity error
    on one of those rows), written when the later of the two reports is written."""
    if not b.cells:
        return 0
    key, year = b.slot.agency.key, b.slot.year
    over, forward = _printed_carry(b)
    carried[(key, year)] = (b.rel, b.doc["report_id"], b.slot.continuity_break, over, forward)
    written = 0
    for earlier, later in ((carried.get((key, year - 1)), carried[(key, year)]),
                           (carried[(key, year)], carried.get((key, year + 1)))):
        if earlier is None or later is None:
            continue
        prev_rel, _, _, _, prev_forward = earlier
        rel, report_id, planted_break, cur_over, _ = later
        cause = f"planted break: {planted_break}" if planted_break else "planted identity error"
        for col in S3_COLUMNS:
            if col in prev_forward and col in cur_over and prev_forward[col] != cur_over[col]:
                out.write(_dumps({"file": rel, "report_id": report_id, "previous_file": prev_rel, "column": col,
                                  "expected": prev_forward[col], "found": cur_over[col], "cause": cause}) + "\n")
                written += 1
    return written


def _write_clusters(unit: list[Built], fh: dict, counts: dict) -> None:
    by: dict[str, list[Built]] = {}
    for b in unit:
        if b.slot.cluster:
            by.setdefault(b.slot.cluster, []).append(b)
    for cid, members in by.items():
        if len(members) < 2:
            continue
        model = members[0]
        kind = members[0].slot.cluster_kind
        fh["clusters.jsonl"].write(_dumps({"cluster": cid, "kind": kind, "files": [m.rel for m in members],
                                           "model_text": model.narrative_text}) + "\n")
        counts["clusters"] += 1
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                x, y = members[i], members[j]
                fh["reuse_pairs.jsonl"].write(_dumps({
                    "a_file": x.rel, "b_file": y.rel, "a_report_id": x.doc["report_id"],
                    "b_report_id": y.doc["report_id"], "kind": kind, "source_file": model.rel,
                    "cluster": cid}) + "\n")
                counts["pairs"] += 1


__all__ = ["generate", "plan", "max_reports", "build_report", "iter_built", "LAYOUT_WEIGHTS", "TRUTH_FILES"]
