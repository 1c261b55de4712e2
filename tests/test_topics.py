"""Topic models of statements: measures, estimator contract, determinism, recovery, prevalence, CLI."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.metrics import adjusted_mutual_info_score
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.structure.agency import agency_level, agency_type
from gxnlp.topics.prevalence import (
    bootstrap_shares,
    prevalence,
    report_frame,
    table_totals,
    volume_band,
)
from gxnlp.topics.model import StatementTopicModel, fit_topics, npmi_coherence, tokenize, topic_agreement

FIXTURE = Path(__file__).parent / "data" / "topics_statements.jsonl"


@pytest.fixture(scope="module")
def statements() -> pd.DataFrame:
    """110 hand-written statements (55 problems, 55 measures; 11 categories each, 5 statements per category)
    spread over 20 invented reports."""
    return pd.DataFrame([json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()])


# -- measures ---------------------------------------------------------------------------------


def test_npmi_by_hand():
    # 4 documents; terms 0,1 always together (NPMI 1), 0,2 never (NPMI -1),
    # terms 0,3: p0 = 1/2, p3 = 3/4, p03 = 1/2 -> log(0.5 / 0.375) / -log(0.5) = 0.41504
    X = sparse.csr_matrix(np.array([[1, 1, 0, 1], [1, 1, 0, 1], [0, 0, 1, 1], [0, 0, 1, 0]]))
    got = npmi_coherence([[0, 1], [0, 2], [0, 3], [0, 1, 2]], X)
    assert got[0] == pytest.approx(1.0)
    assert got[1] == pytest.approx(-1.0)
    assert got[2] == pytest.approx(math.log(0.5 / 0.375) / -math.log(0.5))
    assert got[3] == pytest.approx((1 - 1 - 1) / 3)  # pairs (0,1), (0,2), (1,2)


def test_topic_agreement_matches_topics_in_any_order():
    a = [["政策", "解读"], ["网站", "平台"], ["培训", "人员"]]
    assert topic_agreement(a, list(reversed(a))) == pytest.approx(1.0)
    assert topic_agreement(a, [["x"], ["y"], ["z"]]) == 0.0
    # one topic half-changed: Jaccard 1/3 for it, 1 for the others
    b = [["政策", "图解"], ["网站", "平台"], ["培训", "人员"]]
    assert topic_agreement(a, b) == pytest.approx((1 / 3 + 1 + 1) / 3)


def test_tokenize_drops_stopwords_and_single_characters():
    toks = tokenize(["进一步加强政策解读工作，提高解读质量。", ""])
    assert "政策解读" in toks[0] and "质量" in toks[0]
    assert not {"进一步", "加强", "工作", "，", "。"} & set(toks[0])
    assert toks[1] == []


# -- estimator ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "lda", "btm", "pt"])
def test_same_corpus_and_seed_give_same_topics(statements, method):
    texts = statements.loc[statements.kind == "problem", "text"].tolist()
    params = {"iterations": 60} if method in ("btm", "pt") else None
    a = StatementTopicModel(method=method, k=6, random_state=3, params=params).fit(texts)
    b = StatementTopicModel(method=method, k=6, random_state=3, params=params).fit(texts)
    assert a.topics_["top_terms"].tolist() == b.topics_["top_terms"].tolist()
    assert np.array_equal(a.labels_, b.labels_)
    theta = a.transform(texts[:5] + ["完全无关的句子"])
    assert theta.shape == (6, 6)
    assert np.allclose(theta[:5].sum(axis=1), 1.0)
    assert a.predict(["abc"]).tolist() == [-1]  # no known term: no topic


def test_k_chosen_by_measured_criterion(statements):
    texts = statements.loc[statements.kind == "measure", "text"].tolist()
    model = StatementTopicModel(method="nmf", k_range=(4, 12), seeds=(0, 1)).fit(texts)
    sel = model.selection_
    # 55 statements: at most n // min_topic_size (5) topics
    assert sel["k"].tolist() == list(range(4, sel["k"].max() + 1)) and sel["k"].max() <= len(texts) // 5
    assert sel["coherence"].between(-1, 1).all() and sel["stability"].between(0, 1).all()
    assert model.k_ == int(sel.loc[sel["score"].idxmax(), "k"])
    assert len(model.topics_) == model.k_ - len(model.dropped_topics_)
    assert (model.topics_["coherence"] > 0).all()
    # shares are of all statements; a statement with no modelled term has no topic (-1)
    assert model.topics_["share"].sum() + (model.labels_ == -1).mean() == pytest.approx(1.0)
    assert (model.labels_ == -1).mean() < 0.1 + sum((model.labels_ == -1) & np.isin(model.doc_topic_.argmax(axis=1), model.dropped_topics_)) / len(texts)


def test_nmf_recovers_hand_labelled_categories_better_than_default_lda(statements):
    """On the hand-written fixture, with k = the number of categories."""
    import jieba
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    for kind in ("problem", "measure"):
        d = statements[statements.kind == kind]
        k = d.category.nunique()
        X = CountVectorizer(tokenizer=jieba.lcut, token_pattern=None).fit_transform(d.text)
        base = LatentDirichletAllocation(n_components=k, random_state=0).fit_transform(X).argmax(axis=1)
        model = StatementTopicModel(method="nmf", k=k).fit(d.text.tolist())
        ours, theirs = adjusted_mutual_info_score(d.category, model.labels_), adjusted_mutual_info_score(d.category, base)
        assert ours > theirs + 0.2, (kind, ours, theirs)


def test_topics_table_labels_with_taxonomy_and_shares(statements):
    d = statements[statements.kind == "problem"]
    taxonomy = {"interpretation": ["政策解读", "解读"], "platform": ["网站", "新媒体", "平台"]}
    model = StatementTopicModel(method="nmf", k=12, kind="problem", taxonomy=taxonomy).fit(
        d.text.tolist(), report_ids=d.report_id.tolist())
    t = model.topics_
    assert {"topic", "label", "top_terms", "category", "share", "reports", "examples"} <= set(t.columns)
    interp = t[t["category"] == "interpretation"]
    assert len(interp) >= 1
    assert any("解读" in " ".join(x) for x in interp["top_terms"])
    assert "[interpretation]" in interp.iloc[0]["label"]
    # examples are statements of the topic, most typical first
    for _, row in t.iterrows():
        members = set(np.asarray(d.text)[model.labels_ == row["topic"]])
        assert set(row["examples"]) <= members
    # report share: 20 reports in the fixture
    for _, row in t.iterrows():
        rids = set(np.asarray(d.report_id)[model.labels_ == row["topic"]])
        assert row["reports"] == pytest.approx(len(rids) / d.report_id.nunique())


def test_fit_topics_models_kinds_separately(statements):
    res = fit_topics(statements, k=5, method="nmf")
    assert set(res.models) == {"problem", "measure"}
    assert len(res.statement_topics) == len(statements)
    # a measure statement is never assigned a problem topic model's label space (separate models)
    assert res.models["problem"].vocabulary_ != res.models["measure"].vocabulary_
    rt = res.report_topics
    assert rt.groupby(["report_id", "kind"])["share"].sum().round(9).eq(1).all()


# -- prevalence -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,kind,level", [
    ("淄博市张店区人民政府办公室", "政府办", "县"),
    ("山东省人民政府办公厅", "政府办", "省"),
    ("淮安市教育局", "部门", "市"),
    ("攸县住房和城乡建设局", "部门", "县"),
    ("醴陵市市场监督管理局", "部门", "市"),
    ("张店区马尚镇人民政府", "乡镇/街道", "乡镇"),
    ("环翠区竹岛街道办事处", "乡镇/街道", "乡镇"),
    ("淄博高新技术产业开发区管理委员会", "开发区", None),
    ("平潭综合实验区管委会", "开发区", None),
    ("济宁市金乡县财政局", "部门", "县"),
])
def test_agency_type_and_level(name, kind, level):
    assert agency_type(name) == kind
    assert agency_level(name) == level


def test_bootstrap_interval_resamples_reports():
    counts = np.array([[3, 0], [2, 1], [0, 3], [1, 1]])
    share, lo, hi = bootstrap_shares(counts, n_boot=400, seed=1)
    assert share.tolist() == pytest.approx([6 / 11, 5 / 11])
    assert (lo <= share).all() and (share <= hi).all() and (hi - lo > 0).all()
    one = bootstrap_shares(np.array([[2, 2]]), n_boot=50)
    assert one[1].tolist() == one[2].tolist() == [0.5, 0.5]  # one report: no spread


def test_prevalence_by_agency_type_and_request_volume():
    st = pd.DataFrame({
        "report_id": ["a", "a", "b", "c", "c", "d"],
        "kind": "problem",
        "topic": [0, 1, 0, 1, 1, 0],
    })
    reports = pd.DataFrame({"report_id": list("abcd"),
                            "agency": ["某县人民政府办公室", "某县教育局", "某县财政局", "某镇人民政府"]})
    cells = pd.DataFrame([
        ("a", "s3", "new_requests", "total", 0), ("b", "s3", "new_requests", "total", 12),
        ("c", "s3", "new_requests", "total", 3), ("c", "s4", "review", "total", 2),
        ("c", "s4", "litigation_direct", "total", 1), ("c", "s4", "litigation_after_review", "total", 0),
        ("c", "s3", "new_requests", "natural_person", 3),
    ], columns=["report_id", "table", "row", "column", "value"])
    totals = table_totals(cells).set_index("report_id")
    assert totals.loc["c", "new_requests"] == 3 and totals.loc["c", "s4_total"] == 3
    assert totals.loc["c", "litigation_total"] == 1 and math.isnan(totals.loc["a", "s4_total"])
    r = report_frame(reports, cells).set_index("report_id")
    assert r["agency_type"].tolist() == ["政府办", "部门", "部门", "乡镇/街道"]
    assert r["requests_band"].tolist()[:3] == ["0", "10–99", "1–9"] and pd.isna(r["requests_band"].iloc[3])
    p = prevalence(st, r.reset_index(), "agency_type", n_boot=100)
    dept = p[(p.agency_type == "部门")].set_index("topic")
    assert dept.loc[0, "share"] == pytest.approx(1 / 3) and dept.loc[1, "share"] == pytest.approx(2 / 3)
    assert dept.loc[0, "n_reports"] == 2 and dept.loc[0, "n_statements"] == 3
    assert (p["low"] <= p["share"] + 1e-12).all() and (p["share"] <= p["high"] + 1e-12).all()
    assert volume_band(0) == "0" and volume_band(150) == "100+"


# -- CLI ------------------------------------------------------------------------------------


def test_cli_jsonl_and_outputs(tmp_path):
    runner = CliRunner()
    args = ["topics", "--statements", str(FIXTURE), "--k", "6", "--format", "jsonl", "--seed", "1"]
    res = runner.invoke(app, args + ["--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    objs = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert len(objs) == 12 and {o["kind"] for o in objs} == {"problem", "measure"}
    assert set(objs[0]) == {"kind", "topic", "label", "top_terms", "share", "reports", "examples", "representative"}
    assert all(o["representative"] == o["examples"][0] for o in objs if o["examples"])  # the most typical statement
    assert 0.9 < sum(o["share"] for o in objs if o["kind"] == "problem") <= 1.0 + 1e-3
    for name in ("topics.csv", "statement_topics.csv", "report_topics.csv", "prevalence.csv", "selection.csv",
                 "effects.csv", "topics.html"):
        assert (tmp_path / name).stat().st_size > 0, name
    again = runner.invoke(app, args)
    assert [json.loads(x) for x in again.stdout.splitlines() if x.startswith("{")] == objs  # same seed, same topics
    prev = pd.read_csv(tmp_path / "prevalence.csv")
    assert {"agency_type", "level"} <= set(prev["by"])


def test_html_escapes_document_text(tmp_path):
    from gxnlp.report.topics import render_html

    st = pd.DataFrame({"report_id": ["r1", "r2", "r3"] * 4, "kind": "problem",
                       "text": ["<img src=x onerror=alert(1)>政策解读不足", "网站更新不及时&", "人员培训不够\"'"] * 4})
    html = render_html(fit_topics(st, k=3, kind="problem"))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<svg" in html  # plots inline
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//|<link|<script", html)  # self-contained


# -- the demo corpus (generated, with planted categories) ------------------------------------


@pytest.mark.slow
def test_demo_corpus_recovery_beats_default_lda_and_is_deterministic():
    """NMF with k chosen by the good-topics criterion vs LDA() with default settings, on the demo
    corpus's ground-truth statements: adjusted mutual information with the planted categories."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    truth = root / "corpora" / "demo" / "truth" / "statements.jsonl"
    if not truth.exists():
        pytest.skip("demo corpus not generated (gxnlp synth corpora/demo)")
    spec = importlib.util.spec_from_file_location("topics_recovery", root / "benchmarks" / "topics_recovery.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    df = bench.load_truth(truth)
    for kind, d in df.groupby("kind"):
        texts = d["text"].tolist()
        base, _, _ = bench.baseline_lda(texts)
        a = StatementTopicModel(method="nmf", random_state=0).fit(texts)
        b = StatementTopicModel(method="nmf", random_state=0).fit(texts)
        assert a.k_ == b.k_ and a.topics_["top_terms"].tolist() == b.topics_["top_terms"].tolist()
        assert np.array_equal(a.labels_, b.labels_)
        ours = adjusted_mutual_info_score(d["category"], a.labels_)
        theirs = adjusted_mutual_info_score(d["category"], base)
        # k is chosen for reproducibility (coherent topics found again in subsample refits), not to
        # match the planted number of categories, so some planted categories share a topic
        assert ours > theirs, (kind, ours, theirs)
        assert bench.purity(d["category"], a.labels_) > bench.purity(d["category"], base)


def test_tiny_and_empty_inputs():
    one = StatementTopicModel().fit(["政策解读形式单一"])
    assert one.k_ == 1 and one.topics_["share"].tolist() == [1.0]
    with pytest.raises(ValueError, match="too few distinct terms"):
        StatementTopicModel().fit(["的了", "进一步加强"])
    with pytest.raises(ValueError, match="no statements"):
        StatementTopicModel().fit([])
    with pytest.raises(ValueError, match="unknown method"):
        StatementTopicModel(method="gsdmm", k=2).fit(["政策解读形式单一", "网站更新不及时"])


def test_cli_reports_bad_files_and_keeps_going(tmp_path):
    good = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "2016" / "00000.txt"
    if not good.exists():
        pytest.skip("demo corpus not generated")
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    res = CliRunner().invoke(app, ["topics", str(good), str(bad), "--format", "jsonl", "--workers", "1"])
    assert res.exit_code == 1  # a file failed
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    errors = [x for x in lines if "error" in x]
    assert len(errors) == 1 and errors[0]["source"] == str(bad) and errors[0]["error"].startswith("empty")
    assert any("topic" in x for x in lines)  # the good file was still modelled


def test_agency_type_and_level_on_demo_corpus_names():
    """Inferred from the 300 agency names (and region) of the demo corpus vs its planted truth."""
    docs = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "truth" / "documents.jsonl"
    if not docs.exists():
        pytest.skip("demo corpus not generated")
    truth = pd.DataFrame([json.loads(x) for x in docs.read_text(encoding="utf-8").splitlines()])
    r = report_frame(truth[["report_id", "agency", "region"]])
    m = r.merge(truth[["report_id", "agency_type", "level"]], on="report_id", suffixes=("", "_true"))
    levels = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}
    assert len(m) == len(truth) >= 100
    assert (m["agency_type"] == m["agency_type_true"]).mean() >= 0.98
    assert (m["level"] == m["level_true"].map(levels)).mean() >= 0.95


