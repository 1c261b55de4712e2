"""Reuse candidates as a shuffle of LSH band keys, so no process holds the LSH index.

The streaming indexes of :mod:`.lsh` (``CandidateIndex`` over sentence windows,
``DocumentIndex`` over whole narratives) keep every band bucket of the corpus in one
process. Here the same buckets are formed by grouping ``(band key, window)`` records by key
— a Dask Bag ``groupby`` (a shuffle across workers) or, with no client, a dict in this
process — and the streaming rules are replayed from the groups:

* a window of document ``i`` collides with the windows of earlier documents ``j < i``
  sharing one of its band buckets (datasketch's banding: ``b`` bands of ``r`` values);
* a window whose query reaches more than ``max_bucket_docs`` earlier documents is shared by
  everybody (stock text) and yields nothing;
* a whole-narrative signature keeps a colliding earlier document only when the share of
  equal signature values reaches ``verify``.

So the candidate pairs are exactly those of :meth:`ReuseDetector._candidates`
(tests/test_reuse_shuffle.py checks it on the demo corpus, in process and on a 2-worker
LocalCluster). Interface: :func:`candidate_pairs` takes a fitted-up-to-masks detector
(``candidate_fn`` of :meth:`ReuseDetector.fit`) and returns the set of pairs.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from .batches import text_chunks
from .arrays import equal_runs, sorted_unique
from .lsh import DOC_VERIFY, CandidateIndex, DocumentIndex, block_signatures, lsh_bands, make_indexes, window_mask

_M61 = (1 << 61) - 1


def _band_keys(sigs: np.ndarray, b: int, r: int, kind: int) -> np.ndarray:
    """One integer key per (signature, band): a polynomial hash of the band's ``r`` values, the
    band number and the index kind mixed in. Equal bands give equal keys; the band's values
    travel with the record, so a hash collision never makes a candidate."""
    s = sigs[:, : b * r].astype(np.uint64).reshape(len(sigs), b, r)
    with np.errstate(over="ignore"):
        h = np.full((len(sigs), b), np.uint64(1469598103934665603 + kind))
        for c in range(r):
            h = (h ^ s[:, :, c]) * np.uint64(1099511628211)
        h ^= np.arange(b, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (h >> np.uint64(2)).astype(np.int64)


# --------------------------------------------------------------------------- records per document

def document_records(item: tuple[int, Any, np.ndarray, np.ndarray, dict[str, Any]],
                     indexes: tuple[CandidateIndex, DocumentIndex | None] | None = None) -> list[tuple]:
    """``(key, kind, doc, window, band values, doc signature or None)`` records of one document.

    ``item`` = (doc number, ReuseText, mask for windows, mask for the whole narrative, params);
    ``indexes``: the params' indexes (:func:`_indexes`), when the caller has them.
    """
    doc, text, mask, doc_mask, p = item
    out: list[tuple] = []
    windows, documents = indexes or _indexes(p)
    block = block_signatures([text], [mask], windows, [doc_mask], documents)
    sigs = block.window_sigs
    b, r = p["bands"]
    if len(sigs):
        keys = _band_keys(sigs, b, r, 0)
        for w in range(len(sigs)):
            for band in range(b):
                out.append((int(keys[w, band]), 0, doc, w, sigs[w, band * r:(band + 1) * r].tobytes(), None))
    db, dr = p["doc_bands"]
    for sig in block.doc_sigs:  # none, or the narrative's signature
        keys = _band_keys(sig.reshape(1, -1), db, dr, 1)[0]
        for band in range(db):
            out.append((int(keys[band]), 1, doc, 0, sig[band * dr:(band + 1) * dr].tobytes(), sig))
    return out


def partition_records(items: Iterable[tuple]) -> list[tuple]:
    """:func:`document_records` of the items of one partition (one set of indexes for all of them)."""
    items = list(items)
    indexes = _indexes(items[0][4]) if items else None
    return [rec for item in items for rec in document_records(item, indexes)]


def bucket_hits(group: tuple[int, list[tuple]], cap: int | None, verify: float | None) -> list[tuple]:
    """For each record of one bucket: the earlier documents in it (at most ``cap + 1`` of them,
    enough to know the query is over the cap), with the verify flag for narrative signatures.

    Returns ``((kind, doc, window), [(earlier doc, kept after verification), ...])`` items."""
    _key, records = group
    by_band: dict[tuple[int, bytes], list[tuple]] = defaultdict(list)
    for rec in records:
        by_band[(rec[1], rec[4])].append(rec)
    out = []
    for (kind, _band), recs in by_band.items():
        docs = sorted({rec[2] for rec in recs})
        sigs = {rec[2]: rec[5] for rec in recs} if kind == 1 else {}
        for rec in recs:
            i = rec[2]
            earlier = docs[: np.searchsorted(docs, i)]
            if cap is not None and len(earlier) > cap + 1:
                earlier = earlier[: cap + 1]
            if not len(earlier):
                continue
            if kind == 1:
                out.append(((kind, i, rec[3]), [(j, verify is None or bool(np.mean(sigs[j] == sigs[i]) >= verify))
                                                for j in earlier]))
            else:
                out.append(((kind, i, rec[3]), [(j, True) for j in earlier]))
    return out


def _merge(a: dict, b: dict) -> dict:
    for j, v in b.items():
        a.setdefault(j, v)
    return a


def _query_key(hit: tuple) -> tuple[int, int, int]:
    return hit[0]


def _add_hits(acc: dict | None, hit: tuple) -> dict:
    return _merge(dict(acc) if acc else {}, dict(hit[1]))


def _merge_hits(a: dict | None, b: dict | None) -> dict:
    return _merge(dict(a) if a else {}, b or {})


def query_pairs(item: tuple[tuple[int, int, int], dict[int, bool]], cap: int | None) -> list[tuple[int, int]]:
    """The candidate pairs one window (or narrative) query gives, by the streaming rules."""
    (_kind, i, _w), hits = item
    if cap is not None and len(hits) > cap:
        return []
    return [(j, i) for j, kept in hits.items() if kept]


# --------------------------------------------------------------------------- drivers

def _params(det) -> dict[str, Any]:
    return {"ngram": det.ngram, "num_perm": det.num_perm, "threshold": det.threshold, "seed": det.seed,
            "window_chars": det.window_chars, "stride": det.stride, "bands": lsh_bands(det.threshold, det.num_perm),
            "doc_threshold": det.doc_threshold, "doc_num_perm": det.doc_num_perm,
            "doc_bands": lsh_bands(det.doc_threshold or 0.5, det.doc_num_perm)}


def _indexes(p: dict[str, Any]) -> tuple[CandidateIndex, DocumentIndex | None]:
    """The detector's two indexes (:meth:`ReuseDetector._indexes`), for their signatures."""
    return make_indexes(**{k: p[k] for k in ("ngram", "num_perm", "threshold", "seed", "window_chars", "stride",
                                             "doc_threshold", "doc_num_perm")})


