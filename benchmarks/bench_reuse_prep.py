"""Benchmark: the per-document preparation and the output tables of reuse detection, stage by stage.

Fits ``ReuseDetector(seed=1)`` on the planted corpus (:mod:`gxnlp.synth.planted`, seed 0) of each size, in a
fresh subprocess per size and checkout, and reports the CPU seconds of ``prepare_documents``,
``_resolve_agencies``, each output table and the whole ``fit``, the process's peak memory (``ru_maxrss``), and a
digest of every output (pairs, shares, clusters, stock phrases, the documents' texts, masks, sentences and
agency keys) so two checkouts can be shown to give byte-identical outputs. The garbage collector's CPU time
inside each stage is reported too (``stages_gc``): a full collection, paid for the whole fit's objects, runs
inside whichever stage allocates when it falls due.

    python benchmarks/bench_reuse_prep.py --sizes 1000 10000 --checkouts /path/to/before .
    python benchmarks/bench_reuse_prep.py --sizes 10000 20000 --no-stages      # peak memory, no timing wrappers

Each checkout runs with ``PYTHONPATH`` set to it; sizes and checkouts alternate so load drifts hit both alike.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

STAGES = ("prepare_documents", "_resolve_agencies", "pairs_table", "shares_table", "clusters_table", "stock_table")


def digest(det) -> dict[str, str]:
    """SHA-256 of each output, over a canonical serialisation."""
    import numpy as np

    out = {}
    for name in ("pairs_", "report_shares_", "clusters_", "stock_phrases_"):
        frame = getattr(det, name)
        out[name] = hashlib.sha256(frame.to_json(orient="split", force_ascii=False).encode()).hexdigest()[:16]
    h = hashlib.sha256()
    for s in det.documents_:
        h.update(s.text.text.encode())
        h.update(b"\0" + s.text.norm.encode() + b"\0" + str(s.agency).encode())
        h.update(np.ascontiguousarray(s.text.sentences.spans, dtype=np.int64).tobytes())
        for m in (s.template_mask, s.stock_mask, s.mask):
            h.update(b"-" if m is None else np.packbits(m).tobytes())
    out["documents_"] = h.hexdigest()[:16]
    return out


def child(n: int, stages: bool) -> dict:
    from gxnlp.reuse import ReuseDetector
    from gxnlp.reuse import detector as detmod
    from gxnlp.synth.planted import planted_corpus

    docs, _ = planted_corpus(n_agencies=max(1, n // 3), years=(2021, 2022, 2023), seed=0)
    corpus_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu: dict[str, float] = {}
    gc_cpu: dict[str, float] = {}
    collecting = {"since": 0.0, "total": 0.0}

    def on_gc(phase, info):  # the collector's CPU time: it runs inside whichever stage allocates
        if phase == "start":
            collecting["since"] = time.process_time()
        else:
            collecting["total"] += time.process_time() - collecting["since"]

    def timed(name, fn):
        def wrapper(*a, **k):
            c0, g0 = time.process_time(), collecting["total"]
            try:
                return fn(*a, **k)
            finally:
                cpu[name] = cpu.get(name, 0.0) + time.process_time() - c0
                gc_cpu[name] = gc_cpu.get(name, 0.0) + collecting["total"] - g0
        return wrapper

    if stages:
        for name in STAGES:
            if name == "_resolve_agencies":
                detmod.ReuseDetector._resolve_agencies = timed(name, detmod.ReuseDetector._resolve_agencies)
            else:
                setattr(detmod, name, timed(name, getattr(detmod, name)))
    gc.callbacks.append(on_gc)
    c0 = time.process_time()
    det = ReuseDetector(seed=1).fit(docs)
    fit = time.process_time() - c0
    gc.callbacks.remove(on_gc)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": len(det.documents_), "fit_cpu": round(fit, 2), "fit_gc_cpu": round(collecting["total"], 3),
            "stages": {k: round(v, 3) for k, v in cpu.items()},
            "stages_gc": {k: round(v, 3) for k, v in gc_cpu.items()},
            "measured_stages_cpu": round(sum(cpu.values()), 2), "peak_rss_mb": round(peak, 1),
            "corpus_rss_mb": round(corpus_rss, 1), "pairs": len(det.pairs_), "digest": digest(det)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--checkouts", nargs="*", default=["."])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-stages", action="store_true", help="no timing wrappers (peak memory runs)")
    ap.add_argument("--child", type=int)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, not args.no_stages)))
        return 0
    results = []
    for n in args.sizes:
        for rep in range(args.repeat):
            for co in args.checkouts:
                root = Path(co).resolve()
                env = dict(os.environ, PYTHONPATH=str(root))
                cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n)]
                if args.no_stages:
                    cmd.append("--no-stages")
                out = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                r["checkout"] = str(root)
                results.append(r)
                print(json.dumps(r, ensure_ascii=False), flush=True)
    by_n: dict[int, set] = {}
    for r in results:
        by_n.setdefault(r["n"], set()).add(json.dumps(r["digest"], sort_keys=True))
    same = all(len(v) == 1 for v in by_n.values())
    print("outputs identical across checkouts:" if len(args.checkouts) > 1 else "digests:", same)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
