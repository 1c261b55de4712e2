"""Topic models of problem and measure statements: what agencies keep reporting.

Short statements (15–60 characters) of section 5 (存在的主要问题及改进情况) are tokenised,
modelled with one of several topic models, and the number of topics is chosen by a
measured criterion: the k with the most *good* topics, a good topic being coherent (NPMI of
its top terms on the corpus itself, from co-occurrence within statements, above 0) and
stable (its top-term set is found again, mean best-match Jaccard >= 0.5, in refits on random
80% subsamples; Greene et al. 2014).

Example
-------
>>> from gxnlp.topics.model import StatementTopicModel
>>> texts = ["政策解读形式单一", "政策解读质量不高", "政策解读不够深入",
...          "网站栏目更新不及时", "信息更新不及时", "网站更新滞后"] * 3
>>> model = StatementTopicModel(method="nmf", k=2).fit(texts)
>>> sorted(model.topics_["share"].round(2).tolist())
[0.5, 0.5]

Methods
-------
``nmf``  NMF on TF-IDF (scikit-learn), NNDSVDa initialisation.
``lda``  LDA on counts (scikit-learn), with a sparse document prior suited to short texts.
``btm``  Biterm topic model (bitermplus), built for short texts.
``pt``   Pseudo-document topic model (tomotopy), built for short texts.
"""
from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from ..genre.lexicon import (STOPWORDS_DOMAIN, STOPWORDS_GENERAL, STOPWORDS_TOPICS, USERDICT, USERDICT_TOPICS,
                             read_wordlist)
from ..genre.taxonomy import parse_seed, seed_terms
from ..model import DEFAULT_SEED

METHODS: tuple[str, ...] = ("nmf", "lda", "btm", "pt")
KINDS: tuple[str, ...] = ("problem", "measure")

# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

_TOKEN_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*$")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    tok.load_userdict(str(USERDICT))
    for w in read_wordlist(USERDICT_TOPICS):
        tok.add_word(w, freq=2_000_000)
    return tok


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stopwords used for topic modelling: the general, domain and topic lists of :mod:`gxnlp.genre.lexicon`."""
    words: set[str] = set()
    for path in (STOPWORDS_TOPICS, STOPWORDS_GENERAL, STOPWORDS_DOMAIN):
        words.update(read_wordlist(path))
    return frozenset(words)


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """The project's spaCy pipeline (gxnlp.text: jieba + domain dictionary + stopword flags), or None."""
    try:
        from ..text.segment import make_nlp
    except ImportError:  # pragma: no cover - gxnlp.text ships with the package
        return None
    return make_nlp()


def tokenize(texts: Iterable[str]) -> list[list[str]]:
    """Content tokens of each statement for topic modelling.

    The terms of :mod:`gxnlp.text`'s pipeline (``Doc._.terms``: jieba with the domain dictionary,
    minus general and domain stopwords, punctuation, numbers and one-character words), minus this
    stage's own stopwords (:func:`stopwords`: 公开/信息 and the topic-neutral hedges). Falls back to
    plain jieba with the same filters when the pipeline is unavailable.

    >>> tokenize(["进一步加强政策解读，丰富图解等解读形式，与上级要求还有差距"])
    [['政策解读', '丰富', '图解', '解读', '形式']]
    """
    texts = ["" if t is None else str(t) for t in texts]
    stop = stopwords()
    nlp = _nlp()
    if nlp is not None:
        from ..text.segment import content_terms

        return [[w for w in terms if w not in stop and _TOKEN_OK.match(w)] for terms in content_terms(texts, nlp)]
    tok = _jieba()
    out = []
    for text in texts:
        words = [w.strip() for w in tok.lcut(text, HMM=False)]
        out.append([w for w in words if len(w) > 1 and w not in stop and _TOKEN_OK.match(w)])
    return out


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def per_distinct(func: Callable[[list[str]], Sequence[Any] | None], texts: Sequence[str]) -> list[Any] | None:
    """``func(texts)`` computed once per distinct text: statements repeat across reports (30,063 problem
    statements of a generated 10,000-report corpus are 1,990 distinct texts), and tokens or a category
    depend on the text alone. None when ``func`` returns None.

    >>> per_distinct(lambda ts: [len(t) for t in ts], ["ab", "c", "ab"])
    [2, 1, 2]
    """
    first: dict[str, int] = {}
    where = [first.setdefault(t, len(first)) for t in texts]
    out = func(list(first))
    return None if out is None else [out[i] for i in where]


@lru_cache(maxsize=1)
def _stock_lexicon() -> Any:
    from ..genre.boilerplate import load_phrases, stock_seed_phrases
    from ..reuse.boilerplate import PhraseLexicon

    # the shipped template file, not the table labels: a statement may well name 依申请公开 or 行政许可
    return PhraseLexicon(stock_seed_phrases() + load_phrases("template"))


