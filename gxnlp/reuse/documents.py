"""The documents of reuse detection: the input record (:class:`ReuseDoc`), who wrote it and when,
and the one per-document record the detector fills stage by stage (:class:`DocumentState`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import NARRATIVE_SECTIONS
from ..panel.identity import agency_key
from .boilerplate import PhraseLexicon, StockPhraseMiner
from .arrays import running_total
from .text import ReuseText, shingle_hashes_many


@dataclass(slots=True)
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


def region_key(doc: ReuseDoc) -> tuple | None:
    """(province, city, county) of a report when its county or city is known, else None."""
    r = (doc.meta or {}).get("region") or {}
    if not isinstance(r, dict) or not (r.get("county") or r.get("city")):
        return None
    return (r.get("province"), r.get("city"), r.get("county"))


def doc_agency_key(doc: ReuseDoc) -> str:
    """Who wrote a document: the agency key of :mod:`gxnlp.panel.identity` (precomputed in
    ``meta["agency_key"]`` by the dataset, with the user's alias table; else from the name and region),
    so ``self`` pairs are those of one agency across renamings; an unnamed agency is its own (``?report_id``)."""
    meta = doc.meta or {}
    if meta.get("agency_key"):
        return meta["agency_key"]
    region = meta.get("region") if isinstance(meta.get("region"), dict) else None
    return agency_key(doc.agency, region) or f"?{doc.report_id}"


#: the number of set bits of each byte value
_BITS = np.array([bin(v).count("1") for v in range(256)], dtype=np.int64)


def mask_counts(states: list[DocumentState], mask: str) -> list[int]:
    """Per document: how many characters ``mask`` (``template_mask``, ``seed_mask`` or ``stock_mask``)
    holds, counted on the packed bits of all documents at once (unpacking each costs more)."""
    slot = getattr(DocumentState, mask).slot
    packed = [getattr(s, slot) for s in states]
    if any(p is None for p in packed):
        raise ValueError(f"mask_counts: {mask} is not set on every document")
    if not packed:
        return []
    sizes = np.array([len(p) for p in packed], dtype=np.int64)
    ends = np.cumsum(sizes)
    running = running_total(_BITS[np.concatenate(packed)])
    return (running[ends] - running[ends - sizes]).tolist()


def _pack(mask: np.ndarray | None) -> np.ndarray | None:
    return None if mask is None else np.packbits(np.asarray(mask, dtype=bool))


class _PackedMask:
    """A boolean mask over ``text.norm`` of a :class:`DocumentState`, held as packed bits in ``slot``
    (None stays None)."""

    def __init__(self, slot: str, doc: str):
        self.slot, self.__doc__ = slot, doc

    def __get__(self, state, owner=None):
        return self if state is None else state._unpack(getattr(state, self.slot))

    def __set__(self, state, mask: np.ndarray | None) -> None:
        setattr(state, self.slot, _pack(mask))


class DocumentState:
    """Everything reuse detection holds about one document: one record, filled stage by stage.

    :func:`prepare_documents` sets the text and the template / seed-stock masks;
    :func:`gxnlp.reuse.boilerplate.apply_stock` the mined stock (``stock_mask``; the seed mask, now
    inside it, is dropped);
    :class:`gxnlp.reuse.verify.PairVerifier` the per-document inputs of the pair rule (``narrative_chars``,
    ``sentence_logp``). A corpus holds one per report, so the masks are kept as packed bits and what
    follows from the text and the masks (``residuals``, ``stock_flags``) is computed when read.
    """

    __slots__ = ("doc", "text", "agency", "_template", "_seed", "_stock", "narrative_chars", "sentence_logp")

    def __init__(self, doc: ReuseDoc, text: ReuseText, agency: str, template_mask: np.ndarray,
                 seed_mask: np.ndarray | None, stock_mask: np.ndarray | None = None, narrative_chars: int = 0,
                 sentence_logp: np.ndarray | None = None):
        self.doc = doc
        self.text = text
        #: :func:`doc_agency_key`: who wrote it, for self vs cross reuse and stock counting
        self.agency = agency
        self._template = _pack(template_mask)
        self._seed = _pack(seed_mask)
        self._stock = _pack(stock_mask)
        #: normalised characters outside the template
        self.narrative_chars = narrative_chars
        #: per sentence: log of the share of agencies that use it
        self.sentence_logp = sentence_logp

    def _unpack(self, bits: np.ndarray | None) -> np.ndarray | None:
        return None if bits is None else np.unpackbits(bits, count=len(self.text.norm)).view(bool)

    template_mask = _PackedMask("_template", "Characters of ``text.norm`` inside mandated template text.")
    seed_mask = _PackedMask("_seed", "Characters inside a phrase of the shipped stock list (outside the template), "
                                     "until stock is applied.")
    stock_mask = _PackedMask("_stock", "All stock characters (seed list and mined), outside the template.")

    @property
    def mask(self) -> np.ndarray | None:
        """Template or stock characters: left out of the LSH signatures (once stock is applied)."""
        return None if self._stock is None else self._unpack(self._template | self._stock)

    @property
    def residuals(self) -> list[str]:
        """Per sentence: its normalised characters outside the template (:func:`gxnlp.reuse.align.residuals`)."""
        from .align import residuals

        return residuals(self.text, self.template_mask)

    @property
    def residual_lengths(self) -> np.ndarray:
        """Per sentence: the length of its residual."""
        from .align import residual_lengths

        return residual_lengths(self.text, self.template_mask)

    @property
    def stock_flags(self):
        """Per sentence: which residual characters are stock (:class:`gxnlp.reuse.align.SentenceFlags`)."""
        from .align import stock_flags

        return None if self._stock is None else stock_flags(self.text, self.template_mask, self.stock_mask)

    @property
    def region(self) -> tuple | None:
        return region_key(self.doc)

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        for k, v in state.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        return f"DocumentState({self.doc.report_id!r}, agency={self.agency!r})"


#: documents normalised, split into sentences and hashed per numpy pass (a pass per document costs
#: more in calls than in work; a batch bounds the memory of the joined texts)
PREPARE_BATCH = 256


def prepare_documents(docs: Iterable[ReuseDoc], template: PhraseLexicon, stock_seed: PhraseLexicon,
                      miner: StockPhraseMiner, batch: int = PREPARE_BATCH) -> list[DocumentState]:
    """Pass 1 (streaming, ``batch`` documents at a time): normalise, mask template and seed stock; then
    count stock n-grams by agency in ``miner``, one agency at a time (:meth:`StockPhraseMiner.add_agency`:
    a count per shingle, not a record per shingle and agency). A report id given twice is kept once."""
    states: list[DocumentState] = []
    seen: set[str] = set()
    pending: list[ReuseDoc] = []
    lexicons = (template, stock_seed)

    def flush() -> None:
        for doc, t in zip(pending, ReuseText.from_texts([d.text or "" for d in pending], keep_offsets=False)):
            tm, sm = PhraseLexicon.masks_each(lexicons, t.norm)
            sm &= ~tm
            states.append(DocumentState(doc, t, doc_agency_key(doc), tm, sm))
        pending.clear()

    for doc in docs:
        if doc.report_id in seen:
            continue  # the same file given twice
        seen.add(doc.report_id)
        pending.append(doc)
        if len(pending) >= batch:
            flush()
    flush()
    del seen
    by_agency: dict[str, list[int]] = {}
    for i, s in enumerate(states):
        by_agency.setdefault(s.agency, []).append(i)
    group: list[tuple[str, list[int]]] = []
    size = 0
    for item in by_agency.items():
        group.append(item)
        size += len(item[1])
        if size >= batch:
            _count_shingles(states, group, miner)
            group, size = [], 0
    _count_shingles(states, group, miner)
    return states


def _count_shingles(states: list[DocumentState], group: list[tuple[str, list[int]]], miner: StockPhraseMiner) -> None:
    """Give ``miner`` the shingles of each agency of ``group`` (hashed in one pass), in order."""
    hashes = shingle_hashes_many([states[i].text.norm for _, members in group for i in members], miner.ngram)
    k = 0
    for agency, members in group:
        mine = np.concatenate(hashes[k:k + len(members)])
        k += len(members)
        miner.add_agency(mine, agency)
