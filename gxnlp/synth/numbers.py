"""The numeric tables (s2, s3, s4) of one report, satisfying every identity of the genre.

Values are keyed exactly as ``table_keys.md``. Generation first draws a consistent table;
:func:`plant_error` then breaks it in one place and :func:`violations` recomputes which
identities fail (the ground truth of ``errors.jsonl`` is what :func:`violations` finds,
so it is exact by construction).

>>> import random
>>> t = draw_tables(random.Random(3), "2021", "部门", "county")
>>> violations(t)
[]
"""
from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from ..genre.agencies import DEPARTMENT, GOV_OFFICE, TOWNSHIP, ZONE
from ..genre.table_keys import S2_ROWS as S2_LAYOUT
from ..genre.table_keys import S3_COLUMNS
from ..genre.table_keys import S4_COLUMNS, S4_ROWS, s3_rows
from ..genre.table_keys import s3_result_rows as result_rows

# The canonical keys are gxnlp.genre.table_keys (the public contract).
APPLICANTS = S3_COLUMNS[:-1]


# Request volume by (agency_type, level): probability of zero requests, median when not zero.
_VOLUME = {
    (GOV_OFFICE, "province"): (0.05, 400), (GOV_OFFICE, "city"): (0.08, 150), (GOV_OFFICE, "county"): (0.3, 12),
    (DEPARTMENT, "province"): (0.15, 40), (DEPARTMENT, "city"): (0.4, 8), (DEPARTMENT, "county"): (0.65, 3),
    (TOWNSHIP, "township"): (0.8, 2), (ZONE, "city"): (0.5, 5), (ZONE, "county"): (0.7, 2),
}

_RESULT_WEIGHTS = {
    "granted": 40, "partially_granted": 7, "denied_state_secret": 0.3, "denied_prohibited_by_law": 1,
    "denied_security_stability": 0.4, "denied_third_party": 1, "denied_internal_affairs": 1.2,
    "denied_process_info": 1.5, "denied_enforcement_file": 0.8, "denied_administrative_query": 1.5,
    "unable_not_held": 22, "unable_needs_creation": 2, "unable_unclear": 1.2, "not_processed_complaint": 4,
    "not_processed_repeated": 2.5, "not_processed_publication": 0.3, "not_processed_excessive": 0.5,
    "not_processed_reconfirm": 0.5, "other_handling": 6, "other_no_correction": 2.5, "other_fee_unpaid": 0.3,
    "other_misc": 3.5,
}
_APPLICANT_WEIGHTS = (86, 7, 0.4, 0.8, 3.2, 2.6)

Tables = dict[str, Any]  # {"template", "s2": {row: {col: value}}, "s3": ..., "s4": ...}


def _split(rng: random.Random, total: int, keys, weights) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    if total <= 0:
        return out
    if total > 200:  # proportional split plus a small multinomial remainder: fast for big agencies
        wsum = float(sum(weights))
        rest = total
        for k, w in zip(keys, weights):
            share = int(total * w / wsum * rng.uniform(0.8, 1.1))
            share = min(share, rest)
            out[k] += share
            rest -= share
        total = rest
    for k in rng.choices(keys, weights=weights, k=total):
        out[k] += 1
    return out


def draw_request_volume(rng: random.Random, agency_type: str, level: str) -> int:
    p0, median = _VOLUME.get((agency_type, level), (0.6, 3))
    if rng.random() < p0:
        return 0
    return max(1, int(round(rng.lognormvariate(0, 1.0) * median)))


