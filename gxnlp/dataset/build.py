"""The joined dataset: every stage's output in one embedded DuckDB file, built incrementally.

>>> import gxnlp
>>> gxnlp.dataset.build(["corpora/demo"], "corpus.duckdb")  # doctest: +SKIP
>>> ds = gxnlp.load("corpus.duckdb")                        # doctest: +SKIP
>>> ds.wide().groupby("template")["s3_new_requests"].mean()   # doctest: +SKIP

Per-document work (parse, tables, audit, statements) is keyed by the file's content hash
(``report_id``): a re-run processes only new or changed files. Results are written in
chunks, each in one transaction, so an interrupted build keeps every finished chunk and a
re-run resumes where it stopped. Corpus-level stages (reuse, topics) are recomputed from the
stored narrative whenever the set of reports changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..ingest.read import report_id_of
from ..limits import DEFAULT_LIMITS, Limits
from ..model import DEFAULT_SEED, GxnlpError
from ..pipeline import FileProblem, iter_files
from ..structure.agency import agency_level, agency_type
from .schema import CORPUS_RESULTS, CORPUS_SCHEDULER, CORPUS_TABLES, EXPORT_TABLES, PER_REPORT_TABLES, SCHEMA, _insert


# --------------------------------------------------------------------------- per document

def _agency_key(agency, region):
    """Per report, the key of :mod:`gxnlp.panel.identity` (the panel stage refines it over the corpus)."""
    from ..panel.identity import agency_key

    try:
        return agency_key(agency, region)
    except Exception:  # noqa: BLE001 - a name the gazetteer chokes on keeps no key
        return None


def analyse_path(path: str | os.PathLike, model: str | None = None) -> dict[str, Any]:
    """Everything gxnlp computes from one file, as rows per table. Never raises.

    ``model`` is a statement-classifier directory (``gxnlp train``); None = the seed terms.
    """
    from ..runner import analyse

    return dataset_rows(analyse(path, ("dataset",), {"model": model}), None)


def dataset_rows(record: dict[str, Any], report_id: str | None) -> dict[str, list[dict[str, Any]]]:
    """Rows per table from a runner record; a failed file is one ``errors`` row under ``report_id``
    (its content hash, or an id derived from the path when it could not be read)."""
    if "error" in record or "dataset" in record.get("stage_errors", {}):
        err = record.get("error") or record["stage_errors"]["dataset"]
        if report_id is None:
            try:
                report_id = report_id_of(Path(record["source"]).read_bytes())
            except OSError:
                report_id = _path_id(record["source"])
        return {"errors": [{"report_id": report_id, "source": record["source"], "error": err}]}
    return record["stages"]["dataset"]


def _path_id(path: str) -> str:
    """The id of a file whose content is not read (unsupported type) or could not be read."""
    return "path:" + hashlib.sha1(str(Path(path).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def report_rows(p) -> dict[str, list[dict[str, Any]]]:
    """The rows of one document's pass (:class:`gxnlp.runner.Pass`): the report, then each stage's."""
    rec = p.report.to_dict()
    row = {
        "report_id": rec["report_id"], "source": p.source, "title": rec["title"], "agency": rec["agency"],
        "agency_key": _agency_key(rec["agency"], rec["region"]),
        "agency_type": agency_type(rec["agency"]), "level": agency_level(rec["agency"]), "year": rec["year"], "published": rec["published"],
        **rec["region"], "template": rec["template"], "encoding": rec["encoding"],
        "warnings": json.dumps(rec["warnings"], ensure_ascii=False), **rec["sections"],
    }
    out: dict[str, list[dict[str, Any]]] = {"reports": [row]}
    for name, stage in DOCUMENT_STAGES.items():
        try:
            out.update(stage(p))
        except Exception as exc:  # noqa: BLE001 - a stage failing on one report is a warning on it
            row["warnings"] = json.dumps(rec["warnings"] + [f"{name} failed: {type(exc).__name__}: {exc}"],
                                         ensure_ascii=False)
    return out


def tables_stage(p) -> dict[str, list[dict[str, Any]]]:
    """Cells of sections 2–4 and their audit (the table is extracted once for both)."""
    from ..tables.audit import finding_rows

    cells = p.cell_records[0]  # plain records: no DataFrame on the per-document path
    return {"cells": cells, "findings": finding_rows(p.report, cells)}


def statements_stage(p) -> dict[str, list[dict[str, Any]]]:
    """Problem and measure statements with their category (seed-term classifier)."""
    return {"statements": [{"report_id": s.report_id, "kind": s.kind, "position": s.position, "text": s.text,
                            "category": s.category, "score": s.score, "topic": None} for s in p.statements]}


#: Per-report stages: name -> function(runner.Pass) -> {table: rows}. A failing stage becomes a
#: warning on that report.
DOCUMENT_STAGES: dict[str, Callable[[Any], dict[str, list[dict[str, Any]]]]] = {
    "tables": tables_stage,
    "statements": statements_stage,
}


# --------------------------------------------------------------------------- build

@dataclass
class BuildStats:
    files: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    removed: int = 0
    corpus_stages: list[str] = field(default_factory=list)
    #: Error records of this run: files that failed, and paths the corpus walk could not use.
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Error records of files skipped because an earlier build stored their (non-transient) error.
    earlier_errors: list[dict[str, Any]] = field(default_factory=list)


class DatabaseLocked(GxnlpError):
    """Another process (a second ``gxnlp build``) holds the database."""

    code = "locked"


def _connect(db: str | os.PathLike):
    import duckdb

    try:
        con = duckdb.connect(str(db))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        holder = re.search(r"PID (\d+)", str(exc))
        raise DatabaseLocked(f"{db} is locked by another build{f' (pid {holder.group(1)})' if holder else ''}: "
                             "wait for it to finish, or use another --db") from None
    existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for name, table in SCHEMA.items():
        if name in existing:
            have = [r[1] for r in con.execute(f"PRAGMA table_info('{name}')").fetchall()]
            if have != table.column_names:
                # Built by an older gxnlp: the table is rebuilt (and every report re-processed).
                con.execute(f"DROP TABLE {name}")
                con.execute("DELETE FROM build_state WHERE key = 'stages'") if "build_state" in existing else None
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({table.ddl()})")
    return con


def _stages_version(model: str | os.PathLike | None = None) -> str:
    """Identifies what the per-document stages compute: a change (or another model) re-processes every file."""
    from .. import __version__

    version = f"{__version__}:{','.join(DOCUMENT_STAGES)}"
    if model is not None:
        from ..text.classify import MODEL_FILE

        version += ":model=" + hashlib.sha1((Path(model) / MODEL_FILE).read_bytes()).hexdigest()[:16]
    return version


def _file_key(path: Path) -> tuple[int, float]:
    st = path.stat()
    return st.st_size, st.st_mtime


def _content_id(path: Path) -> str:
    return report_id_of(path.read_bytes())


def build(
    paths: Iterable[str | os.PathLike],
    db: str | os.PathLike,
    *,
    parquet: str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: str = "processes",
    chunk_size: int = 32,
    corpus_stages: bool = True,
    seed: int = DEFAULT_SEED,
    limits: Limits = DEFAULT_LIMITS,
    aliases: str | os.PathLike | None = None,
    model: str | os.PathLike | None = None,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None,
    skipped: Iterable[dict[str, Any]] = (),
    topics_process: str = "auto",
    _abort_after_chunks: int | None = None,
) -> BuildStats:
    """Build or update the dataset at ``db`` from report files under ``paths``.

    Only files whose content hash is not yet stored are processed; afterwards the dataset holds
    exactly the files under ``paths``: the rows of an edited file's old content and of deleted
    files are removed, a renamed file keeps its rows under its new path. ``scheduler`` is that of
    :func:`gxnlp.runner.run` (``"dask"`` uses the current dask.distributed client, so a corpus
    can be analysed on a cluster while results stream into one file). ``skipped`` are
    ``{"source", "error"}`` records of files that were not read (unsupported types found in the
    input folders): they go to the ``errors`` table with an id made from their path. Raises
    :class:`DatabaseLocked` when another build holds ``db``. ``_abort_after_chunks`` is a
    fault-injection point for tests: the process dies (``os._exit``) after that many committed
    chunks, as a killed build would. ``aliases``: the user's alias table of agency names (CSV
    ``name,canonical``) for ``agency_key``; its content is part of the corpus fingerprint.
    ``topics_process``: where the topics stage runs (the same tables in every case): ``"here"`` in
    this process; ``"beside"`` in a forked process while this one runs the other corpus stages (less
    wall time with a second core, more memory at once); ``"apart"`` in a forked process this one waits
    for (its memory is returned when it ends instead of staying with this process through the reuse
    stage); ``"auto"`` chooses by the number of statements (:data:`TOPICS_PROCESS_STATEMENTS`). A topics
    stage registered in :data:`CORPUS_STAGES` in place of the built-in one runs in this process unless it
    is a :class:`SplitStage`.
    """
    from ..runner import TRANSIENT_CODES, error_code, run

    if topics_process not in TOPICS_PROCESS_MODES:
        raise ValueError(f"topics_process must be one of {', '.join(TOPICS_PROCESS_MODES)}, not {topics_process!r}")
    stats = BuildStats()
    if model is not None:
        from ..runner import _classifier

        _classifier(None, None, str(model))  # a bad model directory fails here, before any file is processed
    con = _connect(db)
    try:
        alias_text = Path(aliases).read_text(encoding="utf-8-sig") if aliases else ""
        con.execute("INSERT OR REPLACE INTO build_state VALUES ('aliases', ?)", [alias_text])
        known_files = {r[0]: (r[1], r[2], r[3]) for r in con.execute("SELECT path, size, mtime, report_id FROM files").fetchall()}
        state = dict(con.execute("SELECT key, value FROM build_state").fetchall())
        # ids with rows stored by an earlier build: only their rows need deleting before a re-insert
        stored = {r[0] for r in con.execute("SELECT report_id FROM reports UNION SELECT report_id FROM errors").fetchall()}
        if state.get("stages") == _stages_version(model):
            done = {r[0] for r in con.execute("SELECT report_id FROM reports").fetchall()}
            done |= {rid for rid, err in con.execute("SELECT report_id, error FROM errors").fetchall()
                     if error_code({"error": err}) not in TRANSIENT_CODES and not rid.startswith("path:")}
        else:  # built by another version of the stages: everything is recomputed
            done = set()
            con.execute("INSERT OR REPLACE INTO build_state VALUES ('stages', ?)", [_stages_version(model)])
        todo: list[Path] = []
        todo_ids: list[str] = []
        file_rows: list[dict[str, Any]] = []
        live: dict[str, str] = {}  # report_id -> the source path its rows carry (the first file with it)
        problems: list[FileProblem] = []
        skipped_done: set[str] = set()
        for path in iter_files(paths, problems=problems):
            stats.files += 1
            key = str(path.resolve())
            try:
                size, mtime = _file_key(path)
                cached = known_files.get(key)
                rid = cached[2] if cached and cached[0] == size and cached[1] == mtime else _content_id(path)
            except OSError:  # no permission, vanished: the runner gives the file its error record
                size, mtime, rid = None, None, _path_id(str(path))
            file_rows.append({"path": key, "size": size, "mtime": mtime, "report_id": rid})
            if rid in live:
                stats.skipped += 1
                continue
            live[rid] = str(path)
            if rid in done:
                stats.skipped += 1
                skipped_done.add(rid)
                continue
            todo.append(path)
            todo_ids.append(rid)
        for problem in problems:
            stats.errors.append(problem.record())
        skipped_rows = [{"report_id": _path_id(r["source"]), **r} for r in skipped]
        for row in skipped_rows:
            live.setdefault(row["report_id"], row["source"])
        if skipped_rows:
            con.execute("BEGIN TRANSACTION")
            _insert(con, "errors", skipped_rows)
            con.execute("COMMIT")
        if scheduler == "processes" and len(todo) < 8 and workers is None:
            workers = 1  # a pool costs more than it saves on a handful of files
        results = run(todo, ("dataset",), workers=workers, scheduler=scheduler, limits=limits,
                      options={"model": str(model)} if model is not None else None)
        if progress is not None:
            results = progress(results, len(todo), "analysing")
        buffer: list[dict[str, Any]] = []
        chunks = 0

        def flush() -> None:
            nonlocal chunks
            if not buffer:
                return
            con.execute("BEGIN TRANSACTION")
            ids = [r["reports"][0]["report_id"] if r.get("reports") else r["errors"][0]["report_id"] for r in buffer]
            # a DELETE scans the whole table, so it runs only for reports an earlier build stored (on a
            # fresh build that made storing grow with the square of the corpus)
            replaced = [rid for rid in ids if rid in stored]
            for table in PER_REPORT_TABLES:
                if replaced:
                    con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT unnest(?))", [replaced])
                _insert(con, table, [row for r in buffer for row in r.get(table, [])])
            con.execute("COMMIT")
            buffer.clear()
            chunks += 1
            if _abort_after_chunks is not None and chunks >= _abort_after_chunks:
                os._exit(137)

        for rid, record in zip(todo_ids, results):
            result = dataset_rows(record, rid)
            stats.processed += 1
            if result.get("errors"):
                stats.failed += 1
                stats.errors.append({"source": record["source"], "error": result["errors"][0]["error"]})
            buffer.append(result)
            if len(buffer) >= chunk_size:
                flush()
        flush()
        if hasattr(results, "close"):  # zip stops before the generator does: end the worker pool now,
            results.close()            # not after the corpus stages
        stats.removed = _sync_with_files(con, live, file_rows)
        stats.earlier_errors = [{"source": source, "error": error} for rid, source, error in
                                con.execute("SELECT report_id, source, error FROM errors ORDER BY source").fetchall()
                                if rid in skipped_done]
        fingerprint = hashlib.sha1(
            ",".join(sorted(r[0] for r in con.execute("SELECT report_id FROM reports").fetchall())).encode()
            + f"|seed={seed}|{_stages_version(model)}|{','.join(CORPUS_STAGES)}".encode()
            + hashlib.sha1(alias_text.encode("utf-8")).hexdigest().encode()
        ).hexdigest()
        state = dict(con.execute("SELECT key, value FROM build_state").fetchall())
        if corpus_stages and CORPUS_STAGES and (stats.processed or state.get("corpus_fingerprint") != fingerprint):
            # No transaction around the corpus stages: DuckDB holds a transaction's new rows in memory
            # until it commits (the panel tables alone grew past 2 GB at 50k reports), so each statement
            # commits as it goes. The fingerprint, removed first and written last, marks them complete:
            # a build that stops in between leaves none, and the next build runs every corpus stage again.
            con.execute("DELETE FROM build_state WHERE key = 'corpus_fingerprint'")
            con.execute("INSERT OR REPLACE INTO build_state VALUES ('corpus_stages', 'running')")
            token, results_token = CORPUS_SCHEDULER.set(scheduler), CORPUS_RESULTS.set({})
            background = None
            try:
                for name, stage in CORPUS_STAGES.items():
                    if name == "topics" and background is None:
                        background = _topics_in_process(stage, con, seed, topics_process, scheduler)
                        if background is not None:
                            if not background.beside:  # waited for now
                                background, done = None, background
                                done.finish(con)
                            stats.corpus_stages.append(name)  # beside: its rows are written after the others
                            continue
                    stage(con, seed)
                    stats.corpus_stages.append(name)
                if background is not None:
                    background.finish(con)
                    background = None
            finally:
                if background is not None:  # a later stage failed: end the topics process too
                    background.close()
                CORPUS_SCHEDULER.reset(token)
                CORPUS_RESULTS.reset(results_token)
            con.execute("INSERT OR REPLACE INTO build_state VALUES ('corpus_fingerprint', ?)", [fingerprint])
            con.execute("INSERT OR REPLACE INTO build_state VALUES ('corpus_stages', 'complete')")
    finally:
        con.close()
    store_wide(db)
    if parquet is not None:
        Dataset(db).to_parquet(parquet)
    return stats


def _sync_with_files(con, live: dict[str, str], file_rows: list[dict[str, Any]]) -> int:
    """Make the stored reports those of the files now present: drop the rows of content no file
    holds any more (edited or deleted files), point every kept row at its current path (renamed
    files), and record the files. One transaction. Returns the number of reports removed."""
    import pyarrow as pa

    # typed: an empty frame of objects would be read as DOUBLE (a build with no files left)
    current = pa.table({"report_id": pa.array(list(live), pa.string()), "source": pa.array(list(live.values()), pa.string())})
    con.register("_live", current)
    con.execute("BEGIN TRANSACTION")
    stale = con.execute("SELECT count(*) FROM (SELECT report_id FROM reports UNION SELECT report_id FROM errors) "
                        "WHERE report_id NOT IN (SELECT report_id FROM _live)").fetchone()[0]
    for table in PER_REPORT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE report_id NOT IN (SELECT report_id FROM _live)")
    for table in ("reports", "errors", "findings"):
        con.execute(f"UPDATE {table} SET source = l.source FROM _live l "
                    f"WHERE {table}.report_id = l.report_id AND {table}.source IS DISTINCT FROM l.source")
    con.execute("DELETE FROM files")
    _insert(con, "files", file_rows)
    con.execute("COMMIT")
    con.unregister("_live")
    return int(stale)


def store_wide(db: str | os.PathLike) -> None:
    """Keep :meth:`Dataset.wide` in the DuckDB file as the table ``wide`` (for SQL users)."""
    import duckdb

    wide = Dataset(db).wide()
    with duckdb.connect(str(db)) as con:
        con.register("_wide", wide)
        con.execute("CREATE OR REPLACE TABLE wide AS SELECT * FROM _wide")
        con.unregister("_wide")


class SplitStage:
    """A corpus stage in three steps, so its computation can run in another process: ``read(con)`` what
    it needs from the database, ``compute(data, seed)`` its results (a function of those alone, run in a
    forked process when the build says so), ``write(con, results)`` them (DuckDB has one writer: always
    in the build process). Called like any stage: ``stage(con, seed)``."""

    def __init__(self, read: Callable[[Any], Any], compute: Callable[[Any, int], Any],
                 write: Callable[[Any, Any], None]):
        self.read, self.compute, self.write = read, compute, write

    def __call__(self, con, seed: int) -> None:
        self.write(con, self.compute(self.read(con), seed))


def _read_statements(con) -> pd.DataFrame:
    return con.execute("SELECT report_id, kind, position, text FROM statements ORDER BY report_id, kind, position").df()


def _topic_results(statements: pd.DataFrame, seed: int) -> tuple[list[dict[str, Any]], pd.DataFrame] | None:
    """The ``topics`` rows and each assigned statement's topic (None: too few statements to model)."""
    from ..topics.model import fit_topics

    if len(statements) < 20:
        return None
    result = fit_topics(statements, random_state=seed)
    st = result.statement_topics
    assigned = st.loc[st["topic"] >= 0, ["report_id", "kind", "position", "topic"]].astype({"position": int, "topic": int})
    return result.topic_rows(), assigned.reset_index(drop=True)