def strip_stock(texts: Iterable[str]) -> list[str]:
    """Each text without the genre's stock and template phrases (what the reuse module knows as
    shared-by-everyone text), so topics are about substance. A text that is all stock becomes ''.

    >>> strip_stock(["坚持以公开为常态、不公开为例外，政策解读形式单一"])[0].endswith("政策解读形式单一")
    True
    """
    from ..reuse.text import normalise

    lex = _stock_lexicon()
    out = []
    for text in texts:
        norm, _ = normalise(text)
        mask = lex.mask(norm) if norm else np.zeros(0, dtype=bool)
        out.append("".join(c for c, m in zip(norm, mask) if not m) if mask.any() else text)
    return out


# ---------------------------------------------------------------------------
# Measures: coherence and stability
# ---------------------------------------------------------------------------


def npmi_coherence(top_terms: Sequence[Sequence[int]], doc_term: sparse.spmatrix) -> np.ndarray:
    """Mean NPMI of every pair of top terms of each topic, from document co-occurrence.

    ``doc_term`` is a (documents x terms) matrix; a term occurs in a document when its cell is
    non-zero. For terms i, j: NPMI = log(p_ij / (p_i p_j)) / -log(p_ij), and -1 when they never
    co-occur. Returns one value per topic (in [-1, 1]).

    >>> X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]]))
    >>> npmi_coherence([[0, 1], [0, 2]], X).round(2).tolist()
    [1.0, -1.0]
    """
    D = (sparse.csr_matrix(doc_term) > 0).astype(np.float64)
    n = D.shape[0]
    out = np.zeros(len(top_terms))
    for t, idx in enumerate(top_terms):
        idx = list(idx)
        if len(idx) < 2 or n == 0:
            out[t] = 0.0
            continue
        sub = D[:, idx]
        co = np.asarray((sub.T @ sub).todense()) / n
        p = np.diag(co).copy()
        vals = []
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                pij = co[a, b]
                if pij <= 0 or p[a] <= 0 or p[b] <= 0:
                    vals.append(-1.0)
                elif pij >= 1.0:
                    vals.append(1.0)
                else:
                    vals.append(math.log(pij / (p[a] * p[b])) / -math.log(pij))
        out[t] = float(np.mean(vals))
    return out


def jaccard(a: Iterable, b: Iterable) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a or b else 1.0


def topic_matches(ref: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> np.ndarray:
    """Jaccard of each reference topic's top-term set with its partner in ``other`` under the best
    one-to-one matching of topics (Hungarian); 0 for a reference topic left unmatched."""
    out = np.zeros(len(ref))
    if not len(ref) or not len(other):
        return out
    sim = np.array([[jaccard(r, o) for o in other] for r in ref])
    rows, cols = linear_sum_assignment(-sim)
    out[rows] = sim[rows, cols]
    return out


def topic_agreement(ref: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> float:
    """Mean Jaccard of top-term sets after the best one-to-one matching of topics (Hungarian)."""
    return float(topic_matches(ref, other).mean()) if len(ref) else 0.0


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _bigrams(text: str) -> set[str]:
    t = _PUNCT.sub("", text)
    return {t[i:i + 2] for i in range(len(t) - 1)} or {t}


def typical_examples(ordered: Sequence[str], n: int = 3, max_similarity: float = 0.5) -> list[str]:
    """The first ``n`` texts of ``ordered`` (most typical first), skipping near-repeats: a text
    whose character-bigram Jaccard with an already chosen one exceeds ``max_similarity``
    (the same stock sentence with another ending or one word swapped).

    >>> typical_examples(["政策解读形式单一。", "政策解读形式单一；", "政策解读形式较为单一", "网站更新不及时"])
    ['政策解读形式单一。', '网站更新不及时']
    """
    chosen: list[tuple[str, set[str]]] = []
    for text in ordered:
        grams = _bigrams(text)
        if all(jaccard(grams, g) <= max_similarity for _, g in chosen):
            chosen.append((text, grams))
            if len(chosen) == n:
                break
    return [t for t, _ in chosen]


# ---------------------------------------------------------------------------
# Backends: each fits (documents, k, seed) -> topic-word weights, doc-topic weights, transform
# ---------------------------------------------------------------------------


@dataclass
class _Fit:
    topic_word: np.ndarray  # (k, V) non-negative weights over the shared vocabulary
    doc_topic: np.ndarray  # (n, k) rows sum to 1 (or 0 for empty documents)
    #: (tokens, counts) -> doc-topic weights of new documents; a picklable object (no closures),
    #: so a fitted model pickles
    transform: Callable[[list[list[str]], sparse.csr_matrix], np.ndarray]


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    s = m.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s > 0, m / np.where(s > 0, s, 1), 0.0)


def _nndsvda(X: sparse.spmatrix, k: int, svd: tuple[np.ndarray, np.ndarray, np.ndarray], eps: float = 1e-6):
    """NNDSVDa initialisation (Boutsidis & Gallopoulos 2008, as in scikit-learn) from a precomputed
    SVD, so a search over k decomposes the matrix once."""
    U, S, Vt = svd
    W = np.zeros((U.shape[0], k))
    H = np.zeros((k, Vt.shape[1]))
    if len(S):
        W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
        H[0, :] = np.sqrt(S[0]) * np.abs(Vt[0, :])
    for j in range(1, min(k, len(S))):  # beyond the matrix's rank: the average fill below
        x, y = U[:, j], Vt[j, :]
        xp, yp, xn, yn = np.maximum(x, 0), np.maximum(y, 0), np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        mp, mn = np.linalg.norm(xp) * np.linalg.norm(yp), np.linalg.norm(xn) * np.linalg.norm(yn)
        u, v, sigma = (xp, yp, mp) if mp > mn else (xn, yn, mn)
        if sigma <= 0:
            continue
        lbd = np.sqrt(S[j] * sigma)
        W[:, j] = lbd * u / np.linalg.norm(u)
        H[j, :] = lbd * v / np.linalg.norm(v)
    W[W < eps] = 0
    H[H < eps] = 0
    avg = X.mean()
    W[W == 0] = avg
    H[H == 0] = avg
    return W, H


#: Above this many matrix cells the SVD runs on the sparse matrix (ARPACK) instead of a dense copy:
#: 2 M cells are 16 MB dense (LAPACK needs several times that); a 50,000-statement sample with a 5,000-term vocabulary would be 2 GB.
DENSE_SVD_CELLS = 2_000_000


def _svd(X: sparse.spmatrix, k: int):
    """Leading k singular triplets of X, sign-fixed: exact dense LAPACK for small matrices; for large
    ones ARPACK on the sparse matrix (converged to machine precision, from a fixed start vector, so
    deterministic), whose memory grows with (rows + columns) × k rather than rows × columns."""
    n_cells = X.shape[0] * X.shape[1]
    if sparse.issparse(X) and n_cells > DENSE_SVD_CELLS and k < min(X.shape) - 1:
        from scipy.sparse.linalg import svds

        X = sparse.csr_matrix(X, dtype=np.float64)
        U, S, Vt = svds(X, k=k, tol=0, v0=np.ones(min(X.shape)), solver="arpack")
        order = np.argsort(-S, kind="stable")
        U, S, Vt = U[:, order], S[order], Vt[order]
    else:
        dense = X.toarray() if sparse.issparse(X) else np.asarray(X)
        U, S, Vt = np.linalg.svd(dense, full_matrices=False)
    k = min(k, len(S))
    U, S, Vt = U[:, :k], S[:k], Vt[:k]
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), range(k)])  # deterministic signs
    signs[signs == 0] = 1
    return U * signs, S, Vt * signs[:, None]