def draw_s3(rng: random.Random, template: str, new_total: int) -> dict[str, dict[str, int]]:
    rows = s3_rows(template)
    res_rows = result_rows(template)
    t: dict[str, dict[str, int]] = {r: dict.fromkeys(S3_COLUMNS, 0) for r in rows}
    new = _split(rng, new_total, APPLICANTS, _APPLICANT_WEIGHTS)
    carried = 0 if new_total == 0 or rng.random() < 0.7 else rng.randint(1, max(1, new_total // 8))
    car = _split(rng, carried, APPLICANTS, _APPLICANT_WEIGHTS)
    weights = [_RESULT_WEIGHTS[r] for r in res_rows]
    for c in APPLICANTS:
        avail = new[c] + car[c]
        fwd = 0
        if avail and rng.random() < 0.25:
            fwd = min(avail, rng.randint(0, max(1, avail // 10)))
        t["new_requests"][c] = new[c]
        t["carried_over"][c] = car[c]
        t["carried_forward"][c] = fwd
        for r, v in _split(rng, avail - fwd, res_rows, weights).items():
            t[r][c] = v
        t["total_handled"][c] = avail - fwd
    for r in rows:
        t[r]["total"] = sum(t[r][c] for c in APPLICANTS)
    return t


def draw_s4(rng: random.Random, new_total: int) -> dict[str, dict[str, int]]:
    t = {}
    for r in S4_ROWS:
        scale = {"review": 0.06, "litigation_direct": 0.02, "litigation_after_review": 0.015}[r]
        n = 0
        if new_total and rng.random() < min(0.9, 0.15 + new_total / 200):
            n = int(rng.expovariate(1.0) * max(1.0, new_total * scale))
        parts = _split(rng, n, S4_COLUMNS[:4], (5, 1.5, 2, 1.5))
        parts["total"] = n
        t[r] = parts
    return t


def _wan(rng: random.Random, big: bool) -> Decimal:
    if rng.random() < 0.5:
        return Decimal(0)
    scale = 5000 if big else 60
    return Decimal(f"{rng.lognormvariate(0, 1.2) * scale:.2f}")


def draw_s2(rng: random.Random, template: str, agency_type: str, level: str) -> dict[str, dict[str, Any]]:
    gov = agency_type == GOV_OFFICE
    big = level in ("province", "city")
    enforce = agency_type == DEPARTMENT and rng.random() < 0.6

    def cnt(p_zero: float, median: float) -> int:
        return 0 if rng.random() < p_zero else max(1, int(rng.lognormvariate(0, 1.0) * median))

    regs_issued = cnt(0.4, 2) if gov and level in ("province", "city") else 0
    s2: dict[str, dict[str, Any]] = {}
    if template == "2021":
        ni = cnt(0.35, 4 if gov else 2)
        s2["regulations"] = {"issued": regs_issued, "repealed": cnt(0.8, 1) if regs_issued else 0,
                             "in_force": regs_issued + (cnt(0.3, 20) if regs_issued else 0)}
        s2["normative_documents"] = {"issued": ni, "repealed": cnt(0.6, 2), "in_force": ni + cnt(0.3, 15)}
        s2["licensing"] = {"decisions": cnt(0.3, 300 if big else 60) if enforce or gov else 0}
        s2["penalty"] = {"decisions": cnt(0.3, 200 if big else 30) if enforce or gov else 0}
        s2["coercion"] = {"decisions": cnt(0.6, 20) if enforce or gov else 0}
        s2["fees"] = {"amount_wan": _wan(rng, big) if enforce or gov else Decimal(0)}
    else:
        made = cnt(0.35, 3)
        s2["regulations"] = {"made": regs_issued, "published": regs_issued, "total_public": regs_issued + cnt(0.5, 10) if regs_issued else 0}
        s2["normative_documents"] = {"made": made, "published": made, "total_public": made + cnt(0.3, 12)}
        for row, med in (("licensing", 40), ("other_services", 15), ("penalty", 25), ("coercion", 4)):
            if enforce or gov:
                prev = cnt(0.4, med)
                change = rng.choice([0, 0, rng.randint(-3, 5), cnt(0.3, med)])
                s2[row] = {"previous": prev, "change": change, "decisions": cnt(0.4, med * 3)}
            else:
                s2[row] = {"previous": 0, "change": 0, "decisions": 0}
        s2["fees"] = {"previous": cnt(0.7, 2), "change": rng.choice([0, 0, 0, -1, 1])}
        s2["fees"]["change"] = max(s2["fees"]["change"], -s2["fees"]["previous"])
        proj = cnt(0.5, 6)
        s2["procurement"] = {"projects": proj, "amount": Decimal(f"{rng.lognormvariate(0, 1) * 80:.2f}") if proj else Decimal(0)}
    return s2


def draw_tables(rng: random.Random, template: str, agency_type: str, level: str, new_total: int | None = None) -> Tables:
    if new_total is None:
        new_total = draw_request_volume(rng, agency_type, level)
    return {"template": template, "s2": draw_s2(rng, template, agency_type, level),
            "s3": draw_s3(rng, template, new_total), "s4": draw_s4(rng, new_total)}


# ----------------------------------------------------------------------------- identities

def _v(x) -> int:
    return 0 if x is None else x


def violations(t: Tables) -> list[dict[str, Any]]:
    """Every identity that fails in ``t`` (None counts as 0), in a stable order.

    Each is ``{"rule", "table", "row", "column", "detail"}`` with ``row``/``column`` the
    place the identity is anchored: s3_column_balance -> (None, column);
    s3_row_total -> (row, "total"); s3_total_handled -> ("total_handled", column);
    s4_group_total -> (group, "total").
    """
    out: list[dict[str, Any]] = []
    s3 = t["s3"]
    res = result_rows(t["template"])
    for c in S3_COLUMNS:
        lhs = _v(s3["new_requests"][c]) + _v(s3["carried_over"][c])
        rhs = _v(s3["total_handled"][c]) + _v(s3["carried_forward"][c])
        if lhs != rhs:
            out.append({"rule": "s3_column_balance", "table": "s3", "row": None, "column": c,
                        "detail": f"new_requests + carried_over = {lhs} but total_handled + carried_forward = {rhs}"})
    for r in s3:
        s = sum(_v(s3[r][c]) for c in APPLICANTS)
        if s != _v(s3[r]["total"]):
            out.append({"rule": "s3_row_total", "table": "s3", "row": r, "column": "total",
                        "detail": f"sum of applicant columns = {s} but total = {_v(s3[r]['total'])}"})
    for c in S3_COLUMNS:
        s = sum(_v(s3[r][c]) for r in res)
        if s != _v(s3["total_handled"][c]):
            out.append({"rule": "s3_total_handled", "table": "s3", "row": "total_handled", "column": c,
                        "detail": f"sum of result rows = {s} but total_handled = {_v(s3['total_handled'][c])}"})
    for g, row in t["s4"].items():
        s = sum(_v(row[c]) for c in S4_COLUMNS[:4])
        if s != _v(row["total"]):
            out.append({"rule": "s4_group_total", "table": "s4", "row": g, "column": "total",
                        "detail": f"upheld + corrected + other + pending = {s} but total = {_v(row['total'])}"})
    return out


PLANTABLE = ("s3_column_balance", "s3_row_total", "s3_total_handled", "s4_group_total")


def plant_error(rng: random.Random, t: Tables, rule: str) -> str:
    """Break ``t`` in place so that ``rule`` fails; returns a human description of the edit."""
    s3, s4 = t["s3"], t["s4"]
    k = rng.choice([1, 1, 2, 3, 5, 10])
    sign = 1 if rng.random() < 0.6 else -1
    if rule == "s3_column_balance":
        c = rng.choice(("natural_person", "natural_person", "commercial", "other_org"))
        r = rng.choice(("new_requests", "carried_forward", "carried_over"))
        d = k if s3[r][c] < k or sign > 0 else -k
        s3[r][c] += d
        s3[r]["total"] += d
        return f"{r}.{c} and {r}.total changed by {d:+d}"
    if rule == "s3_row_total":
        r = rng.choice(s3_rows(t["template"]))
        d = k if s3[r]["total"] < k or sign > 0 else -k
        s3[r]["total"] += d
        return f"{r}.total changed by {d:+d}"
    if rule == "s3_total_handled":
        r = rng.choice(result_rows(t["template"])[:2] + ("unable_not_held", "denied_process_info"))
        c = rng.choice(("natural_person", "commercial"))
        d = k if s3[r][c] < k or sign > 0 else -k
        s3[r][c] += d
        s3[r]["total"] += d
        return f"{r}.{c} and {r}.total changed by {d:+d} without updating total_handled"
    if rule == "s4_group_total":
        g = rng.choice(S4_ROWS)
        d = k if s4[g]["total"] < k or sign > 0 else -k
        s4[g]["total"] += d
        return f"{g}.total changed by {d:+d}"
    raise ValueError(rule)


#: Share of an agency's consecutive years whose 二、上年结转 does not continue last year's
#: 四、结转下年度 (a planted continuity break; the truth records every break the files print).
CONTINUITY_BREAK_RATE = 0.2


def continue_series(previous: Tables, rng: random.Random) -> tuple[dict[str, int], str | None]:
    """This year's 二、上年结转 per applicant column: last year's printed 四、结转下年度, except in a
    planted break (one column off by a few; returns its description, else ``None``).

    >>> prev = {"s3": {"carried_forward": dict.fromkeys(APPLICANTS, 0) | {"natural_person": 3}}}
    >>> carried, planted = continue_series(prev, random.Random(0))
    >>> carried["natural_person"] if planted is None else planted
    3
    """
    carried = {c: max(0, previous["s3"]["carried_forward"][c]) for c in APPLICANTS}
    if rng.random() >= CONTINUITY_BREAK_RATE:
        return carried, None
    nonzero = [c for c in APPLICANTS if carried[c] > 0]
    col = rng.choice(nonzero) if nonzero else "natural_person"
    d = rng.choice((1, 1, 2, 3))
    if carried[col] and rng.random() < 0.4:
        d = -min(carried[col], rng.choice((1, 2)))
    carried[col] += d
    return carried, f"{col} carried over {d:+d} from last year's carried forward"


def iter_cells(t: Tables):
    """(table, row, column, value) of every cell in key order."""
    for table in ("s2", "s3", "s4"):
        for r, cols in t[table].items():
            for c, v in cols.items():
                yield table, r, c, v


def format_value(v) -> str:
    """The ``cells.csv`` spelling of a value (empty for null)."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v != v.to_integral() else str(int(v))
    return str(v)


__all__ = ["S3_COLUMNS", "APPLICANTS", "S4_ROWS", "S4_COLUMNS", "S2_LAYOUT", "PLANTABLE", "result_rows", "s3_rows",
           "draw_tables", "draw_request_volume", "violations", "plant_error", "iter_cells", "format_value",
           "CONTINUITY_BREAK_RATE", "continue_series"]