def _write_topics(con, results: tuple[list[dict[str, Any]], pd.DataFrame] | None) -> None:
    con.execute("DELETE FROM topics")
    con.execute("UPDATE statements SET topic = NULL")
    if results is None:
        return
    rows, assigned = results
    _insert(con, "topics", rows)
    con.register("_assigned", assigned)
    con.execute("UPDATE statements SET topic = a.topic FROM _assigned a WHERE statements.report_id = a.report_id "
                "AND statements.kind = a.kind AND statements.position = a.position")
    con.unregister("_assigned")


#: Topic models of the stored statements: the ``topics`` table and ``statements.topic``.
topics_stage = SplitStage(_read_statements, _topic_results, _write_topics)


#: Auto mode of ``build(topics_process="auto")``: below the first number of statements the topics stage
#: runs in the build process (a process costs more than it saves); up to the second, in a forked process
#: beside the other corpus stages; above, in a forked process the build waits for: the fork's memory
#: (≈ +0.4 GB at 63,000 statements, ≈ +0.7 GB at 330,000) would add to the reuse stage's peak if it ran
#: beside it, and would stay with the build process (freed but not returned) if it ran there.
TOPICS_PROCESS_STATEMENTS: tuple[int, int] = (2_000, 100_000)
TOPICS_PROCESS_MODES = ("auto", "here", "beside", "apart")


