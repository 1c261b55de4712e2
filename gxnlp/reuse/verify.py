"""Verification of candidate pairs: align their sentences and keep the pairs that share copied narrative.

:class:`PairVerifier` prepares each document's alignment inputs once (residual sentences, stock
flags, narrative length, the agency share of each sentence) and decides pair by pair.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .align import AlignmentInputs, Passage, Recoding, align
from .arrays import equal_runs, grams_clear_of
from .boilerplate import StockPhraseMiner
from .documents import DocumentState
from .pairs import PairValues
from .batches import TextChunk, text_chunks
from .similarity import RowStack, vector_weights
from .text import code_points


@dataclass
class Verdicts:
    """What verification decided: the kept pairs' passages, the rejected pairs' ``(rare_chars, share)``,
    and ``(rare_chars, share, surprisal)`` of every aligned candidate that shares a passage (mappings by
    pair; the last two held as arrays, :class:`.pairs.PairValues`: there is one per aligned candidate)."""

    passages: dict[tuple[int, int], list[Passage]] = field(default_factory=dict)
    rejected: Mapping[tuple[int, int], tuple[int, float]] = field(default_factory=PairValues)
    scores: Mapping[tuple[int, int], tuple[int, float, float]] = field(default_factory=PairValues)


class PairVerifier:
    """Decide candidate pairs of ``states`` (documents with their masks set).

    A pair is kept when the copied text outside stock phrases reaches ``min_copied_chars``
    or the copied share of *both* narratives reaches ``min_share`` — ``min_share_self`` for
    two reports of the same agency (reusing one's own text is the common case) and
    ``min_share_sibling`` for two agencies of one county (or city) in the same report
    year (departments filling in one model report) *and* the matched sentences are
    improbable together by chance: the sum over matched sentence pairs of ``-log`` the share
    of agencies using the more common sentence (agency document frequency at sentence level,
    :meth:`sentence_logp`) reaches ``chance_bits = log(n_pairs / max_chance_pairs)``, ``n_pairs``
    being the number of report pairs of the corpus. Phrase-bank sentences that every tenth agency
    writes cannot make a pair by their number alone, and the rule depends on the corpus size,
    not on which pairs were aligned, so the LSH path and the all-pairs baseline agree.

    ``vectors``: also stack the narratives' TF-IDF rows (``vectors_``, from the same agency counts as the
    sentence shares) for scoring LSH candidates (:mod:`.similarity`).
    """

    def __init__(self, states: list[DocumentState], miner: StockPhraseMiner, *, min_similarity: float,
                 min_sentence: int, min_passage: int, min_copied_chars: int, min_share: float,
                 min_share_self: float, min_share_sibling: float, max_chance_pairs: float | None,
                 stock_min_agencies: int, stock_df: float, min_short_chars: int | None = None,
                 vectors: bool = False):
        self.states = states
        self.vectors = vectors
        self.miner = miner
        self.min_similarity = min_similarity
        self.min_sentence = min_sentence
        self.min_passage = min_passage
        self.min_copied_chars = min_copied_chars
        self.min_share = min_share
        self.min_share_self = min_share_self
        self.min_share_sibling = min_share_sibling
        self.max_chance_pairs = max_chance_pairs
        self.min_short_chars = min_short_chars
        # a small corpus cannot show that a sentence is common: the share is taken over at least
        # the number of agencies stock mining needs (stock_min_agencies / stock_df, 200 by default)
        self.n_agencies = max(1, miner.n_agencies, math.ceil(stock_min_agencies / max(stock_df, 1e-9)))
        rows = RowStack(max(1, len(miner.hashes_))) if vectors else None
        chars = np.zeros(0, dtype=np.int64)
        for chunk in text_chunks(states):
            self._chunk_inputs(chunk, rows)
            counts = np.bincount(code_points(chunk.norm))
            chars = np.pad(chars, (0, max(0, len(counts) - len(chars))))
            chars[:len(counts)] += counts
        #: the residual texts are aligned recoded, their most frequent characters first (the same scores, faster)
        self.recoding = Recoding.from_counts(chars)
        #: with ``vectors``: the narratives' TF-IDF rows (:func:`.similarity.shingle_vectors`), one per state
        self.vectors_ = rows.tocsr() if rows is not None else None
        self._inputs: dict[int, AlignmentInputs] = {}
        n = len(states)
        self.chance_bits = (math.log(max(1, n * (n - 1) // 2) / max_chance_pairs)
                            if max_chance_pairs is not None else 0.0)

    def sentence_logp(self, s: DocumentState) -> np.ndarray:
        """Per sentence, ``log`` of the share of agencies that use it (agency document frequency
        at sentence level): the median agency count of its stock n-grams outside the template,
        over :attr:`n_agencies`. A sentence of one agency's own gives ``log(1 / n_agencies)``; a
        phrase-bank sentence every fifth agency writes ``log(0.2)``; a sentence with no whole
        shingle outside the template (a heading) ``0`` (no evidence)."""
        return self._chunk_inputs(TextChunk([s], 0, 1), None, store=False)[0]

    def _chunk_inputs(self, chunk: TextChunk, rows: RowStack | None, store: bool = True) -> list[np.ndarray]:
        """The sentence shares (:meth:`sentence_logp`) of the documents of ``chunk`` (stored on them with
        ``narrative_chars`` when ``store``), and with ``rows`` their TF-IDF rows appended
        (:func:`.similarity.vector_row`), from one lookup of the agency counts of their shingles."""
        n, miner = self.miner.ngram, self.miner
        templates = [s.template_mask for s in chunk.states]
        template = chunk.joined(templates)
        h, valid = chunk.shingles(n)
        outside = np.flatnonzero(grams_clear_of(template, valid, n))  # every shingle outside the template
        vocab_pos = miner.lookup(h[outside])
        counts = np.where(vocab_pos >= 0, miner.counts_[vocab_pos], 0) if len(miner.counts_) else \
            np.zeros(len(outside), np.int32)
        doc = chunk.doc_of(outside)
        sent_start, sent_end, first_sent = chunk.sentence_spans()
        has_sentences = np.diff(first_sent) > 0
        if rows is not None:  # a document without sentences gets an empty row
            self._append_rows(rows, doc, vocab_pos, counts, has_sentences)
        # each shingle belongs to the sentence it starts in, if it ends inside it (and the sentence is its document's)
        sent = np.searchsorted(sent_start, outside, side="right") - 1
        own = (sent >= 0) & (sent >= first_sent[doc])
        own[own] = outside[own] < sent_end[sent[own]] - n + 1
        # by sentence, then agency count (one sort of both in one integer): medians by index
        key = np.sort((sent[own].astype(np.int64) << 32) | counts[own].astype(np.int64))
        df, seg = key & 0xFFFFFFFF, key >> 32
        logp = np.zeros(len(sent_start))
        if len(seg):
            first, count = equal_runs(seg)
            median = (df[first + (count - 1) // 2].astype(np.float64) + df[first + count // 2]) / 2
            logp[seg[first]] = np.log(np.maximum(1.0, median) / self.n_agencies)
        out = [logp[first_sent[k]:first_sent[k + 1]].copy() for k in range(len(chunk))]
        if store:
            for s, t, lp in zip(chunk.states, templates, out):
                s.narrative_chars = int(len(t) - t.sum())
                s.sentence_logp = lp
        return out

    def _append_rows(self, rows: RowStack, doc: np.ndarray, vocab_pos: np.ndarray, counts: np.ndarray,
                     has_sentences: np.ndarray) -> None:
        """Append one TF-IDF row per document of a chunk (:func:`.similarity.vector_row`, for all of them at
        once): ``doc``, ``vocab_pos`` and ``counts`` per shingle outside the template."""
        known = (vocab_pos >= 0) & has_sentences[doc]
        width = np.int64(max(1, len(self.miner.hashes_)))
        keys = np.sort(doc[known] * width + vocab_pos[known])  # np.unique(return_counts) by one sort
        first, tf = equal_runs(keys)
        keys = keys[first]
        row_doc, cols = np.divmod(keys, width)
        w = vector_weights(tf, self.miner.counts_[cols], self.miner.n_agencies)
        lengths = np.diff(np.searchsorted(row_doc, np.arange(len(has_sentences) + 1)))
        norms = np.maximum(np.sqrt(np.bincount(row_doc, weights=w * w, minlength=len(lengths))), 1e-12)
        w = (w / np.repeat(norms, lengths)).astype(np.float32)  # each row over its L2 norm
        rows.extend(cols.astype(np.int32), w, lengths)

    def inputs(self, i: int) -> AlignmentInputs:
        """Alignment inputs of document ``i``: its residual sentences (normalised characters outside the
        template; sentences are matched on them) and which residual characters are stock (counted apart:
        "rare" characters = outside template and stock). Computed from the masks when a verification
        needs them, held until it ends (not for the whole fit: holding them for every document costs more
        than the text)."""
        got = self._inputs.get(i)
        if got is None:
            s = self.states[i]
            got = self._inputs[i] = AlignmentInputs(s.text, s.template_mask, s.stock_mask, self.recoding)
        return got

    def surprisal(self, i: int, j: int, ps: list[Passage]) -> float:
        """Evidence of copying in the aligned sentences: the sum over matched sentence pairs of
        ``-log`` the agency share of the more common sentence of the two — ``-log`` of the
        chance that an unrelated report holds them all (sentences taken as independent)."""
        la, lb = self.states[i].sentence_logp, self.states[j].sentence_logp
        return float(sum(-max(la[x], lb[y]) for p in ps for x, y in zip(p.a_matched, p.b_matched)))

    def short_copy(self, i: int, j: int, ps: list[Passage]) -> bool:
        """A short copy (a problem and its measure, ~40 characters): the sentences of one passage
        matched verbatim (numbers folded), with ``min_short_chars`` characters outside stock phrases,
        whose sentences alone pass the chance test. Near matches do not count: two phrase-bank
        sentences with a word changed turn up by chance; verbatim copies of rare sentences do not."""
        if self.min_short_chars is None or self.max_chance_pairs is None:
            return False
        a, b = self.states[i], self.states[j]
        a_in, b_in = self.inputs(i), self.inputs(j)
        a_res, b_res, a_flags = a_in.residuals, b_in.residuals, a_in.stock_flags
        for p in ps:
            same = [(x, y) for x, y in zip(p.a_matched, p.b_matched) if a_res[x] == b_res[y]]
            chars = sum(int((~a_flags[x]).sum()) for x, _ in same)
            if chars >= self.min_short_chars and float(
                    sum(-max(a.sentence_logp[x], b.sentence_logp[y]) for x, y in same)) >= self.chance_bits:
                return True
        return False

    def required_share(self, a: DocumentState, b: DocumentState) -> float:
        if a.agency == b.agency:
            return self.min_share_self
        if a.doc.year == b.doc.year and a.region is not None and a.region == b.region:
            return self.min_share_sibling
        return self.min_share

    def verify(self, candidates: Iterable[tuple[int, int]]) -> Verdicts:
        """Align candidate pairs (document indices ``i < j``) and decide each."""
        out = Verdicts()
        scores, rejected = PairValues.collect("qdd"), PairValues.collect("qd")
        for i, j in candidates:
            a, b = self.states[i], self.states[j]
            a_in, b_in = self.inputs(i), self.inputs(j)
            ps = align(a.text, b.text, min_similarity=self.min_similarity, min_sentence=self.min_sentence,
                       min_passage=self.min_passage, a_res=a_in.residuals, b_res=b_in.residuals,
                       a_stock=a_in.stock_flags, b_stock=b_in.stock_flags)
            if not ps:
                continue
            rare = min(sum(p.a_rare_chars for p in ps), sum(p.b_rare_chars for p in ps))
            surprisal = self.surprisal(i, j, ps)
            share = min(sum(p.a_chars for p in ps) / max(1, a.narrative_chars),
                        sum(p.b_chars for p in ps) / max(1, b.narrative_chars))
            scores.add(i, j, rare, round(share, 4), round(surprisal, 2))
            # own (non-stock) copied text is evidence by itself; a short copy, or a share of common
            # sentences, only when the matched sentences are improbable together by chance
            ok = rare >= self.min_copied_chars or (
                share >= self.required_share(a, b)
                and (self.max_chance_pairs is None or surprisal >= self.chance_bits)) or self.short_copy(i, j, ps)
            if ok:
                out.passages[(i, j)] = ps
            else:
                rejected.add(i, j, rare, round(share, 4))
        self._inputs.clear()
        out.scores, out.rejected = scores.build(), rejected.build()
        return out
