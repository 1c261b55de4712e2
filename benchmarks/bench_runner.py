"""Benchmark of the one-pass runner and its supervised pool.

Two comparisons, each against a named baseline measured in the same run, with peak memory:

1. Isolation cost: ``runner.run(files, ["parse"])`` in the supervised pool (one worker process per
   slot, watched for death, time and memory) against the unsupervised baseline
   ``concurrent.futures.ProcessPoolExecutor.map`` of the same per-file function (what
   ``gxnlp.pipeline.process_map`` used before), same number of workers.
2. One pass per document: ``gxnlp report``'s reading of a corpus as it is now (one pass running the
   ``reuse`` and ``audit`` stages) against how it was before (two passes: every file parsed for
   reuse, then parsed again for the audit).

    python benchmarks/bench_runner.py [--corpus corpora/demo] [--limit 120] [--workers 2] [--repeat 2]

Peak memory is the largest resident set of this process and of its worker processes
(``getrusage``; the worker figure is cumulative over the run, so it is taken per phase in a
child process).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gxnlp.pipeline import iter_files  # noqa: E402
from gxnlp.runner import analyse, run  # noqa: E402


def _phase(name: str, files: list[str], workers: int) -> dict:
    t0 = time.perf_counter()
    if name == "pool_baseline":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            n = sum(1 for _ in pool.map(partial(analyse, stages=("parse",)), files, chunksize=4))
    elif name == "supervised":
        n = sum(1 for _ in run(files, ["parse"], workers=workers))
    elif name == "two_passes":
        n = sum(1 for _ in run(files, ["reuse"], workers=workers))
        n += sum(1 for _ in run(files, ["audit"], workers=workers))
    elif name == "one_pass":
        n = sum(1 for _ in run(files, ["reuse", "audit"], workers=workers))
    else:
        raise ValueError(name)
    seconds = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"phase": name, "records": n, "seconds": seconds, "peak_rss_mb": peak / 1024}


def _in_child(name: str, corpus: str, limit: int, workers: int) -> dict:
    """A fresh process per phase, so memory figures do not leak across phases."""
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--corpus", corpus, "--limit", str(limit),
                          "--workers", str(workers)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "demo"))
    ap.add_argument("--limit", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = [str(p) for p in iter_files([args.corpus])][: args.limit]
    if args.phase:
        print(json.dumps(_phase(args.phase, files, args.workers)))
        return
    print(f"# bench_runner {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, {mp.cpu_count()} CPUs, {len(files)} files of {args.corpus}, "
          f"{args.workers} workers, best of {args.repeat}")
    results = {}
    for name in ("pool_baseline", "supervised", "two_passes", "one_pass"):
        runs = [_in_child(name, args.corpus, args.limit, args.workers) for _ in range(args.repeat)]
        results[name] = min(runs, key=lambda r: r["seconds"])
        r = results[name]
        print(f"  {name:14s} {r['seconds']:7.1f} s  {len(files) / r['seconds']:6.1f} files/s  peak {r['peak_rss_mb']:6.0f} MB")
    iso = results["supervised"]["seconds"] / results["pool_baseline"]["seconds"]
    one = results["two_passes"]["seconds"] / results["one_pass"]["seconds"]
    print(f"  supervised / ProcessPoolExecutor time ratio: {iso:.2f}")
    print(f"  report reading, two passes / one pass time ratio: {one:.2f}")
    print(json.dumps({k: {kk: round(vv, 2) if isinstance(vv, float) else vv for kk, vv in v.items()}
                      for k, v in results.items()}))


if __name__ == "__main__":
    main()
