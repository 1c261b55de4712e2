"""Benchmark: the dataset's panel stage alone on a built dataset, this checkout against a baseline
checkout in the same run, with peak memory, and whether the ``panel_*`` tables are identical.

Build a dataset once (``gxnlp synth --n 10000 --seed 11 --out C && gxnlp build C --db db.duckdb``),
export the baseline (``git archive <commit> | tar -x -C /tmp/base``), then::

    python benchmarks/bench_panel_stage.py --db db.duckdb --baseline-src /tmp/base

Each side runs in a fresh subprocess on its own copy of the dataset: the agency keys stage first
(not timed), then :func:`gxnlp.dataset.panel_stage.panel_stage`, timed (CPU seconds of the process,
DuckDB's threads included; wall; peak resident memory sampled every 0.1 s). The reuse stage's
hand-over is an empty one (every copied-from-earlier share 0) on both sides, so no reuse detector
is fitted inside the measurement. Modules and jieba/rjieba dictionaries are loaded before the
measurement (a build has loaded them in its topics stage). The ``panel_*`` tables of both sides
are then compared row by row in stored order; rows of ``panel_deltas`` also as a multiset (the
baseline's order of a report's cells followed DuckDB's threads, see notes/panelfast.md).
JSON lines are appended to ``--out`` and printed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("agencies", "coverage", "deltas", "continuity", "statements", "promises", "metrics")


def _inner(db: str, out: str) -> dict:
    import duckdb
    import psutil

    import gxnlp.panel.series  # noqa: F401 - imports outside the measurement
    import gxnlp.text.classify as classify
    from gxnlp.dataset import panel_stage as stage
    from gxnlp.dataset.schema import CORPUS_RESULTS
    from gxnlp.text.segment import jieba_cut, load_userdict

    load_userdict()
    jieba_cut("政务公开工作")
    classify.jieba_tokens("政务公开工作")
    me = psutil.Process()
    peak, stop = [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], me.memory_info().rss)
            stop.wait(0.1)

    con = duckdb.connect(db)
    CORPUS_RESULTS.set({"copied_from_earlier": {}})
    stage.agency_keys_stage(con, 0)
    before = me.memory_info().rss
    threading.Thread(target=sample, daemon=True).start()
    c0, t0 = time.process_time(), time.perf_counter()
    stage.panel_stage(con, 0)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    stop.set()
    n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    for t in TABLES:
        con.execute(f"COPY (SELECT * FROM panel_{t}) TO '{out}/panel_{t}.parquet' (FORMAT parquet)")
    con.close()
    return {"reports": n, "cpu_s": round(cpu, 1), "wall_s": round(wall, 1), "ms_cpu_per_report": round(1000 * cpu / n, 2),
            "rss_before_mb": round(before / 2**20), "peak_mb": round(max(peak[0], before) / 2**20)}


def _run(src: Path, db: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "db.duckdb"
    shutil.copy(db, copy)
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run([sys.executable, __file__, "--inner", str(copy), str(work)], env=env, capture_output=True,
                          text=True, check=False)
    copy.unlink(missing_ok=True)
    if proc.returncode:
        raise SystemExit(f"{src}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _compare(a: Path, b: Path) -> dict:
    """Per table: row counts, identical (same rows in the same stored order), same rows (as a multiset)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    out = {}
    for t in TABLES:
        x, y = (f"read_parquet('{p / f'panel_{t}.parquet'}', file_row_number=true)" for p in (a, b))
        rows = [con.execute(f"SELECT count(*) FROM {z}").fetchone()[0] for z in (x, y)]
        diff_ordered = con.execute(f"SELECT count(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})").fetchone()[0]
        diff_rows = con.execute(f"SELECT count(*) FROM (SELECT * EXCLUDE (file_row_number) FROM {x} EXCEPT ALL "
                                f"SELECT * EXCLUDE (file_row_number) FROM {y})").fetchone()[0]
        out[t] = {"rows": rows, "identical": rows[0] == rows[1] and diff_ordered == 0,
                  "same_rows": rows[0] == rows[1] and diff_rows == 0}
    return out


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--inner":
        print(json.dumps(_inner(sys.argv[2], sys.argv[3])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a built dataset (it is copied, not changed)")
    ap.add_argument("--baseline-src", type=Path, help="a checkout to compare with (e.g. an export of main)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "panel_stage_runs.jsonl")
    args = ap.parse_args()
    sides = {"current": ROOT} | ({"baseline": args.baseline_src.resolve()} if args.baseline_src else {})
    with tempfile.TemporaryDirectory(prefix="bench-panel-") as tmp:
        results = {name: _run(src, args.db.resolve(), Path(tmp) / name) for name, src in sides.items()}
        tables = _compare(Path(tmp) / "baseline", Path(tmp) / "current") if "baseline" in results else None
    record = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.node(),
              "cpus": os.cpu_count(), "db": str(args.db), **results, "tables": tables}
    if tables:
        record["cpu_ratio"] = round(results["baseline"]["cpu_s"] / results["current"]["cpu_s"], 2)
    with open(args.out, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in record.items() if k != "tables"}, ensure_ascii=False, indent=1))
    for name, t in (tables or {}).items():
        print(f"panel_{name:<11} rows {t['rows'][0]:>9} / {t['rows'][1]:>9}  identical {t['identical']!s:<5}  "
              f"same rows {t['same_rows']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
