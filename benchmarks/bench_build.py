"""Benchmark: ``gxnlp build`` throughput and peak memory on generated corpora, against the
read-and-decode floor and (optionally) a baseline checkout, measured in the same run.

For each size N a corpus is generated once (``gxnlp synth --n N --seed S``, cached under
``--cache``). Then, each in a fresh subprocess so nothing is shared:

* ``floor``    — read every file and decode it (BOM / declared charset / UTF-8, as ingest does;
  PDF and docx bytes only read): what any tool must pay.
* ``build``    — ``gxnlp.dataset.build`` on the corpus with ``--workers`` processes (or
  ``--scheduler dask``: a LocalCluster of ``--workers`` single-threaded workers), timing the
  per-document phase and each corpus stage.
* ``baseline`` — the same build with the code of ``--baseline-src`` (e.g. an export of main
  before this work), when given.

CPU seconds are those of the whole process tree (``wait4`` rusage of the build process, which
includes its waited-for pool workers; Dask workers are sampled by psutil). Peak memory is the
largest *sum* of resident memory over the process tree, sampled every 0.2 s, and the largest
single process.

Usage::

    python benchmarks/bench_build.py --sizes 1000 10000 --workers 2
    python benchmarks/bench_build.py --sizes 1000 --baseline-src /tmp/base   # before/after in one run
    python benchmarks/bench_build.py --sizes 300 --scheduler dask             # Dask LocalCluster
    python benchmarks/bench_build.py --sizes 1000 --scheduler processes dask  # local pool vs Dask, one run

Results are appended as JSON lines to ``--out`` (default ``benchmarks/build_runs.jsonl``) and
printed as a table.
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
PY = sys.executable


# --------------------------------------------------------------------------- inner modes

def _floor(corpus: str) -> dict:
    """Read and decode every report file (the floor any reader pays)."""
    from gxnlp.ingest.read import _META_CHARSET, decode_bytes
    from gxnlp.pipeline import iter_files

    c0, t0 = time.process_time(), time.perf_counter()
    n = chars = 0
    for path in iter_files([corpus]):
        data = path.read_bytes()
        n += 1
        if path.suffix.lower() in (".pdf", ".docx"):
            continue
        m = _META_CHARSET.search(data[:4096])
        try:
            text, _ = decode_bytes(data, m.group(1).decode("ascii") if m else None, [])
        except Exception:  # noqa: BLE001 - the floor only reads
            continue
        chars += len(text)
    return {"files": n, "chars": chars, "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - t0}


def _build(corpus: str, db: str, workers: int, scheduler: str) -> dict:
    """One build with timings of the per-document phase and of each corpus stage."""
    import importlib

    B = importlib.import_module("gxnlp.dataset.build")  # the package re-exports a function of that name

    import psutil

    t_start = time.perf_counter()
    marks: dict[str, float] = {}
    cpu_marks: dict[str, float] = {}
    # the build process's own resident memory, sampled every 0.1 s: its peak in each phase
    me = psutil.Process()
    phase = ["documents"]
    rss_peak: dict[str, float] = {}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            mb = me.memory_info().rss / 2**20
            rss_peak[phase[0]] = max(rss_peak.get(phase[0], 0.0), mb)
            stop.wait(0.1)

    threading.Thread(target=sample, daemon=True).start()

    def timed_phase(name, fn, *args):
        phase[0] = name
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*args)
        finally:
            marks[name] = time.perf_counter() - t0
            cpu_marks[name] = time.process_time() - c0
            rss_peak[name] = max(rss_peak.get(name, 0.0), me.memory_info().rss / 2**20)
            phase[0] = "after " + name

    class TimedSplit(B.SplitStage):  # still a SplitStage: the build may compute it in a forked process
        def __init__(self, name, stage):
            super().__init__(stage.read, stage.compute, stage.write)
            self.name = name

        def __call__(self, con, seed):
            return timed_phase(self.name, super().__call__, con, seed)

    for name, stage in list(B.CORPUS_STAGES.items()):
        B.CORPUS_STAGES[name] = TimedSplit(name, stage) if isinstance(stage, B.SplitStage) else \
            (lambda con, seed, _stage=stage, _name=name: timed_phase(_name, _stage, con, seed))
    store_wide = B.store_wide
    B.store_wide = lambda db: timed_phase("wide", store_wide, db)
    # topics in a forked process (build(topics_process=...)): the wait for its result and the writing of
    # its rows, as "topics (process)"; its CPU is in the process tree's, not the build process's
    finish = B._StageInBackground.finish
    B._StageInBackground.finish = lambda self, con: timed_phase("topics (process)", finish, self, con)
    done_at: list[float] = []
    doc_cpu: list[float] = []

    def progress(results, total, label):
        for i, r in enumerate(results, 1):
            if i == total:  # the build stops asking after the last file (zip with its ids)
                done_at.append(time.perf_counter())
                doc_cpu.append(time.process_time())
                phase[0] = "storing"
            yield r

    client = cluster = None
    if scheduler == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        stats = B.build([corpus], db, workers=workers, scheduler=scheduler, progress=progress)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    total = time.perf_counter() - t_start
    stop.set()
    return {"processed": stats.processed, "failed": stats.failed, "wall_s": total,
            "documents_wall_s": (done_at[0] - t_start) if done_at else None, "corpus_stage_wall_s": marks,
            "corpus_stage_cpu_s": cpu_marks, "build_process_cpu_s": time.process_time(),
            "build_process_cpu_s_documents": doc_cpu[0] if doc_cpu else None,
            "build_process_peak_rss_mb_by_phase": {k: round(v, 1) for k, v in rss_peak.items()}}


# --------------------------------------------------------------------------- measuring a subprocess

def run_measured(args: list[str], env: dict[str, str]) -> dict:
    import psutil

    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"tree_mb": 0.0, "single_mb": 0.0}
    cpu_seen: dict[int, float] = {}
    stop = threading.Event()

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                        if p.pid != proc.pid:
                            t = p.cpu_times()
                            cpu_seen[p.pid] = t.user + t.system
                    except psutil.Error:
                        pass
                peak["tree_mb"] = max(peak["tree_mb"], sum(rss) / 2**20)
                peak["single_mb"] = max(peak["single_mb"], max(rss, default=0) / 2**20)
            except psutil.Error:
                pass
            stop.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    ru = __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update({"outer_wall_s": wall, "peak_tree_mb": round(peak["tree_mb"], 1),
                   "peak_single_mb": round(peak["single_mb"], 1), "_rusage_children_cpu": ru.ru_utime + ru.ru_stime,
                   "_sampled_descendant_cpu": sum(cpu_seen.values())})
    return result


_CPU_BEFORE = [0.0]


def measured(mode: str, src: Path, *extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = run_measured([PY, str(Path(__file__).resolve()), f"_{mode}", *extra], env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res["cpu_s"] = round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2)
    # CPU of the descendants as last sampled while they ran (Dask workers are reaped by their
    # nannies, so the rusage above should hold them too; this is the cross-check)
    res["sampled_descendant_cpu_s"] = round(res["_sampled_descendant_cpu"], 2)
    for k in [k for k in res if k.startswith("_")]:
        res.pop(k)
    return res


def synth(n: int, seed: int, cache: Path) -> Path:
    out = cache / f"synth-n{n}-s{seed}"
    if not (out / "truth").exists():
        subprocess.run([PY, "-m", "gxnlp.cli", "synth", "--n", str(n), "--seed", str(seed), "--force", str(out)],
                       check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL)
    return out


def git_commit(src: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip() + (
            "+dirty" if subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
                                       capture_output=True, text=True).stdout.strip() else "")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "n/a"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_floor":
        print(json.dumps(_floor(sys.argv[2])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        print(json.dumps(_build(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", nargs="+", default=["processes"], choices=["processes", "sync", "dask"],
                    help="one or more; several (e.g. processes dask) are measured one after the other on the same corpus")
    ap.add_argument("--baseline-src", type=Path, default=None, help="a checkout of the code to compare with")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "gxnlp-bench")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "build_runs.jsonl")
    ap.add_argument("--corpus", type=Path, default=None, help="an existing corpus folder instead of synth")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    header = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{platform.node()} "
              f"{platform.processor() or platform.machine()} {os.cpu_count()} cores", "python": platform.python_version(),
              "commit": git_commit(ROOT), "load_at_start": os.getloadavg()}
    print(json.dumps(header))
    rows = []
    for n in args.sizes:
        corpus = args.corpus if args.corpus else synth(n, args.seed, args.cache)
        label = str(args.corpus) if args.corpus else f"synth n={n} seed={args.seed}"
        floor = measured("floor", ROOT, str(corpus))
        runs = [("this", ROOT, sch) for sch in args.scheduler]
        runs += [("baseline", args.baseline_src, sch) for sch in args.scheduler] if args.baseline_src else []
        for name, src, scheduler in runs:
            db = args.cache / f"bench-{name}-{n}.duckdb"
            db.unlink(missing_ok=True)
            res = measured("build", src, str(corpus), str(db), str(args.workers), scheduler)
            db.unlink(missing_ok=True)
            row = {**header, "corpus": label, "n": floor["files"], "code": name, "src": str(src),
                   "workers": args.workers, "scheduler": scheduler, "floor_cpu_s": round(floor["cpu_s"], 3),
                   **res, "load_at_end": os.getloadavg()}
            row["ms_cpu_per_report"] = round(1000 * row["cpu_s"] / max(1, row["n"]), 2)
            row["reports_per_s_wall"] = round(row["n"] / row["wall_s"], 1)
            row["x_floor_cpu"] = round(row["cpu_s"] / max(1e-9, floor["cpu_s"]), 1)
            rows.append(row)
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(json.dumps({k: row[k] for k in ("corpus", "code", "scheduler", "n", "cpu_s", "ms_cpu_per_report", "wall_s",
                                                   "reports_per_s_wall", "documents_wall_s", "corpus_stage_wall_s", "corpus_stage_cpu_s",
                                                   "peak_tree_mb", "peak_single_mb", "floor_cpu_s", "x_floor_cpu",
                                                   "build_process_cpu_s", "build_process_cpu_s_documents",
                                                   "build_process_peak_rss_mb_by_phase", "load_at_end")}, ensure_ascii=False), flush=True)
    print("\n| corpus | code | scheduler | reports | CPU s | ms CPU/report | wall s | reports/s wall | docs wall s | corpus stages wall s (CPU s) "
          "| peak MB (tree / one process) | floor CPU s | × floor |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        stages = ", ".join(f"{k} {v:.1f} ({r['corpus_stage_cpu_s'].get(k, 0):.1f} CPU)" for k, v in r["corpus_stage_wall_s"].items())
        print(f"| {r['corpus']} | {r['code']} | {r['scheduler']} | {r['n']} | {r['cpu_s']} | {r['ms_cpu_per_report']} | {r['wall_s']:.1f} | "
              f"{r['reports_per_s_wall']} | {r['documents_wall_s'] or 0:.1f} | {stages} | {r['peak_tree_mb']:.0f} / "
              f"{r['peak_single_mb']:.0f} | {r['floor_cpu_s']} | {r['x_floor_cpu']} |")
    shutil.rmtree(args.cache / "_tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
