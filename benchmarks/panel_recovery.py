"""Panel recovery on a generated panel corpus (``gxnlp synth --panel``) against its truth.

    python benchmarks/panel_recovery.py [--agencies 40] [--seed 11] [--keep DIR]

Reports: agency identity (pairs of reports of one true agency that share a key, and the reverse),
coverage (missing years and duplicate versions found), carry-over breaks found, promise tracking
(accuracy of kept / not kept per promise; per-agency follow-through rate vs the truth's), and the
time of each step. Seeds other than the ones the code was developed on are held out (see docs/panel.md).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz  # noqa: E402

from gxnlp.panel.compare import norm_text  # noqa: E402
from gxnlp.panel.records import from_path  # noqa: E402
from gxnlp.panel.series import build_panel  # noqa: E402
from gxnlp.pipeline import iter_files, process_map  # noqa: E402
from gxnlp.synth.panel import generate_panel  # noqa: E402


def _jsonl(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def evaluate(root: Path, workers: int = 2) -> dict:
    t0 = time.perf_counter()
    reports = [r for r in process_map(from_path, iter_files([root]), workers=workers) if not isinstance(r, dict)]
    t1 = time.perf_counter()
    import resource
    import tracemalloc

    from gxnlp.reuse.detector import ReuseDetector, ReuseDoc

    # baseline: the reuse detector alone on the same narratives (what `gxnlp reuse` computes);
    # times first, then peak memory (tracemalloc slows Python down) in a second pass of each
    docs_r = [ReuseDoc(r.report_id, "\n".join(x for x in (r.sections.get("overview"), r.sections.get("problems")) if x),
                       agency=r.agency, year=r.year, published=r.published, source=r.source, meta={"region": r.region})
              for r in reports]
    t_reuse = time.perf_counter()
    ReuseDetector(seed=1).fit(docs_r)
    t_panel = time.perf_counter()
    panel = build_panel(reports)
    t_end = time.perf_counter()
    tracemalloc.start()
    ReuseDetector(seed=1).fit(docs_r)
    base_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    build_panel(reports)
    panel_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    speed = {"reuse_detector_s": round(t_panel - t_reuse, 2), "panel_s": round(t_end - t_panel, 2),
             "panel_over_reuse": round((t_end - t_panel) / max(1e-9, t_panel - t_reuse), 2),
             "peak_mb_reuse": round(base_peak / 2**20, 1), "peak_mb_panel": round(panel_peak / 2**20, 1),
             "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    docs = _jsonl(root / "truth" / "panel_documents.jsonl")
    true_of = {d["report_id"]: d["agency_id"] for d in docs}
    file_of = {d["report_id"]: d["file"] for d in docs}
    rid_of = {d["file"]: d["report_id"] for d in docs}
    key_of = {r.report_id: r.agency_key for r in reports}
    ids = sorted(true_of)
    same_true = same_key = both = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            t, k = true_of[a] == true_of[b], key_of.get(a) == key_of.get(b)
            same_true += t
            same_key += k
            both += t and k
    by_true = defaultdict(set)
    for r, a in true_of.items():
        by_true[a].add(key_of.get(r))
    by_key = defaultdict(set)
    for r, k in key_of.items():
        by_key[k].add(true_of.get(r))
    exact = sum(len(ks) == 1 and len(by_key[next(iter(ks))]) == 1 for ks in by_true.values())
    # coverage
    true_years = defaultdict(lambda: defaultdict(int))
    for d in docs:
        true_years[d["agency_id"]][d["year"]] += 1
    true_missing = {(a, y) for a, ys in true_years.items() for y in range(min(ys), max(ys) + 1) if y not in ys}
    true_dup = {(a, y) for a, ys in true_years.items() for y, n in ys.items() if n > 1}
    rep_true = {}  # a key -> the true agency most of its reports belong to
    for k, rs in defaultdict(list, {k: [r for r in key_of if key_of[r] == k] for k in set(key_of.values())}).items():
        trues = [true_of[r] for r in rs if r in true_of]
        rep_true[k] = max(set(trues), key=trues.count) if trues else None
    cov = panel.coverage
    found_missing = {(rep_true[r.agency_key], r.year) for r in cov.itertuples() if r.status == "missing"}
    found_dup = {(rep_true[r.agency_key], r.year) for r in cov.itertuples() if r.status == "duplicate"}
    # continuity
    cont_truth = _jsonl(root / "truth" / "panel_continuity.jsonl")
    year_of = {d["report_id"]: d["year"] for d in docs}
    # by true agency and year: the panel compares one version of a year published twice
    true_breaks = {(true_of[rid_of[c["file"]]], c["year"], c["column"]) for c in cont_truth if c["break"]}
    found_breaks = {(true_of.get(r.report_id), year_of.get(r.report_id), r.column) for r in panel.continuity.itertuples()
                    if r.column != "total"}
    # promises
    prom_truth = _jsonl(root / "truth" / "panel_promises.jsonl")
    found = defaultdict(list)
    for p in panel.promises.itertuples():
        found[p.report_id].append(p)
    matched, right, agency_rates = 0, 0, defaultdict(lambda: [0, 0, 0, 0])
    for t in prom_truth:
        cands = found.get(rid_of[t["file"]], [])
        best = max(cands, key=lambda p: fuzz.ratio(norm_text(p.text), norm_text(t["text"])), default=None)
        a = true_of[rid_of[t["file"]]]
        agency_rates[a][0] += 1
        agency_rates[a][1] += t["kept"]
        if best is None or fuzz.ratio(norm_text(best.text), norm_text(t["text"])) < 80:
            continue
        matched += 1
        right += bool(best.kept) == t["kept"]
        agency_rates[a][2] += 1
        agency_rates[a][3] += bool(best.kept)
    tp = sum(1 for t in prom_truth if t["kept"])
    found_rates = panel.agencies.set_index("agency_key").follow_through
    errs = []
    for a, (n, k, nm, kf) in agency_rates.items():
        if n and nm:
            errs.append(abs(k / n - kf / nm))
    kept_pred = [(bool(p.kept)) for p in panel.promises.itertuples()]
    return {
        "reports": len(reports), "true_agencies": len(by_true), "keys": len(set(key_of.values())),
        "identity_pair_precision": round(both / same_key, 4) if same_key else None,
        "identity_pair_recall": round(both / same_true, 4) if same_true else None,
        "agencies_recovered_exactly": f"{exact}/{len(by_true)}",
        "renamed_agencies": sum(len({d['agency'] for d in docs if d['agency_id'] == a}) > 1 for a in by_true),
        "missing_years": {"true": len(true_missing), "found": len(found_missing), "correct": len(true_missing & found_missing)},
        "duplicate_years": {"true": len(true_dup), "found": len(found_dup), "correct": len(true_dup & found_dup)},
        "carry_over_breaks": {"true": len(true_breaks), "found": len(found_breaks), "correct": len(true_breaks & found_breaks)},
        "promises": {"true": len(prom_truth), "true_kept": tp, "matched": matched, "found": len(kept_pred),
                     "accuracy": round(right / matched, 4) if matched else None},
        "follow_through_mae_per_agency": round(sum(errs) / len(errs), 4) if errs else None,
        "true_follow_through": round(tp / len(prom_truth), 4) if prom_truth else None,
        "found_follow_through": round(sum(kept_pred) / len(kept_pred), 4) if kept_pred else None,
        "seconds": {"read": round(t1 - t0, 1), **speed},
        "n_found_rates": int(found_rates.notna().sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=40)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp()) / "panel"
    if not (root / "truth" / "panel_documents.jsonl").exists():
        print(json.dumps(generate_panel(root, n_agencies=args.agencies, seed=args.seed), ensure_ascii=False))
    print(json.dumps({"seed": args.seed, **evaluate(root, args.workers)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