def test_dataset_rows(statements):
    res = fit_topics(statements, k=4, method="nmf")
    rows = res.topic_rows()
    assert len(rows) == 8 and set(rows[0]) == {"kind", "topic", "label", "top_terms", "share", "reports"}
    assert all(isinstance(r["reports"], int) and 0 <= r["reports"] <= 20 for r in rows)
    a = res.assignments()
    assert len(a) == len(statements)
    first = statements.iloc[0]
    assert a[(first.report_id, first.kind, int(first.position))] in (None, 0, 1, 2, 3)


def test_prevalence_contrast_zero_vs_many_requests():
    from gxnlp.topics.prevalence import prevalence_contrast

    # topic 1 only in reports with many requests, topic 0 mostly in reports with none
    rows = []
    for i in range(30):
        band = "0" if i < 15 else "10–99"
        topics = [0, 0] if band == "0" else [1, 1, 0]
        rows += [{"report_id": f"r{i}", "kind": "problem", "topic": t} for t in topics]
    st = pd.DataFrame(rows)
    reports = pd.DataFrame({"report_id": [f"r{i}" for i in range(30)],
                            "requests_band": ["0"] * 15 + ["10–99"] * 15})
    c = prevalence_contrast(st, reports, "requests_band", a=["0"], b=["10–99", "100+"], n_boot=300).set_index("topic")
    assert c.loc[1, "share_a"] == 0 and c.loc[1, "share_b"] == pytest.approx(2 / 3)
    assert c.loc[1, "low"] > 0 and c.loc[0, "high"] < 0  # clearly more / less frequent with many requests
    assert c.loc[0, "n_reports_a"] == 15 and c.loc[0, "n_reports_b"] == 15