class _StageInBackground:
    """A :class:`SplitStage` computed in a forked process while this one runs the other corpus stages; the
    results come back through a pipe and this process writes them (DuckDB has one writer). If the process
    dies, the computation runs here instead; an exception in it is raised here, as the stage would raise it."""

    def __init__(self, stage: SplitStage, con, seed: int, beside: bool = True):
        import multiprocessing as mp

        self.beside = beside
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.stage, self.data, self.seed = stage, stage.read(con), seed
        self.proc = ctx.Process(target=self._main, args=(child, stage.compute, self.data, seed, os.getpid()),
                                daemon=True, name="gxnlp-stage")
        self.proc.start()
        child.close()

    @staticmethod
    def _main(conn, compute, data, seed: int, parent: int) -> None:
        from ..pipeline import _arm_parent_death

        _arm_parent_death(parent)
        try:
            out = (True, compute(data, seed))
        except BaseException as exc:  # noqa: BLE001 - raised again in the build process
            out = (False, exc)
        try:
            conn.send(out)
        except Exception:  # noqa: BLE001 - e.g. an exception that does not pickle: the build process
            pass           # sees the pipe close and runs the stage itself
        conn.close()

    def finish(self, con) -> None:
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):  # the process died (killed, out of memory): the computation runs here
            ok, value = True, self.stage.compute(self.data, self.seed)
        finally:
            self.close()
        if not ok:
            raise value
        self.stage.write(con, value)

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


