"""Benchmark: the LSH candidate step of the reuse detector alone, in one or more checkouts, same run.

Each measurement is a fresh process (``PYTHONPATH`` = the checkout) that generates the planted corpus
(:func:`bench_reuse.corpus`, seed 0) or loads a ``gxnlp synth`` corpus, fits ``ReuseDetector(seed=1)`` with
:func:`gxnlp.reuse.shuffle.band_candidates` wrapped, and reports the CPU seconds of ``band_candidates``
and of the whole ``fit`` (``time.process_time``), and the process's peak RSS (``ru_maxrss``): at the
end, before ``fit``, and just before and after ``band_candidates``. The candidate pairs of every
checkout are compared with those of the first: they must be the same array.

Usage::

    python benchmarks/bench_lsh_candidates.py --checkouts /path/to/before . --sizes 1000 10000 --demo corpora/demo
    python benchmarks/bench_lsh_candidates.py --checkouts /path/to/before . --sizes 20000 --repeat 1
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(n: int, demo: str | None, save: str | None) -> dict:
    import numpy as np

    sys.path.insert(0, str(Path.cwd() / "benchmarks"))  # the checkout's own bench_reuse (it puts its root first)
    import bench_reuse  # noqa: E402

    import gxnlp.reuse.detector as detector_module
    from gxnlp.reuse import ReuseDetector

    docs, _truth = bench_reuse.demo_corpus(demo) if demo else bench_reuse.corpus(n)
    base = rss_mb()
    inner = detector_module.band_candidates
    stage: dict[str, float] = {}

    def timed(det):
        stage["rss_before_band_candidates"] = rss_mb()
        c = time.process_time()
        out = inner(det)
        stage["band_candidates"] = time.process_time() - c
        stage["rss_after_band_candidates"] = rss_mb()
        return out

    detector_module.band_candidates = timed
    c0 = time.process_time()
    det = ReuseDetector(seed=1).fit(docs)
    fit_cpu = time.process_time() - c0
    pairs = np.ascontiguousarray(det.candidates_.array)
    if save:
        np.save(save, pairs)
    return {"n": len(det.documents_), "band_candidates_cpu": round(stage["band_candidates"], 3),
            "fit_cpu": round(fit_cpu, 2), "peak_rss_mb": round(rss_mb(), 1), "rss_before_fit_mb": round(base, 1),
            "peak_rss_before_band_candidates_mb": round(stage["rss_before_band_candidates"], 1),
            "peak_rss_after_band_candidates_mb": round(stage["rss_after_band_candidates"], 1),
            "candidates": len(pairs), "pairs_sha1": hashlib.sha1(pairs.astype(np.int64).tobytes()).hexdigest()[:12],
            "gxnlp": str(Path(detector_module.__file__).parents[2])}


def measure(checkout: Path, n: int, demo: str | None, save: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()))
    cmd = [sys.executable, str(HERE), "--child", "--n", str(n), "--save", save]
    if demo:
        cmd += ["--demo", str(Path(demo).resolve())]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=checkout).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkouts", nargs="+", type=Path, default=[HERE.parents[1]],
                    help="checkouts to compare (the first is the baseline)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--demo", help="also a gxnlp synth corpus directory")
    ap.add_argument("--repeat", type=int, default=2, help="runs per checkout and corpus, interleaved (best kept)")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--n", type=int)
    ap.add_argument("--save")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_child(args.n, args.demo, args.save)))
        return
    import numpy as np

    corpora = [(n, None) for n in args.sizes] + ([(0, args.demo)] if args.demo else [])
    with tempfile.TemporaryDirectory() as tmp:
        for n, demo in corpora:
            best: dict[int, dict] = {}
            for rep in range(args.repeat):
                for k, checkout in enumerate(args.checkouts):
                    res = measure(checkout, n, demo, f"{tmp}/{k}.npy")
                    if k not in best or res["band_candidates_cpu"] < best[k]["band_candidates_cpu"]:
                        best[k] = res
            ref = np.load(f"{tmp}/0.npy")
            for k, checkout in enumerate(args.checkouts):
                same = np.array_equal(np.load(f"{tmp}/{k}.npy"), ref)
                r = best[k]
                ratio = best[0]["band_candidates_cpu"] / r["band_candidates_cpu"] if r["band_candidates_cpu"] else None
                print(json.dumps({"corpus": demo or f"planted {n}", "checkout": str(checkout), **r,
                                  "same_pairs_as_first": bool(same),
                                  "band_candidates_speedup": round(ratio, 2) if ratio else None}), flush=True)


if __name__ == "__main__":
    main()
