"""Audit of extracted tables: the identities every correct report satisfies (勾稽关系), and the
numbers the narrative states against the tables.

Rules: ``s3_column_balance`` (一 + 二 = 三（七）总计 + 四, per column), ``s3_row_total`` (总计 = the six
applicant columns), ``s3_total_handled`` (（七）总计 = the sum of the results, per column),
``s4_group_total`` (总计 = 维持 + 纠正 + 其他 + 尚未审结), ``narrative_table_mismatch``
(收到…申请N件 / 行政复议N件 / 行政诉讼N件 vs the tables). An identity with an empty (null) cell
cannot be checked and is skipped; a clean report gives no finding.

>>> import pandas as pd
>>> cells = pd.DataFrame([
...     {"report_id": "r", "table": "s4", "row": "review", "column": c, "value": v}
...     for c, v in zip(["upheld", "corrected", "other", "pending", "total"], [1, 0, 2, 0, 4])])
>>> [(f.rule, f.expected, f.found) for f in check(cells)]
[('s4_group_total', 3, 4)]
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from ..genre import table_keys as K
from ..genre.numerals import cn_to_int

FINDING_COLUMNS = ["source", "report_id", "rule", "table", "row", "column", "expected", "found", "message"]
RULES = ("s3_column_balance", "s3_row_total", "s3_total_handled", "s4_group_total", "narrative_table_mismatch")


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
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (int, float, str)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
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
                narrative_text: str | None = None, raw: dict[tuple[str, str, str], Any] | None = None) -> list[Finding]:
    """Findings for one report's cells ``{(table, row, column): value}``.

    A null cell the source prints as empty (``raw`` is "", ``—``, ``/``, ``无``) counts as 0, as
    the tables mean it; a cell that could not be read (no raw text, or no ``raw`` given) makes
    the identities it is in uncheckable, so they are skipped, never reported.
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

    s3_rows = {r for (t, r, _c) in cells if t == "s3"}
    if s3_rows:
        template = K.s3_template_of_rows(s3_rows)
        results = K.s3_result_rows(template)
        for row in K.s3_rows(template):
            if row not in s3_rows:
                continue
            parts = _sum(get("s3", row, c) for c in K.S3_COLUMNS[:-1])
            total = get("s3", row, "total")
            if parts is not None and total is not None and not _eq(parts, total):
                add("s3_row_total", "s3", row, "total", parts, total,
                    f"s3 {row}: the six applicant columns sum to {_fmt(parts)}, 总计 says {_fmt(total)}")
        for col in K.S3_COLUMNS:
            lhs = _sum([get("s3", "new_requests", col), get("s3", "carried_over", col)])
            rhs = _sum([get("s3", "total_handled", col), get("s3", "carried_forward", col)])
            if lhs is not None and rhs is not None and not _eq(lhs, rhs):
                add("s3_column_balance", "s3", "total_handled", col, lhs, rhs,
                    f"s3 {col}: 一+二 = {_fmt(lhs)} but 三（七）总计+四 = {_fmt(rhs)}")
            if all(("s3", r, col) in cells for r in results):
                handled = _sum(get("s3", r, col) for r in results)
                th = get("s3", "total_handled", col)
                if handled is not None and th is not None and not _eq(handled, th):
                    add("s3_total_handled", "s3", "total_handled", col, handled, th,
                        f"s3 {col}: the results sum to {_fmt(handled)}, （七）总计 says {_fmt(th)}")
    for group in K.S4_ROWS:
        parts = _sum(get("s4", group, c) for c in K.S4_COLUMNS[:-1])
        total = get("s4", group, "total")
        if parts is not None and total is not None and not _eq(parts, total):
            add("s4_group_total", "s4", group, "total", parts, total,
                f"s4 {group}: 维持+纠正+其他+尚未审结 = {_fmt(parts)}, 总计 says {_fmt(total)}")
    if narrative_text:
        out.extend(_narrative(narrative_text, get, report_id, source))
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
        findings.extend(check_cells(cells, str(report_id), source, text, raw))
    return findings


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a DataFrame with :data:`FINDING_COLUMNS`."""
    return pd.DataFrame([f.to_dict() for f in findings], columns=FINDING_COLUMNS)


def validate_record(path) -> dict[str, Any]:
    """Read one file and audit its tables: ``{"source", "report_id", "findings", "warnings"}`` or
    ``{"source", "error"}``. The narrative checked is the whole document text."""
    from ..model import error_record
    from ..structure.parse import parse_path
    from . import extract_with_warnings

    try:
        report = parse_path(path)
        df, warnings = extract_with_warnings(report)
        df.attrs["source"] = str(path)
        findings = check(df, report.document.text if report.document else None) if not df.empty else []
    except Exception as exc:  # one bad file never stops a corpus
        return error_record(str(path), exc)
    return {"source": str(path), "report_id": report.report_id, "findings": [f.to_dict() for f in findings],
            "warnings": warnings}


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
    if isinstance(cells, pd.DataFrame):
        cells = cells.to_dict("records")
    if not cells:
        return []
    text = report.document.text if report.document is not None else None
    rows = []
    for f in check_records(cells, text, report.source):
        d = f.to_dict()
        d["expected"] = None if f.expected is None else _fmt(f.expected)
        d["found"] = None if f.found is None else _fmt(f.found)
        rows.append(d)
    return rows