def _topics_in_process(stage, con, seed: int, mode: str, scheduler: str) -> _StageInBackground | None:
    """Start the topics ``stage`` in a forked process when ``mode`` says so (see ``build``'s
    ``topics_process``); None: it runs in this process (always with Dask, whose client threads a fork
    would copy, where fork is not available, and for a stage that is not a :class:`SplitStage`)."""
    import multiprocessing as mp

    if not isinstance(stage, SplitStage) or mode == "here" or scheduler == "dask" \
            or "fork" not in mp.get_all_start_methods():
        return None
    if mode == "auto":
        n = con.execute("SELECT count(*) FROM statements").fetchone()[0]
        lo, hi = TOPICS_PROCESS_STATEMENTS
        if n < lo:
            return None
        mode = "beside" if n <= hi else "apart"
    return _StageInBackground(stage, con, seed, beside=mode == "beside")


def reuse_stage(con, seed: int) -> None:
    """Copied narrative across the corpus: the ``reuse`` and ``report_reuse`` tables."""
    from .reuse_stage import reuse_stage as _reuse

    _reuse(con, seed)


def continuity_stage(con, seed: int) -> None:
    """Cross-year continuity of each agency's carried requests: ``findings`` rows of rule
    ``cross_year_continuity`` (rewritten whenever the set of reports changes)."""
    from ..tables.audit import _fmt
    from ..tables.continuity import RULE, continuity_findings, series_entry

    con.execute("DELETE FROM findings WHERE rule = ?", [RULE])
    # grouped by the agency keys the panel stage resolved (aliases included): the panel tables agree
    reports = con.execute("SELECT report_id, source, agency, province, city, county, year, agency_key FROM reports"
                          ).fetchall()
    cells: dict[str, dict] = {}
    for rid, table, row, column, value in con.execute(
            "SELECT report_id, \"table\", \"row\", \"column\", value FROM cells WHERE \"table\" = 's3' "
            "AND \"row\" IN ('carried_over', 'carried_forward')").fetchall():
        v = None if value is None else (int(value) if float(value).is_integer() else value)
        cells.setdefault(rid, {})[(table, row, column)] = v
    entries = [series_entry(rid, src, agency, {"province": p, "city": c, "county": k}, year, cells.get(rid, {}))
               for rid, src, agency, p, c, k, year, _ in reports]
    keys = [key for *_, key in reports]
    rows = []
    for f in continuity_findings(entries, keys=keys):
        d = f.to_dict()
        d["expected"], d["found"] = _fmt(f.expected), _fmt(f.found)
        rows.append(d)
    _insert(con, "findings", rows)


