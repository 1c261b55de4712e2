"""Do the topic models recover the planted categories of a generated corpus?

Reads the ground truth of a generated corpus (``<corpus>/truth/statements.jsonl``: report_id,
kind, text, category), models problem and measure statements separately and reports, per kind
and model:

* AMI and purity of the statements' topics against the planted categories;
* NPMI coherence of each model's top-8 content terms (the CLI's n_top), all measured on one reference (the
  statements' content tokens from gxnlp's tokenizer, document co-occurrence within statements),
  so models with different vocabularies are comparable (a baseline topic's punctuation and
  function words are skipped, not scored);
* fit time.

Named baseline: ``sklearn-lda-default`` = ``LatentDirichletAllocation()`` with default settings
(10 topics, priors 1/k, online learning) on ``CountVectorizer`` counts of plain jieba words
(jieba's own dictionary, no stopwords).
``sklearn-lda-default@K`` is the same with k = the true number of categories. Ratios are AMI
against ``sklearn-lda-default``, measured in the same run.

Usage::

    python benchmarks/topics_recovery.py corpora/demo            # ~1 minute on 2 cores
    python benchmarks/topics_recovery.py tests/data/topics_statements.jsonl --json out.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gxnlp.topics.model import StatementTopicModel, npmi_coherence  # noqa: E402


def purity(truth, labels) -> float:
    """Share of statements whose topic's majority category is their own category."""
    ct = pd.crosstab(np.asarray(labels), np.asarray(truth))
    return float(ct.max(axis=1).sum() / ct.to_numpy().sum())


def load_truth(path: Path) -> pd.DataFrame:
    p = path / "truth" / "statements.jsonl" if path.is_dir() else path
    df = pd.DataFrame([json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()])
    df["kind"] = df["kind"].str.replace(r"s$", "", regex=True)
    return df[df["category"].notna() & df["text"].str.len().gt(0)].reset_index(drop=True)


def reference(texts):
    """Content tokens of each statement (gxnlp's tokenizer) -> binary doc-term matrix and vocabulary index."""
    from sklearn.feature_extraction.text import CountVectorizer

    from gxnlp.topics.model import _identity, tokenize

    vec = CountVectorizer(analyzer=_identity, binary=True)
    X = vec.fit_transform(tokenize(texts))
    return X, {w: i for i, w in enumerate(vec.get_feature_names_out())}


def coherence_on(ref, ranked_terms, n: int = 8) -> float:
    """Mean NPMI of each topic's top-n *content* terms (terms of the reference vocabulary, in the
    model's order), so punctuation and function words a model ranks high are skipped for every model."""
    X, index = ref
    idx = [[index[w] for w in terms if w in index][:n] for terms in ranked_terms]
    return float(np.mean(npmi_coherence(idx, X)))


def baseline_lda(texts, k=None, seed=0):
    import jieba
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    plain = jieba.Tokenizer()  # jieba's own dictionary only (gxnlp adds domain words to the global one)
    vec = CountVectorizer(tokenizer=plain.lcut, token_pattern=None)
    X = vec.fit_transform(texts)
    lda = LatentDirichletAllocation(random_state=seed) if k is None else LatentDirichletAllocation(n_components=k, random_state=seed)
    theta = lda.fit_transform(X)
    vocab = vec.get_feature_names_out()
    top = [[vocab[i] for i in np.argsort(-row)[:200]] for row in lda.components_]
    return theta.argmax(axis=1), top, lda.n_components


def run(df: pd.DataFrame, methods, seed: int = 0, with_true_k: bool = True, k_step=None) -> pd.DataFrame:
    k_step = k_step or {}
    rows = []
    for kind, d in df.groupby("kind", sort=True):
        texts, truth = d["text"].tolist(), d["category"].to_numpy()
        K = len(set(truth))
        ref = reference(texts)

        def record(model, k, labels, top, seconds, chosen):
            mask = np.asarray(labels) >= 0  # unassigned statements count as their own cluster
            lab = np.where(mask, labels, -1)
            rows.append({"kind": kind, "model": model, "k": k, "k_chosen": chosen, "n": len(texts), "true_k": K,
                         "ami": adjusted_mutual_info_score(truth, lab), "purity": purity(truth, lab),
                         "npmi": coherence_on(ref, top), "unassigned": float((~mask).mean()), "seconds": seconds})

        for name, k in (("sklearn-lda-default", None), ("sklearn-lda-default@K", K)):
            if k is not None and not with_true_k:
                continue
            t = time.perf_counter()
            labels, top, kk = baseline_lda(texts, k, seed)
            record(name, kk, labels, top, time.perf_counter() - t, False)
        for method in methods:
            for k in (None, K) if with_true_k else (None,):
                t = time.perf_counter()
                m = StatementTopicModel(method=method, k=k, random_state=seed, k_step=k_step.get(method, 1)).fit(texts)
                record(f"{method}" + ("" if k is None else "@K"), m.k_, m.labels_, m.topics_["top_terms"].tolist(),
                       time.perf_counter() - t, k is None)
    out = pd.DataFrame(rows)
    base = out[out["model"] == "sklearn-lda-default"].set_index("kind")["ami"]
    out["ami_vs_baseline"] = out["ami"] / out["kind"].map(base)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="generated corpus dir (with truth/) or a statements JSONL with category")
    ap.add_argument("--methods", default="nmf,lda,btm,pt")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--coarse", default="lda,pt", help="methods whose k search steps by 3 (slow samplers)")
    ap.add_argument("--no-true-k", action="store_true", help="only the automatically chosen k")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    a = ap.parse_args(argv)
    df = load_truth(a.corpus)
    res = run(df, [m for m in a.methods.split(",") if m], seed=a.seed, with_true_k=not a.no_true_k,
              k_step={m: 3 for m in a.coarse.split(",") if m})
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(res.round(3).to_string(index=False))
    if a.json:
        a.json.write_text(res.to_json(orient="records", force_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
