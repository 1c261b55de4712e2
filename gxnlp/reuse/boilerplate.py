"""The two kinds of shared text that are *not* copying: mandated template and stock phrases.

(a) ``template``: headings, table labels, the 勾稽关系 note and the mandated opening
formula (:func:`gxnlp.genre.boilerplate.template_phrases`); (b) ``stock``: phrases of the genre,
a shipped seed list (:func:`gxnlp.genre.boilerplate.stock_seed_phrases`) plus character n-grams that a large share
of *different agencies* use, mined from the corpus by :class:`StockPhraseMiner`.

>>> lex = PhraseLexicon(["本报告根据《中华人民共和国政府信息公开条例》"])
>>> from gxnlp.reuse.text import normalise
>>> norm, _ = normalise("本报告根据《中华人民共和国政府信息公开条例》编制。")
>>> int(lex.mask(norm).sum())
20
>>> m = StockPhraseMiner(ngram=4, stock_df=0.5, min_agencies=2)
>>> for agency, text in [("a", "坚持公开为常态"), ("b", "坚持公开为常态"), ("c", "今年做了很多")]:
...     _ = m.partial_fit(shingle_hashes(normalise(text)[0], 4), agency)
>>> len(m.finalize()), m.threshold_
(4, 2)
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .arrays import contains, equal_runs, sorted_positions, sorted_unique
from .text import normalise, shingle_hashes


class PhraseLexicon:
    """Phrases found in normalised text: literals (longest first) and ``re:`` patterns over normalised text.

    Matches are those of one regex alternation of the patterns (in order) then the literals (longest
    first), scanned left to right: at the leftmost position where anything matches, a pattern if one
    matches there, else the longest literal starting there; the scan resumes after the match. The literals
    are found in one pass by an Aho-Corasick automaton (pyahocorasick: every occurrence, in C), the
    patterns by a search from the scan's position; a literal alternation of 170 phrases tried at every
    character costs ~4x more.
    """

    def __init__(self, phrases: list[str]):
        patterns = [p[3:] for p in phrases if p.startswith("re:")]
        norms = sorted({normalise(p)[0] for p in phrases if not p.startswith("re:")} - {""}, key=lambda s: (-len(s), s))
        self.phrases = norms
        self.patterns = patterns
        self._compile()

    def _compile(self) -> None:
        self._patterns_re = re.compile("|".join(f"(?:{a})" for a in self.patterns)) if self.patterns else None
        self._joint: dict[tuple[PhraseLexicon, ...], object] = {}  # the automata of this and other lexicons
        self._alternation = None

    @staticmethod
    def _automaton_of(lexicons: tuple[PhraseLexicon, ...]):
        """One automaton of the literals of ``lexicons``: each word's value is its length and which
        lexicons hold it (bits)."""
        import ahocorasick

        owners: dict[str, int] = {}
        for k, lex in enumerate(lexicons):
            for p in lex.phrases:
                owners[p] = owners.get(p, 0) | (1 << k)
        automaton = ahocorasick.Automaton()
        for p, bits in owners.items():
            automaton.add_word(p, (len(p), bits))
        automaton.make_automaton()
        return automaton

    def spans(self, norm: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each phrase occurrence in ``norm``, left to right, not overlapping."""
        return PhraseLexicon.spans_each((self,), norm)[0]

    @staticmethod
    def spans_each(lexicons: tuple[PhraseLexicon, ...], norm: str) -> list[list[tuple[int, int]]]:
        """:meth:`spans` of each of ``lexicons`` in ``norm``, their literals found in one pass."""
        first = lexicons[0]
        automaton = first._joint.get(lexicons)
        if automaton is None and any(lex.phrases for lex in lexicons):
            automaton = first._joint[lexicons] = PhraseLexicon._automaton_of(lexicons)
        longest: list[dict[int, int]] = [{} for _ in lexicons]  # start -> length of the longest literal there
        if automaton is not None and norm:
            for end, (length, bits) in automaton.iter(norm):
                start = end - length + 1
                for k, mine in enumerate(longest):
                    if bits >> k & 1 and length > mine.get(start, 0):
                        mine[start] = length
        return [lex._scan(norm, found) for lex, found in zip(lexicons, longest)]

    def _scan(self, norm: str, longest: dict[int, int]) -> list[tuple[int, int]]:
        """The matches, left to right, given the longest literal at each position (``longest``)."""
        starts = sorted(longest)
        out: list[tuple[int, int]] = []
        if self._patterns_re is None:
            pos = 0
            for s in starts:
                if s >= pos:
                    pos = s + longest[s]
                    out.append((s, pos))
            return out
        search = self._patterns_re.search
        found = search(norm, 0)
        pos, i, n = 0, 0, len(starts)
        while True:
            while i < n and starts[i] < pos:
                i += 1
            if found is not None and found.start() < pos:
                found = search(norm, pos)
            if found is not None and (i == n or found.start() <= starts[i]):
                if found.end() == found.start():  # an empty match: leave its rules to the regex engine
                    return self._regex_spans(norm)
                pos = found.end()
                out.append((found.start(), pos))
            elif i < n:
                pos = starts[i] + longest[starts[i]]
                out.append((starts[i], pos))
            else:
                return out

    def _regex_spans(self, norm: str) -> list[tuple[int, int]]:
        if self._alternation is None:
            alts = self.patterns + [re.escape(p) for p in self.phrases]
            self._alternation = re.compile("|".join(f"(?:{a})" for a in alts))
        return [m.span() for m in self._alternation.finditer(norm)]

    def mask(self, norm: str) -> np.ndarray:
        """Boolean mask of the characters of ``norm`` inside an occurrence of a phrase."""
        return PhraseLexicon.masks_each((self,), norm)[0]

    @staticmethod
    def masks_each(lexicons: tuple[PhraseLexicon, ...], norm: str) -> list[np.ndarray]:
        """:meth:`mask` of each of ``lexicons`` over ``norm`` (one pass for their literals)."""
        masks = []
        for spans in PhraseLexicon.spans_each(lexicons, norm):
            mask = np.zeros(len(norm), dtype=bool)
            for start, end in spans:
                mask[start:end] = True
            masks.append(mask)
        return masks

    def find(self, norm: str) -> set[str]:
        """The phrases occurring in ``norm``."""
        return {norm[start:end] for start, end in self.spans(norm)}

    def __getstate__(self):
        return {"phrases": self.phrases, "patterns": self.patterns}

    def __setstate__(self, state):
        self.phrases, self.patterns = state["phrases"], state["patterns"]
        self._compile()