def agencies_stage(con, seed: int) -> None:
    """``reports.agency_key`` over the corpus (similar names joined, the alias table of
    ``build(..., aliases=)`` applied)."""
    from .panel_stage import agency_keys_stage

    agency_keys_stage(con, seed)


def panel_stage(con, seed: int) -> None:
    """Agency panels: the ``panel_*`` tables."""
    from .panel_stage import panel_stage as _panel

    _panel(con, seed)


#: Corpus-level stages: name -> function(connection, seed) that rewrites its tables, in this order: the
#: agency keys before reuse (which reads them), the panel after reuse (it takes the reuse stage's
#: copied-from-earlier figures).
CORPUS_STAGES: dict[str, Callable[[Any, int], None]] = {"topics": topics_stage, "agencies": agencies_stage,
                                                        "reuse": reuse_stage, "panel": panel_stage,
                                                        "continuity": continuity_stage}


# --------------------------------------------------------------------------- load

#: Key figures of the wide view: column name -> (table, row, column).
KEY_FIGURES: dict[str, tuple[str, str, str]] = {
    "s2_regulations_issued": ("s2", "regulations", "issued"),
    "s2_normative_documents_issued": ("s2", "normative_documents", "issued"),
    "s2_normative_documents_in_force": ("s2", "normative_documents", "in_force"),
    "s2_licensing_decisions": ("s2", "licensing", "decisions"),
    "s2_penalty_decisions": ("s2", "penalty", "decisions"),
    "s2_fees_amount_wan": ("s2", "fees", "amount_wan"),
    "s3_new_requests": ("s3", "new_requests", "total"),
    "s3_carried_over": ("s3", "carried_over", "total"),
    "s3_granted": ("s3", "granted", "total"),
    "s3_partially_granted": ("s3", "partially_granted", "total"),
    "s3_unable_not_held": ("s3", "unable_not_held", "total"),
    "s3_total_handled": ("s3", "total_handled", "total"),
    "s3_carried_forward": ("s3", "carried_forward", "total"),
    "s4_review_total": ("s4", "review", "total"),
    "s4_review_corrected": ("s4", "review", "corrected"),
    "s4_litigation_direct_total": ("s4", "litigation_direct", "total"),
    "s4_litigation_after_review_total": ("s4", "litigation_after_review", "total"),
}


