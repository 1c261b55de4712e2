"""``ReuseDetector``: copied narrative across a corpus of reports, as tidy DataFrames.

Stages (each testable alone), over one record per document (:class:`.documents.DocumentState`):
:func:`.documents.prepare_documents` (normalise, template and seed-stock masks, stock n-grams
counted by agency) -> :func:`.boilerplate.apply_stock` (mined stock phrases masked) ->
:func:`.lsh.lsh_candidates` (MinHash LSH candidates) -> :class:`.verify.PairVerifier`
(sentence-level local alignment and the pair rule) -> :mod:`.tables` (pairs, per-report
shares, clusters, stock phrases).

>>> docs = [
...     ReuseDoc("r1", "我局今年新建政务公开专区三个，实现街道全覆盖。开展培训两次。", agency="甲局", year=2020),
...     ReuseDoc("r2", "我局今年新建政务公开专区五个，实现街道全覆盖。另有其他工作安排。", agency="乙局", year=2021),
...     ReuseDoc("r3", "本单位高度重视，认真组织。", agency="丙局", year=2021),
... ]
>>> det = ReuseDetector(ngram=4, window_chars=10, min_copied_chars=10, min_passage=10, stock_min_agencies=3).fit(docs)
>>> det.pairs_[["a_report_id", "b_report_id", "kind", "source_report_id"]].values.tolist()
[['r1', 'r2', 'cross', 'r1']]
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator

from ..genre.boilerplate import stock_seed_phrases, template_phrases
from ..model import DEFAULT_SEED
from .boilerplate import PhraseLexicon, StockPhraseMiner, apply_stock
from .documents import DocumentState, ReuseDoc, agency_key, likely_source, prepare_documents
from .lsh import CandidateIndex, DocumentIndex, lsh_candidates, make_indexes
from .pairs import PairList, as_pairs
from .shuffle import band_candidates
from .similarity import pair_overlap, shingle_vectors
from .tables import SHARE_COLUMNS, boilerplate_pairs, clusters_table, pairs_table, shares_table, stock_table
from .text import ReuseText
from .verify import PairVerifier


class ReuseDetector(BaseEstimator):
    """Detect copied narrative (kind c) apart from template (a) and stock phrases (b).

    Parameters: ``ngram`` shingle size in normalised characters; ``num_perm`` and
    ``threshold`` of the MinHash LSH over sentence windows of ``window_chars`` characters;
    ``stock_df`` (share of agencies) and ``stock_min_agencies`` for mining stock
    ``stock_ngram``-grams (a run of them covering ``stock_min_chars`` characters is a stock
    phrase and is masked);
    ``min_similarity`` of two aligned sentences (of at least ``min_sentence`` characters;
    passages under ``min_passage`` characters are dropped); ``min_copied_chars`` of non-boilerplate
    text two reports must share to make a pair; ``seed`` for MinHash permutations;
    ``lsh_mask``: text left out of the LSH signatures, ``"boilerplate"`` (template and
    stock, the default) or ``"template"`` (more candidates, for recall on very formulaic
    corpora); ``max_bucket_docs``: a window colliding with more documents than this is
    treated as stock and yields no candidates; ``candidates="all"`` aligns every pair
    instead of the LSH candidates (the exact baseline, quadratic); ``max_chance_pairs``:
    a pair's matched sentences must be rare enough together that fewer than this many
    unrelated pairs of the corpus are expected to share such a set by chance (see
    :meth:`verify`; ``None`` turns the test off); ``min_short_chars``: a shorter copy (a
    problem-and-measure pair of about 40 characters) makes a pair from this many characters outside
    stock phrases when its sentences are verbatim and pass the same chance test (``None``: only
    ``min_copied_chars``); ``min_candidate_cosine`` and ``min_candidate_shingles``: an LSH candidate is
    aligned only when the TF-IDF cosine of the two narratives' ``stock_ngram``-gram vectors reaches
    ``min_candidate_cosine`` or they share ``min_candidate_shingles`` such shingles outside the template
    (:mod:`.similarity`; ``None`` aligns every candidate). Agency keys are those of :mod:`gxnlp.panel.identity`, resolved over the
    corpus for documents that do not carry ``meta["agency_key"]``.

    After :meth:`fit` (which can be called again, on another corpus): ``pairs_``,
    ``report_shares_``, ``clusters_``, ``stock_phrases_`` (pandas DataFrames); ``documents_``,
    one :class:`DocumentState` per report (``docs_`` / ``texts_`` view its documents and texts,
    for rendering); ``candidates_`` (the candidate pairs ``(i, j)``, ``i < j``) and
    ``aligned_candidates_`` (those scored likely enough to align); ``scores_``
    ``{(i, j): (rare_chars, share, surprisal)}`` of every aligned candidate with ``chance_bits_``,
    the surprisal a share-route pair needs.
    """

    def __init__(
        self,
        ngram: int = 6,
        num_perm: int = 64,
        threshold: float = 0.4,
        window_chars: int = 40,
        stride: int = 1,
        stock_df: float = 0.05,
        stock_min_agencies: int = 10,
        stock_ngram: int = 10,
        stock_min_chars: int = 12,
        min_similarity: float = 0.75,
        min_sentence: int = 8,
        min_passage: int = 20,
        min_copied_chars: int = 60,
        max_bucket_docs: int | None = 200,
        seed: int = DEFAULT_SEED,
        template_phrases: list[str] | None = None,
        stock_seed_phrases: list[str] | None = None,
        include_template: bool = False,
        lsh_mask: str = "boilerplate",
        doc_threshold: float | None = 0.3,
        doc_num_perm: int = 128,
        min_share: float = 0.4,
        min_share_self: float = 0.25,
        min_share_sibling: float = 0.25,
        candidates: str = "lsh",
        max_chance_pairs: float | None = 20.0,
        min_short_chars: int | None = 30,
        min_candidate_cosine: float | None = 0.02,
        min_candidate_shingles: int = 40,
    ):
        self.ngram = ngram
        self.num_perm = num_perm
        self.threshold = threshold
        self.window_chars = window_chars
        self.stride = stride
        self.stock_df = stock_df
        self.stock_min_agencies = stock_min_agencies
        self.stock_min_chars = stock_min_chars
        self.stock_ngram = stock_ngram
        self.min_similarity = min_similarity
        self.min_sentence = min_sentence
        self.min_passage = min_passage
        self.min_copied_chars = min_copied_chars
        self.max_bucket_docs = max_bucket_docs
        self.seed = seed
        self.template_phrases = template_phrases
        self.stock_seed_phrases = stock_seed_phrases
        self.include_template = include_template
        self.lsh_mask = lsh_mask
        self.doc_threshold = doc_threshold
        self.doc_num_perm = doc_num_perm
        self.min_share = min_share
        self.min_share_self = min_share_self
        self.min_share_sibling = min_share_sibling
        self.candidates = candidates
        self.max_chance_pairs = max_chance_pairs
        self.min_short_chars = min_short_chars
        self.min_candidate_cosine = min_candidate_cosine
        self.min_candidate_shingles = min_candidate_shingles

    def _check_params(self) -> None:
        if self.candidates not in ("lsh", "all"):
            raise ValueError(f"candidates must be 'lsh' or 'all', not {self.candidates!r}")
        if self.max_chance_pairs is not None and self.max_chance_pairs <= 0:
            raise ValueError("max_chance_pairs must be positive or None")

    def fit(self, docs: Iterable[ReuseDoc], candidate_fn=None) -> ReuseDetector:
        """Run the detector over an iterable of :class:`ReuseDoc` (or Reports).

        ``candidate_fn(detector) -> iterable of (i, j)`` replaces the candidate generator
        (called after the texts and masks are prepared; benchmarks use it for baselines).
        """
        self._check_params()
        docs = (d if isinstance(d, ReuseDoc) else ReuseDoc.from_report(d) for d in docs)
        self.template_ = PhraseLexicon(self.template_phrases if self.template_phrases is not None else template_phrases())
        self.stock_seed_ = PhraseLexicon(
            self.stock_seed_phrases if self.stock_seed_phrases is not None else stock_seed_phrases()
        )
        # stock mining: n-grams counted by agency in pass 1, masked in pass 2
        self.miner_ = StockPhraseMiner(self.stock_ngram, self.stock_df, self.stock_min_agencies)
        self.documents_ = prepare_documents(docs, self.template_, self.stock_seed_, self.miner_)
        self._resolve_agencies()
        self.stock_hashes_ = self.miner_.finalize()
        self.stock_runs_ = apply_stock(self.documents_, self.stock_hashes_, self.stock_ngram, self.stock_min_chars)
        # candidates (before the verifier's inputs: the peaks of the two steps do not add up)
        self.index_stats_ = {}
        if candidate_fn is not None:
            self.candidates_ = as_pairs(candidate_fn(self))
        elif self.candidates == "all":  # the exact baseline: every pair is aligned
            i, j = np.triu_indices(len(self.documents_), k=1)
            self.candidates_ = PairList(np.stack([i, j], axis=1))
        else:  # the streaming indexes' pairs, found by sorting band values (no query per window)
            self.candidates_ = PairList(band_candidates(self))
            self.index_stats_ = {"candidate_pairs": len(self.candidates_)}
        # alignment inputs of every document (and the TF-IDF rows that score candidates)
        self.verifier_ = PairVerifier(
            self.documents_, self.miner_, min_similarity=self.min_similarity, min_sentence=self.min_sentence,
            min_passage=self.min_passage, min_copied_chars=self.min_copied_chars, min_share=self.min_share,
            min_share_self=self.min_share_self, min_share_sibling=self.min_share_sibling,
            max_chance_pairs=self.max_chance_pairs, stock_min_agencies=self.stock_min_agencies, stock_df=self.stock_df,
            min_short_chars=self.min_short_chars, vectors=self._filters_candidates() and len(self.candidates_) > 0)
        self.chance_bits_ = self.verifier_.chance_bits
        self.aligned_candidates_ = self._likely(self.candidates_) if self._filters_candidates() else self.candidates_
        self.verifier_.vectors_ = None  # needed only to score the candidates
        self.index_stats_["aligned_pairs"] = len(self.aligned_candidates_)
        # verification
        self.verify(self.aligned_candidates_)
        # outputs
        self.pairs_ = pairs_table(self.documents_, self.passages_)
        self.report_shares_ = shares_table(self.documents_, self.passages_)
        self.clusters_ = clusters_table(self.documents_, self.passages_)
        self.stock_phrases_ = stock_table(self.documents_, self.stock_runs_, self.miner_.threshold_,
                                          self.stock_min_chars, self.stock_seed_)
        return self

    def _filters_candidates(self) -> bool:
        return self.candidates == "lsh" and self.min_candidate_cosine is not None

    def _likely(self, candidates: PairList) -> PairList:
        """The candidates worth aligning: cosine or shared shingles high enough (:mod:`.similarity`)."""
        if not len(candidates):
            return candidates
        X = self.verifier_.vectors_
        if X is None:
            X = shingle_vectors(self.documents_, self.miner_)
        cos, shared = pair_overlap(X, candidates.array)
        return candidates.select((cos >= self.min_candidate_cosine) | (shared >= self.min_candidate_shingles))

    def streaming_candidates(self) -> set[tuple[int, int]]:
        """The candidate pairs of the streaming indexes of :mod:`.lsh` (datasketch MinHashLSH, one
        query and insert per window) on the fitted documents: the reference the band sort
        (:func:`.shuffle.band_candidates`) and the Dask shuffle are checked against."""
        cands, self.streaming_stats_ = lsh_candidates(self.documents_, *self._indexes(), lsh_mask=self.lsh_mask)
        return set(cands)

    def _resolve_agencies(self) -> None:
        """Agency keys over the corpus (:class:`gxnlp.panel.identity.AgencyResolver`: renamed bodies of
        one region joined) for the documents that do not carry one, so ``self`` pairs are those the
        panel sees as one agency."""
        todo = [s for s in self.documents_ if not (s.doc.meta or {}).get("agency_key") and s.doc.agency]
        if not todo:
            return
        from ..panel.identity import AgencyResolver

        keys = AgencyResolver().fit([{"agency": s.doc.agency, "year": s.doc.year,
                                      "region": (s.doc.meta or {}).get("region")} for s in todo]).keys_
        for s, k in zip(todo, keys):
            if k:
                s.agency = k

    def _indexes(self) -> tuple[CandidateIndex, DocumentIndex | None]:
        return make_indexes(ngram=self.ngram, num_perm=self.num_perm, threshold=self.threshold, seed=self.seed,
                            window_chars=self.window_chars, stride=self.stride, doc_threshold=self.doc_threshold,
                            doc_num_perm=self.doc_num_perm, max_bucket_docs=self.max_bucket_docs)

    def verify(self, candidates: Iterable[tuple[int, int]]) -> None:
        """Align candidate pairs (document indices ``i < j``) of the fitted corpus and keep those sharing
        copied narrative (:class:`PairVerifier`): sets ``passages_``, ``rejected_`` and ``scores_``."""
        verdicts = self.verifier_.verify(candidates)
        self.passages_, self.rejected_, self.scores_ = verdicts.passages, verdicts.rejected, verdicts.scores

    @property
    def docs_(self) -> list[ReuseDoc]:
        """The documents of the fitted corpus, in index order."""
        return [s.doc for s in self.documents_]

    @property
    def texts_(self) -> list[ReuseText]:
        """The normalised texts of the fitted corpus, in index order."""
        return [s.text for s in self.documents_]

    # -- export ----------------------------------------------------------------------------
    def iter_pair_records(self, include_template: bool | None = None) -> Iterable[dict]:
        """The JSON records of ``gxnlp reuse``: one per pair sharing copied narrative.

        With ``include_template`` also pairs that share only template / stock text
        (``kind`` ``template`` or ``stock``, passages = the shared phrases); that list
        grows with the square of the corpus and is meant for small corpora.
        """
        include_template = self.include_template if include_template is None else include_template
        for r in self.pairs_.itertuples(index=False):
            yield {
                "a_source": r.a_source, "b_source": r.b_source,
                "a_report_id": r.a_report_id, "b_report_id": r.b_report_id,
                "kind": r.kind, "copied_chars": int(r.copied_chars),
                "a_share": float(r.a_share), "b_share": float(r.b_share),
                "source_report_id": r.source_report_id,
                "passages": [{"a_text": p["a_text"], "b_text": p["b_text"], "similarity": p["similarity"]}
                             for p in r.passages],
            }
        if include_template:
            yield from boilerplate_pairs(self.documents_, self.passages_, self.stock_runs_, self.stock_min_chars,
                                         self.template_, self.stock_seed_)


__all__ = ["ReuseDetector", "ReuseDoc", "DocumentState", "agency_key", "likely_source", "SHARE_COLUMNS"]