def _items(det) -> Iterator[tuple]:
    p = _params(det)
    for i, state in enumerate(det.documents_):
        yield (i, state.text, window_mask(state, det.lsh_mask), state.template_mask, p)


def candidate_pairs(det, client=None, partitions: int | None = None) -> set[tuple[int, int]]:
    """Candidate pairs ``(j, i)``, ``j < i``, of a detector whose documents and masks are prepared
    (``documents_``; use as ``ReuseDetector.fit(docs, candidate_fn=candidate_pairs)``).

    With a ``dask.distributed`` client the band records are shuffled across its workers
    (Dask Bag ``groupby``); without one the buckets are grouped in this process.
    """
    cap, verify = det.max_bucket_docs, DOC_VERIFY  # as the detector's DocumentIndex
    if client is None:
        return _local_pairs(_items(det), cap, verify)
    import dask.bag as db

    items = list(_items(det))
    n_part = partitions or max(2, min(256, len(items) // 200 + 1))
    records = db.from_sequence(items, npartitions=n_part).map_partitions(partition_records)
    buckets = records.groupby(lambda rec: rec[0], shuffle="tasks", npartitions=n_part)
    hits = buckets.map(bucket_hits, cap, verify).flatten()
    queries = hits.foldby(_query_key, _add_hits, None, _merge_hits, None)
    pairs = queries.map(query_pairs, cap).flatten().distinct()
    return set(client.compute(pairs, sync=True) if hasattr(client, "compute") else pairs.compute())


def _local_pairs(items: Iterable[tuple], cap: int | None, verify: float | None) -> set[tuple[int, int]]:
    groups: dict[int, list[tuple]] = defaultdict(list)
    indexes = None
    for item in items:
        indexes = indexes or _indexes(item[4])
        for rec in document_records(item, indexes):
            groups[rec[0]].append(rec)
    queries: dict[tuple[int, int, int], dict[int, Any]] = defaultdict(dict)
    for group in groups.items():
        for key, hits in bucket_hits(group, cap, verify):
            _merge(queries[key], dict(hits))
    pairs: set[tuple[int, int]] = set()
    for item in queries.items():
        pairs.update(query_pairs(item, cap))
    return pairs


# --------------------------------------------------------------------------- in process, vectorised

def _collisions(sigs: np.ndarray, docs: np.ndarray, b: int, r: int, cap: int | None,
                max_hits: int = 1_000_000) -> np.ndarray:
    """(earlier doc, doc) pairs of the streaming rule over signature rows ``sigs`` of documents
    ``docs`` (non-decreasing): each row queries the rows of earlier documents sharing one of
    its ``b`` bands of ``r`` values; a row reaching more than ``cap`` documents gives nothing.
    Bands are compared by their 62-bit keys (:func:`_band_keys`; equal bands, equal keys)."""
    return _key_collisions(_band_keys(sigs, b, r, 0), docs, cap, max_hits)


def _key_collisions(keys: np.ndarray, docs: np.ndarray, cap: int | None, max_hits: int = 1_000_000) -> np.ndarray:
    """:func:`_collisions` over band keys (one column per band).

    Vectorised per band: rows sorted by band key (stable, so documents stay in order within a
    bucket); a row's rank among the distinct documents of its bucket is its number of earlier
    documents there, and it pairs with the first ``rank`` of them. The (row, earlier document)
    hits are then formed for blocks of rows holding about ``max_hits`` of them (a row's hits over
    all bands are in one block, so the cap applies), which bounds memory whatever the buckets."""
    n, b = keys.shape
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    big = np.iinfo(np.int64).max if cap is None else cap
    n_docs = int(docs.max()) + 1
    skipped = np.zeros(n, dtype=bool)
    bands = []  # per band, by row: earlier documents in its bucket, where they start in ``distinct_docs``
    for band in range(b):
        order, new_group = _sorted_runs(keys[:, band])
        sdocs = docs[order]
        new_doc = new_group.copy()
        new_doc[1:] |= sdocs[1:] != sdocs[:-1]
        distinct = np.cumsum(new_doc)  # 1-based number of the distinct (bucket, document)
        group_first = distinct[np.flatnonzero(new_group)]  # number of each bucket's first document
        group = np.cumsum(new_group) - 1
        rank = np.empty(n, dtype=np.int32 if n < 2**31 else np.int64)
        rank[order] = distinct - group_first[group]  # earlier documents of the row's bucket
        first = np.empty(n, dtype=rank.dtype)
        first[order] = group_first[group] - 1
        skipped |= rank > big
        rank[rank > big] = 0
        bands.append((rank, first, sdocs[new_doc]))
    per_row = np.sum([rank for rank, _, _ in bands], axis=0)
    bounds = np.searchsorted(np.cumsum(per_row), np.arange(max_hits, int(per_row.sum()), max_hits), side="right")
    out = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, n]):
        if hi <= lo:
            continue
        found = []
        for rank, first, distinct_docs in bands:
            k = rank[lo:hi]
            use = np.flatnonzero(k)
            if not len(use):
                continue
            k = k[use]
            rows = np.repeat(use + lo, k)
            offset = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k)
            found.append(rows * n_docs + distinct_docs[np.repeat(first[use + lo], k) + offset])
        if not found:
            continue
        # (row, earlier document) as one integer: distinct over the bands
        rows, earlier = np.divmod(sorted_unique(np.concatenate(found)), n_docs)
        keep = ~skipped[rows]
        if cap is not None:  # rows are sorted: a row's hits are one run
            starts, counts = equal_runs(rows)
            over = np.zeros(n, dtype=bool)
            over[rows[starts[counts > cap]]] = True
            keep &= ~over[rows]
        out.append(sorted_unique(earlier[keep] * n_docs + docs[rows[keep]]))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    return np.stack(np.divmod(sorted_unique(np.concatenate(out)), n_docs), axis=1)