class Dataset:
    """The stored dataset as pandas DataFrames (read once, on first access)."""

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        if not Path(self.path).exists():
            raise FileNotFoundError(f"no dataset at {self.path}: build it with `gxnlp build PATH --db {self.path}`")
        self._cache: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            import duckdb

            with duckdb.connect(self.path, read_only=True) as con:
                self._cache[name] = con.execute(f"SELECT * FROM {name}").df()
                if name in CORPUS_TABLES and self._corpus_stages(con) == "running":
                    warnings.warn(f"{self.path}: the corpus stages of the last build did not finish, so `{name}` "
                                  "may be partly old and partly new; run `gxnlp build` again to complete them",
                                  stacklevel=2)
        return self._cache[name]

    @staticmethod
    def _corpus_stages(con) -> str | None:
        import duckdb

        try:
            row = con.execute("SELECT value FROM build_state WHERE key = 'corpus_stages'").fetchone()
        except duckdb.CatalogException:  # a dataset written before build_state existed
            return None
        return row[0] if row else None

    reports = property(lambda self: self.table("reports"))
    cells = property(lambda self: self.table("cells"))
    findings = property(lambda self: self.table("findings"))
    statements = property(lambda self: self.table("statements"))
    reuse = property(lambda self: self.table("reuse"))
    report_reuse = property(lambda self: self.table("report_reuse"))
    topics = property(lambda self: self.table("topics"))
    errors = property(lambda self: self.table("errors"))
    panel_agencies = property(lambda self: self.table("panel_agencies"))
    panel_coverage = property(lambda self: self.table("panel_coverage"))
    panel_promises = property(lambda self: self.table("panel_promises"))
    panel_statements = property(lambda self: self.table("panel_statements"))
    panel_deltas = property(lambda self: self.table("panel_deltas"))
    panel_continuity = property(lambda self: self.table("panel_continuity"))

    def panel(self) -> pd.DataFrame:
        """The agency panel as one long DataFrame ``agency_key, year, metric, value`` (copied-from-earlier
        share, follow-through, promises, key table figures, statement counts, findings, missing years …)."""
        return self.table("panel_metrics").sort_values(["agency_key", "year", "metric"], kind="stable").reset_index(drop=True)

    def coverage(self) -> pd.DataFrame:
        """Agencies × years: present / missing / duplicate (see :func:`gxnlp.panel.coverage.coverage_matrix`)."""
        from ..panel.coverage import coverage_matrix

        return coverage_matrix(self.reports[["report_id", "agency_key", "year"]])

    def reviewed_findings(self, reviews: str | os.PathLike) -> pd.DataFrame:
        """The audit findings with ``status`` / ``reason`` from a review CSV (see ``gxnlp review``)."""
        from ..panel.review import apply_reviews

        return apply_reviews(self.findings, reviews)

    def _query(self, sql: str) -> pd.DataFrame:
        """A query's result (not cached): :meth:`wide` reads only the columns and cells it shows, so
        building it never loads the narrative texts or every cell of a large corpus."""
        import duckdb

        with duckdb.connect(self.path, read_only=True) as con:
            return con.execute(sql).df()

    def wide(self) -> pd.DataFrame:
        """One row per report: metadata, s2/s3/s4 key figures, category counts, topic shares, reuse share."""
        from ..genre.table_keys import PRE2019_PANEL

        meta = self._query('SELECT report_id, source, agency, agency_key, agency_type, level, year, published, province, '
                           'city, county, template FROM reports')
        keys = sorted({k for key in KEY_FIGURES.values() for k in (key, PRE2019_PANEL.get(key)) if k})
        wanted = " OR ".join("(\"table\" = '{}' AND \"row\" = '{}' AND \"column\" = '{}')".format(*k) for k in keys)
        cells = self._query(f'SELECT * FROM cells WHERE {wanted}')

        for name, key in KEY_FIGURES.items():
            # a 2008-2018 report's statistics annex fills the same column where it counts the same thing
            for table, row, column in (key, PRE2019_PANEL.get(key)) if key in PRE2019_PANEL else (key,):
                sel = cells[(cells["table"] == table) & (cells["row"] == row) & (cells["column"] == column)]
                sel = sel[["report_id", "value"]].rename(columns={"value": name})
                if name in meta.columns:
                    meta = meta.merge(sel.rename(columns={name: "_pre"}), on="report_id", how="left")
                    meta[name] = meta[name].fillna(meta.pop("_pre"))
                else:
                    meta = meta.merge(sel, on="report_id", how="left")
        findings = self._query("SELECT report_id FROM findings")
        counts = findings.groupby("report_id").size().rename("findings") if len(findings) else pd.Series(name="findings", dtype=int)
        meta = meta.merge(counts, left_on="report_id", right_index=True, how="left")
        meta["findings"] = meta["findings"].fillna(0).astype(int)
        st = self._query("SELECT report_id, kind, position, category, topic FROM statements")
        if len(st):
            cats = st.assign(col=st["kind"] + ":" + st["category"].fillna("other")).pivot_table(
                index="report_id", columns="col", values="position", aggfunc="count", fill_value=0)
            cats.columns = [f"n_{c}" for c in cats.columns]
            meta = meta.merge(cats, left_on="report_id", right_index=True, how="left")
            if st["topic"].notna().any():
                meta = meta.merge(self._topic_shares(st), left_on="report_id", right_index=True, how="left")
        meta = meta.merge(self.report_reuse, on="report_id", how="left")
        return meta.sort_values(["year", "agency", "report_id"], na_position="last").reset_index(drop=True)

    def _topic_shares(self, st: pd.DataFrame) -> pd.DataFrame:
        """Per report, the share of its (topic-assigned) statements in each topic: one column per topic,
        named ``share_<kind>_<nn>_<label>`` and ordered by kind, then topic number."""
        tp = st.dropna(subset=["topic"]).assign(topic=lambda d: d["topic"].astype(int))
        labels = {(k, int(t)): str(lab) for k, t, lab in zip(self.topics["kind"], self.topics["topic"], self.topics["label"])}
        width = max(2, len(str(tp["topic"].max())))
        shares = pd.crosstab([tp["report_id"]], [tp["kind"], tp["topic"]], normalize="index")
        shares = shares[sorted(shares.columns)]
        shares.columns = ["_".join(filter(None, (f"share_{k}", f"{t:0{width}d}", "".join(labels.get((k, t), "").split()))))
                          for k, t in shares.columns]
        return shares

    # Exports researchers use -------------------------------------------------
    def to_csv(self, directory: str | os.PathLike) -> list[Path]:
        """CSV files in UTF-8 with a BOM, so Excel opens the Chinese text correctly; text cells that a
        spreadsheet would run as a formula are neutralised (:mod:`gxnlp.dataset.export`)."""
        from .export import write_csv

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        return [write_csv(frame, out / f"{name}.csv", bom=True) for name, frame in self._frames().items()]

    def to_excel(self, path: str | os.PathLike) -> Path:
        """One .xlsx workbook, a sheet per table (long text cells truncated to Excel's 32,767 limit;
        no cell is a formula)."""
        from .export import write_excel

        return write_excel(self._frames(), path)

    def to_parquet(self, directory: str | os.PathLike) -> list[Path]:
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self._frames().items():
            path = out / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            written.append(path)
        return written

    def _frames(self) -> dict[str, pd.DataFrame]:
        """The tables of every export (:data:`EXPORT_TABLES`), by name."""
        return {name: self.wide() if name == "wide" else self.table(name) for name in EXPORT_TABLES}


def load(path: str | os.PathLike) -> Dataset:
    """Open a dataset built by :func:`build` (``gxnlp build``)."""
    return Dataset(path)
