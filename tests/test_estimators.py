"""The estimators follow scikit-learn's contract: parameters only in __init__, fit returns self and can be
called again, fitted state in attributes ending in ``_``; ``sklearn.base.clone`` and pickle work.
Also: each stage of reuse detection works alone, and one default seed serves every command."""
from __future__ import annotations

import inspect
import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from gxnlp.model import DEFAULT_SEED
from gxnlp.reuse import ReuseDetector, ReuseDoc
from gxnlp.text.classify import LogRegClassifier, SeedTermClassifier, StatementClassifier
from gxnlp.text.statements import Statement
from gxnlp.topics.model import StatementTopicModel

FIXTURE = Path(__file__).parent / "data" / "topics_statements.jsonl"


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    """110 hand-written statements with their categories (problems and measures)."""
    return pd.DataFrame([json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()])


def _statements(df: pd.DataFrame) -> list[Statement]:
    return [Statement(report_id=r.report_id, source="x", kind=r.kind, position=r.position, text=r.text, start=0,
                      end=len(r.text)) for r in df.itertuples()]


def _assert_contract(est, fit):
    """clone gives an unfitted copy with equal params; fit returns self; pickle round-trips the fitted
    estimator; a second fit gives what a fresh estimator gives."""
    params = est.get_params()
    copy = clone(est)
    assert copy is not est and copy.get_params() == params
    assert not [k for k in vars(copy) if k.endswith("_") and not k.startswith("_")]
    assert fit(est) is est
    restored = pickle.loads(pickle.dumps(est))
    return copy, restored


# -- classifiers ---------------------------------------------------------------------------------

def test_statement_classifier_contract(labelled):
    sts = _statements(labelled)
    clf = StatementClassifier(model="logreg", params={"C": 2.0})
    copy, restored = _assert_contract(clf, lambda e: e.fit(sts, labelled.category.tolist()))
    texts = [Statement(**{**s.to_dict(), "category": None, "score": None}) for s in sts]
    expect = [s.category for s in clf.classify([Statement(**s.to_dict()) for s in texts])]
    assert [s.category for s in restored.classify(texts)] == expect
    assert not hasattr(copy, "estimators_")
    # refit on other labels: the estimator follows the new data
    keep = [i for i, c in enumerate(labelled.category) if c not in ("content_scope", "training_staff")]
    clf.fit([sts[i] for i in keep], [labelled.category[i] for i in keep])
    learned = set(clf.estimators_["problem"].classes_) | set(clf.estimators_["measure"].classes_)
    assert learned and not learned & {"content_scope", "training_staff"}


def test_statement_classifier_has_no_state_before_fit():
    clf = StatementClassifier()
    assert not hasattr(clf, "estimators_")
    assert clf.get_params() == {"model": "seed", "taxonomy": None, "params": None}
    with pytest.raises(ValueError):
        StatementClassifier(model="bert").fit([])


@pytest.mark.parametrize("est", [SeedTermClassifier(kind="measure", threshold=1.0), LogRegClassifier(kind="problem", C=2.0)])
def test_kind_classifiers_clone_and_pickle(est, labelled):
    rows = labelled[labelled.kind == est.kind]
    X, y = rows.text.tolist(), rows.category.tolist()
    _copy, restored = _assert_contract(est, lambda e: e.fit(X, y))
    assert restored.predict(X).tolist() == est.predict(X).tolist()


# -- topic model ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method,params", [("nmf", None), ("lda", None), ("btm", {"iterations": 20}),
                                           ("pt", {"iterations": 30, "infer_iterations": 10})])
def test_topic_model_contract(method, params, labelled):
    texts = labelled[labelled.kind == "problem"].text.tolist()
    model = StatementTopicModel(method=method, k=4, params=params, kind="problem")
    copy, restored = _assert_contract(model, lambda e: e.fit(texts))
    if method in ("nmf", "lda"):  # btm's and tomotopy's inference sample: compare deterministic methods exactly
        np.testing.assert_allclose(restored.transform(texts[:10]), model.transform(texts[:10]))
    assert restored.topics_.label.tolist() == model.topics_.label.tolist()
    assert restored.predict(texts[:5]).shape == (5,)
    # refit on other statements replaces every fitted attribute
    measures = labelled[labelled.kind == "measure"].text.tolist()
    model.fit(measures)
    fresh = clone(copy).fit(measures)
    assert model.vocabulary_ == fresh.vocabulary_
    np.testing.assert_allclose(model.topic_word_, fresh.topic_word_)


# -- reuse ---------------------------------------------------------------------------------------

def _corpus(tag: str) -> list[ReuseDoc]:
    shared = f"我局{tag}今年新建政务公开专区三个，实现街道全覆盖，群众满意度明显提升。"
    return [
        ReuseDoc(f"{tag}1", shared + "开展培训两次。", agency=f"{tag}甲局", year=2020),
        ReuseDoc(f"{tag}2", shared + "另有其他工作安排。", agency=f"{tag}乙局", year=2021),
        ReuseDoc(f"{tag}3", "本单位高度重视，认真组织落实各项任务。", agency=f"{tag}丙局", year=2021),
    ]


def _pairs(det: ReuseDetector) -> list[list[str]]:
    return det.pairs_[["a_report_id", "b_report_id", "kind"]].values.tolist()


