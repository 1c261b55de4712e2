"""The panel stages of the dataset build: ``reports.agency_key`` over the corpus, then the ``panel_*`` tables.

Registered in :data:`gxnlp.dataset.build.CORPUS_STAGES` as ``"agencies"`` (before reuse, which reads
the keys) and ``"panel"`` (after reuse: the copied-from-earlier shares are the reuse stage's, handed
over through :data:`gxnlp.dataset.schema.CORPUS_RESULTS`, so reuse is computed once per build). They
read the stored reports, cells, statements and findings (no file is read again), the metadata of all
reports at once and the full records of one batch of agencies at a time, and write each batch's rows
before reading the next. The table deltas (most of the rows) never enter Python: they are joined in
DuckDB, a chunk of report pairs at a time.
"""
from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..model import DEFAULT_SEED, SECTION_KEYS
from ..panel.compare import copied_by_ids
from ..panel.coverage import coverage_long
from ..panel.identity import AgencyResolver, parse_aliases
from ..panel.promises import PromiseTracker, done_text
from ..panel.records import PanelReport, from_dataset
from ..panel.series import (COLUMNS, METRIC_CELLS, PanelContext, _pick, agency_rows, continuity_by_report, delta_pairs,
                            frames, missing_metrics, table_frames)
from ..tables.continuity import series_entry
from .schema import CORPUS_RESULTS, _insert_frame

#: Agencies whose full records are read and compared at a time.
AGENCY_BATCH = 500
#: Pairs of consecutive reports whose table deltas are joined and written at a time.
DELTA_PAIRS = 2000
_META = "report_id, source, agency, agency_key, year, published, province, city, county"


def _aliases(con) -> dict[str, str] | None:
    rows = con.execute("SELECT value FROM build_state WHERE key = 'aliases'").fetchall()
    return parse_aliases(rows[0][0], "the build's alias table") if rows and rows[0][0] else None


def agency_keys_stage(con, seed: int = DEFAULT_SEED) -> None:
    """``reports.agency_key`` resolved over the whole corpus (similar names joined, the build's alias
    table applied): every dated report's key; an undated one keeps its own name's key."""
    rows = con.execute("SELECT report_id, agency, year, province, city, county FROM reports WHERE year IS NOT NULL "
                       "ORDER BY report_id").fetchall()
    resolver = AgencyResolver(aliases=_aliases(con)).fit(
        [{"agency": agency, "year": year, "region": {"province": p, "city": c, "county": k}}
         for _rid, agency, year, p, c, k in rows])
    con.register("_keys", pd.DataFrame({"report_id": [r[0] for r in rows], "agency_key": resolver.keys_},
                                       columns=["report_id", "agency_key"], dtype=object))
    con.execute("UPDATE reports SET agency_key = k.agency_key FROM _keys k WHERE reports.report_id = k.report_id")
    con.unregister("_keys")


def _copied(con, seed: int, key_of: dict, year_of: dict) -> dict[str, dict]:
    """The reuse stage's copied-from-earlier figures of this build, or (the panel stage run on its own)
    those of a detector fitted on the stored narrative as the reuse stage fits it."""
    handed = (CORPUS_RESULTS.get() or {}).get("copied_from_earlier")
    if handed is not None:
        return handed
    from .reuse_stage import fit_stored_detector

    return copied_by_ids(fit_stored_detector(con, seed), key_of, year_of)


def _done_texts(con, sizes: dict[str, int], batch: int = 1000) -> Iterator[str]:
    """Every dated report's account of work done (for the promise tracker), recording its size as it goes."""
    cur = con.execute(f"SELECT report_id, {', '.join(SECTION_KEYS)} FROM reports WHERE year IS NOT NULL "
                      "ORDER BY report_id")
    while rows := cur.fetchmany(batch):
        for rid, *texts in rows:
            sections = dict(zip(SECTION_KEYS, texts))
            sizes[rid] = sum(len(v or "") for v in texts)
            yield done_text(sections)


def _continuity_entries(con, reports: list[PanelReport]) -> Iterator[dict]:
    carried: dict[str, dict] = {}
    for rid, row, column, value in con.execute(
            "SELECT report_id, \"row\", \"column\", value FROM cells WHERE \"table\" = 's3' "
            "AND \"row\" IN ('carried_over', 'carried_forward') AND value IS NOT NULL AND NOT isnan(value)").fetchall():
        carried.setdefault(rid, {})[("s3", row, column)] = float(value)
    for r in reports:
        yield series_entry(r.report_id, r.source, r.agency, r.region, r.year, carried.get(r.report_id, {}),
                           agency_key=r.agency_key)


