"""Classify problem and measure statements into a taxonomy (shipped as ``gxnlp/genre/data/taxonomy.json``).

Three interchangeable scikit-learn style estimators (params in ``__init__``; ``fit``/``predict``/
``predict_proba``), one label set per statement kind (``problem`` | ``measure``):

* :class:`SeedTermClassifier` -- weak supervision from the taxonomy's seed terms, no labels needed.
  Each seed found in the text adds its weight (x ``lead_boost`` when it occurs in the statement's
  lead clause, which is where the genre names the point); the ``other`` pseudo-class gets
  ``threshold``, so a statement with weak evidence is ``other`` rather than forced.
* :class:`LogRegClassifier` -- TF-IDF over jieba tokens + character n-grams, LogisticRegression;
  trained on labels users give, or (``y=None``) on the seed classifier's weak labels.
* :class:`TextcatClassifier` -- the same as a spaCy ``textcat`` (bag-of-words) pipeline.

:class:`StatementClassifier` wraps one estimator per kind and fills ``Statement.category/score``.
Users can pass their own taxonomy file (same JSON shape).

Example:
    >>> from gxnlp.text.classify import SeedTermClassifier
    >>> clf = SeedTermClassifier(kind="problem").fit(["x"])
    >>> clf.predict(["政策解读形式单一，缺少多种形式的解读。", "开拓创新不够有力。"]).tolist()
    ['interpretation', 'other']
    >>> SeedTermClassifier(kind="measure").fit([]).predict(["加强业务培训，提升队伍素质。"]).tolist()
    ['training_staff']
"""
from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from ..genre.taxonomy import KINDS, OTHER, TAXONOMY, categories, load_taxonomy, parse_seed
from ..model import DEFAULT_SEED


def _lead_end(text: str, cap: int = 24) -> int:
    m = re.search(r"[，,。；;：:]", text)
    return min(m.start() if m else len(text), cap)


class SeedTermClassifier(ClassifierMixin, BaseEstimator):
    """Weakly supervised classifier: weighted seed-term matches, ``other`` below ``threshold``.

    Parameters: ``kind`` (problem | measure), ``taxonomy`` (path/dict; None = shipped),
    ``threshold`` (pseudo-score of ``other``), ``lead_boost`` (multiplier for seeds in the lead
    clause), ``lead_chars`` (max length of the lead).
    """

    def __init__(self, kind: str = "problem", taxonomy: Any = None, threshold: float = 1.5,
                 lead_boost: float = 2.0, lead_chars: int = 24):
        self.kind = kind
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.lead_boost = lead_boost
        self.lead_chars = lead_chars

    def fit(self, X: Iterable[str] | None = None, y: Any = None) -> SeedTermClassifier:
        cats = categories(self.kind, self.taxonomy)
        self.seeds_ = [[parse_seed(s) for s in c.get("seeds", [])] for c in cats]
        self.classes_ = np.array([c["id"] for c in cats] + [OTHER])
        return self

    def scores(self, X: Iterable[str]) -> np.ndarray:
        """Raw evidence per category (rows: texts; columns: ``classes_`` without ``other``)."""
        rows = []
        for text in X:
            lead = _lead_end(text, self.lead_chars)
            row = []
            for seeds in self.seeds_:
                s = 0.0
                for term, w in seeds:
                    i = text.find(term)
                    if i >= 0:
                        s += w * (self.lead_boost if i < lead else 1.0)
                row.append(s)
            rows.append(row)
        return np.array(rows, dtype=float).reshape(-1, len(self.seeds_))

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        s = self.scores(X)
        s = np.hstack([s, np.full((s.shape[0], 1), float(self.threshold))])
        return s / s.sum(axis=1, keepdims=True)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        p = self.predict_proba(list(X))
        return self.classes_[p.argmax(axis=1)]


def jieba_tokens(text: str) -> list[str]:
    """jieba tokens with the domain dictionary (module-level so pipelines pickle)."""
    from .segment import load_userdict
    import jieba

    load_userdict()
    return [t for t in jieba.lcut(text) if t.strip() and not re.fullmatch(r"[\W_]+", t)]