def shingle_mask(hashes: np.ndarray, members: np.ndarray, n: int, length: int, min_chars: int = 0) -> np.ndarray:
    """Mask of the characters covered by runs of shingles whose hash is in ``members``.

    Only runs covering at least ``min_chars`` characters count: one common n-gram is
    not a phrase, a run of them is.
    """
    hit = contains(members, hashes)
    return _phrase_runs(hit, np.zeros(len(hashes), dtype=bool), n, length, min_chars)


def _merge_counts(part: tuple[np.ndarray, np.ndarray] | None, hashes: np.ndarray,
                  counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, counts)`` (sorted, distinct) with more ``hashes`` (sorted, distinct) and their counts added."""
    if part is None:
        return hashes.copy(), counts.astype(np.int64)
    old, old_counts = part
    pos = np.searchsorted(old, hashes)
    seen = pos < len(old)
    seen[seen] = old[pos[seen]] == hashes[seen]
    old_counts[pos[seen]] += counts[seen]
    if seen.all():
        return old, old_counts
    new = ~seen
    return np.insert(old, pos[new], hashes[new]), np.insert(old_counts, pos[new], counts[new])


class StockPhraseMiner:
    """Document frequency of n-gram hashes counted over distinct agencies, streaming.

    A shingle is *stock* when at least ``max(min_agencies, stock_df * n_agencies)``
    different agencies use it. Counting agencies rather than reports means an agency that
    reuses its own text every year never turns its text into "stock".

    Two ways in: :meth:`partial_fit` takes one document's shingles at a time, in any order, and keeps
    every distinct (shingle, agency) record until :meth:`finalize`; :meth:`add_agency` takes all the
    shingles of one agency at once (each agency once), so only a count per distinct shingle is kept —
    far less memory when agencies share their shingles, as a genre's reports do. Either way new input
    waits in a buffer of ``flush_records`` and is merged into ``partitions`` by the hash's top bits, one
    partition at a time, so no step sorts everything at once.
    """

    def __init__(self, ngram: int = 6, stock_df: float = 0.05, min_agencies: int = 5, partitions: int = 64,
                 flush_records: int = 1 << 22):
        self.ngram = ngram
        self.stock_df = stock_df
        self.min_agencies = min_agencies
        self.partitions = partitions
        self.flush_records = flush_records
        self._agencies: dict[str, int] = {}
        self._mode: str | None = None
        self._parts: list | None = None
        self._pending: list[np.ndarray] = []
        self._pending_n = 0

    def _bits(self) -> int:
        return max(0, int(np.ceil(np.log2(max(1, self.partitions)))))

    def _enter(self, mode: str) -> None:
        if self._mode not in (None, mode):
            raise ValueError("StockPhraseMiner: use either partial_fit or add_agency, not both")
        self._mode = mode

    def partial_fit(self, hashes: np.ndarray, agency: str) -> StockPhraseMiner:
        """Count one document's shingle ``hashes`` for ``agency``."""
        self._enter("records")
        aid = self._agencies.setdefault(agency, len(self._agencies))
        packed = (sorted_unique(hashes).astype(np.uint64) << np.uint64(32)) | np.uint64(aid)
        self._buffer(packed)
        return self

    def add_agency(self, hashes: np.ndarray, agency: str) -> StockPhraseMiner:
        """Count all the shingle ``hashes`` of one ``agency``'s documents (each agency once)."""
        self._enter("agencies")
        if agency in self._agencies:
            raise ValueError(f"add_agency: agency {agency!r} was given before")
        self._agencies[agency] = len(self._agencies)
        self._buffer(sorted_unique(np.asarray(hashes, dtype=np.uint32)))
        return self

    def _buffer(self, values: np.ndarray) -> None:
        self._pending.append(values)
        self._pending_n += len(values)
        if self._pending_n >= self.flush_records:
            self._flush()

    def _flush(self) -> None:
        bits = self._bits()
        if self._parts is None:
            self._parts = [None] * (1 << bits)
        if not self._pending:
            return
        if self._mode == "records":
            new = sorted_unique(np.concatenate(self._pending))
            top = new >> np.uint64(64 - bits) if bits else None
        else:  # each agency's shingles once: a shingle's count is its number of repeats here
            h = np.sort(np.concatenate(self._pending))
            first, new_counts = equal_runs(h)
            new = h[first]
            del h
            top = new >> np.uint32(32 - bits) if bits else None
        self._pending, self._pending_n = [], 0
        # sorted by hash: each partition (the hash's top bits) is one slice
        cuts = np.searchsorted(top, np.arange(1, 1 << bits, dtype=top.dtype)) if bits else []
        del top
        bounds = np.r_[0, cuts, len(new)].astype(np.int64)
        for p in range(len(self._parts)):
            lo, hi = bounds[p], bounds[p + 1]
            if hi <= lo:
                continue
            if self._mode == "records":  # the old part and the new slice: distinct, sorted
                old = self._parts[p] if self._parts[p] is not None else np.zeros(0, np.uint64)
                self._parts[p] = sorted_unique(np.concatenate([old, new[lo:hi]]))
            else:
                self._parts[p] = _merge_counts(self._parts[p], new[lo:hi], new_counts[lo:hi])

    @property
    def n_agencies(self) -> int:
        return len(self._agencies)

    def finalize(self) -> np.ndarray:
        """Sorted array of the stock shingle hashes; sets ``threshold_`` and the agency count of every
        shingle (``hashes_``, ``counts_``, read by :meth:`agency_df`)."""
        self._flush()
        hashes, counts = [np.zeros(0, np.uint32)], [np.zeros(0, np.int64)]
        parts, self._parts, mode, self._mode = self._parts, None, self._mode, None
        for p in range(len(parts)):
            part, parts[p] = parts[p], None
            if part is None:
                continue
            if mode == "agencies":
                hashes.append(part[0])
                counts.append(part[1])
                continue
            # distinct (hash, agency) records sorted by hash: each hash's agency count is its run length
            h = (part >> np.uint64(32)).astype(np.uint32)
            del part
            first, n_agencies = equal_runs(h)
            hashes.append(h[first])
            counts.append(n_agencies)
            del h
        hashes, counts = np.concatenate(hashes), np.concatenate(counts)
        self.threshold_ = max(self.min_agencies, int(np.ceil(self.stock_df * self.n_agencies)))
        #: every shingle hash seen (sorted) and the number of agencies using it
        self.hashes_, self.counts_ = hashes, counts.astype(np.int32)
        self.stock_ = hashes[counts >= self.threshold_]
        return self.stock_

    @property
    def df_(self) -> dict[int, int]:
        """Agency count of each stock shingle hash."""
        pos = self.lookup(self.stock_)
        return dict(zip(self.stock_.tolist(), self.counts_[pos].tolist()))

    def agency_df(self, hashes: np.ndarray) -> np.ndarray:
        """Number of agencies using each shingle hash (0 for a hash never counted); after :meth:`finalize`."""
        pos = self.lookup(hashes)
        out = np.zeros(len(hashes), dtype=np.int32)
        out[pos >= 0] = self.counts_[pos[pos >= 0]]
        return out

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Position of each shingle hash in ``hashes_`` (-1 for a hash never counted); after :meth:`finalize`."""
        return sorted_positions(self.hashes_, hashes)


def _distinct_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distinct ``(a, b)`` rows (non-negative int32 columns), sorted: ``np.unique(axis=0)`` by one key."""
    key = sorted_unique((a.astype(np.int64) << 32) | b.astype(np.int64))
    return np.stack([key >> 32, key & 0xFFFFFFFF], axis=1).astype(np.int32)