def test_fit_on_a_sample_then_applied_in_batches():
    """Above ``fit_size`` the model is fitted on a sample and applied to every statement in
    batches; the topics it finds on a clearly separated corpus are the same ones."""
    import random

    from gxnlp.topics.model import StatementTopicModel

    themes = [["政策解读", "图解", "解读形式"], ["网站", "栏目", "更新"], ["业务培训", "人员", "队伍"]]
    rng = random.Random(0)
    texts = ["".join(rng.sample(themes[i % 3], 3)) + "不足" for i in range(300)]
    full = StatementTopicModel(k=3, fit_size=None).fit(texts)
    sampled = StatementTopicModel(k=3, fit_size=120, batch_size=50).fit(texts)
    assert sampled.doc_topic_.shape == (300, 3) and len(sampled.tokens_) == 120
    # the same partition of the statements (topic numbers may differ)
    pairs = set(zip(full.labels_.tolist(), sampled.labels_.tolist()))
    assert len(pairs) == 3
    assert sampled.topics_["n_statements"].sum() == 300


def test_transform_drops_stock_phrases_as_fit_does():
    """Statements applied to a fitted model (above ``fit_size``) are prepared as the fitted ones: a
    stock phrase added to a statement changes neither its topic weights nor its topic."""
    from gxnlp.genre.boilerplate import stock_seed_phrases

    themes = [["政策解读", "图解", "解读形式"], ["网站", "栏目", "更新"], ["业务培训", "人员", "队伍"]]
    stock = stock_seed_phrases()[0]  # 以公开为常态、不公开为例外
    texts = ["".join(themes[i % 3][j] for j in (i % 3, (i + 1) % 3, (i + 2) % 3)) + "不足" for i in range(60)]
    # the stock phrase's words also occur outside it, so they are terms of the model
    texts += [f"{stock}之外，{t}" for t in ("常态化公开不足", "例外事项公开", "公开常态")] * 4
    model = StatementTopicModel(k=3, fit_size=None).fit(texts)
    plain = ["网站栏目更新不及时", "业务培训人员不足"]
    assert np.allclose(model.transform([stock + "，" + t for t in plain]), model.transform(plain))