class _ThresholdMixin:
    def _training_data(self, X: Iterable[str], y: Sequence[str] | None) -> tuple[list[str], list[str]]:
        """The texts and labels to train on: ``y``, or the seed classifier's weak labels (``other`` dropped)."""
        X = list(X)
        if y is None:
            y = SeedTermClassifier(kind=self.kind, taxonomy=self.taxonomy).fit(X).predict(X)
            keep = [i for i, lab in enumerate(y) if lab != OTHER]
            X, y = [X[i] for i in keep], [y[i] for i in keep]
        return X, list(y)

    threshold: float
    classes_: np.ndarray

    def _with_other(self, p: np.ndarray, labels: np.ndarray) -> np.ndarray:
        out = labels[p.argmax(axis=1)].astype(object)
        out[p.max(axis=1) < self.threshold] = OTHER
        return out


class LogRegClassifier(_ThresholdMixin, ClassifierMixin, BaseEstimator):
    """TF-IDF (jieba words + char n-grams) -> LogisticRegression; ``other`` below ``threshold``.

    ``fit(X, y)`` trains on user labels; ``fit(X)`` (y=None) trains on the weak labels of a
    :class:`SeedTermClassifier` with the same ``kind``/``taxonomy`` (statements it calls
    ``other`` are left out). Labels ``other`` in ``y`` are learned as a class of their own.
    """

    def __init__(self, kind: str = "problem", taxonomy: Any = None, C: float = 4.0,
                 char_ngrams: tuple[int, int] = (1, 3), threshold: float = 0.25, random_state: int = DEFAULT_SEED):
        self.kind = kind
        self.taxonomy = taxonomy
        self.C = C
        self.char_ngrams = char_ngrams
        self.threshold = threshold
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        feats = FeatureUnion([
            ("words", TfidfVectorizer(analyzer=jieba_tokens, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=tuple(self.char_ngrams), sublinear_tf=True)),
        ])
        clf = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", random_state=self.random_state)
        return Pipeline([("features", feats), ("clf", clf)])

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> LogRegClassifier:
        X, y = self._training_data(X, y)
        if len(set(y)) < 2:
            raise ValueError("LogRegClassifier needs at least two distinct labels to train on")
        self.pipeline_ = self._pipeline().fit(X, y)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X: Iterable[str]) -> np.ndarray:
        p = self.predict_proba(X)
        return self._with_other(p, self.classes_)


class TextcatClassifier(_ThresholdMixin, ClassifierMixin, BaseEstimator):
    """A spaCy ``textcat`` (exclusive classes, bag-of-words over jieba tokens) alternative.

    Same contract as :class:`LogRegClassifier` (``y=None`` trains on seed weak labels).
    """

    def __init__(self, kind: str = "problem", taxonomy: Any = None, n_iter: int = 15,
                 ngram_size: int = 2, threshold: float = 0.25, random_state: int = DEFAULT_SEED):
        self.kind = kind
        self.taxonomy = taxonomy
        self.n_iter = n_iter
        self.ngram_size = ngram_size
        self.threshold = threshold
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> TextcatClassifier:
        import spacy
        from spacy.training import Example

        from .segment import NLP_CONFIG, load_userdict

        X, y = self._training_data(X, y)
        labels = sorted(set(y))
        if len(labels) < 2:
            raise ValueError("TextcatClassifier needs at least two distinct labels to train on")
        load_userdict()
        spacy.util.fix_random_seed(self.random_state)
        nlp = spacy.blank("zh", config=NLP_CONFIG)
        textcat = nlp.add_pipe("textcat", config={"model": {
            "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
            "ngram_size": self.ngram_size, "no_output_layer": False}})
        for lab in labels:
            textcat.add_label(lab)
        examples = [Example.from_dict(nlp.make_doc(t), {"cats": {lab: float(lab == g) for lab in labels}})
                    for t, g in zip(X, y)]
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(self.random_state)
        for _ in range(self.n_iter):
            rng.shuffle(examples)
            for i in range(0, len(examples), 16):
                nlp.update(examples[i:i + 16], sgd=optimizer, drop=0.1)
        self.nlp_ = nlp
        self.classes_ = np.array(labels)
        return self

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        docs = self.nlp_.pipe(list(X))
        return np.array([[d.cats[lab] for lab in self.classes_] for d in docs]).reshape(-1, len(self.classes_))

    def predict(self, X: Iterable[str]) -> np.ndarray:
        p = self.predict_proba(X)
        return self._with_other(p, self.classes_)


