"""Audit of extracted tables: the identities every correct report satisfies (勾稽关系), and the
numbers the narrative states against the tables.

Rules: ``s3_column_balance`` (一 + 二 = 三（七）总计 + 四, per column), ``s3_row_total`` (总计 = the six
applicant columns), ``s3_total_handled`` (（七）总计 = the sum of the results, per column),
``s4_group_total`` (总计 = 维持 + 纠正 + 其他 + 尚未审结), ``narrative_table_mismatch``
(收到…申请N件 / 行政复议N件 / 行政诉讼N件 vs the tables). The audit never goes quiet: a cell that
could not be read is ``table_incomplete``; an identity with unread cells is still checked as far
as the known cells allow, else ``unverifiable`` naming the cells it needs; ``cells_printed_blank``
counts the cells printed blank, ``/``, ``—``; :func:`report_rules` adds ``fees_unexplained`` and
``problems_section_empty``; :mod:`gxnlp.tables.continuity` the corpus-level
``cross_year_continuity``. A clean, complete report gives no finding.

>>> import pandas as pd
>>> cells = pd.DataFrame([
...     {"report_id": "r", "table": "s4", "row": "review", "column": c, "value": v}
...     for c, v in zip(["upheld", "corrected", "other", "pending", "total"], [1, 0, 2, 0, 4])])
>>> [(f.rule, f.row, f.expected, f.found) for f in check(cells)]  # doctest: +NORMALIZE_WHITESPACE
[('s4_group_total', 'review', 3, 4), ('unverifiable', 'litigation_direct', 's4_group_total', None),
 ('unverifiable', 'litigation_after_review', 's4_group_total', None), ('table_incomplete', None, 15, 5)]
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..genre import table_keys as K
from ..genre.numerals import cn_to_int

FINDING_COLUMNS = ["source", "report_id", "rule", "table", "row", "column", "expected", "found", "message"]
#: Identities of one report's tables; a failure is a violation of the source (or a misreading).
IDENTITY_RULES = ("s3_column_balance", "s3_row_total", "s3_total_handled", "s4_group_total")
#: What the audit says instead of staying quiet: cells that could not be read, identities that
#: cannot be checked for want of cells, cells printed blank, and the report-level rules.
COMPLETENESS_RULES = ("table_incomplete", "unverifiable", "cells_printed_blank")
REPORT_RULES = ("fees_unexplained", "problems_section_empty")
CORPUS_RULES = ("cross_year_continuity",)
RULES = IDENTITY_RULES + ("narrative_table_mismatch",) + COMPLETENESS_RULES + REPORT_RULES + CORPUS_RULES


@dataclass
class Finding:
    source: str | None
    report_id: str
    rule: str
    table: str | None
    row: str | None
    column: str | None
    expected: Any
    found: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _num(v):
    """A cell value as a number; None for a null cell and for text that states no number (cells read
    back from CSV or a spreadsheet come as strings: ``"12"``, ``"+18"``, ``"1,234"`` are numbers,
    ``"—"`` and junk are null)."""
    if v is None or (isinstance(v, float) and v != v):  # None or NaN
        return None
    if isinstance(v, str):
        from .cells import parse_value

        return parse_value(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            return float(v)
        except (TypeError, ValueError, OverflowError):
            return None
    return v


def _eq(a, b) -> bool:
    return abs(float(a) - float(b)) < 1e-6


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _sum(values):
    vals = list(values)
    if any(v is None for v in vals) or not vals:
        return None
    return sum(vals)


def check_cells(cells: dict[tuple[str, str, str], Any], report_id: str, source: str | None = None,
                narrative_text: str | None = None, raw: dict[tuple[str, str, str], Any] | None = None,
                template_hint: str | None = None) -> list[Finding]:
    """Findings for one report's cells ``{(table, row, column): value}``.

    A null cell the source prints as empty (``raw`` is "", ``—``, ``/``, ``无``) counts as 0, as
    the tables mean it. A cell that could not be read (no raw text, or no ``raw`` given) is a
    ``table_incomplete`` finding; an identity it is in is still checked as far as the known cells
    allow (known parts that already exceed the other side are a violation) and otherwise
    reported ``unverifiable``, naming the cells it needs. Cells printed blank, ``/`` or ``—``
    are counted (``cells_printed_blank``).
    """
    out: list[Finding] = []
    raw = raw or {}

    def get(t, r, c):
        v = _num(cells.get((t, r, c)))
        if v is None and isinstance(raw.get((t, r, c)), str):
            return 0
        return v

    def add(rule, table, row, column, expected, found, message):
        out.append(Finding(source, report_id, rule, table, row, column, expected, found, message))

    def identity(rule, table, row, column, left, right, what):
        """``sum(left) == sum(right)`` over cell keys; checked as far as the known cells allow."""
        lv = [get(*k) for k in left]
        rv = [get(*k) for k in right]
        unknown_l = [k for k, v in zip(left, lv) if v is None]
        unknown_r = [k for k, v in zip(right, rv) if v is None]
        sl = sum(v for v in lv if v is not None)
        sr = sum(v for v in rv if v is not None)
        if not unknown_l and not unknown_r:
            if not _eq(sl, sr):
                add(rule, table, row, column, sl, sr, what(_fmt(sl), _fmt(sr)))
            return
        # counts are never negative: a side whose known part already exceeds the other side's
        # complete sum cannot be made to agree by any value of its unread cells
        if not unknown_r and sl > sr + 1e-6:
            add(rule, table, row, column, f">={_fmt(sl)}", sr,
                what(f">={_fmt(sl)}", _fmt(sr)) + f" (already, with {_cells_text(unknown_l)} unread)")
            return
        if not unknown_l and sr > sl + 1e-6:
            add(rule, table, row, column, sl, f">={_fmt(sr)}",
                what(_fmt(sl), f">={_fmt(sr)}") + f" (already, with {_cells_text(unknown_r)} unread)")
            return
        needed = unknown_l + unknown_r
        add("unverifiable", table, row, column, rule, None,
            f"{rule} for {table} {row or ''}/{column or ''} cannot be checked: needs {_cells_text(needed)}")

    s3_rows = {r for (t, r, _c) in cells if t == "s3"}
    if s3_rows:
        template = K.s3_template_of_rows(s3_rows)
        results = K.s3_result_rows(template)
        for row in K.s3_rows(template):
            if row not in s3_rows:
                continue
            identity("s3_row_total", "s3", row, "total",
                     [("s3", row, c) for c in K.S3_COLUMNS[:-1]], [("s3", row, "total")],
                     lambda a, b, row=row: f"s3 {row}: the six applicant columns sum to {a}, 总计 says {b}")
        for col in K.S3_COLUMNS:
            identity("s3_column_balance", "s3", "total_handled", col,
                     [("s3", "new_requests", col), ("s3", "carried_over", col)],
                     [("s3", "total_handled", col), ("s3", "carried_forward", col)],
                     lambda a, b, col=col: f"s3 {col}: 一+二 = {a} but 三（七）总计+四 = {b}")
            if any(("s3", r, col) in cells for r in results):  # an absent result row is an unread one
                identity("s3_total_handled", "s3", "total_handled", col,
                         [("s3", r, col) for r in results], [("s3", "total_handled", col)],
                         lambda a, b, col=col: f"s3 {col}: the results sum to {a}, （七）总计 says {b}")
    if any(t == "s4" for (t, _r, _c) in cells):
        for group in K.S4_ROWS:
            identity("s4_group_total", "s4", group, "total",
                     [("s4", group, c) for c in K.S4_COLUMNS[:-1]], [("s4", group, "total")],
                     lambda a, b, group=group: f"s4 {group}: 维持+纠正+其他+尚未审结 = {a}, 总计 says {b}")
    out.extend(_completeness(cells, raw, report_id, source, template_hint))
    if narrative_text:
        out.extend(_narrative(narrative_text, get, report_id, source))
    return out


def _cells_text(keys, limit: int = 12) -> str:
    names = [f"{t}/{r}/{c}" for t, r, c in keys]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def expected_cells(table: str, template: str) -> list[tuple[str, str, str]]:
    """Every cell a table of the template has."""
    if table == "s2":
        return [("s2", r, c) for r, cols in K.S2_ROWS[template] for c in cols]
    if table == "s3":
        return [("s3", r, c) for r in K.s3_rows(template) for c in K.S3_COLUMNS]
    return [("s4", r, c) for r in K.S4_ROWS for c in K.S4_COLUMNS]


def _completeness(cells, raw, report_id, source, template_hint) -> list[Finding]:
    """``table_incomplete`` (per table: the cells missing or unreadable) and
    ``cells_printed_blank`` (per report: how many cells are printed empty, ``/``, ``—``, ``无``)."""
    out = []
    tables = {t for (t, _r, _c) in cells}
    s3_template = "2021" if {r for (t, r, _c) in cells if t == "s3"} & set(K.S3_OTHER_2021) else "2019"
    s2_rows = {r for (t, r, _c) in cells if t == "s2"}
    s2_cols = {c for (t, _r, c) in cells if t == "s2"}
    if s2_rows & {"other_services", "procurement"} or s2_cols & {"made", "published", "previous", "change"}:
        s2_template = "2019"
    elif s2_cols & {"issued", "repealed", "in_force", "amount_wan"}:
        s2_template = "2021"
    else:
        s2_template = template_hint if template_hint in ("2019", "2021") else "2021"
    for table in ("s2", "s3", "s4"):
        if table not in tables:
            continue
        tpl = s3_template if table == "s3" else s2_template
        gaps = [k for k in expected_cells(table, tpl)
                if k not in cells or (_num(cells[k]) is None and not isinstance(raw.get(k), str))]
        if gaps:
            out.append(Finding(source, report_id, "table_incomplete", table, None, None, len(expected_cells(table, tpl)),
                               len(expected_cells(table, tpl)) - len(gaps),
                               f"{table}: {len(gaps)} cells could not be read: {_cells_text(gaps)}"))
    blank: dict[str, int] = {}
    for k, v in cells.items():
        r = raw.get(k)
        # s2-s4 only: a blank in the pre-2019 annex (历年累计 not kept) is no number, not a 0
        if _num(v) is None and isinstance(r, str) and k[0] != K.PRE2019_TABLE:
            mark = r.strip() or "blank"
            blank[mark] = blank.get(mark, 0) + 1
    if blank:
        n = sum(blank.values())
        detail = ", ".join(f"{c} {m!r}" if m != "blank" else f"{c} blank" for m, c in sorted(blank.items()))
        out.append(Finding(source, report_id, "cells_printed_blank", None, None, None, None, n,
                           f"{n} cells printed without a number ({detail}); counted as 0"))
    return out


# ------------------------------------------------------------------ narrative numbers

_CN_NUM = "零〇一二两三四五六七八九十百千万"
_N = rf"(\d+|[{_CN_NUM}]+)"
_UNIT = r"\s*(?:件|起|宗|个|次)"
_STOP = r"[^。；;！\n]"
_NOT_TOTAL = re.compile(r"自然人|法人|企业|其中|较|同比|上年|增加|减少|增长|下降|结转|办结|答复|予以|不予|部分|%|％")

NARRATIVE_PATTERNS = {
    # kind: (pattern, the cells the number is compared with: one of them or their sum)
    "requests": (
        re.compile(rf"(?:收到|受理|新收|接收){_STOP}{{0,20}}?申请(?:公开)?(?:事项)?(?:数量|总数)?(?:共|合计|总计|共计)?"
                   rf"(?:为)?{_N}{_UNIT}"),
        [("s3", "new_requests", "total")],
    ),
    "requests_count": (
        re.compile(rf"申请(?:公开)?(?:申请)?(?:数量|总数|件数)(?:共|合计|共计)?为{_N}(?:件|个)?"),
        [("s3", "new_requests", "total")],
    ),
    "review": (
        re.compile(rf"行政复议(?:案件|申请)?(?:共|合计|共计)?{_N}{_UNIT}"),
        [("s4", "review", "total")],
    ),
    "litigation": (
        re.compile(rf"行政诉讼(?:案件)?(?:共|合计|共计)?{_N}{_UNIT}"),
        [("s4", "litigation_direct", "total"), ("s4", "litigation_after_review", "total")],
    ),
}
#: Sentences stating none at all ("未收到政府信息公开申请", "未发生…行政复议和行政诉讼").
_ZERO_REQUESTS = re.compile(rf"(?:未|没有|无)(?:收到|受理|接到|接收){_STOP}{{0,30}}?申请")
_ZERO_CASES = re.compile(rf"(?:未|没有|无)(?:发生|收到|涉及|出现){_STOP}{{0,30}}?(行政复议|行政诉讼)(?:和|或|、|及)?(行政诉讼)?")
_WS = re.compile(r"\s+")
_OGI = re.compile(r"信息公开|依申请")


def _to_int(s: str) -> int | None:
    return int(s) if s.isdigit() else cn_to_int(s, mode="smart")


def narrative_numbers(text: str) -> list[tuple[str, int, str]]:
    """(kind, number, matched text) for each total the narrative states.

    >>> narrative_numbers("全年共收到政府信息公开申请七十五件，行政复议2件。")
    [('requests', 75, '收到政府信息公开申请七十五件'), ('review', 2, '行政复议2件')]
    """
    text = _WS.sub("", text)  # PDF text breaks sentences anywhere
    found = []

    def about_ogi(m: re.Match) -> bool:
        """The sentence is about information disclosure (not 行政许可申请, a 司法局's own 行政复议)."""
        start = max(text.rfind(ch, 0, m.start()) for ch in "。；;！") + 1
        return bool(_OGI.search(text, start, m.end()))

    for kind, (pat, _cells) in NARRATIVE_PATTERNS.items():
        for m in pat.finditer(text):
            if _NOT_TOTAL.search(m.group(0)) or not about_ogi(m):
                continue
            n = _to_int(m.group(1))
            if n is not None:
                found.append((m.start(), "requests" if kind == "requests_count" else kind, n, m.group(0)))
    for m in _ZERO_REQUESTS.finditer(text):
        if "复议" in m.group(0) or "诉讼" in m.group(0) or not about_ogi(m):
            continue
        found.append((m.start(), "requests", 0, m.group(0)))
    for m in _ZERO_CASES.finditer(text):
        if not about_ogi(m):
            continue
        for g in (1, 2):
            if m.group(g):
                found.append((m.start(), "review" if m.group(g) == "行政复议" else "litigation", 0, m.group(0)))
    return [(k, n, s) for _p, k, n, s in sorted(found)]


def _narrative(text: str, get, report_id: str, source: str | None) -> list[Finding]:
    out = []
    seen = set()
    for kind, n, snippet in narrative_numbers(text):
        kind = "requests" if kind == "requests_count" else kind
        cells = NARRATIVE_PATTERNS[kind][1]
        values = [get(*c) for c in cells]
        if any(v is None for v in values):
            continue
        accepted = {sum(values)} | set(values)
        if any(_eq(n, a) for a in accepted) or (kind, n) in seen:
            continue
        seen.add((kind, n))
        note = ""
        if kind == "requests":
            co = get("s3", "carried_over", "total")
            if co and _eq(n, values[0] + co):
                note = " (本年新收 + 上年结转: the narrative counts last year's carried-over requests)"
        table, row, column = cells[0] if len(cells) == 1 else (cells[0][0], "+".join(c[1] for c in cells), "total")
        out.append(Finding(source, report_id, "narrative_table_mismatch", table, row, column, sum(values), n,
                           f"narrative says {snippet!r} ({n}); the table says {_fmt(sum(values))}{note}"))
    return out


# ------------------------------------------------------------------ frames

def check(cells_df: pd.DataFrame, narrative_text: str | dict[str, str] | None = None) -> list[Finding]:
    """Findings for every report in a cells frame (the output of :func:`gxnlp.tables.extract`).

    ``narrative_text`` is one report's text, or ``{report_id: text}`` for several reports.
    """
    findings: list[Finding] = []
    if cells_df is None or cells_df.empty:
        return findings
    default_source = cells_df.attrs.get("source")
    for report_id, grp in cells_df.groupby("report_id", sort=False):
        cells = {(r.table, r.row, r.column): _num(r.value) for r in grp.itertuples()}
        raw = ({(r.table, r.row, r.column): (r.raw if isinstance(r.raw, str) else None) for r in grp.itertuples()}
               if "raw" in grp.columns else None)
        source = grp["source"].iloc[0] if "source" in grp.columns else default_source
        text = narrative_text.get(report_id) if isinstance(narrative_text, dict) else narrative_text
        template = grp["template"].iloc[0] if "template" in grp.columns else None
        findings.extend(check_cells(cells, str(report_id), source, text, raw, template_hint=template))
    return findings


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a DataFrame with :data:`FINDING_COLUMNS`."""
    return pd.DataFrame([f.to_dict() for f in findings], columns=FINDING_COLUMNS)


_FEE_WORDS = re.compile(r"信息处理费|收费|收取|费用")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Below this many Chinese characters a problems section says nothing.
MIN_PROBLEMS_CHARS = 15


def report_rules(report, cells: dict[tuple[str, str, str], Any], found_tables: set[str]) -> list[Finding]:
    """Rules on the whole report: tables missing from a 2019/2021 report (``table_incomplete``),
    a fee notice with no word on fees in section 6 (``fees_unexplained``), a problems section that
    is missing or says nothing (``problems_section_empty``)."""
    out: list[Finding] = []
    rid, src = report.report_id, report.source
    if report.template in ("2019", "2021"):
        for table in ("s2", "s3", "s4"):
            if table not in found_tables:
                n = len(expected_cells(table, report.template))
                out.append(Finding(src, rid, "table_incomplete", table, None, None, n, 0,
                                   f"{table}: table not found in a {report.template}-template report ({n} cells unread)"))
        fee_notices = _num(cells.get(("s3", "other_fee_unpaid", "total")))
        other = (report.sections or {}).get("other") or ""
        if fee_notices and fee_notices > 0 and not _FEE_WORDS.search(other):
            out.append(Finding(src, rid, "fees_unexplained", "s3", "other_fee_unpaid", "total", None, fee_notices,
                               f"{_fmt(fee_notices)} requests ended unpaid after a fee notice, but section 6 "
                               "says nothing of 信息处理费 (fees charged)"))
    problems = (report.sections or {}).get("problems")
    chars = len(_CJK.findall(problems or ""))
    if chars < MIN_PROBLEMS_CHARS:
        out.append(Finding(src, rid, "problems_section_empty", None, None, None, None, chars,
                           "no problems section (存在的主要问题及改进情况)" if problems is None else
                           f"the problems section has {chars} Chinese characters: {problems.strip()[:40]!r}"))
    return out


def report_findings(report, df: pd.DataFrame | list[dict[str, Any]]) -> list[Finding]:
    """Every finding on one report: its tables' identities and completeness, the narrative's
    numbers, and the report-level rules. ``df``: the cells frame, or its records (the dataset's
    per-document path, without pandas)."""
    if isinstance(df, list):
        text = report.document.text if report.document is not None else None
        values = {(r["table"], r["row"], r["column"]): _num(r["value"]) for r in df}
        return check_records(df, text, report.source) + report_rules(report, values, {r["table"] for r in df})
    df.attrs["source"] = report.source
    text = report.document.text if report.document is not None else None
    findings = check(df, text) if not df.empty else []
    cells = {(r.table, r.row, r.column): _num(r.value) for r in df.itertuples()} if not df.empty else {}
    return findings + report_rules(report, cells, set(df["table"]) if not df.empty else set())


def validate_record(path) -> dict[str, Any]:
    """Read one file and audit its tables: ``{"source", "report_id", "findings", "warnings", "series"}``
    or ``{"source", "error"}``. The narrative checked is the whole document text; ``series`` is
    what the corpus-level continuity rule needs (:mod:`gxnlp.tables.continuity`)."""
    from ..runner import stage_record

    return stage_record(path, "audit")


def check_records(records: list[dict[str, Any]], narrative_text: str | None = None,
                  source: str | None = None) -> list[Finding]:
    """Findings for one report's cell records (:func:`gxnlp.tables.core.extract_records`): the
    same as :func:`check` on their frame, on plain dicts."""
    if not records:
        return []
    cells = {(r["table"], r["row"], r["column"]): _num(r["value"]) for r in records}
    raw = {(r["table"], r["row"], r["column"]): (r["raw"] if isinstance(r.get("raw"), str) else None) for r in records}
    return check_cells(cells, str(records[0]["report_id"]), source, narrative_text, raw)


def finding_rows(report, cells: list[dict[str, Any]] | pd.DataFrame) -> list[dict[str, Any]]:
    """The audit of one report's extracted cells (records, or a cells frame) for the dataset
    (expected/found as text)."""
    rows = []
    for f in report_findings(report, cells):
        d = f.to_dict()
        d["expected"] = None if f.expected is None else _fmt(f.expected)
        d["found"] = None if f.found is None else _fmt(f.found)
        rows.append(d)
    return rows