def test_effects_resample_agencies_and_say_too_few():
    from gxnlp.topics.effects import TOO_FEW, estimate_effects

    rng = np.random.default_rng(0)
    rows, reps = [], []
    # 12 agencies of type A, 12 of type B; topic 0 is more frequent in B. One extra agency "Z" of
    # type C writes 30 reports: many reports, but one agency, so no estimate for C.
    for a in range(25):
        typ = "A" if a < 12 else "B" if a < 24 else "C"
        for y in range(30 if typ == "C" else 2):
            rid = f"{a}-{y}"
            reps.append({"report_id": rid, "agency": f"agency{a}", "agency_type": typ, "year": 2019 + y % 5})
            p0 = 0.7 if typ == "B" else 0.3
            for i in range(6):
                rows.append({"report_id": rid, "kind": "problem", "topic": int(rng.random() > p0)})
    st, reports = pd.DataFrame(rows), pd.DataFrame(reps)
    e = estimate_effects(st, reports, covariates=["agency_type", "year"], min_agencies=5, n_boot=300, seed=1)
    b0 = e[(e.covariate == "agency_type") & (e.level == "B") & (e.topic == 0)].iloc[0]
    assert b0["reference"] == "A" and b0["status"] == "ok"
    assert 0.25 < b0["estimate"] < 0.55 and b0["low"] > 0 and b0["significant"] and b0["q"] >= b0["p"]
    c = e[(e.covariate == "agency_type") & (e.level == "C")]
    assert (c["status"] == TOO_FEW).all() and c["estimate"].isna().all() and (c["n_reports"] == 30).all()
    assert e.loc[e.status == "ok", "q"].notna().all()
    # no covariate level with an estimate rests on fewer than min_agencies agencies
    assert (e.loc[e.status == "ok", "n_agencies"] >= 5).all()
    # same seed -> same intervals
    again = estimate_effects(st, reports, covariates=["agency_type", "year"], min_agencies=5, n_boot=300, seed=1)
    pd.testing.assert_frame_equal(e, again)


