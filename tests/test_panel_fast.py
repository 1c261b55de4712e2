"""The panel's fast paths give what the plain definitions give: promise windows restricted to the
promise's terms, statement pairs scored all at once, deltas as rows (the dataset's panel stage, which
joins the deltas in DuckDB, is checked against ``build_panel`` in test_panel.py)."""
from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from gxnlp.panel.compare import STATEMENT_COLUMNS, delta_rows, statement_change_rows, table_deltas
from gxnlp.panel.promises import PromiseTracker, terms
from gxnlp.panel.records import PanelReport

# clauses of the genre's "work done" and "measures" prose, recombined at random below
CLAUSES = ["全年开展政务公开业务培训三次", "覆盖全部科室和乡镇", "新建便民查阅点五个", "完善政府网站信息公开栏目",
           "及时整改错链空白栏目等问题", "严格落实保密审查制度", "加强政策解读工作", "依申请公开办理规范及时",
           "推进基层政务公开标准化规范化", "组织全体干部学习条例", "定期检查专栏内容更新情况", "政务新媒体管理进一步规范"]
PUNCT = ["。", "；", "，", "\n"]


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CLAUSES) + rng.choice(PUNCT) for _ in range(n))


def _fit_texts() -> list[str]:
    rng = random.Random(3)
    return [_text(rng, 8) for _ in range(40)]


@pytest.fixture(scope="module")
def tracker():
    return PromiseTracker().fit(_fit_texts())


def _reference_match(tracker: PromiseTracker, promise: dict, evidence: str) -> dict:
    """The definition: the best of every window (first strictly better one in window order)."""
    pt = set(terms(promise["text"]))
    best = {"kept": False, "cover": 0.0, "category": None, "evidence": None}
    if not pt:
        return best
    total = math.fsum(tracker._w(t) for t in pt)
    same, any_ = (0.0, None, None), (0.0, None, None)
    for w, wt, wc in tracker._windows(evidence):
        cover = math.fsum(tracker._w(t) for t in pt & wt) / total
        if promise["category"] not in (None, "other") and wc == promise["category"] and cover > same[0]:
            same = (cover, w, wc)
        if cover > any_[0]:
            any_ = (cover, w, wc)
    if same[1] is not None and same[0] >= tracker.min_cover:
        return {"kept": True, "cover": round(same[0], 3), "category": same[2], "evidence": same[1]}
    if any_[1] is not None and any_[0] >= tracker.min_cover_any:
        return {"kept": True, "cover": round(any_[0], 3), "category": any_[2], "evidence": any_[1]}
    pick = same if same[1] is not None else any_
    return {"kept": False, "cover": round(pick[0], 3), "category": pick[2], "evidence": pick[1]}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 9),
       category=st.sampled_from([None, "other", "training_staff", "platform", "institutions"]))
def test_promise_match_scores_only_windows_with_its_terms(tracker, seed, n, category):
    rng = random.Random(seed)
    evidence = _text(rng, n)
    promise = {"text": rng.choice(CLAUSES) + rng.choice(CLAUSES), "category": category}
    restricted = tracker._windows(evidence, set(terms(promise["text"])))
    every = tracker._windows(evidence)
    assert restricted == [w for w in every if w[1] & set(terms(promise["text"]))]
    assert tracker.match(promise, evidence) == _reference_match(tracker, promise, evidence)


def test_promise_evidence_is_the_first_of_windows_with_the_same_terms(tracker):
    """A clause and the clause with the next one (no promise term in it) cover a promise exactly alike
    (fsum: the sum does not depend on the order the sets give their terms in, which follows string
    hashing), so the first window, the single clause, is the evidence."""
    evidence = "全年开展政务公开业务培训三次，新建便民查阅点五个。组织全体干部学习条例。"
    m = tracker.match({"text": "政务公开业务培训，新建便民查阅点", "category": "training_staff"}, evidence)
    assert len(terms("政务公开业务培训，新建便民查阅点")) >= 4
    assert m["kept"] and m["cover"] == 1.0 and m["evidence"] == "全年开展政务公开业务培训三次，新建便民查阅点五个。"


