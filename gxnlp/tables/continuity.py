"""Cross-year continuity: this year's 二、上年结转 equals last year's 四、结转下年度继续办理, per
column, for one agency. A corpus-level rule (``gxnlp validate`` over a directory, the
dataset's ``findings``).

Reports are grouped by :func:`agency_group` (normalised agency name + region); only
consecutive years are compared, and a year with two reports of one agency is not compared
(which one continues the series is unknown).

>>> a = {"report_id": "a", "source": "a.txt", "agency": "某县人民政府", "region": {}, "year": 2021,
...      "carried_over": {}, "carried_forward": {"natural_person": 2, "total": 2}}
>>> b = {"report_id": "b", "source": "b.txt", "agency": "某县人民政府", "region": {}, "year": 2022,
...      "carried_over": {"natural_person": 1, "total": 1}, "carried_forward": {}}
>>> [(f.report_id, f.column, f.expected, f.found) for f in continuity_findings([a, b])]
[('b', 'natural_person', 2, 1), ('b', 'total', 2, 1)]
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

from ..genre import table_keys as K
from .audit import Finding, _eq, _fmt, _num

RULE = "cross_year_continuity"
_PUNCT = re.compile(r"[\s\u3000()（）【】\[\]《》“”\"'·•、，,。.]")


def agency_group(agency: str | None, region: dict[str, str | None] | None) -> str | None:
    """The key that says two reports come from one agency: its normalised name and region.

    One small function on purpose: a finer agency key (aliases, renamed bodies) can replace it.
    """
    if not agency:
        return None
    name = _PUNCT.sub("", unicodedata.normalize("NFKC", agency))
    region = region or {}
    place = "/".join(region.get(k) or "" for k in ("province", "city", "county"))
    return f"{place}|{name}"


def series_entry(report_id: str, source: str | None, agency: str | None, region: dict | None, year: int | None,
                 cells: dict[tuple[str, str, str], Any]) -> dict[str, Any]:
    """What the rule needs of one report (small enough to send back from a worker process)."""
    def row(r):
        return {c: v for c in K.S3_COLUMNS if (v := _num(cells.get(("s3", r, c)))) is not None}

    return {"report_id": report_id, "source": source, "agency": agency, "region": dict(region or {}), "year": year,
            "carried_over": row("carried_over"), "carried_forward": row("carried_forward")}


def continuity_findings(entries: list[dict[str, Any]], group=agency_group) -> list[Finding]:
    """Findings for every consecutive pair of years of one agency whose carried counts differ."""
    series: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        key = group(e.get("agency"), e.get("region"))
        if key is None or e.get("year") is None:
            continue
        series[key][int(e["year"])].append(e)
    out: list[Finding] = []
    for key in sorted(series):
        years = series[key]
        for year in sorted(years):
            prev, cur = years.get(year - 1), years[year]
            if not prev or len(prev) != 1 or len(cur) != 1:
                continue
            before, now = prev[0], cur[0]
            for col in K.S3_COLUMNS:
                fwd = before["carried_forward"].get(col)
                over = now["carried_over"].get(col)
                if fwd is None or over is None or _eq(fwd, over):
                    continue
                out.append(Finding(
                    now.get("source"), now["report_id"], RULE, "s3", "carried_over", col, fwd, over,
                    f"s3 {col}: {year} 二、上年结转 = {_fmt(over)} but the {year - 1} report "
                    f"({before.get('source') or before['report_id']}) carried {_fmt(fwd)} forward (四、结转下年度)"))
    return out