def test_html_pages_declare_a_cjk_font_and_draw_many_years_as_small_multiples(statements):
    from gxnlp.report.fonts import CJK_NOTE, CSS_FONT_STACK
    from gxnlp.report.reuse import render_report
    from gxnlp.report.topics import MAX_BAR_GROUPS, render_html
    from gxnlp.reuse import ReuseDetector

    result = fit_topics(statements[statements["kind"] == "problem"], k=4, kind="problem", random_state=0)
    report_ids = sorted(statements["report_id"].unique())
    years = {r: 2011 + i % 12 for i, r in enumerate(report_ids)}  # 12 levels: more than MAX_BAR_GROUPS
    reports = pd.DataFrame({"report_id": report_ids, "year": [years[r] for r in report_ids]})
    prev = prevalence(result.statement_topics, reports, "year", n_boot=20).assign(by="year")
    prev = prev.rename(columns={"year": "group"})
    assert prev["group"].nunique() > MAX_BAR_GROUPS
    page = render_html(result, reports, prev)
    year_section = page[page.index("<h3>Year</h3>"):]
    assert "one panel per topic" in year_section.split("</figure>")[0]
    # one panel per topic: each topic's title is drawn once in the year figure
    figure = year_section.split("</figure>")[0]
    assert all(figure.count(f"P{t} ") == 1 for t in range(result.models["problem"].k_))
    for html in (page, render_report(ReuseDetector().fit([]))):
        assert CSS_FONT_STACK in html and str(CJK_NOTE) in html


def test_large_matrices_take_the_sparse_svd_with_the_dense_result(monkeypatch):
    """Above DENSE_SVD_CELLS the NMF start comes from ARPACK on the sparse matrix (no dense copy of a
    large statement sample): the same singular triplets and signs as dense LAPACK, to rounding."""
    import numpy as np
    from scipy import sparse

    import gxnlp.topics.model as M

    rng = np.random.RandomState(3)
    X = sparse.random(600, 120, density=0.03, random_state=rng, format="csr")
    dense = M._svd(X, 8)
    monkeypatch.setattr(M, "DENSE_SVD_CELLS", 0)
    fast = M._svd(X, 8)
    for a, b in zip(dense, fast):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-9)
    assert M._svd(X, 8)[1].tolist() == fast[1].tolist()  # deterministic: a fixed start vector