def panel_stage(con, seed: int = DEFAULT_SEED) -> None:
    """The ``panel_*`` tables, one batch of agencies at a time (keys from :func:`agency_keys_stage`)."""
    reports = [PanelReport(rid, source, agency, int(year), published, {"province": p, "city": c, "county": k},
                           agency_key=key)
               for rid, source, agency, key, year, published, p, c, k in
               con.execute(f"SELECT {_META} FROM reports WHERE year IS NOT NULL ORDER BY report_id").fetchall()]
    key_of = {r.report_id: r.agency_key for r in reports}
    year_of = {r.report_id: r.year for r in reports}
    sizes: dict[str, int] = {}
    ctx = PanelContext(copied=_copied(con, seed, key_of, year_of),
                       tracker=PromiseTracker().fit(_done_texts(con, sizes)),
                       findings_of=continuity_by_report(_continuity_entries(con, reports)))
    by_key: dict[str, dict[int, list[PanelReport]]] = {}
    for r in reports:
        if r.agency_key:
            by_key.setdefault(r.agency_key, {}).setdefault(r.year, []).append(r)
    coverage = coverage_long(pd.DataFrame([{"report_id": r.report_id, "agency_key": r.agency_key, "year": r.year}
                                           for r in reports], columns=["report_id", "agency_key", "year"]))
    for name in ("coverage", *COLUMNS):
        con.execute(f"DELETE FROM panel_{name}")
    _insert_frames(con, table_frames({"coverage": coverage}))
    keys = sorted(by_key)
    pairs: list[tuple] = []
    for start in range(0, len(keys), AGENCY_BATCH):
        batch = keys[start:start + AGENCY_BATCH]
        picked = {key: [_pick(by_key[key][y], size=lambda r: sizes[r.report_id]) for y in sorted(by_key[key])]
                  for key in batch}
        # the table deltas are joined in DuckDB (_insert_deltas): only the metrics' cells are read here
        full = {r.report_id: r for r in from_dataset(con, [r.report_id for s in picked.values() for r in s],
                                                     cell_keys=METRIC_CELLS.values())}
        parts: dict[str, list] = {name: [] for name in COLUMNS}
        for key in batch:
            series = [full[r.report_id] for r in picked[key]]
            for name, rows in agency_rows(key, by_key[key], series, ctx, deltas=False).items():
                parts[name] += rows
            pairs += delta_pairs(key, series)
        parts["metrics"] += missing_metrics(coverage[coverage.agency_key.isin(batch)], set(batch))
        del parts["deltas"]
        _insert_frames(con, table_frames(frames(parts)))
        if len(pairs) >= DELTA_PAIRS:
            _insert_deltas(con, pairs)
            pairs = []
    if pairs:
        _insert_deltas(con, pairs)


def _insert_deltas(con, pairs: list[tuple]) -> None:
    """``panel_deltas`` of consecutive reports (:func:`gxnlp.panel.series.delta_pairs`): the cells of both
    with the same key, in the order of :func:`gxnlp.panel.compare.table_deltas` (pairs in order, then the
    earlier report's cells in stored order, then the later one's)."""
    con.register("_pairs", pd.DataFrame([(i, *p) for i, p in enumerate(pairs)],
                                        columns=["pair", "agency_key", "year", "previous_year", "report_id",
                                                 "previous_report_id"]))
    con.execute("""
        INSERT INTO panel_deltas (agency_key, year, previous_year, report_id, previous_report_id, "table", "row",
                                  "column", previous, value, delta)
        SELECT p.agency_key, p.year, p.previous_year, p.report_id, p.previous_report_id, a."table", a."row",
               a."column", a.value, b.value, b.value - a.value
        FROM _pairs p
        JOIN cells a ON a.report_id = p.previous_report_id
        JOIN cells b ON b.report_id = p.report_id AND b."table" = a."table" AND b."row" = a."row"
                        AND b."column" = a."column"
        ORDER BY p.pair, a.rowid, b.rowid""")
    con.unregister("_pairs")


def _insert_frames(con, tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        _insert_frame(con, name, df.reset_index(drop=True))
