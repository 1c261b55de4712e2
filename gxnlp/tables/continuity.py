"""Cross-year continuity: this year's 二、上年结转 equals last year's 四、结转下年度继续办理, per
column, for one agency. A corpus-level rule (``gxnlp validate`` over a directory, the
dataset's ``findings``).

Reports are grouped by the panel's agency identity (:func:`agency_keys`: an entry's resolved
``agency_key`` when it has one, else :class:`gxnlp.panel.identity.AgencyResolver` with the alias
tables), so ``validate``, ``build`` and the panel pages find the same breaks. Only consecutive years
are compared. A year with several versions of one agency's report (one report in two formats) counts
when its versions print the same number; when they disagree, which one continues the series is
unknown and the column is not compared.

>>> a = {"report_id": "a", "source": "a.txt", "agency": "某县人民政府", "region": {}, "year": 2021,
...      "carried_over": {}, "carried_forward": {"natural_person": 2, "total": 2}}
>>> b = {"report_id": "b", "source": "b.txt", "agency": "某县人民政府", "region": {}, "year": 2022,
...      "carried_over": {"natural_person": 1, "total": 1}, "carried_forward": {}}
>>> [(f.report_id, f.column, f.expected, f.found) for f in continuity_findings([a, b])]
[('b', 'natural_person', 2, 1), ('b', 'total', 2, 1)]
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..genre import table_keys as K
from .audit import Finding, _eq, _fmt, _num

RULE = "cross_year_continuity"


def agency_keys(entries: list[dict[str, Any]], aliases: Any = None) -> list[str | None]:
    """The panel's agency key of each entry: its ``agency_key`` when given (the dataset's panel stage
    resolved it), else :class:`~gxnlp.panel.identity.AgencyResolver` fitted over the entries without one."""
    # imported here: the identity code needs pandas/scikit-learn/rapidfuzz, which the per-report
    # table code does not
    from ..panel.identity import AgencyResolver

    keys = [e.get("agency_key") for e in entries]
    todo = [i for i, e in enumerate(entries) if "agency_key" not in e]
    if todo:
        fitted = AgencyResolver(aliases=aliases).fit(
            [{"agency": entries[i].get("agency"), "year": entries[i].get("year"), "region": entries[i].get("region") or {}}
             for i in todo]).keys_
        for i, k in zip(todo, fitted):
            keys[i] = k
    return keys


def series_entry(report_id: str, source: str | None, agency: str | None, region: dict | None, year: int | None,
                 cells: dict[tuple[str, str, str], Any], agency_key: str | None = None) -> dict[str, Any]:
    """What the rule needs of one report (small enough to send back from a worker process).
    ``agency_key``: the report's resolved key, when known (else the rule resolves it)."""
    def row(r):
        return {c: v for c in K.S3_COLUMNS if (v := _num(cells.get(("s3", r, c)))) is not None}

    entry = {"report_id": report_id, "source": source, "agency": agency, "region": dict(region or {}), "year": year,
             "carried_over": row("carried_over"), "carried_forward": row("carried_forward")}
    if agency_key is not None:
        entry["agency_key"] = agency_key
    return entry


def _agreed(versions: list[dict], row: str, col: str):
    """The number the versions of one year print (``None`` when none prints it or they disagree)."""
    values = [v[row][col] for v in versions if v[row].get(col) is not None]
    return values[0] if values and all(_eq(values[0], x) for x in values[1:]) else None


def continuity_findings(entries: list[dict[str, Any]], aliases: Any = None,
                        keys: list[str | None] | None = None) -> list[Finding]:
    """Findings for every consecutive pair of years of one agency whose carried counts differ
    (one per version of the later year that prints the differing number). ``keys``: the agency key
    of each entry when the caller has them (default :func:`agency_keys`)."""
    keys = agency_keys(entries, aliases) if keys is None else keys
    series: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for e, key in zip(entries, keys):
        if key is None or e.get("year") is None:
            continue
        series[key][int(e["year"])].append(e)
    out: list[Finding] = []
    for key in sorted(series):
        years = series[key]
        for year in sorted(years):
            prev, cur = years.get(year - 1), years[year]
            if not prev:
                continue
            cur = sorted(cur, key=lambda e: (str(e.get("source") or ""), e["report_id"]))
            for col in K.S3_COLUMNS:
                fwd, over = _agreed(prev, "carried_forward", col), _agreed(cur, "carried_over", col)
                if fwd is None or over is None or _eq(fwd, over):
                    continue
                before = prev[0]
                for now in cur:
                    if now["carried_over"].get(col) is None:
                        continue
                    out.append(Finding(
                        now.get("source"), now["report_id"], RULE, "s3", "carried_over", col, fwd, over,
                        f"s3 {col}: {year} 二、上年结转 = {_fmt(over)} but the {year - 1} report "
                        f"({before.get('source') or before['report_id']}) carried {_fmt(fwd)} forward (四、结转下年度)"))
    return out