def _label_set(value: Any) -> tuple[str, ...] | None:
    """A user label cell as a tuple of labels; None when empty (unlabelled). ``a;b`` / ``a，b`` give two."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        parts = [p.strip() for p in re.split(r"[;；,，|]", value)]
    else:
        parts = [str(p).strip() for p in value]
    parts = [p for p in parts if p]
    return tuple(dict.fromkeys(parts)) or None


class WeakLabelClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier with calibrated probabilities, trained on weak and/or user labels.

    The taxonomy's seed terms act as labelling functions: each seed found in a statement votes for
    its category with its weight (x ``lead_boost`` in the lead clause). A statement gets the weak
    labels whose vote reaches ``vote_threshold`` and ``vote_share`` of its strongest vote; when no
    category does, the labelling functions abstain and the statement does not train the model.
    User labels (``y[i]`` a label, ``"a;b"`` or a list) override the votes; ``None``/empty leaves
    statement ``i`` to the labelling functions, and ``other`` makes it a negative for every category.
    Labels absent from the taxonomy (a user's new category) are learned like any other.

    The model is one-vs-rest: TF-IDF over jieba words + character n-grams, one LogisticRegression
    per category, calibrated by ``CalibratedClassifierCV`` (``calibration``, ``cv`` folds) when the
    category has at least ``cv`` positive and negative examples. Categories with fewer than
    ``min_positives`` examples are not learned. ``predict_proba`` gives independent per-category
    probabilities (a statement can belong to several); :meth:`predict_sets` the categories at or
    above ``threshold`` (``("other",)`` when none is); :meth:`predict` the most probable category,
    or ``other`` below ``threshold``.
    """

    def __init__(self, kind: str = "problem", taxonomy: Any = None, C: float = 4.0,
                 char_ngrams: tuple[int, int] = (1, 3), threshold: float = 0.5, vote_threshold: float = 1.5,
                 vote_share: float = 0.6, lead_boost: float = 2.0, calibration: str | None = "sigmoid",
                 cv: int = 3, min_positives: int = 2, keep_votes: bool = True, random_state: int = 0):
        self.kind = kind
        self.taxonomy = taxonomy
        self.C = C
        self.char_ngrams = char_ngrams
        self.threshold = threshold
        self.vote_threshold = vote_threshold
        self.vote_share = vote_share
        self.lead_boost = lead_boost
        self.calibration = calibration
        self.cv = cv
        self.min_positives = min_positives
        self.keep_votes = keep_votes
        self.random_state = random_state

    def _votes(self, X: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        lf = SeedTermClassifier(kind=self.kind, taxonomy=self.taxonomy, lead_boost=self.lead_boost).fit()
        return lf.scores(X), [str(c) for c in lf.classes_[:-1]]

    def weak_labels(self, X: Sequence[str]) -> list[tuple[str, ...] | None]:
        """The labelling functions' verdict per text: the voted categories, or None (abstain)."""
        votes, ids = self._votes(X)
        out: list[tuple[str, ...] | None] = []
        for row in votes:
            top = row.max() if row.size else 0.0
            if top < self.vote_threshold:
                out.append(None)
                continue
            out.append(tuple(ids[j] for j in np.argsort(-row) if row[j] >= max(self.vote_threshold, self.vote_share * top)))
        return out

    def fit(self, X: Sequence[str], y: Sequence[Any] | None = None) -> WeakLabelClassifier:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold

        X = list(X)
        user = [None] * len(X) if y is None else [_label_set(v) for v in y]
        if len(user) != len(X):
            raise ValueError(f"{len(X)} texts but {len(user)} labels")
        weak = self.weak_labels(X)
        rows = [(t, u if u is not None else w) for t, u, w in zip(X, user, weak)]
        rows = [(t, labs) for t, labs in rows if labs is not None]
        if not rows:
            raise ValueError("no statement has a label or a labelling-function vote to train on")
        known = [c["id"] for c in categories(self.kind, self.taxonomy)]
        extra = sorted({lab for _t, labs in rows for lab in labs} - set(known) - {OTHER})
        labels = [lab for lab in known + extra if sum(lab in labs for _t, labs in rows) >= self.min_positives]
        if not labels:
            raise ValueError(f"no category has {self.min_positives} labelled examples")
        self.features_ = FeatureUnion([
            ("words", TfidfVectorizer(analyzer=jieba_tokens, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=tuple(self.char_ngrams), sublinear_tf=True)),
        ]).fit(X)
        F = self.features_.transform([t for t, _labs in rows])
        self.estimators_ = []
        for lab in labels:
            target = np.array([lab in labs for _t, labs in rows], dtype=int)
            base = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", random_state=self.random_state)
            n_min = int(min(target.sum(), len(target) - target.sum()))
            if n_min == 0:
                raise ValueError(f"category {lab!r} has no negative examples")
            if self.calibration and n_min >= self.cv >= 2:
                folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
                est = CalibratedClassifierCV(base, method=self.calibration, cv=folds)
            else:
                est = base
            self.estimators_.append(est.fit(F, target))
        self.classes_ = np.array(labels)
        self.n_train_ = len(rows)
        return self

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        X = list(X)
        F = self.features_.transform(X)
        p = np.column_stack([est.predict_proba(F)[:, 1] for est in self.estimators_]).reshape(F.shape[0], -1)
        if self.keep_votes:
            # the labelling functions still vote at prediction time: their evidence (a vote at
            # vote_threshold counts 0.63) and the model's probability combine as a noisy-or
            votes, ids = self._votes(X)
            col = {c: j for j, c in enumerate(ids)}
            for k, lab in enumerate(self.classes_):
                if lab in col:
                    p_lf = 1.0 - np.exp(-(votes[:, col[lab]] / self.vote_threshold) ** 2)
                    p[:, k] = 1.0 - (1.0 - p[:, k]) * (1.0 - p_lf)
        return p

    def predict_sets(self, X: Iterable[str]) -> list[tuple[str, ...]]:
        p = self.predict_proba(X)
        out = []
        for row in p:
            idx = [j for j in np.argsort(-row) if row[j] >= self.threshold]
            out.append(tuple(self.classes_[j] for j in idx) or (OTHER,))
        return out

    def predict(self, X: Iterable[str]) -> np.ndarray:
        p = self.predict_proba(X)
        out = self.classes_[p.argmax(axis=1)].astype(object)
        out[p.max(axis=1) < self.threshold] = OTHER
        return out


MODELS = {"seed": SeedTermClassifier, "logreg": LogRegClassifier, "textcat": TextcatClassifier,
          "weak": WeakLabelClassifier}


MODEL_FILE = "classifier.joblib"
MODEL_META = "model.json"


class StatementClassifier(BaseEstimator):
    """One estimator per kind; ``classify(statements)`` sets ``category``, ``categories`` and ``score`` in place.

    ``model`` is ``seed`` (default; needs no training data), ``logreg``, ``textcat`` or ``weak``
    (multi-label, calibrated, trained on seed-term votes and user labels); ``params`` are passed to
    each kind's estimator. ``fit(statements, labels=None)`` trains one estimator per kind (on
    ``labels`` or on weak seed labels; for ``weak`` a ``None`` label leaves that statement to the
    labelling functions) into ``estimators_``. A seed model classifies without an explicit ``fit``
    (it fits on first use: it reads only the taxonomy). :meth:`save`/:meth:`load` write and read a
    model directory (``gxnlp train`` makes one; load only directories you trust: the model is a pickle).

    Example:
        >>> from gxnlp.text.statements import split_statements
        >>> st = split_statements("存在的问题：一是依申请公开答复质量不高。改进措施：一是加强业务培训。")
        >>> [(s.kind, s.category) for s in StatementClassifier().classify(st)]
        [('problem', 'request_handling'), ('measure', 'training_staff')]
    """

    def __init__(self, model: str = "seed", taxonomy: Any = None, params: dict[str, Any] | None = None):
        self.model = model
        self.taxonomy = taxonomy
        self.params = params

    def _estimator(self, kind: str) -> Any:
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, not {self.model!r}")
        return MODELS[self.model](kind=kind, taxonomy=self.taxonomy, **(self.params or {}))

    def fit(self, statements: Sequence[Any] = (), labels: Sequence[Any] | None = None) -> StatementClassifier:
        estimators = {}
        for kind in KINDS:
            idx = [i for i, s in enumerate(statements) if s.kind == kind]
            X = [statements[i].text for i in idx]
            y = None if labels is None else [labels[i] for i in idx]
            if self.model not in ("weak", "seed") and y is not None and any(_label_set(v) is None for v in y):
                raise ValueError(f"model {self.model!r} needs a label for every statement (use 'weak' for partial labels)")
            try:
                estimators[kind] = self._estimator(kind).fit(X, y)
            except ValueError:
                if self.model != "weak" or (y is not None and any(_label_set(v) is not None for v in y)):
                    raise
                # too few seed-term votes of this kind to train on: the seed terms classify it
                estimators[kind] = SeedTermClassifier(kind=kind, taxonomy=self.taxonomy).fit()
        self.estimators_ = estimators
        return self

    def classify(self, statements: Sequence[Any]) -> Sequence[Any]:
        if not hasattr(self, "estimators_"):
            if self.model != "seed":
                raise NotFittedError(f"StatementClassifier(model={self.model!r}) must be fitted before classify")
            self.fit()
        for kind in KINDS:
            group = [s for s in statements if s.kind == kind]
            if not group:
                continue
            est = self.estimators_[kind]
            texts = [s.text for s in group]
            proba = est.predict_proba(texts)
            pred = est.predict(texts)
            sets = est.predict_sets(texts) if hasattr(est, "predict_sets") else [(str(lab),) for lab in pred]
            classes = list(est.classes_)
            for s, lab, p, labs in zip(group, pred, proba, sets):
                s.category = str(lab)
                s.categories = [str(x) for x in labs]
                s.score = round(float(p[classes.index(lab)] if lab in classes else 1.0 - p.max()), 4)
        return statements

    def save(self, directory: str | os.PathLike) -> Path:
        """Write the model to ``directory`` (created): the estimators and a readable ``model.json``."""
        import joblib

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, out / MODEL_FILE)
        meta = {"model": self.model, "params": self.params,
                "classes": {k: [str(c) for c in e.classes_] for k, e in self.estimators_.items()},
                "n_train": {k: int(getattr(e, "n_train_", 0)) for k, e in self.estimators_.items()}}
        (out / MODEL_META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        return out

    @classmethod
    def load(cls, directory: str | os.PathLike) -> StatementClassifier:
        """A model written by :meth:`save`; ``ValueError`` with the reason when it is not one."""
        import joblib

        path = Path(directory) / MODEL_FILE
        if not path.is_file():
            raise ValueError(f"{directory} is not a gxnlp model directory (no {MODEL_FILE}; make one with gxnlp train)")
        try:
            obj = joblib.load(path)
        except Exception as exc:  # noqa: BLE001 - any unpickling failure is a bad model file
            raise ValueError(f"cannot read the model in {directory}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(obj, cls):
            raise ValueError(f"{path} does not hold a StatementClassifier")
        return obj


__all__ = ["TAXONOMY", "OTHER", "load_taxonomy", "categories", "SeedTermClassifier", "LogRegClassifier",
           "TextcatClassifier", "WeakLabelClassifier", "StatementClassifier", "jieba_tokens"]
