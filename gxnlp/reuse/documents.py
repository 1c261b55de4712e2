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


@dataclass
class DocumentState:
    """Everything reuse detection holds about one document: one record, filled stage by stage.

    :func:`prepare_documents` sets the text and the template / seed-stock masks;
    :func:`gxnlp.reuse.boilerplate.apply_stock` the mined stock (``stock_mask``; the seed mask, now
    inside it, is dropped);
    :class:`gxnlp.reuse.verify.PairVerifier` the per-sentence inputs of alignment
    (``residuals``, ``stock_flags``, ``narrative_chars``, ``sentence_logp``).
    """

    doc: ReuseDoc
    text: ReuseText
    #: :func:`doc_agency_key`: who wrote it, for self vs cross reuse and stock counting
    agency: str
    #: characters of ``text.norm`` inside mandated template text
    template_mask: np.ndarray
    #: characters inside a phrase of the shipped stock list (outside the template), until stock is applied
    seed_mask: np.ndarray | None
    #: all stock characters (seed list and mined), outside the template
    stock_mask: np.ndarray | None = None
    #: per sentence: its normalised characters outside the template
    residuals: list[str] | None = None
    #: per sentence: which residual characters are stock (:class:`gxnlp.reuse.align.SentenceFlags`)
    stock_flags: Any = None
    #: normalised characters outside the template
    narrative_chars: int = 0
    #: per sentence: log of the share of agencies that use it
    sentence_logp: np.ndarray | None = None
    #: the narrative's TF-IDF row ``(columns, weights)`` (:func:`gxnlp.reuse.similarity.vector_row`),
    #: held only until the candidates are scored
    vector: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def mask(self) -> np.ndarray | None:
        """Template or stock characters: left out of the LSH signatures (once stock is applied)."""
        return None if self.stock_mask is None else self.template_mask | self.stock_mask

    @property
    def region(self) -> tuple | None:
        return region_key(self.doc)


def prepare_documents(docs: Iterable[ReuseDoc], template: PhraseLexicon, stock_seed: PhraseLexicon,
                      miner: StockPhraseMiner) -> list[DocumentState]:
    """Pass 1 (streaming): normalise, mask template and seed stock, count stock n-grams by agency
    in ``miner``. A report id given twice is kept once."""
    states: list[DocumentState] = []
    seen: set[str] = set()
    for doc in docs:
        if doc.report_id in seen:
            continue  # the same file given twice
        seen.add(doc.report_id)
        t = ReuseText.from_text(doc.text or "")
        t.offsets = t.offsets.astype(np.int32)
        tm = template.mask(t.norm)
        sm = stock_seed.mask(t.norm) & ~tm
        agency = doc_agency_key(doc)
        miner.partial_fit(shingle_hashes(t.norm, miner.ngram), agency)
        states.append(DocumentState(doc, t, agency, tm, sm))
    return states
