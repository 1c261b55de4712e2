"""``ReuseDetector``: copied narrative across a corpus of reports, as tidy DataFrames.

Steps (each testable alone): :mod:`.text` (normalise, sentences, shingles) ->
:mod:`.boilerplate` (template list, stock seed list, stock phrases mined by agency
document frequency) -> :mod:`.lsh` (MinHash LSH candidates) -> :mod:`.align`
(sentence-level local alignment) -> pairs, per-report shares and clusters.

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

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..model import NARRATIVE_SECTIONS
from .align import Passage, align, residuals, stock_flags
from .boilerplate import PhraseLexicon, StockPhraseMiner, load_phrases, shingle_mask
from .lsh import CandidateIndex, DocumentIndex
from .text import ReuseText, shingle_hashes


@dataclass
class ReuseDoc:
    """The plain record reuse detection needs: an id, the narrative text and metadata."""

    report_id: str
    text: str
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_report(cls, report: Any, sections: tuple[str, ...] = NARRATIVE_SECTIONS) -> ReuseDoc:
        """Build from a :class:`gxnlp.model.Report` (its narrative sections joined)."""
        text = "\n".join(report.sections.get(k) or "" for k in sections).strip()
        return cls(
            report_id=report.report_id,
            text=text,
            agency=report.agency,
            year=report.year,
            published=report.published,
            source=report.source,
            meta={"template": getattr(report, "template", None), "region": getattr(report, "region", None)},
        )


def _date_key(doc: ReuseDoc) -> tuple:
    """Sort key of publication: published date if known, else the report year (+1: reports appear next year)."""
    if doc.published:
        return (str(doc.published)[:10],)
    if doc.year:
        return (f"{int(doc.year) + 1:04d}",)
    return ()


def likely_source(a: ReuseDoc, b: ReuseDoc) -> str | None:
    """The report_id of the earlier of two reports (publication date, else report year), or None."""
    ka, kb = _date_key(a), _date_key(b)
    if ka and kb and ka != kb:
        return a.report_id if ka < kb else b.report_id
    if a.year and b.year and a.year != b.year:
        return a.report_id if a.year < b.year else b.report_id
    return None


_AGENCY_SUFFIX = re.compile(r"(党工委)?(人民政府办公室|人民政府办公厅|人民政府|政府办公室|管理委员会办公室|管委会办公室|管理委员会|管委会|政府)$")


def agency_key(agency: str | None) -> str | None:
    """The agency name compared for ``self`` vs ``cross`` reuse: spaces and the trailing
    government / committee / general-office suffix removed, so ``平潭综合实验区管委会`` and
    ``平潭综合实验区`` are one agency (a government's report is written by its office).

    >>> agency_key("平潭综合实验区管委会"), agency_key("张店区人民政府"), agency_key("某县教育局")
    ('平潭综合实验区', '张店区', '某县教育局')
    """
    if not agency:
        return None
    a = re.sub(r"\s+", "", agency)
    return _AGENCY_SUFFIX.sub("", a) or a


def _region_key(doc: ReuseDoc) -> tuple | None:
    """(province, city, county) of a report when its county or city is known, else None."""
    r = (doc.meta or {}).get("region") or {}
    if not isinstance(r, dict) or not (r.get("county") or r.get("city")):
        return None
    return (r.get("province"), r.get("city"), r.get("county"))


def _agency_key(doc: ReuseDoc) -> str:
    return agency_key(doc.agency) or f"?{doc.report_id}"


SHARE_COLUMNS = ["report_id", "source", "agency", "year", "published", "text_chars", "template_chars", "stock_chars",
                 "narrative_chars", "copied_chars", "copied_share", "self_chars", "self_share", "cross_chars",
                 "cross_share", "from_earlier_chars", "from_earlier_share", "self_partners", "cross_partners",
                 "likely_sources"]


class ReuseDetector:
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
    :meth:`verify`; ``None`` turns the test off).

    After :meth:`fit`: ``pairs_``, ``report_shares_``, ``clusters_``, ``stock_phrases_``
    (pandas DataFrames), ``docs_`` / ``texts_`` / ``masks_`` for rendering, and
    ``scores_`` ``{(i, j): (rare_chars, share, surprisal)}`` of every aligned candidate with
    ``chance_bits_``, the surprisal a share-route pair needs.
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
        seed: int = 1,
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
        if candidates not in ("lsh", "all"):
            raise ValueError(f"candidates must be 'lsh' or 'all', not {candidates!r}")
        self.candidates = candidates
        if max_chance_pairs is not None and max_chance_pairs <= 0:
            raise ValueError("max_chance_pairs must be positive or None")
        self.max_chance_pairs = max_chance_pairs

    # -- steps -----------------------------------------------------------------------------
    def _prepare(self, docs: Iterable[ReuseDoc]) -> None:
        """Pass 1 (streaming): normalise, mask template/seed stock, count n-grams by agency."""
        self.template_ = PhraseLexicon(self.template_phrases if self.template_phrases is not None else load_phrases("template"))
        self.stock_seed_ = PhraseLexicon(
            self.stock_seed_phrases if self.stock_seed_phrases is not None else load_phrases("stock_seed")
        )
        miner = StockPhraseMiner(self.stock_ngram, self.stock_df, self.stock_min_agencies)
        self.docs_: list[ReuseDoc] = []
        self.texts_: list[ReuseText] = []
        self.template_masks_: list[np.ndarray] = []
        self.seed_masks_: list[np.ndarray] = []
        seen: set[str] = set()
        for doc in docs:
            if doc.report_id in seen:
                continue  # the same file given twice
            seen.add(doc.report_id)
            t = ReuseText.from_text(doc.text or "")
            t.offsets = t.offsets.astype(np.int32)
            tm = self.template_.mask(t.norm)
            sm = self.stock_seed_.mask(t.norm) & ~tm
            miner.partial_fit(shingle_hashes(t.norm, self.stock_ngram), _agency_key(doc))
            self.docs_.append(doc)
            self.texts_.append(t)
            self.template_masks_.append(tm)
            self.seed_masks_.append(sm)
        self.miner_ = miner
        self.stock_hashes_ = miner.finalize()

    def _candidates(self, use_lsh: bool = True) -> dict[tuple[int, int], int]:
        """Pass 2: stock masks, then MinHash LSH band buckets of the windows and narratives ->
        candidate doc pairs (:func:`.shuffle.band_candidates`: the pairs the streaming indexes of
        :mod:`.lsh` give, computed by sorting band values instead of querying an index)."""
        self.masks_: list[np.ndarray] = []
        self.stock_masks_: list[np.ndarray] = []
        stock_runs: dict[str, list] = {}
        for i, t in enumerate(self.texts_):
            h = shingle_hashes(t.norm, self.stock_ngram)
            mined = shingle_mask(h, self.stock_hashes_, self.stock_ngram, len(t.norm), self.stock_min_chars)
            mined &= ~self.template_masks_[i]
            stock = mined | self.seed_masks_[i]
            mask = self.template_masks_[i] | stock
            self.masks_.append(mask)
            self.stock_masks_.append(stock)
            self._collect_stock_runs(i, t, mined, stock_runs)
        self._stock_runs = stock_runs
        cands: dict[tuple[int, int], int] = {}
        if use_lsh:
            from .shuffle import band_candidates

            cands = dict.fromkeys(sorted(band_candidates(self)), 1)
        self.index_stats_ = {"candidate_pairs": len(cands)}
        return cands

    def streaming_candidates(self) -> set[tuple[int, int]]:
        """The same candidate pairs from the streaming indexes of :mod:`.lsh` (datasketch
        MinHashLSH, one query and insert per window): the reference the faster paths are
        checked against. Needs the masks of :meth:`_candidates`."""
        index = CandidateIndex(
            ngram=self.ngram, num_perm=self.num_perm, threshold=self.threshold, seed=self.seed,
            window_chars=self.window_chars, stride=self.stride, max_bucket_docs=self.max_bucket_docs,
        )
        doc_index = DocumentIndex(ngram=self.ngram, num_perm=self.doc_num_perm, threshold=self.doc_threshold or 0.5,
                                  seed=self.seed, max_bucket_docs=self.max_bucket_docs)
        cands: set[tuple[int, int]] = set()
        for i, t in enumerate(self.texts_):
            mask = self.template_masks_[i] if self.lsh_mask == "template" else self.masks_[i]
            cands.update((j, i) for j in index.add(i, t, mask))
            if self.doc_threshold is not None:
                cands.update((j, i) for j in doc_index.add(i, t, self.template_masks_[i]))
        self.streaming_stats_ = {"windows": index.n_windows, "skipped_queries": index.n_skipped_queries,
                                 "doc_skipped_queries": doc_index.n_skipped_queries,
                                 "doc_rejected_collisions": doc_index.n_rejected, "candidate_pairs": len(cands)}
        return cands

    def _collect_stock_runs(self, i: int, t: ReuseText, mined: np.ndarray, runs: dict) -> None:
        if not mined.any():
            return
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mined.astype(np.int8), [0]])))
        agency = _agency_key(self.docs_[i])
        for s, e in zip(edges[::2], edges[1::2]):
            key = t.norm[s:e]
            rec = runs.get(key)
            if rec is None:
                a0, a1 = t.span(s, e)
                runs[key] = rec = [t.text[a0:a1], set(), set()]
            rec[1].add(i)
            rec[2].add(agency)

    def fit(self, docs: Iterable[ReuseDoc], candidate_fn=None) -> ReuseDetector:
        """Run the detector over an iterable of :class:`ReuseDoc` (or Reports).

        ``candidate_fn(detector) -> iterable of (i, j)`` replaces the candidate generator
        (called after the texts and masks are prepared; benchmarks use it for baselines).
        """
        docs = (d if isinstance(d, ReuseDoc) else ReuseDoc.from_report(d) for d in docs)
        self._prepare(docs)
        cands = self._candidates(use_lsh=self.candidates == "lsh" and candidate_fn is None)
        if candidate_fn is not None:
            cands = {tuple(sorted(p)): 1 for p in candidate_fn(self)}
        elif self.candidates == "all":  # the exact baseline: every pair is aligned
            n = len(self.texts_)
            cands = {(i, j): 1 for i in range(n) for j in range(i + 1, n)}
        self.candidates_ = sorted(cands)
        self.verify(self.candidates_)
        self._build_tables()
        return self

    def verify(self, candidates: Iterable[tuple[int, int]]) -> None:
        """Align candidate pairs (document indices ``i < j``) and keep those sharing copied narrative.

        A pair is kept when the copied text outside stock phrases reaches ``min_copied_chars``
        or the copied share of *both* narratives reaches ``min_share`` — ``min_share_self`` for
        two reports of the same agency (reusing one's own text is the common case) and
        ``min_share_sibling`` for two agencies of one county (or city) in the same report
        year (departments filling in one model report) *and* the matched sentences are
        improbable together by chance: the sum over matched sentence pairs of ``-log`` the share
        of agencies using the more common sentence (agency document frequency at sentence level,
        :meth:`_sentence_logp`) reaches ``log(n_pairs / max_chance_pairs)``, ``n_pairs`` being
        the number of report pairs of the corpus. Phrase-bank sentences that every tenth agency
        writes cannot make a pair by their number alone, and the rule depends on the corpus
        size, not on which pairs were aligned, so the LSH path and the all-pairs baseline agree.
        ``scores_[(i, j)]`` keeps ``(rare_chars, share, surprisal)`` of every aligned candidate.
        """
        if not hasattr(self, "_res"):
            # sentences are matched on their text outside the template; stock phrases inside
            # them are counted apart ("rare" characters = outside template and stock)
            self._res = [residuals(t, m) for t, m in zip(self.texts_, self.template_masks_)]
            self._stock = [stock_flags(t, tm, sm) for t, tm, sm in zip(self.texts_, self.template_masks_, self.stock_masks_)]
            self._nchars = [int((~m).sum()) for m in self.template_masks_]
            self._logp = [self._sentence_logp(t, m) for t, m in zip(self.texts_, self.template_masks_)]
            n = len(self.texts_)
            self.chance_bits_ = (math.log(max(1, n * (n - 1) // 2) / self.max_chance_pairs)
                                 if self.max_chance_pairs is not None else 0.0)
        self.passages_: dict[tuple[int, int], list[Passage]] = {}
        self.rejected_: dict[tuple[int, int], tuple[int, float]] = {}
        self.scores_: dict[tuple[int, int], tuple[int, float, float]] = {}
        for i, j in candidates:
            ps = align(self.texts_[i], self.texts_[j], min_similarity=self.min_similarity,
                       min_sentence=self.min_sentence, min_passage=self.min_passage, a_res=self._res[i],
                       b_res=self._res[j], a_stock=self._stock[i], b_stock=self._stock[j])
            if not ps:
                continue
            rare = min(sum(p.a_rare_chars for p in ps), sum(p.b_rare_chars for p in ps))
            surprisal = self._surprisal(i, j, ps)
            share = min(sum(p.a_chars for p in ps) / max(1, self._nchars[i]),
                        sum(p.b_chars for p in ps) / max(1, self._nchars[j]))
            a, b = self.docs_[i], self.docs_[j]
            if _agency_key(a) == _agency_key(b):
                need = self.min_share_self
            elif a.year == b.year and _region_key(a) is not None and _region_key(a) == _region_key(b):
                need = self.min_share_sibling
            else:
                need = self.min_share
            self.scores_[(i, j)] = (rare, round(share, 4), round(surprisal, 2))
            # own (non-stock) copied text is evidence by itself; a share of common sentences
            # only when they are improbable together by chance
            ok = rare >= self.min_copied_chars or (
                share >= need and (self.max_chance_pairs is None or surprisal >= self.chance_bits_))
            if ok:
                self.passages_[(i, j)] = ps
            else:
                self.rejected_[(i, j)] = (rare, round(share, 4))

    def _sentence_logp(self, t: ReuseText, template: np.ndarray) -> np.ndarray:
        """Per sentence, ``log`` of the share of agencies that use it (agency document frequency
        at sentence level): the median agency count of its ``stock_ngram``-grams outside the
        template, over the number of agencies (at least ``stock_min_agencies / stock_df``). A sentence of one agency's own gives
        ``log(1 / n_agencies)``; a phrase-bank sentence every fifth agency writes ``log(0.2)``;
        a sentence with no whole shingle outside the template (a heading) ``0`` (no evidence).
        """
        n = self.stock_ngram
        h = shingle_hashes(t.norm, n)
        # a small corpus cannot show that a sentence is common: the share is taken over at least
        # the number of agencies stock mining needs (stock_min_agencies / stock_df, 200 by default)
        na = max(1, self.miner_.n_agencies, math.ceil(self.stock_min_agencies / max(self.stock_df, 1e-9)))
        out = np.zeros(len(t.sentences))
        if len(h) == 0:
            return out
        bad = np.zeros(len(h), dtype=bool)
        for k in range(n):
            bad |= template[k : k + len(h)]
        df = self.miner_.agency_df(h).tolist()
        good = (~bad).tolist()
        for k, sent in enumerate(t.sentences):
            lo, hi = sent.nstart, min(sent.nend - n + 1, len(h))
            # a heading shorter than a shingle: no evidence
            d = sorted(df[x] for x in range(lo, hi) if good[x]) if hi > lo else []
            if d:
                m = len(d) // 2
                median = float(d[m]) if len(d) % 2 else (d[m - 1] + d[m]) / 2  # as np.median
                out[k] = math.log(max(1.0, median) / na)
        return out

    def _surprisal(self, i: int, j: int, ps: list[Passage]) -> float:
        """Evidence of copying in the aligned sentences: the sum over matched sentence pairs of
        ``-log`` the agency share of the more common sentence of the two — ``-log`` of the
        chance that an unrelated report holds them all (sentences taken as independent)."""
        la, lb = self._logp[i], self._logp[j]
        return float(sum(-max(la[x], lb[y]) for p in ps for x, y in zip(p.a_matched, p.b_matched)))

    # -- outputs ---------------------------------------------------------------------------
    def _narrative_chars(self, i: int) -> int:
        """Normalised characters of the narrative outside the mandated template."""
        return self._nchars[i]

    def _build_tables(self) -> None:
        rows = []
        for (i, j), ps in sorted(self.passages_.items()):
            a, b = self.docs_[i], self.docs_[j]
            ac, bc = sum(p.a_chars for p in ps), sum(p.b_chars for p in ps)
            kind = "self" if _agency_key(a) == _agency_key(b) else "cross"
            rows.append({
                "a_index": i, "b_index": j,
                "a_report_id": a.report_id, "b_report_id": b.report_id,
                "a_source": a.source, "b_source": b.source,
                "a_agency": a.agency, "b_agency": b.agency, "a_year": a.year, "b_year": b.year,
                "kind": kind,
                "copied_chars": min(ac, bc),
                "rare_chars": min(sum(p.a_rare_chars for p in ps), sum(p.b_rare_chars for p in ps)),
                "a_copied_chars": ac, "b_copied_chars": bc,
                "a_share": round(ac / max(1, self._narrative_chars(i)), 4),
                "b_share": round(bc / max(1, self._narrative_chars(j)), 4),
                "similarity": round(sum(p.similarity * p.a_chars for p in ps) / max(1, ac), 4),
                "source_report_id": likely_source(a, b),
                "n_passages": len(ps),
                "passages": [
                    {"a_text": self.texts_[i].text[p.a_span[0]:p.a_span[1]],
                     "b_text": self.texts_[j].text[p.b_span[0]:p.b_span[1]],
                     "a_start": p.a_span[0], "a_end": p.a_span[1], "b_start": p.b_span[0], "b_end": p.b_span[1],
                     "a_chars": p.a_chars, "b_chars": p.b_chars, "similarity": p.similarity}
                    for p in ps
                ],
            })
        cols = ["a_index", "b_index", "a_report_id", "b_report_id", "a_source", "b_source", "a_agency", "b_agency",
                "a_year", "b_year", "kind", "copied_chars", "rare_chars", "a_copied_chars", "b_copied_chars", "a_share", "b_share",
                "similarity", "source_report_id", "n_passages", "passages"]
        self.pairs_ = pd.DataFrame(rows, columns=cols)
        self.report_shares_ = self._shares()
        self.clusters_ = self._clusters()
        self.stock_phrases_ = self._stock_table()

    def _shares(self) -> pd.DataFrame:
        n = len(self.docs_)
        copied = [defaultdict(set) for _ in range(n)]  # kind -> matched sentence indices
        partners = [defaultdict(set) for _ in range(n)]
        for (i, j), ps in self.passages_.items():
            kind = "self" if _agency_key(self.docs_[i]) == _agency_key(self.docs_[j]) else "cross"
            src = likely_source(self.docs_[i], self.docs_[j])
            for p in ps:
                for s in p.a_matched:
                    copied[i][kind].add(s)
                    if src == self.docs_[j].report_id:
                        copied[i]["from_earlier"].add(s)
                for s in p.b_matched:
                    copied[j][kind].add(s)
                    if src == self.docs_[i].report_id:
                        copied[j]["from_earlier"].add(s)
            partners[i][kind].add(j)
            partners[j][kind].add(i)
            if src == self.docs_[j].report_id:
                partners[i]["sources"].add(j)
            elif src == self.docs_[i].report_id:
                partners[j]["sources"].add(i)
        rows = []
        for i, doc in enumerate(self.docs_):
            res = self._res[i]
            nchar = self._narrative_chars(i)

            def chars(sents: set[int]) -> int:
                return sum(len(res[s]) for s in sents)

            allc = chars(copied[i]["self"] | copied[i]["cross"])
            row = {
                "report_id": doc.report_id, "source": doc.source, "agency": doc.agency, "year": doc.year,
                "published": doc.published,
                "text_chars": len(self.texts_[i].norm),
                "template_chars": int(self.template_masks_[i].sum()),
                "stock_chars": int(self.stock_masks_[i].sum()),
                "narrative_chars": nchar,
                "copied_chars": allc,
                "copied_share": round(allc / nchar, 4) if nchar else 0.0,
            }
            for kind in ("self", "cross", "from_earlier"):
                c = chars(copied[i][kind])
                row[f"{kind}_chars"] = c
                row[f"{kind}_share"] = round(c / nchar, 4) if nchar else 0.0
            row["self_partners"] = sorted(self.docs_[k].report_id for k in partners[i]["self"])
            row["cross_partners"] = sorted(self.docs_[k].report_id for k in partners[i]["cross"])
            row["likely_sources"] = sorted(self.docs_[k].report_id for k in partners[i]["sources"])
            rows.append(row)
        return pd.DataFrame(rows, columns=SHARE_COLUMNS)

    def _clusters(self) -> pd.DataFrame:
        n = len(self.docs_)
        cols = ["cluster_id", "size", "kind", "report_ids", "agencies", "years", "medoid_report_id",
                "model_text", "copied_chars"]
        if not self.passages_ or n == 0:
            return pd.DataFrame(columns=cols)
        ij = np.array(list(self.passages_), dtype=np.int64)
        g = coo_matrix((np.ones(len(ij)), (ij[:, 0], ij[:, 1])), shape=(n, n))
        _, labels = connected_components(g, directed=False)
        members: dict[int, list[int]] = defaultdict(list)
        for i, lab in enumerate(labels):
            members[lab].append(i)
        groups = sorted((m for m in members.values() if len(m) > 1), key=lambda m: (-len(m), m[0]))
        rows = []
        for cid, mem in enumerate(groups):
            weight = defaultdict(int)
            support: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
            for (i, j), ps in self.passages_.items():
                if labels[i] != labels[mem[0]]:
                    continue
                c = sum(p.a_chars for p in ps)
                weight[i] += c
                weight[j] += c
                for p in ps:
                    for s in p.a_matched:
                        support[i][s].add(j)
                    for s in p.b_matched:
                        support[j][s].add(i)
            medoid = max(mem, key=lambda k: (weight[k], -k))
            need = max(1, math.ceil((len(mem) - 1) / 2))
            t = self.texts_[medoid]
            sents = sorted(s for s, who in support[medoid].items() if len(who) >= need)
            if not sents:  # a chain (each report copies the previous one): what the medoid shares at all
                sents = sorted(support[medoid])
            model = "".join(t.text[t.sentences[s].start:t.sentences[s].end] + ("" if t.text[t.sentences[s].end - 1:t.sentences[s].end] in "。；！？" else "。") for s in sents)
            agencies = sorted({self.docs_[k].agency or "" for k in mem})
            rows.append({
                "cluster_id": cid, "size": len(mem),
                "kind": "self" if len({_agency_key(self.docs_[k]) for k in mem}) == 1 else "cross",
                "report_ids": [self.docs_[k].report_id for k in mem],
                "agencies": agencies,
                "years": sorted({self.docs_[k].year for k in mem if self.docs_[k].year}),
                "medoid_report_id": self.docs_[medoid].report_id,
                "model_text": model,
                "copied_chars": sum(len(self._res[medoid][s]) for s in sents),
            })
        return pd.DataFrame(rows, columns=cols)

    def _stock_table(self) -> pd.DataFrame:
        rows = []
        thr = self.miner_.threshold_
        for key, (example, reps, agencies) in self._stock_runs.items():
            if len(agencies) >= thr and len(key) >= self.stock_min_chars:
                rows.append({"phrase": example.strip(), "normalised": key, "origin": "mined",
                             "n_reports": len(reps), "n_agencies": len(agencies)})
        rows.sort(key=lambda r: (-r["n_agencies"], -r["n_reports"], r["normalised"]))
        seed_counts: dict[str, list] = {}
        for i, t in enumerate(self.texts_):
            for ph in self.stock_seed_.find(t.norm):
                rec = seed_counts.setdefault(ph, [set(), set()])
                rec[0].add(i)
                rec[1].add(_agency_key(self.docs_[i]))
        for ph, (reps, ags) in sorted(seed_counts.items(), key=lambda kv: (-len(kv[1][1]), kv[0])):
            rows.append({"phrase": ph, "normalised": ph, "origin": "seed", "n_reports": len(reps), "n_agencies": len(ags)})
        return pd.DataFrame(rows, columns=["phrase", "normalised", "origin", "n_reports", "n_agencies"])

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
            yield from self._boilerplate_pairs()

    def _boilerplate_pairs(self) -> Iterable[dict]:
        have = set(self.passages_)
        phrases = []
        for i, t in enumerate(self.texts_):
            tpl = self.template_.find(t.norm)
            stk = self.stock_seed_.find(t.norm)
            mined = {k for k, (_, reps, _) in self._stock_runs.items() if i in reps and len(k) >= self.stock_min_chars}
            phrases.append((tpl, stk | mined))
        for i in range(len(self.texts_)):
            for j in range(i + 1, len(self.texts_)):
                if (i, j) in have:
                    continue
                tpl = phrases[i][0] & phrases[j][0]
                stk = phrases[i][1] & phrases[j][1]
                if not tpl and not stk:
                    continue
                a, b = self.docs_[i], self.docs_[j]
                yield {
                    "a_source": a.source, "b_source": b.source, "a_report_id": a.report_id,
                    "b_report_id": b.report_id, "kind": "stock" if stk else "template",
                    "copied_chars": 0, "a_share": 0.0, "b_share": 0.0, "source_report_id": None,
                    "passages": [{"a_text": p, "b_text": p, "similarity": 1.0, "kind": k}
                                 for k, ps in (("template", tpl), ("stock", stk)) for p in sorted(ps)],
                }