def test_promise_match_with_a_tiny_category_cache(tracker, monkeypatch):
    """The window categories a tracker remembers are dropped when full, never one still to answer."""
    import gxnlp.panel.promises as promises

    rng = random.Random(11)
    cases = [({"text": rng.choice(CLAUSES) + rng.choice(CLAUSES), "category": "platform"}, _text(rng, 6))
             for _ in range(30)]
    expected = [tracker.match(p, e) for p, e in cases]
    small = PromiseTracker().fit(_fit_texts())
    monkeypatch.setattr(promises, "CATEGORY_CACHE", 3)
    assert [small.match(p, e) for p, e in cases] == expected
    assert len(small.__dict__["_category_cache"]) <= 12


def _statements(rng: random.Random, kind_counts: dict[str, int]) -> list[dict]:
    out = []
    for kind, n in kind_counts.items():
        for i in range(n):
            text = rng.choice(CLAUSES) + rng.choice(["", "进一步", "2021年", "工作"]) + rng.choice(CLAUSES)[:rng.randint(0, 6)]
            out.append({"kind": kind, "position": i, "text": text, "category": rng.choice(["a", "b", None])})
    return out


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10_000), na=st.integers(0, 6), nb=st.integers(0, 6), nm=st.integers(0, 4))
def test_statement_changes_are_the_best_pairwise_ratio(seed, na, nb, nm):
    """All pairs at once (cdist) give fuzz.ratio's best match per statement, ties to the later one."""
    from gxnlp.panel.compare import SAME_TEXT, norm_text

    rng = random.Random(seed)
    prev = PanelReport("a", None, "甲局", 2021, statements=_statements(rng, {"problem": na, "measure": nm}))
    cur = PanelReport("b", None, "甲局", 2022, statements=_statements(rng, {"problem": nb, "measure": nm}))
    rows = [dict(zip(STATEMENT_COLUMNS, r)) for r in statement_change_rows(prev, cur)]
    expected = []
    for kind in ("problem", "measure"):
        a = [s for s in prev.statements if s["kind"] == kind]
        b = [s for s in cur.statements if s["kind"] == kind]
        used = set()
        for s in b:
            best, i = max(((fuzz.ratio(norm_text(s["text"]), norm_text(x["text"])), i) for i, x in enumerate(a)),
                          default=(0.0, -1))
            if best >= SAME_TEXT:
                used.add(i)
            expected.append((kind, "repeated" if best >= SAME_TEXT else "new", round(best / 100, 3), s["text"]))
        expected += [(kind, "dropped", None, s["text"]) for i, s in enumerate(a) if i not in used]
    assert [(r["kind"], r["status"], r["similarity"], r["text"]) for r in rows] == expected


def test_deltas_join_cells_in_the_earlier_reports_order():
    nan = float("nan")
    prev = PanelReport("a", None, "甲局", 2021, cells=[("s3", "new_requests", "total", 5.0), ("s3", "granted", "total", nan),
                                                       ("s2", "rules", "made", 1.0), ("s3", "x", "total", 2.0)])
    cur = PanelReport("b", None, "甲局", 2022, cells=[("s3", "granted", "total", 4.0), ("s3", "new_requests", "total", 7.0),
                                                      ("s3", "x", "total", 3.0), ("s3", "x", "total", 1.0)])
    rows = delta_rows(prev, cur, ("k",))
    assert [r[:4] for r in rows] == [("k", "s3", "new_requests", "total"), ("k", "s3", "granted", "total"),
                                     ("k", "s3", "x", "total"), ("k", "s3", "x", "total")]
    assert rows[0][4:] == (5.0, 7.0, 2.0) and math.isnan(rows[1][6]) and [r[6] for r in rows[2:]] == [1.0, -1.0]
    frame = table_deltas(prev, cur)
    assert list(frame.columns) == ["table", "row", "column", "previous", "value", "delta"] and len(frame) == 4
    assert table_deltas(prev, PanelReport("c", None, "甲局", 2023)).empty
