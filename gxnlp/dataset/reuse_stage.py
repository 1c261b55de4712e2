"""The reuse stage of the dataset build: fills the ``reuse`` and ``report_reuse`` tables.

Registered in :data:`gxnlp.dataset.CORPUS_STAGES` as ``"reuse"``; reads the stored
reports (metadata and the narrative sections) in batches, so the corpus is never loaded
as files again, and rewrites both tables. In a ``--scheduler dask`` build the candidate
pairs come from a shuffle of LSH band keys on the cluster (:mod:`gxnlp.reuse.shuffle`).
"""
from __future__ import annotations

import ctypes
import gc
import json
from collections.abc import Iterator
from typing import Any

import pandas as pd

from ..reuse.detector import ReuseDetector, ReuseDoc
from ..model import DEFAULT_SEED
from ..panel.compare import copied_by_ids
from .schema import CORPUS_RESULTS, CORPUS_SCHEDULER, _insert_frame


def iter_stored_docs(con, batch: int = 2000) -> Iterator[ReuseDoc]:
    """The stored reports as :class:`ReuseDoc` (narrative = overview and problems), in report id order.

    The detector holds every document until it is fitted: the values many reports share (agency,
    region, template) are one object each, not one per report. Reports are read ``batch`` at a time by
    ranges of report ids (one sorted query over every narrative keeps the whole sorted result in memory)."""
    ids = [r[0] for r in con.execute("SELECT report_id FROM reports ORDER BY report_id").fetchall()]
    strings: dict = {}
    metas: dict[tuple, dict[str, Any]] = {}

    def one(value):
        return strings.setdefault(value, value)

    for start in range(0, len(ids), batch):
        rows = con.execute("SELECT report_id, source, agency, agency_key, year, published, template, province, city, "
                           "county, overview, problems FROM reports WHERE report_id BETWEEN ? AND ? ORDER BY report_id",
                           [ids[start], ids[min(start + batch, len(ids)) - 1]]).fetchall()
        for rid, source, agency, key, year, published, template, province, city, county, overview, problems in rows:
            text = "\n".join(x for x in (overview, problems) if x)
            meta = metas.get((template, province, city, county, key))
            if meta is None:
                meta = metas[(template, province, city, county, key)] = {
                    "template": one(template), "region": {"province": one(province), "city": one(city),
                                                          "county": one(county)}, "agency_key": one(key)}
            yield ReuseDoc(rid, text, agency=one(agency), year=year, published=one(published), source=source,
                           meta=meta)


def tables(det: ReuseDetector) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of ``reuse`` (one per pair) and ``report_reuse`` (one per report) for a fitted detector."""
    pairs = det.pairs_[["a_report_id", "b_report_id", "kind", "copied_chars", "a_share", "b_share"]].copy()
    pairs["passages"] = [json.dumps(p, ensure_ascii=False) for p in det.pairs_["passages"]]
    shares = det.report_shares_[["report_id", "copied_share", "self_share", "cross_share"]].copy()
    return pairs, shares


def fit_stored_detector(con, seed: int = DEFAULT_SEED) -> ReuseDetector:
    """A reuse detector fitted on the stored narrative (candidate pairs from the cluster's band-key
    shuffle in a ``--scheduler dask`` build)."""
    candidate_fn = None
    if CORPUS_SCHEDULER.get() == "dask":  # band buckets shuffled across the cluster, not indexed here
        from dask.distributed import default_client

        from ..reuse.shuffle import candidate_pairs

        try:
            client = default_client()
        except ValueError:  # no cluster after all: the in-process index gives the same pairs
            client = None
        if client is not None:
            def candidate_fn(det):
                return candidate_pairs(det, client)

    return ReuseDetector(seed=seed).fit(iter_stored_docs(con), candidate_fn=candidate_fn)


def _release_memory() -> None:
    """Return what Python freed to the operating system (glibc keeps freed heap pages otherwise, and
    DuckDB allocates from its own allocator)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def reuse_stage(con, seed: int = DEFAULT_SEED) -> None:
    """Recompute reuse over every stored report and rewrite ``reuse`` / ``report_reuse``; within a build,
    hand the copied-from-earlier figures to the panel stage (:data:`CORPUS_RESULTS`)."""
    det = fit_stored_detector(con, seed)
    pairs, shares = tables(det)
    results = CORPUS_RESULTS.get()
    copied = None
    if results is not None:
        dated = {d.report_id: d for d in det.docs_ if d.year is not None}  # the panel compares dated reports
        copied = copied_by_ids(det, {rid: (d.meta or {}).get("agency_key") for rid, d in dated.items()},
                               {rid: d.year for rid, d in dated.items()})
        del dated
    del det  # the detector holds every narrative: freed before DuckDB takes the rows
    _release_memory()
    con.execute("DELETE FROM reuse")
    con.execute("DELETE FROM report_reuse")
    _insert_frame(con, "reuse", pairs)
    _insert_frame(con, "report_reuse", shares)
    if results is not None:
        results["copied_from_earlier"] = copied