def test_reuse_detector_contract_and_refit():
    kw = dict(ngram=4, window_chars=10, min_copied_chars=10, min_passage=10, stock_min_agencies=3)
    det = ReuseDetector(**kw)
    copy, restored = _assert_contract(det, lambda e: e.fit(_corpus("A")))
    assert _pairs(restored) == _pairs(det) == [["A1", "A2", "cross"]]
    det.fit(_corpus("B"))  # a second fit: only the second corpus
    assert _pairs(det) == [["B1", "B2", "cross"]] == _pairs(copy.fit(_corpus("B")))
    assert [s.doc.report_id for s in det.documents_] == ["B1", "B2", "B3"]
    assert det.report_shares_.report_id.tolist() == ["B1", "B2", "B3"]


def test_reuse_detector_rejects_bad_params_at_fit():
    det = ReuseDetector(candidates="some")  # constructing never fails: parameters are only stored
    with pytest.raises(ValueError):
        det.fit(_corpus("A"))


def test_reuse_stages_each_alone():
    from gxnlp.genre.boilerplate import stock_seed_phrases, template_phrases
    from gxnlp.reuse.boilerplate import PhraseLexicon, StockPhraseMiner, apply_stock
    from gxnlp.reuse.documents import prepare_documents
    from gxnlp.reuse.lsh import CandidateIndex, lsh_candidates
    from gxnlp.reuse.tables import clusters_table, pairs_table, shares_table, stock_table
    from gxnlp.reuse.verify import PairVerifier

    stock = "坚持以公开为常态、不公开为例外"
    own = ["新建档案查询室两间", "编印惠民政策手册", "开通预算公开专栏", "组织开放日活动", "整理历史文件目录"]
    docs = [ReuseDoc(f"r{i}", f"一、总体情况\n{stock}，{text}。", agency=f"局{i}") for i, text in enumerate(own)]
    docs.append(ReuseDoc("r0", "重复的编号只保留第一份。", agency="局0"))
    template, seed = PhraseLexicon(template_phrases()), PhraseLexicon(stock_seed_phrases())
    miner = StockPhraseMiner(ngram=4, stock_df=0.5, min_agencies=3)
    states = prepare_documents(docs, template, seed, miner)
    # preparation: one record per report id, template masked
    assert [s.doc.report_id for s in states] == ["r0", "r1", "r2", "r3", "r4"]
    assert states[0].template_mask[: len("一总体情况")].all()
    # stock mining: the phrase all five agencies write is stock, each agency's own text is not
    runs = apply_stock(states, miner.finalize(), 4, 6)
    s0 = states[0]
    assert s0.stock_mask[s0.text.norm.index("坚持")] and not s0.stock_mask[s0.text.norm.index("新建")]
    assert any("公开为常态" in key for key in runs)
    assert stock_table(states, runs, miner.threshold_, 6, seed).n_agencies.max() == 5
    # candidates: five texts sharing only stock collide in no window outside the masks
    cands, stats = lsh_candidates(states, CandidateIndex(ngram=4, window_chars=10, threshold=0.5))
    assert stats["candidate_pairs"] == len(cands) == 0
    # verification: the pair rule decides any pair it is given; stock-only overlap is no copy
    verifier = PairVerifier(states, miner, min_similarity=0.75, min_sentence=8, min_passage=10,
                            min_copied_chars=10, min_share=0.4, min_share_self=0.25, min_share_sibling=0.25,
                            max_chance_pairs=20.0, stock_min_agencies=3, stock_df=0.5)
    verdicts = verifier.verify([(0, 1), (1, 2)])
    assert not verdicts.passages
    # outputs: tables of the right shape from any passages
    assert pairs_table(states, verdicts.passages).empty
    assert shares_table(states, verdicts.passages).copied_chars.tolist() == [0] * 5
    assert clusters_table(states, verdicts.passages).empty


# -- one default seed ----------------------------------------------------------------------------

def test_one_default_seed_everywhere():
    from gxnlp.commands import build as build_cmd, reuse as reuse_cmd
    from gxnlp.dataset.build import build as build_dataset
    from gxnlp.dataset.reuse_stage import reuse_stage

    assert ReuseDetector().seed == DEFAULT_SEED
    assert StatementTopicModel().random_state == DEFAULT_SEED
    assert inspect.signature(build_dataset).parameters["seed"].default == DEFAULT_SEED
    assert inspect.signature(reuse_stage).parameters["seed"].default == DEFAULT_SEED
    for module in (build_cmd, reuse_cmd):
        source = inspect.getsource(module)
        assert "Option(DEFAULT_SEED" in source and "Option(1" not in source


def test_nndsvda_start_is_scikit_learns():
    """The NMF start reuses one exact SVD for every k of the search; it is scikit-learn's NNDSVDa
    (which takes a randomized SVD each time: equal up to that approximation)."""
    from scipy import sparse

    from gxnlp.topics.model import _nndsvda, _svd

    nmf = pytest.importorskip("sklearn.decomposition._nmf")
    rng = np.random.RandomState(0)
    X = sparse.csr_matrix(rng.rand(40, 30) * (rng.rand(40, 30) > 0.6))
    for k in (2, 4, 6):
        W, H = _nndsvda(X, k, _svd(X, 6))
        W_ref, H_ref = nmf._initialize_nmf(X, k, init="nndsvda", random_state=0)
        np.testing.assert_allclose(W, W_ref, atol=0.02)
        np.testing.assert_allclose(H, H_ref, atol=0.02)
