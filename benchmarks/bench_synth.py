"""Benchmark ``gxnlp synth``: reports per second at scale, against a write-only baseline.

Baseline (measured in the same run, on the same disk): copying the very same files and
truth bytes with plain ``read_bytes``/``write_bytes`` — the I/O floor any generator pays.
The ratio says how much slower than pure writing generation is.

    PYTHONPATH=. python benchmarks/bench_synth.py --n 20000 --seed 0
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import resource
from pathlib import Path

from gxnlp.synth import generate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", help="write the corpus here instead of a temporary folder")
    args = ap.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="synth-bench-"))
    out = tmp / "corpus"
    try:
        t0 = time.perf_counter()
        summary = generate(out, n=args.n, seed=args.seed)
        gen = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        files = sorted(p for p in out.rglob("*") if p.is_file())
        total = 0
        copy = tmp / "baseline"
        t0 = time.perf_counter()
        for p in files:
            data = p.read_bytes()
            total += len(data)
            dst = copy / p.relative_to(out)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
        base = time.perf_counter() - t0
        print(json.dumps({
            "n": args.n, "seed": args.seed, "generate_seconds": round(gen, 2),
            "reports_per_second": round(args.n / gen, 1), "ms_per_report": round(1000 * gen / args.n, 2),
            "baseline": "copy the same files (read_bytes + write_bytes)", "baseline_seconds": round(base, 2),
            "ratio_generate_over_baseline": round(gen / base, 1), "bytes_written": total,
            "peak_rss_mb_during_generation": round(peak_kb / 1024, 1),
            "reports_with_errors": summary["reports_with_errors"], "clusters": summary["clusters"],
            "layouts": summary["layouts"],
        }, ensure_ascii=False, indent=1))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