def _sorted_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` = ``argsort(values, kind="stable")`` and, along it, where each run of equal values starts.

    numpy's default argsort (a SIMD sort) is much faster than the stable one: with the rows of each run
    of equal values put back in row order (one sort of (run, row) as one integer) ~2.5x on the
    window band keys of 10k planted reports."""
    n = len(values)
    order = np.argsort(values)
    ordered = values[order]
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    if not new_run.all():
        code = (np.cumsum(new_run) - 1) * n + order
        code.sort()
        order = code % n
    return order, new_run


def _signature_keys(det, p: dict[str, Any], chunk_chars: int) -> tuple[list, list, list, list]:
    """Band keys of the window signatures and their documents, narrative signatures and their
    documents, by chunks of documents (the permutation buffers are let go on return)."""
    windows, documents = _indexes(p)
    win_keys, win_docs, doc_sigs, doc_ids = [], [], [], []
    b, r = p["bands"]
    for chunk in text_chunks(det.documents_, chunk_chars):
        block = block_signatures(chunk, [window_mask(s, det.lsh_mask) for s in chunk.states], windows,
                                 [s.template_mask for s in chunk.states], documents)
        if len(block.window_sigs):
            win_keys.append(_band_keys(block.window_sigs, b, r, 0))  # only the band keys are kept (half the bytes)
            win_docs.append((block.window_docs + chunk.lo).astype(np.int32))
        if len(block.doc_ids):
            doc_sigs.append(block.doc_sigs)
            doc_ids.append(block.doc_ids + chunk.lo)
        for index in (windows, documents):
            if index is not None:
                index.permutations.shrink(4 * chunk_chars)
    return win_keys, win_docs, doc_sigs, doc_ids


def band_candidates(det, chunk_chars: int = 16384) -> np.ndarray:
    """The streaming indexes' candidate pairs ``(j, i)``, ``j < i`` (an ``(n, 2)`` array, sorted, distinct),
    computed for the whole corpus at once: band buckets by sorting the 62-bit keys of the signature
    bands (numpy), no per-window index queries. Signatures are computed for chunks of documents of
    about ``chunk_chars`` characters (:func:`.lsh.block_signatures`; the permuted values of a chunk
    stay in the CPU cache)."""
    p = _params(det)
    win_keys, win_docs, doc_sigs, doc_ids = _signature_keys(det, p, chunk_chars)
    cap = det.max_bucket_docs
    n = len(det.documents_)
    found = []  # pair codes j * n + i
    if win_keys:
        keys, docs = np.concatenate(win_keys), np.concatenate(win_docs).astype(np.int64)
        del win_keys, win_docs
        pairs = _key_collisions(keys, docs, cap)
        del keys, docs
        found.append(pairs[:, 0] * n + pairs[:, 1])
        del pairs
    if doc_sigs:
        sigs = np.concatenate(doc_sigs)
        del doc_sigs
        ids = np.concatenate(doc_ids).astype(np.int64)
        db_, dr = p["doc_bands"]
        pairs = _collisions(sigs, ids, db_, dr, cap)
        step = 50_000  # colliding narratives can be millions of pairs: their signatures compared in blocks
        for lo in range(0, len(pairs), step):
            block = pairs[lo:lo + step]
            a_, i_ = np.searchsorted(ids, block[:, 0]), np.searchsorted(ids, block[:, 1])  # rows of the documents
            verified = (sigs[a_] == sigs[i_]).mean(axis=1) >= DOC_VERIFY
            found.append(block[verified, 0] * n + block[verified, 1])
        del pairs
    if not found:
        return np.zeros((0, 2), dtype=np.int32)
    codes = sorted_unique(np.concatenate(found))
    return np.stack(np.divmod(codes, n), axis=1).astype(np.int32 if n < 2**31 else np.int64)
