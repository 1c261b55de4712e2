"""Benchmark: reuse detection by MinHash LSH against exact all-pairs baselines.

Methods, each run in a fresh subprocess (time = wall clock of ``fit``; peak memory =
the process's max RSS, and the RSS after generating the corpus for reference):

* ``lsh``    — :class:`gxnlp.reuse.ReuseDetector` (window + document LSH, then alignment)
* ``tfidf``  — exact all-pairs TF-IDF cosine (character 6-grams of the narrative outside the
  template, sparse products in row blocks over *every* pair), pairs with cosine >= 0.1 aligned
  with the same aligner and the same acceptance rule. It shares the detector's preparation
  (normalised text, template and stock masks, agency keys, the verifier's inputs), which the
  aligner and the rule need; it does not use the LSH candidate scoring. Above
  ``--tfidf-sample-above`` reports only ``--tfidf-sample-blocks`` evenly spaced row blocks of the
  product are computed and aligned; the rest is extrapolated (said so in the output)
* ``all``    — alignment of every pair (``ReuseDetector(candidates="all")``): the exact answer.
  Quadratic; above ``--all-max`` reports its time is extrapolated from a timed random sample
  of pairs (said so in the output).

Corpora: the planted-copy generator (:mod:`gxnlp.synth.planted`, 3 report years per agency),
sizes ``--sizes`` (default 1000 5000 20000). Recall of LSH is measured against the exact
answer where it ran, else against the TF-IDF baseline, and against the planted truth.

Usage::

    python benchmarks/bench_reuse.py                       # 1k, 5k, 20k
    python benchmarks/bench_reuse.py --sizes 1000 --demo corpora/demo   # + a gxnlp synth corpus
    python benchmarks/bench_reuse.py --sizes 10000 50000 100000 --methods lsh tfidf \\
        --tfidf-sample-above 60000 --out results.jsonl             # the issue-17 comparison
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(n: int, seed: int = 0):
    from gxnlp.synth.planted import planted_corpus

    years = (2021, 2022, 2023)
    return planted_corpus(n_agencies=max(1, n // len(years)), years=years, seed=seed)


def demo_corpus(path: str):
    import pickle  # noqa: F401

    from gxnlp.pipeline import iter_files, process_map
    from gxnlp.reuse.io import load_doc

    root = Path(path)
    docs = [d for d in process_map(load_doc, iter_files([root]), workers=2) if not isinstance(d, dict)]
    truth = [json.loads(x) for x in (root / "truth" / "reuse_pairs.jsonl").read_text().splitlines()]
    return docs, [(min(t["a_report_id"], t["b_report_id"]), max(t["a_report_id"], t["b_report_id"]), t["kind"])
                  for t in truth]


STAGES: dict[str, float] = {}


def tfidf_pairs(det, threshold: float = 0.1, block: int = 2000, sample_blocks: int | None = None):
    """Every pair's cosine of TF-IDF character 6-gram vectors (template text removed), exactly.

    ``sample_blocks``: compute only that many row blocks, evenly spaced (the pairs whose first report
    falls in them), for an extrapolation of the quadratic step; the CPU seconds of the vectoriser and
    of the block products are kept in ``STAGES``."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    c0 = time.process_time()
    texts = [np.frombuffer(s.text.norm.encode("utf-32-le"), dtype=np.uint32)[~s.template_mask].tobytes()
             .decode("utf-32-le") for s in det.documents_]
    X = TfidfVectorizer(analyzer="char", ngram_range=(6, 6), dtype=np.float32, sublinear_tf=True).fit_transform(texts)
    XT = X.T.tocsc()
    c1 = time.process_time()
    starts = list(range(0, X.shape[0], block))
    if sample_blocks and sample_blocks < len(starts):
        starts = [starts[round(k * (len(starts) - 1) / (sample_blocks - 1))] for k in range(sample_blocks)] \
            if sample_blocks > 1 else starts[len(starts) // 2:len(starts) // 2 + 1]
    out = []
    for start in starts:
        S = (X[start:start + block] @ XT).tocoo()
        keep = (S.data >= threshold) & (S.row + start < S.col)
        out.extend(zip((S.row[keep] + start).tolist(), S.col[keep].tolist()))
    STAGES.update(vectorise=time.process_time() - c0 - (time.process_time() - c1), products=time.process_time() - c1,
                  blocks=len(starts), all_blocks=len(range(0, X.shape[0], block)))
    return out


def run_one(method: str, n: int, demo: str | None, all_sample: int | None, tfidf_blocks: int | None = None) -> dict:
    from gxnlp.reuse import ReuseDetector

    docs, truth = demo_corpus(demo) if demo else corpus(n)
    base = rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    extrapolated = None
    extrapolated_cpu = None
    if method == "lsh":
        det = ReuseDetector(seed=1).fit(docs)
    elif method == "tfidf":
        # the baseline aligns every pair its own cosine cut keeps (no LSH candidate filter)
        det = ReuseDetector(seed=1, min_candidate_cosine=None)
        verify = det.verify

        def timed_verify(cands):
            a = time.process_time()
            verify(cands)
            STAGES["align"] = time.process_time() - a

        det.verify = timed_verify
        det.fit(docs, candidate_fn=lambda d: tfidf_pairs(d, sample_blocks=tfidf_blocks))
        del det.verify
    elif method == "all" and all_sample:
        # time a random sample of pairs, extrapolate to all n(n-1)/2 pairs
        det = ReuseDetector(seed=1).fit(docs, candidate_fn=lambda d: [])
        prep = time.perf_counter() - t0
        m = len(det.texts_)
        rng = random.Random(0)
        sample = sorted({tuple(sorted(rng.sample(range(m), 2))) for _ in range(all_sample)})
        t1 = time.perf_counter()
        det.verify(sample)
        per_pair = (time.perf_counter() - t1) / len(sample)
        extrapolated = prep + per_pair * m * (m - 1) / 2
    else:
        det = ReuseDetector(seed=1, candidates="all").fit(docs)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    if method == "tfidf" and STAGES.get("blocks", 0) < STAGES.get("all_blocks", 0):
        scale = STAGES["all_blocks"] / STAGES["blocks"] - 1  # the blocks and their pairs not computed
        extrapolated_cpu = cpu + scale * (STAGES["products"] + STAGES["align"])
    ids = [d.report_id for d in det.docs_]
    found = sorted(tuple(sorted((ids[i], ids[j]))) for i, j in det.passages_)
    return {"method": method, "n": len(ids), "seconds": round(secs, 2), "cpu_seconds": round(cpu, 2),
            "extrapolated_seconds": round(extrapolated, 1) if extrapolated else None,
            "extrapolated_cpu_seconds": round(extrapolated_cpu, 1) if extrapolated_cpu else None,
            "stages": {k: round(v, 2) for k, v in STAGES.items()},
            "peak_rss_mb": round(rss_mb(), 1),
            "corpus_rss_mb": round(base, 1), "candidates": len(det.candidates_) if not extrapolated else None,
            "aligned": len(det.aligned_candidates_) if not extrapolated else None,
            "pairs": found if not extrapolated else None, "truth": [list(t[:2]) for t in truth]}


CACHE: Path | None = None
FRESH: set[str] = {"lsh", "tfidf", "all"}


def child(method: str, n: int, demo: str | None, all_sample: int | None, timeout: float,
          tfidf_blocks: int | None = None) -> dict:
    """Run one measurement in a fresh process (or take it from ``--cache`` unless the method is re-run)."""
    key = CACHE / f"{method}_{n}_{Path(demo).name if demo else 'planted'}.json" if CACHE else None
    if key is not None and method not in FRESH and key.exists():
        return json.loads(key.read_text())
    res = _child(method, n, demo, all_sample, timeout, tfidf_blocks)
    if key is not None:
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_text(json.dumps(res))
    return res


def _child(method: str, n: int, demo: str | None, all_sample: int | None, timeout: float,
           tfidf_blocks: int | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", method, "--n", str(n)]
    if demo:
        cmd += ["--demo", demo]
    if all_sample:
        cmd += ["--all-sample", str(all_sample)]
    if tfidf_blocks:
        cmd += ["--tfidf-sample-blocks", str(tfidf_blocks)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True).stdout
    except subprocess.TimeoutExpired:
        return {"method": method, "n": n, "timeout": timeout}
    return json.loads(out.splitlines()[-1])


def pr(found, ref) -> tuple[float, float]:
    f, r = set(map(tuple, found)), set(map(tuple, ref))
    tp = len(f & r)
    return (tp / len(f) if f else 1.0), (tp / len(r) if r else 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000])
    ap.add_argument("--demo", help="a gxnlp synth corpus directory (with truth/reuse_pairs.jsonl)")
    ap.add_argument("--all-max", type=int, default=1000, help="largest n for which every pair is aligned")
    ap.add_argument("--all-sample", type=int, default=None,
                    help="pairs timed to extrapolate all-pairs alignment above --all-max (default 20000)")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--cache", help="directory keeping each measurement; with --methods only those are re-run")
    ap.add_argument("--methods", nargs="*", default=["lsh", "tfidf", "all"],
                    help="methods to measure (with --cache: to re-measure; the others are read from it)")
    ap.add_argument("--tfidf-sample-above", type=int, default=None,
                    help="above this many reports, TF-IDF all-pairs computes --tfidf-sample-blocks row blocks of "
                         "its similarity product (evenly spaced) and extrapolates the products and alignment")
    ap.add_argument("--tfidf-sample-blocks", type=int, default=10)
    ap.add_argument("--out", help="also write every measurement (JSON lines) here")
    ap.add_argument("--child")
    ap.add_argument("--n", type=int)
    args = ap.parse_args()
    if args.child:
        res = run_one(args.child, args.n, args.demo, args.all_sample if args.child == "all" else None,
                      args.tfidf_sample_blocks if args.child == "tfidf" and "--tfidf-sample-blocks" in sys.argv else None)
        print(json.dumps(res))
        return
    global CACHE, FRESH
    CACHE = Path(args.cache) if args.cache else None
    FRESH = set(args.methods)
    sample = args.all_sample or 20000
    runs = [(n, None) for n in args.sizes] + ([(0, args.demo)] if args.demo else [])
    print("| corpus | n | method | CPU s | wall s | peak RSS MB (corpus only) | candidates | aligned | pairs "
          "| recall vs TF-IDF | P / R vs planted truth |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, demo in runs:
        name = f"demo {Path(demo).name}" if demo else "planted"
        methods = ["lsh", "tfidf", "all"] if CACHE else [m for m in ("lsh", "tfidf", "all") if m in FRESH]
        res = {}
        for m in methods:
            blocks = args.tfidf_sample_blocks if (m == "tfidf" and args.tfidf_sample_above is not None
                                                  and n > args.tfidf_sample_above) else None
            all_sample = None if (n <= args.all_max and not demo) or m != "all" else sample
            res[m] = child(m, n, demo, all_sample, args.timeout, blocks)
            if args.out:
                with open(args.out, "a") as fh:
                    fh.write(json.dumps({k: v for k, v in res[m].items() if k not in ("pairs", "truth")}) + "\n")
        ref = res.get("tfidf")
        for m, r in res.items():
            if "timeout" in r:
                print(f"| {name} | {r['n']} | {m} | > {r['timeout']:.0f} (timeout) | | | | | | | |")
                continue
            if r.get("extrapolated_seconds"):
                cpu = f"~{r['extrapolated_seconds']} wall (extrapolated from {sample} pairs)"
            elif r.get("extrapolated_cpu_seconds"):
                st = r["stages"]
                cpu = (f"~{r['extrapolated_cpu_seconds']} (extrapolated: {st['blocks']} of {st['all_blocks']} row "
                       f"blocks computed, {r['cpu_seconds']} measured)")
            else:
                cpu = str(r["cpu_seconds"])
            rec = ""
            if r["pairs"] is not None and ref and ref.get("pairs") is not None and r is not ref:
                rec = f"{pr(r['pairs'], ref['pairs'])[1]:.3f}"
            prt = (f"{pr(r['pairs'], r['truth'])[0]:.3f} / {pr(r['pairs'], r['truth'])[1]:.3f}"
                   if r["pairs"] is not None else "")
            print(f"| {name} | {r['n']} | {m} | {cpu} | {r['seconds']} | {r['peak_rss_mb']} ({r['corpus_rss_mb']}) | "
                  f"{r['candidates'] if r['candidates'] is not None else ''} | {r.get('aligned') or ''} | "
                  f"{len(r['pairs']) if r['pairs'] is not None else ''} | {rec} | {prt} |")
        lsh = res.get("lsh")
        if lsh and ref and "cpu_seconds" in lsh and "cpu_seconds" in ref:
            ref_cpu = ref.get("extrapolated_cpu_seconds") or ref["cpu_seconds"]
            print(f"| {name} | {lsh['n']} | ratio | TF-IDF / LSH CPU = {ref_cpu / max(1e-9, lsh['cpu_seconds']):.1f}x; "
                  f"peak RSS {lsh['peak_rss_mb'] - lsh['corpus_rss_mb']:.0f} vs "
                  f"{ref['peak_rss_mb'] - ref['corpus_rss_mb']:.0f} MB above the corpus | | | | | | | |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