@dataclass
class StockRun:
    """A mined stock phrase: its text as one report writes it, the reports and agencies using it."""

    example: str
    reports: set[int] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)


class StockRuns(Mapping):
    """The runs of mined stock of a corpus by normalised text (a mapping to :class:`StockRun`).

    Who uses each run is held as arrays of (run, report, agency) numbers — a set per run costs ~80 bytes
    per use, and a corpus has tens of uses per report; a :class:`StockRun` is made when asked for."""

    def __init__(self):
        self._ids: dict[str, int] = {}
        self.examples: list[str] = []
        self._agency_ids: dict[str, int] = {}
        self._uses = array("i")  # run, report, agency: three numbers per use
        self._by_run: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, key: str, report: int, agency: str, example) -> None:
        """Record that ``report`` (of ``agency``) uses the run ``key``; ``example()`` gives its original
        text when the run is new."""
        self.add_many([key], [report], [agency], lambda _: example())

    def add_many(self, keys: list[str], reports: list[int], agencies: list[str], example) -> None:
        """:meth:`add` for many uses: ``example(k)`` gives the original text of use ``k`` when its run is new.
        New runs and agencies are numbered in the order of their first use."""
        ids, agency_ids, examples = self._ids, self._agency_ids, self.examples
        new = [key for key in dict.fromkeys(keys) if key not in ids]
        if new:
            first = {key: k for k, key in zip(range(len(keys) - 1, -1, -1), reversed(keys))}
            for key in new:
                ids[key] = len(examples)
                examples.append(example(first[key]))
        for agency in dict.fromkeys(agencies):
            if agency not in agency_ids:
                agency_ids[agency] = len(agency_ids)
        uses = np.empty((len(keys), 3), dtype=np.int32)
        uses[:, 0] = np.fromiter(map(ids.__getitem__, keys), dtype=np.int32, count=len(keys))
        uses[:, 1] = reports
        uses[:, 2] = np.fromiter(map(agency_ids.__getitem__, agencies), dtype=np.int32, count=len(agencies))
        self._uses.frombytes(uses.tobytes())
        self._by_run = None

    def _uses_by_run(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct (run, report) and (run, agency) uses, sorted by run; per run the number of each."""
        if self._by_run is None:
            uses = np.frombuffer(self._uses, dtype=np.int32).reshape(-1, 3) if len(self._uses) else \
                np.zeros((0, 3), np.int32)
            reports = _distinct_rows(uses[:, 0], uses[:, 1])
            agencies = _distinct_rows(uses[:, 0], uses[:, 2])
            n = len(self.examples)
            self._by_run = (reports, np.bincount(reports[:, 0], minlength=n), np.bincount(agencies[:, 0], minlength=n))
        return self._by_run

    @property
    def n_reports(self) -> np.ndarray:
        """Per run (in :meth:`keys` order), the number of reports using it."""
        return self._uses_by_run()[1]

    @property
    def n_agencies(self) -> np.ndarray:
        """Per run (in :meth:`keys` order), the number of agencies using it."""
        return self._uses_by_run()[2]

    def runs_of(self, report: int) -> list[str]:
        """The runs ``report`` uses."""
        reports = self._uses_by_run()[0]
        keys = list(self._ids)
        return [keys[r] for r in reports[reports[:, 1] == report, 0].tolist()]

    def __getitem__(self, key: str) -> StockRun:
        run = self._ids[key]
        uses = np.frombuffer(self._uses, dtype=np.int32).reshape(-1, 3) if len(self._uses) else \
            np.zeros((0, 3), np.int32)
        mine = uses[uses[:, 0] == run]
        names = list(self._agency_ids)
        return StockRun(self.examples[run], set(mine[:, 1].tolist()), {names[a] for a in mine[:, 2].tolist()})

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key) -> bool:
        return key in self._ids

    def __getstate__(self):
        return self._ids, self.examples, self._agency_ids, self._uses

    def __setstate__(self, state):
        self._ids, self.examples, self._agency_ids, self._uses = state
        self._by_run = None


def _phrase_runs(hit: np.ndarray, breaks: np.ndarray, n: int, length: int, min_chars: int) -> np.ndarray:
    """Mask of the ``length`` characters covered by runs of ``hit`` shingles (``n``-grams) covering at least
    ``min_chars`` characters; a run never continues across a ``breaks`` position (a document start)."""
    mask = np.zeros(length, dtype=bool)
    if not hit.any():
        return mask
    if min_chars > n:
        begins = hit.copy()
        begins[1:] &= ~hit[:-1] | breaks[1:]
        run = np.cumsum(begins) - 1
        sizes = np.bincount(run[hit], minlength=int(run[-1]) + 1)
        hit = hit & (sizes[np.maximum(run, 0)] + n - 1 >= min_chars)
    for j in range(n):
        mask[j : j + len(hit)] |= hit
    return mask


def _mask_runs(mask: np.ndarray, doc_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(begins, ends)`` of the runs of ``mask``, cut at the positions ``doc_starts``."""
    cut = np.zeros(len(mask) + 1, dtype=bool)
    cut[doc_starts[doc_starts < len(mask)]] = True
    cut[len(mask)] = True
    before = np.r_[False, mask[:-1]]
    after = np.r_[mask[1:], False]
    begins = np.flatnonzero(mask & (~before | cut[:-1]))
    ends = np.flatnonzero(mask & (~after | cut[1:])) + 1
    return begins, ends


def apply_stock(states: list, stock_hashes: np.ndarray, ngram: int, min_chars: int,
                chunk_chars: int = 1 << 20) -> StockRuns:
    """Mask the mined stock phrases of every document (:class:`gxnlp.reuse.documents.DocumentState`:
    sets ``stock_mask``); return the runs of mined stock by normalised text. Documents are processed
    ``chunk_chars`` characters at a time (:mod:`.batches`)."""
    from .batches import text_chunks

    runs = StockRuns()
    for chunk in text_chunks(states, chunk_chars):
        h, valid = chunk.shingles(ngram)
        hit = contains(stock_hashes, h) & valid
        breaks = np.zeros(len(h), dtype=bool)
        breaks[chunk.starts[:-1][chunk.starts[:-1] < len(h)]] = True
        mined = _phrase_runs(hit, breaks, ngram, len(chunk.norm), min_chars)
        mined &= ~chunk.joined([s.template_mask for s in chunk.states])
        for s, own in zip(chunk.states, chunk.split(mined)):
            seed = s.seed_mask
            s.stock_mask = own | seed if seed is not None else own
            s.seed_mask = None  # inside stock_mask now
        begins, ends = _mask_runs(mined, chunk.starts[:-1])
        docs = chunk.doc_of(begins)
        offsets: dict[int, np.ndarray] = {}  # recomputed for the documents that show a run first

        def example(k: int, a: int, b: int) -> str:
            t = chunk.states[k].text
            if k not in offsets:
                offsets[k] = t.offsets
            a0, a1 = t.span(a, b, offsets[k])
            return t.text[a0:a1]

        norm, docs, begins, ends = chunk.norm, docs.tolist(), begins.tolist(), ends.tolist()
        starts = chunk.starts.tolist()
        runs.add_many([norm[a:b] for a, b in zip(begins, ends)], [chunk.lo + k for k in docs],
                      [chunk.states[k].agency for k in docs],
                      lambda u: example(docs[u], begins[u] - starts[docs[u]], ends[u] - starts[docs[u]]))
    return runs
