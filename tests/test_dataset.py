"""The joined dataset: incremental builds, resume after a kill, load() and exports."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import gxnlp
from gxnlp.dataset.build import build

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
TABLES = ("reports", "errors", "cells", "findings", "statements", "reuse", "report_reuse", "topics")


def _demo_files(n: int, offset: int = 0) -> list[Path]:
    files = sorted(p for p in DEMO.rglob("*") if p.is_file() and "truth" not in p.parts)
    return files[offset: offset + n]


def _copy(files: list[Path], dest: Path) -> None:
    for f in files:
        target = dest / f.relative_to(DEMO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)


def _snapshot(db: Path) -> dict[str, pd.DataFrame]:
    ds = gxnlp.load(db)
    out = {}
    for name in TABLES:
        frame = ds.table(name)
        frame = frame.drop(columns=[c for c in ("source",) if c in frame.columns])
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return out


def test_grown_corpus_processes_only_new_files(tmp_path):
    corpus = tmp_path / "corpus"
    _copy(_demo_files(24), corpus)
    db = tmp_path / "c.duckdb"
    first = build([corpus], db, workers=1)
    assert (first.processed, first.skipped) == (24, 0)
    _copy(_demo_files(10, offset=24), corpus)
    second = build([corpus], db, workers=1)
    assert (second.processed, second.skipped) == (10, 24)
    third = build([corpus], db, workers=1)
    assert (third.processed, third.skipped, third.corpus_stages) == (0, 34, [])
    ds = gxnlp.load(db)
    assert len(ds.reports) == 34 and ds.reports["report_id"].is_unique
    wide = ds.wide()
    assert len(wide) == 34 and {"s3_new_requests", "agency_type", "findings"} <= set(wide.columns)


def test_a_folder_emptied_since_the_last_build_empties_the_dataset(tmp_path):
    corpus = tmp_path / "corpus"
    _copy(_demo_files(3), corpus)
    db = tmp_path / "c.duckdb"
    assert build([corpus], db, workers=1).processed == 3
    for f in [f for f in corpus.rglob("*") if f.is_file()]:
        f.unlink()
    stats = build([corpus], db, workers=1)
    assert (stats.processed, stats.removed) == (0, 3)
    ds = gxnlp.load(db)
    assert ds.reports.empty and ds.table("cells").empty


def test_killed_build_resumes_to_the_same_database(tmp_path):
    corpus = tmp_path / "corpus"
    _copy(_demo_files(30), corpus)
    clean_db = tmp_path / "clean.duckdb"
    build([corpus], clean_db, workers=1, chunk_size=8)
    killed_db = tmp_path / "killed.duckdb"
    code = (
        "from gxnlp.dataset.build import build; import sys; "
        f"build([{str(corpus)!r}], {str(killed_db)!r}, workers=1, chunk_size=8, _abort_after_chunks=2)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 137, proc.stderr
    assert len(gxnlp.load(killed_db).reports) == 16  # two committed chunks survived the kill
    resumed = build([corpus], killed_db, workers=1, chunk_size=8)
    assert (resumed.processed, resumed.skipped) == (14, 16)
    clean, after = _snapshot(clean_db), _snapshot(killed_db)
    for name in TABLES:
        pd.testing.assert_frame_equal(clean[name], after[name], check_dtype=False)


def test_exports_open_in_excel(tmp_path):
    corpus = tmp_path / "corpus"
    _copy(_demo_files(6), corpus)
    db = tmp_path / "c.duckdb"
    build([corpus], db, workers=1, parquet=tmp_path / "pq")
    ds = gxnlp.load(db)
    written = ds.to_csv(tmp_path / "csv")
    raw = (tmp_path / "csv" / "reports.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "agency".encode() in raw
    assert {p.name for p in written} >= {"wide.csv", "reports.csv", "cells.csv", "statements.csv"}
    xlsx = ds.to_excel(tmp_path / "c.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert len(sheets["reports"]) == 6
    assert len(pd.read_parquet(tmp_path / "pq" / "reports.parquet")) == 6


def test_load_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="gxnlp build"):
        gxnlp.load(tmp_path / "nope.duckdb")


def test_every_export_holds_the_same_tables(tmp_path):
    import duckdb

    from gxnlp.dataset.schema import EXPORT_TABLES

    corpus = tmp_path / "corpus"
    _copy(_demo_files(6), corpus)
    db = tmp_path / "c.duckdb"
    build([corpus], db, workers=1, parquet=tmp_path / "pq")
    ds = gxnlp.load(db)
    csv = {p.stem for p in ds.to_csv(tmp_path / "csv")}
    parquet = {p.stem for p in (tmp_path / "pq").glob("*.parquet")}
    xlsx = set(pd.read_excel(ds.to_excel(tmp_path / "c.xlsx"), sheet_name=None))
    with duckdb.connect(str(db), read_only=True) as con:
        in_db = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert csv == parquet == xlsx == set(EXPORT_TABLES)
    assert in_db - {"files", "build_state"} == set(EXPORT_TABLES)
    assert len(pd.read_parquet(tmp_path / "pq" / "wide.parquet")) == len(ds.wide()) == 6


def test_wide_topic_columns_are_labelled_and_in_topic_order(tmp_path):
    corpus = tmp_path / "corpus"
    _copy(_demo_files(40), corpus)
    db = tmp_path / "c.duckdb"
    build([corpus], db, workers=1)
    ds = gxnlp.load(db)
    topics = ds.topics
    assert len(topics) >= 2
    cols = [c for c in ds.wide().columns if c.startswith("share_")]
    keys = [(c.split("_")[1], int(c.split("_")[2])) for c in cols]
    assert keys == sorted(keys)  # by kind, then topic number (not _0, _1, _10)
    assert len(cols) == len(topics)
    for c, (kind, t) in zip(cols, keys):
        label = topics[(topics["kind"] == kind) & (topics["topic"] == t)]["label"].iloc[0]
        assert c.endswith("".join(label.split()))


def test_worker_pool_ends_before_the_corpus_stages(tmp_path, monkeypatch):
    """The per-document workers are gone when the corpus stages run (they held ~0.3 GB each through
    topics, reuse and panel), and the stages run in their order: agency keys before reuse, the panel after."""
    import psutil

    import importlib

    B = importlib.import_module("gxnlp.dataset.build")  # the package re-exports a function of that name

    _copy(_demo_files(6), tmp_path / "corpus")
    seen = {}

    def spy(con, seed):
        seen["children"] = [p.pid for p in psutil.Process().children(recursive=True)]

    monkeypatch.setattr(B, "CORPUS_STAGES", {"spy": spy, **B.CORPUS_STAGES})
    before = {p.pid for p in psutil.Process().children(recursive=True)}  # e.g. multiprocessing's resource tracker
    stats = build([tmp_path / "corpus"], tmp_path / "c.duckdb", workers=2)
    assert stats.processed == 6 and set(seen["children"]) <= before
    assert stats.corpus_stages == ["spy", "topics", "agencies", "reuse", "panel", "continuity"]


def test_a_corpus_stage_that_fails_is_run_again_by_the_next_build(tmp_path, monkeypatch):
    """The corpus stages commit as they go (a transaction would hold all their rows in memory): a build
    stopped among them leaves no fingerprint, reading a corpus table warns, and the next build completes
    them to the tables of a build that never failed."""
    import importlib

    B = importlib.import_module("gxnlp.dataset.build")  # the module (gxnlp.dataset.build is the function)
    corpus = tmp_path / "corpus"
    _copy(_demo_files(12), corpus)
    clean = tmp_path / "clean.duckdb"
    build([corpus], clean, workers=1)

    def boom(con, seed):
        raise RuntimeError("stopped among the corpus stages")

    stages = dict(B.CORPUS_STAGES)
    names = list(stages)
    failing = {**{k: stages[k] for k in names[:2]}, "boom": boom, **{k: stages[k] for k in names[2:]}}
    monkeypatch.setattr(B, "CORPUS_STAGES", failing)
    db = tmp_path / "ds.duckdb"
    with pytest.raises(RuntimeError, match="stopped among"):
        build([corpus], db, workers=1)
    with pytest.warns(UserWarning, match="did not finish"):
        gxnlp.load(db).table("reuse")
    monkeypatch.setattr(B, "CORPUS_STAGES", stages)
    stats = build([corpus], db, workers=1)
    assert stats.processed == 0 and stats.corpus_stages == names
    for name, frame in _snapshot(db).items():
        pd.testing.assert_frame_equal(frame, _snapshot(clean)[name], check_dtype=False, obj=name)


def test_topics_overlapped_with_the_other_corpus_stages_give_the_same_tables(tmp_path, monkeypatch):
    """The topics stage computed in a forked process beside agencies/reuse/panel writes the tables a
    build running the stages one after another writes; a topics process that dies is replaced by the
    stage running in the build process."""
    import importlib
    import os

    B = importlib.import_module("gxnlp.dataset.build")
    corpus = tmp_path / "corpus"
    _copy(_demo_files(40), corpus)
    one_by_one = build([corpus], tmp_path / "seq.duckdb", workers=1, topics_process="here")
    overlapped = build([corpus], tmp_path / "ovl.duckdb", workers=1, topics_process="beside")
    apart = build([corpus], tmp_path / "apart.duckdb", workers=1, topics_process="apart")
    assert one_by_one.corpus_stages == overlapped.corpus_stages == apart.corpus_stages
    expected = _snapshot(tmp_path / "seq.duckdb")
    assert len(expected["topics"]) and expected["statements"]["topic"].notna().any()
    for db in ("ovl", "apart"):
        for name, frame in _snapshot(tmp_path / f"{db}.duckdb").items():
            pd.testing.assert_frame_equal(frame, expected[name], obj=f"{db}: {name}")
    with pytest.raises(ValueError, match="topics_process"):
        build([corpus], tmp_path / "bad.duckdb", workers=1, topics_process="elsewhere")

    def dies(statements, seed):
        if os.getpid() != parent:
            os._exit(9)
        return real.compute(statements, seed)

    parent, real = os.getpid(), B.CORPUS_STAGES["topics"]
    monkeypatch.setitem(B.CORPUS_STAGES, "topics", B.SplitStage(real.read, dies, real.write))
    build([corpus], tmp_path / "died.duckdb", workers=1, topics_process="beside")
    for name, frame in _snapshot(tmp_path / "died.duckdb").items():
        pd.testing.assert_frame_equal(frame, expected[name], obj=name)

    # a topics stage the user registered in its place runs as it is, in the build process
    calls = []
    monkeypatch.setitem(B.CORPUS_STAGES, "topics", lambda con, seed: calls.append(os.getpid()))
    build([corpus], tmp_path / "own.duckdb", workers=1, topics_process="beside")
    assert calls == [parent]