def _fit_nmf(tokens, counts, tfidf, k, seed, params) -> _Fit:
    """NMF on TF-IDF from NNDSVDa (deterministic for given data: the seeds of the stability
    refits act through their random subsamples, as in Greene et al. 2014)."""
    from sklearn.decomposition import NMF

    X = tfidf.transform(counts)
    model = NMF(
        n_components=k,
        init="custom",
        random_state=seed,
        max_iter=params.get("max_iter", 400),
        tol=params.get("tol", 1e-4),
        beta_loss=params.get("beta_loss", "frobenius"),
        alpha_W=params.get("alpha_W", 0.0),
        l1_ratio=params.get("l1_ratio", 0.0),
    )
    svd = params.get("_svd")
    if svd is None or svd[1].shape[0] < k:
        svd = _svd(X, k)
    W0, H0 = _nndsvda(X, k, svd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # refits are compared by top terms only
        W = model.fit_transform(X, W=W0, H=H0)
    return _Fit(model.components_, _normalise_rows(W), _NMFTransform(model, tfidf))


@dataclass
class _NMFTransform:
    model: Any
    tfidf: Any

    def __call__(self, toks, cnt) -> np.ndarray:
        return _normalise_rows(self.model.transform(self.tfidf.transform(cnt)))


def _fit_lda(tokens, counts, tfidf, k, seed, params) -> _Fit:
    from sklearn.decomposition import LatentDirichletAllocation

    model = LatentDirichletAllocation(
        n_components=k,
        doc_topic_prior=params.get("doc_topic_prior", 0.05),
        topic_word_prior=params.get("topic_word_prior", 0.01),
        learning_method="batch",
        max_iter=params.get("max_iter", 60),
        random_state=seed,
    )
    theta = model.fit_transform(counts)
    empty = np.asarray(counts.sum(axis=1)).ravel() == 0
    theta[empty] = 0.0
    return _Fit(model.components_, theta, _LDATransform(model))


@dataclass
class _LDATransform:
    model: Any

    def __call__(self, toks, cnt) -> np.ndarray:
        theta = self.model.transform(cnt)
        theta[np.asarray(cnt.sum(axis=1)).ravel() == 0] = 0.0
        return theta


def _fit_btm(tokens, counts, tfidf, k, seed, params) -> _Fit:
    import bitermplus as btm

    vocab = params["_vocab"]
    index = {w: i for i, w in enumerate(vocab)}
    docs = _btm_docs(tokens, index)
    biterms = btm.get_biterms(docs, win=params.get("window", 15), as_array=True)
    model = btm.BTM(
        counts, np.asarray(vocab), T=k, M=10, alpha=params.get("alpha", 50.0 / k), beta=params.get("beta", 0.01),
        seed=int(seed), win=params.get("window", 15),
    )
    model.fit(biterms, iterations=params.get("iterations", 150), verbose=False)
    transform = _BTMTransform(model, index)
    return _Fit(np.asarray(model.matrix_topics_words_, dtype=np.float64), transform(tokens, counts), transform)


def _btm_docs(toks, index: dict[str, int]) -> list[np.ndarray]:
    return [np.array([index[w] for w in d if w in index], dtype=np.int32) for d in toks]


@dataclass
class _BTMTransform:
    model: Any
    index: dict[str, int]

    def __call__(self, toks, cnt) -> np.ndarray:
        d = _btm_docs(toks, self.index)
        theta = np.asarray(self.model.transform(d, infer_type="sum_b", verbose=False), dtype=np.float64)
        theta = np.nan_to_num(theta)
        theta[[len(x) == 0 for x in d]] = 0.0
        return _normalise_rows(theta)


def _fit_pt(tokens, counts, tfidf, k, seed, params) -> _Fit:
    import tomotopy as tp

    vocab = params["_vocab"]
    index = {w: i for i, w in enumerate(vocab)}
    n_docs = sum(1 for d in tokens if any(w in index for w in d))
    p = params.get("p") or max(k, n_docs // 4)
    model = tp.PTModel(k=k, p=p, alpha=params.get("alpha", 0.1), eta=params.get("eta", 0.01), seed=int(seed))
    kept = []
    for i, d in enumerate(tokens):
        words = [w for w in d if w in index]
        if words:
            model.add_doc(words)
            kept.append(i)
    model.burn_in = 0
    model.train(params.get("iterations", 300), workers=1, parallel=tp.ParallelScheme.NONE)
    used = {w: i for i, w in enumerate(model.used_vocabs)}
    vid = [used.get(w, -1) for w in vocab]
    tw_model = np.array([model.get_topic_word_dist(t) for t in range(k)])
    topic_word = np.zeros((k, len(vocab)))
    for j, v in enumerate(vid):
        if v >= 0:
            topic_word[:, j] = tw_model[:, v]

    theta = np.zeros((len(tokens), k))
    for i, doc in zip(kept, model.docs):
        theta[i] = doc.get_topic_dist()
    return _Fit(topic_word, _normalise_rows(theta), _PTTransform(model, index, k, params.get("infer_iterations", 50)))


class _PTTransform:
    """Inference with a fitted tomotopy PTModel; pickles through the model's own byte form."""

    def __init__(self, model: Any, index: dict[str, int], k: int, iterations: int):
        self.model, self.index, self.k, self.iterations = model, index, k, iterations

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "model": self.model.saves(full=True)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        import tomotopy as tp

        self.__dict__.update(state, model=tp.PTModel.loads(state["model"]))

    def __call__(self, toks, cnt) -> np.ndarray:
        import tomotopy as tp

        theta = np.zeros((len(toks), self.k))
        docs, rows = [], []
        for i, d in enumerate(toks):
            words = [w for w in d if w in self.index]
            if words:
                docs.append(self.model.make_doc(words))
                rows.append(i)
        if docs:
            dist, _ = self.model.infer(docs, iterations=self.iterations, workers=1, parallel=tp.ParallelScheme.NONE)
            for i, doc in zip(rows, dist):
                theta[i] = np.asarray(doc)
        return _normalise_rows(theta)


_BACKENDS = {"nmf": _fit_nmf, "lda": _fit_lda, "btm": _fit_btm, "pt": _fit_pt}


# ---------------------------------------------------------------------------
# Taxonomy labels
# ---------------------------------------------------------------------------


def _seed_categories(texts: Sequence[str], kind: str | None) -> np.ndarray | None:
    """Each statement's category by :class:`gxnlp.classify.SeedTermClassifier` over the shipped
    taxonomy (``other`` when no category has enough evidence); None when unavailable."""
    if kind not in KINDS:
        return None
    try:
        from ..text.classify import SeedTermClassifier

        return np.asarray(SeedTermClassifier(kind=kind).fit().predict(list(texts)))
    except Exception:  # noqa: BLE001 - no taxonomy shipped: label from the top terms only
        return None


def category_overlap(topic_word: np.ndarray, vocab: Sequence[str], seeds: dict[str, list[str]]) -> pd.DataFrame:
    """How much of each topic's word weight falls on each category's seed terms.

    A vocabulary word matches a seed term when one contains the other (seed terms are
    substrings such as ``解读`` or phrases such as ``公开内容``; tokens may be finer or coarser).
    Seed weights (``"解读:3"``) scale the matched weight. Columns: category ids; rows: topics.
    """
    if not seeds:
        return pd.DataFrame(index=range(topic_word.shape[0]))
    tw = _normalise_rows(topic_word)
    cols = {}
    for cid, terms in seeds.items():
        parsed = [parse_seed(t) for t in terms if t]
        weight = np.array([max((wt for t, wt in parsed if t and (t in w or (len(w) > 1 and w in t))), default=0.0)
                           for w in vocab])
        cols[cid] = tw @ weight
    return pd.DataFrame(cols)


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------


class StatementTopicModel(BaseEstimator, TransformerMixin):
    """Topics of short statements, with the number of topics chosen by coherence and stability.

    Parameters
    ----------
    method : "nmf" | "lda" | "btm" | "pt"
    k : int or None — number of topics; None chooses it from ``k_range``.
    k_range : (low, high) inclusive range of candidate k, searched with ``k_step``.
    seeds : seeds of the refits on random subsamples (``subsample`` of the statements)
        used to measure stability.
    random_state : seed of the final fit.
    n_top : top terms per topic (for labels, coherence and stability).
    kind : "problem" or "measure" — picks the taxonomy block used for labels.
    params : extra backend parameters (e.g. ``{"doc_topic_prior": 0.05}`` for lda).
    min_topic_size : a topic needs this many statements: k never exceeds n / min_topic_size.
    max_select : the k search runs on a random subsample of at most this many statements (the
        final model is fitted on all), so choosing k stays affordable at 500,000 statements. Its
        52 fits (k = 4…16, each with 3 refits) cost in proportion to the sample; on generated
        10,000-report corpora (one of them held out) a 4,000-statement sample recovers the planted
        categories as well as 20,000 did (benchmarks/topics_recovery.md) at a third of the CPU.
    drop_stock : remove the genre's stock and template phrases (gxnlp/genre/data/stock_seed.txt,
        template.txt) from each statement before modelling; a statement that is nothing but
        stock text gets no topic.
    drop_incoherent : leave out topics whose NPMI is <= ``min_npmi`` (or with fewer than 2 statements);
        None (default) = when k is chosen here, not when the caller fixed ``k``.
    fit_size : the model is fitted on a random sample of at most this many statements (None:
        all) and then applied to every statement in batches of ``batch_size``, so memory for
        tokens, count matrices and the factorisation stays bounded however many statements
        there are (``tokens_`` then holds the sample's tokens).

    Attributes
    ----------
    topics_ : DataFrame, one row per topic: topic, label, top_terms, category (the taxonomy category
        most of its statements get from gxnlp.classify's seed-term classifier; with an explicit
        ``taxonomy`` the category whose seed terms carry most of its word weight), category_overlap
        (that share of its statements, or that weight),
        coherence, n_statements, share (of statements), n_reports, reports (share of reports with
        at least one statement of the topic), examples (most typical statements first).
    selection_ : DataFrame, one row per candidate k: k, coherence (mean NPMI), stability (mean
        matched Jaccard), good_topics, score (empty if k given). See :meth:`selection_score`.
    k_ : number of topics fitted. labels_ : topic of each training statement (-1: no known term, or its
    topic was dropped). dropped_topics_ : topics fitted but not reported because they are incoherent
    (NPMI <= ``min_npmi``) or have fewer than 2 statements; their statements get topic -1.
    doc_topic_ : (n, k_) weights of the training statements. vocabulary_ : terms.
    """

    def __init__(
        self,
        method: str = "nmf",
        k: int | None = None,
        k_range: tuple[int, int] = (4, 16),
        k_step: int = 1,
        seeds: Sequence[int] = (0, 1, 2),
        random_state: int = DEFAULT_SEED,
        n_top: int = 8,
        subsample: float = 0.8,
        min_npmi: float = 0.0,
        min_stability: float = 0.5,
        min_df: int = 2,
        max_df: float = 0.5,
        kind: str | None = None,
        taxonomy: dict[str, list[str]] | None = None,
        params: dict[str, Any] | None = None,
        tokenizer: Callable[[Iterable[str]], list[list[str]]] | None = None,
        min_topic_size: int = 5,
        max_select: int = 4000,
        drop_stock: bool = True,
        drop_incoherent: bool | None = None,
        fit_size: int | None = 50000,
        batch_size: int = 10000,
    ):
        self.drop_incoherent = drop_incoherent
        self.min_topic_size = min_topic_size
        self.max_select = max_select
        self.drop_stock = drop_stock
        self.method = method
        self.k = k
        self.k_range = k_range
        self.k_step = k_step
        self.seeds = seeds
        self.random_state = random_state
        self.n_top = n_top
        self.subsample = subsample
        self.min_npmi = min_npmi
        self.min_stability = min_stability
        self.min_df = min_df
        self.max_df = max_df
        self.kind = kind
        self.taxonomy = taxonomy
        self.params = params
        self.tokenizer = tokenizer
        self.fit_size = fit_size
        self.batch_size = batch_size

    # -- fitting -----------------------------------------------------------------
    def _backend(self):
        if self.method not in _BACKENDS:
            raise ValueError(f"unknown method {self.method!r}: choose one of {', '.join(METHODS)}")
        return _BACKENDS[self.method]

    def _top(self, topic_word: np.ndarray) -> list[list[int]]:
        return [list(np.argsort(-row, kind="stable")[: self.n_top]) for row in topic_word]

    def fit(self, texts: Sequence[str], y=None, report_ids: Sequence[str] | None = None, progress: Callable[[int], None] | None = None):
        """Fit on statement texts; ``report_ids`` (same length) gives the reports' share of each topic.

        ``progress(n)`` is called after each of the model fits (for progress bars). BLAS runs
        single-threaded here: the matrices are small, and threads oversubscribe a shared machine
        (measured: 9 s -> 0.3 s for one NMF fit of 980 statements on a loaded 2-core box).
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            texts = [str(t) for t in texts]
            if not self.fit_size or len(texts) <= self.fit_size:
                return self._fit(texts, report_ids, progress)
            n = len(texts)
            rows = np.sort(np.random.RandomState([self.random_state, 104729]).choice(n, self.fit_size, replace=False))
            sample_ids = [report_ids[i] for i in rows] if report_ids is not None else None
            self._fit([texts[i] for i in rows], sample_ids, progress, describe=False)
            theta = np.vstack([self.transform(texts[a:a + self.batch_size]) for a in range(0, n, self.batch_size)])
            self.doc_topic_ = theta
            self.labels_ = self._labels(theta)
            self.topics_ = self._describe(texts, report_ids)
            del self._counts
            return self

    def _fit(self, texts, report_ids, progress, describe: bool = True):
        backend = self._backend()
        texts = [str(t) for t in texts]
        if not texts:
            raise ValueError("no statements to model")
        self.tokens_ = self._tokens(texts)
        n = len(texts)
        min_df = self.min_df if n >= 10 * self.min_df else 1
        vec = CountVectorizer(analyzer=_identity, min_df=min_df, max_df=self.max_df if n >= 20 else 1.0)
        try:
            counts = vec.fit_transform(self.tokens_).tocsr()
        except ValueError as exc:
            raise ValueError(f"statements have too few distinct terms to model: {exc}") from exc
        self.vectorizer_ = vec
        self.vocabulary_ = vec.get_feature_names_out().tolist()
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        params = dict(self.params or {})
        params["_vocab"] = self.vocabulary_
        self._counts = counts
        live_docs = int((np.asarray(counts.sum(axis=1)).ravel() > 0).sum())

        if self.method == "nmf":  # one SVD serves the NNDSVDa start of every k
            k_top = self.k if self.k is not None else self.k_range[1]
            params["_svd"] = _svd(self.tfidf_.transform(counts), k_top)

        subset_svd: dict[int, Any] = {}

        def fit_one(k, seed, rows=None, svd_key=None):
            if rows is None:
                return backend(self.tokens_, counts, self.tfidf_, k, seed, params)
            toks = [self.tokens_[i] for i in rows]
            key = seed if svd_key is None else svd_key
            sub = {**params, "_svd": subset_svd.get(key)} if self.method == "nmf" else params
            return backend(toks, counts[rows], self.tfidf_, k, seed, sub)

        rows_ = []
        if self.k is None:
            lo, hi = self.k_range
            # never more topics than the data supports: each topic needs min_topic_size statements
            hi = max(1, min(hi, live_docs // max(1, self.min_topic_size),
                            len(self.vocabulary_) - 1))
            lo = max(1, min(lo, hi))
            rng = np.random.RandomState([self.random_state, 7])
            base = np.arange(n) if n <= self.max_select else np.sort(rng.choice(n, self.max_select, replace=False))
            size = min(len(base), max(1, int(round(self.subsample * len(base)))))
            subsets = {s: np.sort(np.random.RandomState([self.random_state, s]).choice(base, size, replace=False))
                       for s in self.seeds}
            if self.method == "nmf":
                subset_svd.update({s: _svd(self.tfidf_.transform(counts[r]), hi) for s, r in subsets.items()})
                if len(base) < n:
                    subset_svd["base"] = _svd(self.tfidf_.transform(counts[base]), hi)
            for k in range(lo, hi + 1, max(1, self.k_step)):
                ref = fit_one(k, self.random_state) if len(base) == n else fit_one(k, self.random_state, base, "base")
                ref_top = self._top(ref.topic_word)
                coh = npmi_coherence(ref_top, counts[base])
                stab = []
                if progress:
                    progress(1)
                for s in self.seeds:
                    run = fit_one(k, s, subsets[s])
                    stab.append(topic_matches(ref_top, self._top(run.topic_word)))
                    if progress:
                        progress(1)
                stab_t = np.mean(stab, axis=0) if stab else np.ones(k)
                good = int(((coh > self.min_npmi) & (stab_t >= self.min_stability)).sum())
                rows_.append({"k": k, "coherence": float(coh.mean()), "stability": float(stab_t.mean()),
                              "good_topics": good, "coherent_stability": float(np.mean(stab_t * (coh > self.min_npmi))),
                              "_fit": ref})
            sel = pd.DataFrame(rows_)
            sel["score"] = self.selection_score(sel)
            best = int(sel["score"].idxmax())  # first maximum: the smallest such k
            self.k_ = int(sel.loc[best, "k"])
            final = sel.loc[best, "_fit"] if len(base) == n else fit_one(self.k_, self.random_state)
            self.selection_ = sel.drop(columns="_fit")
        else:
            self.k_ = int(self.k)
            final = fit_one(self.k_, self.random_state)
            if progress:
                progress(1)
            self.selection_ = pd.DataFrame(columns=["k", "coherence", "stability", "good_topics",
                                                    "coherent_stability", "score"])
        self.backend_fit_ = final
        self.topic_word_ = final.topic_word
        self.doc_topic_ = final.doc_topic
        self.dropped_topics_: list[int] = []
        self.labels_ = self._labels(final.doc_topic)
        coh = npmi_coherence(self._top(self.topic_word_), self._counts)
        sizes = np.bincount(self.labels_[self.labels_ >= 0], minlength=self.k_)
        drop = self.k is None if self.drop_incoherent is None else self.drop_incoherent
        min_size = min(2, int((self.labels_ >= 0).sum()))
        self.dropped_topics_ = ([t for t in range(self.k_) if (coh[t] <= self.min_npmi and self.k_ > 1) or sizes[t] < min_size]
                                if drop else [])
        self.labels_ = self._labels(final.doc_topic)
        if describe:
            self.topics_ = self._describe(texts, report_ids)
            del self._counts
        return self

    @staticmethod
    def selection_score(selection: pd.DataFrame) -> pd.Series:
        """The criterion k maximises: good topics minus bad ones. A topic is good when it is
        reproducible (its top terms found again, mean best-match Jaccard >= ``min_stability``, in
        refits on random subsamples; Greene et al. 2014) and coherent (mean pairwise NPMI of its top
        terms above ``min_npmi``). Every topic must earn its place: a k whose extra topics are
        unstable or incoherent scores lower, so k stops where the corpus stops supporting distinct
        themes (ties go to the smallest k); k is also capped by the corpus size (``min_topic_size``).
        """
        return 2 * selection["good_topics"].astype(float) - selection["k"].astype(float)

    def _labels(self, theta: np.ndarray) -> np.ndarray:
        lab = np.argmax(theta, axis=1)
        lab[theta.sum(axis=1) <= 0] = -1
        lab[np.isin(lab, getattr(self, "dropped_topics_", []))] = -1
        return lab

    def _describe(self, texts: list[str], report_ids) -> pd.DataFrame:
        k = self.k_
        top = self._top(self.topic_word_)
        coh = npmi_coherence(top, self._counts)
        seeds = self.taxonomy
        statement_cats = None
        if seeds is None:
            seeds = seed_terms(self.kind) if self.kind in KINDS else {}
            cats = per_distinct(lambda ts: _seed_categories(ts, self.kind), texts)
            statement_cats = None if cats is None else np.asarray(cats)
        overlap = category_overlap(self.topic_word_, self.vocabulary_, seeds)
        labels = self.labels_
        n = len(texts)
        rid = np.asarray(report_ids) if report_ids is not None else None
        n_reports = len(set(rid.tolist())) if rid is not None else 0
        recs = []
        for t in range(k):
            if t in self.dropped_topics_:
                continue
            terms = [self.vocabulary_[i] for i in top[t]]
            members = np.flatnonzero(labels == t)
            order = members[np.argsort(-self.doc_topic_[members, t], kind="stable")]
            examples = typical_examples([texts[i] for i in order], n=3)
            category, cat_overlap = None, 0.0
            if statement_cats is not None:
                # the category most of the topic's statements get from the seed-term classifier
                cats = pd.Series(statement_cats[members])
                cats = cats[cats != "other"]
                if len(cats):
                    vc = cats.value_counts().sort_index().sort_values(ascending=False, kind="stable")  # ties: by id
                    category, cat_overlap = str(vc.index[0]), float(vc.iloc[0] / len(members))
            elif overlap.shape[1]:
                row = overlap.iloc[t]
                if row.max() > 0:
                    category, cat_overlap = str(row.idxmax()), float(row.max())
            label = "·".join(terms[:3]) + (f" [{category}]" if category else "")
            recs.append({
                "topic": t,
                "label": label,
                "top_terms": terms,
                "category": category,
                "category_overlap": round(cat_overlap, 4),
                "coherence": float(coh[t]),
                "n_statements": int(len(members)),
                "share": len(members) / n if n else 0.0,
                "n_reports": len(set(rid[members].tolist())) if rid is not None else 0,
                "reports": (len(set(rid[members].tolist())) / n_reports) if rid is not None and n_reports else float("nan"),
                "examples": examples,
                "representative": examples[0] if examples else "",
            })
        cols = ["topic", "label", "top_terms", "category", "category_overlap", "coherence", "n_statements", "share",
                "n_reports", "reports", "examples", "representative"]
        return pd.DataFrame(recs, columns=cols)

    # -- inference ---------------------------------------------------------------
    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Topic weights (rows sum to 1; all-zero for statements with no known term)."""
        from threadpoolctl import threadpool_limits

        toks = self._tokens([str(t) for t in texts])
        cnt = self.vectorizer_.transform(toks).tocsr()
        with threadpool_limits(limits=1):
            return self.backend_fit_.transform(toks, cnt)

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        """The terms of each text, stock and template phrases removed first (``drop_stock``): the same
        preparation in ``fit`` and ``transform``."""
        tokenize_ = self.tokenizer or tokenize
        return per_distinct(lambda ts: tokenize_(strip_stock(ts) if self.drop_stock else ts), texts)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable topic of each statement (-1 when it has no known term)."""
        return self._labels(self.transform(texts))


# ---------------------------------------------------------------------------
# A corpus of statements: problems and measures modelled separately
# ---------------------------------------------------------------------------


@dataclass
class TopicsResult:
    """The topics of a statement corpus, one model per kind.

    ``topics``: kind, topic, label, top_terms, category, share, reports, examples, ...
    ``statement_topics``: report_id, kind, position, text, topic, weight (one row per statement).
    ``report_topics``: report_id, kind, topic, n, share (statement counts per report and topic).
    ``selection``: kind, k, coherence, stability, score (the k search of each kind).
    """

    models: dict[str, StatementTopicModel]
    topics: pd.DataFrame
    statement_topics: pd.DataFrame
    report_topics: pd.DataFrame
    selection: pd.DataFrame

    def topic_rows(self) -> list[dict[str, Any]]:
        """Rows of the dataset's ``topics`` table: kind, topic, label, top_terms (space-joined),
        share (of statements), reports (number of reports)."""
        return [{"kind": r.kind, "topic": int(r.topic), "label": r.label, "top_terms": " ".join(r.top_terms),
                 "share": float(r.share), "reports": int(r.n_reports)} for r in self.topics.itertuples()]

    def assignments(self) -> dict[tuple[str, str, int], int | None]:
        """(report_id, kind, position) -> topic of each statement (None: no modelled term), to
        fill the dataset's ``statements.topic``."""
        return {(r.report_id, r.kind, int(r.position)): (int(r.topic) if r.topic >= 0 else None)
                for r in self.statement_topics.itertuples()}


def fit_topics(
    statements: pd.DataFrame,
    kind: str = "both",
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> TopicsResult:
    """Fit one :class:`StatementTopicModel` per statement kind (``problem``, ``measure``).

    ``statements`` has columns report_id, kind, text (and optionally position). ``kind`` is
    ``problem``, ``measure`` or ``both``; ``params`` go to the estimator.

    >>> st = pd.DataFrame({"report_id": ["a", "a", "b", "b"] * 3, "kind": ["problem", "measure"] * 6,
    ...                    "text": ["政策解读形式单一", "加强业务培训", "网站更新不及时", "及时更新网站"] * 3})
    >>> res = fit_topics(st, k=2, method="nmf")
    >>> sorted(res.topics["kind"].unique().tolist()), len(res.statement_topics)
    (['measure', 'problem'], 12)
    """
    if kind not in ("problem", "measure", "both"):
        raise ValueError(f"kind must be problem, measure or both, not {kind!r}")
    kinds = KINDS if kind == "both" else (kind,)
    st = statements.reset_index(drop=True).copy()
    if "position" not in st:
        st["position"] = st.groupby(["report_id", "kind"]).cumcount()
    models, topics, assigned, selections = {}, [], [], []
    for kd in kinds:
        part = st[st["kind"] == kd]
        if part.empty:
            continue
        model = StatementTopicModel(kind=kd, **params)
        model.fit(part["text"].tolist(), report_ids=part["report_id"].tolist(), progress=progress)
        models[kd] = model
        t = model.topics_.copy()
        t.insert(0, "kind", kd)
        topics.append(t)
        a = part[["report_id", "kind", "position", "text"]].copy()
        a["topic"] = model.labels_
        a["weight"] = [float(model.doc_topic_[i, j]) if j >= 0 else 0.0 for i, j in enumerate(model.labels_)]
        assigned.append(a)
        sel = model.selection_.copy()
        sel.insert(0, "kind", kd)
        selections.append(sel)
    if not models:
        raise ValueError(f"no {kind} statements to model" if kind != "both" else "no problem or measure statements to model")
    statement_topics = pd.concat(assigned, ignore_index=True)
    rt = statement_topics[statement_topics["topic"] >= 0].groupby(["report_id", "kind", "topic"]).size().rename("n").reset_index()
    rt["share"] = rt["n"] / rt.groupby(["report_id", "kind"])["n"].transform("sum")
    return TopicsResult(
        models=models,
        topics=pd.concat(topics, ignore_index=True),
        statement_topics=statement_topics,
        report_topics=rt.sort_values(["report_id", "kind", "topic"], ignore_index=True),
        selection=pd.concat(selections, ignore_index=True),
    )


__all__ = [
    "METHODS",
    "KINDS",
    "StatementTopicModel",
    "TopicsResult",
    "fit_topics",
    "tokenize",
    "stopwords",
    "npmi_coherence",
    "jaccard",
    "topic_agreement",
    "topic_matches",
    "typical_examples",
    "strip_stock",
    "category_overlap",
]
