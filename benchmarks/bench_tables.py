"""Benchmark of table extraction and audit.

Throughput: reports/second of ``read_document -> structure -> tables.extract`` against the
baseline of simply reading the same files with ``read_document`` (measured in the same run),
plus the extraction step alone on already-read documents.

Accuracy: on the real reports against the gold cells (tests/gold/tables, the Pingtan
tables.json), and -- when a generated corpus exists (``corpora/demo``, made by ``gxnlp synth``)
-- against its truth: every cell of ``truth/cells.csv``, every planted error of
``truth/errors.jsonl`` found by ``gxnlp.tables.audit.check``, and no false alarm.

    python benchmarks/bench_tables.py [--demo corpora/demo] [--repeat 3] [--limit 0]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gxnlp.ingest.read import read_document  # noqa: E402
from gxnlp.structure.parse import structure  # noqa: E402
from gxnlp.tables import extract  # noqa: E402
from gxnlp.tables.audit import IDENTITY_RULES, check  # noqa: E402


def real_files(shared: Path) -> list[Path]:
    files = sorted((shared / "corpora" / "pingtan").glob("*/page.txt"))
    files += sorted((shared / "seeds").glob("*.txt"))
    files += sorted((shared / "corpora" / "pdf").glob("*.pdf"))
    return files


def timed(fn, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for x in items:
            fn(x)
        best = min(best, time.perf_counter() - t0)
    return best


def throughput(files: list[Path], repeat: int, label: str) -> None:
    n = len(files)
    t_read = timed(read_document, files, repeat)
    t_full = timed(lambda p: extract(structure(read_document(p))), files, repeat)
    docs = [read_document(p) for p in files]
    t_ext = timed(extract, docs, repeat)
    print(f"[{label}] {n} files (best of {repeat})")
    print(f"  baseline read_document        {n / t_read:8.1f} reports/s")
    print(f"  read+structure+extract        {n / t_full:8.1f} reports/s   ratio to reading {t_read / t_full:.2f}")
    print(f"  extract only (docs in memory) {n / t_ext:8.1f} reports/s   ratio to reading {t_read / t_ext:.2f}")


def real_accuracy(shared: Path) -> None:
    from tables_gold import RENDERERS, compare, file_gold, pingtan_gold, pingtan_grids, render

    from gxnlp.model import Document

    tot: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    split = json.loads((ROOT / "tests" / "gold" / "tables" / "split.json").read_text(encoding="utf-8"))
    part_of = {k: part for part in ("development", "held_out") for k in split[part]}

    def add(name, df, gold, key):
        ok, n, _bad = compare(df, gold)
        for label in (f"{name} [{part_of[key]}]", f"all files [{part_of[key]}]"):
            tot[label][0] += ok
            tot[label][1] += n

    for d in sorted((shared / "corpora" / "pingtan").glob("py20*")):
        if not (d / "tables.json").exists():
            continue
        key = f"pingtan:{d.name[2:6]}"
        tj = json.loads((d / "tables.json").read_text(encoding="utf-8"))
        gold = pingtan_gold(tj)
        add("pingtan glued page.txt", extract(structure(read_document(d / "page.txt"))), gold, key)
        add("pingtan HTML grids", extract(Document("g", "g", "", "html", html_tables=pingtan_grids(tj))), gold, key)
        for layout in RENDERERS:
            add(f"pingtan as {layout}", extract(Document("t", "t", render(tj, layout), "txt")), gold, key)
    for name in ["seed_000.json", "seed_001.json", "seed_002.json", "seed_003.json"]:
        path, gold = file_gold(name)
        add("seeds (4 with tables)", extract(structure(read_document(shared / path))), gold, name)
    path, gold = file_gold("huaian_city_2024.json")
    add("Huai'an PDF", extract(structure(read_document(shared / path))), gold, "huaian_city_2024.json")
    print("[real reports] cell accuracy vs gold (tests/gold/tables/split.json: development vs frozen held-out)")
    for name, (ok, n) in sorted(tot.items(), key=lambda kv: (kv[0].startswith("all"), kv[0])):
        print(f"  {name:42s} {ok:5d}/{n:<5d} = {ok / n:.4f}")


def _num(s: str):
    s = s.strip()
    if s == "":
        return None
    return float(s)


def demo_scores(demo: Path, limit: int) -> None:
    truth = demo / "truth"
    cells: dict[str, dict[tuple[str, str, str], float | None]] = defaultdict(dict)
    with open(truth / "cells.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            cells[r["file"]][(r["table"], r["row"], r["column"])] = _num(r["value"])
    errors: dict[str, set] = defaultdict(set)
    for line in open(truth / "errors.jsonl", encoding="utf-8"):
        e = json.loads(line)
        key = (e["rule"], e["table"], e.get("row") if e["rule"] != "s3_column_balance" else None, e.get("column"))
        errors[e["file"]].add(key)
    files = sorted(cells)
    if limit:
        files = files[:limit]
    ok = n = 0
    by_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    layouts = {}
    for line in open(truth / "documents.jsonl", encoding="utf-8"):
        d = json.loads(line)
        layouts[d["file"]] = d.get("layout", "?")
    tp = fn = fp = 0
    fp_rules: Counter = Counter()
    fn_rules: Counter = Counter()
    t0 = time.perf_counter()
    failed = 0
    for rel in files:
        try:
            rep = structure(read_document(demo / rel))
        except Exception:  # noqa: BLE001 - a file that cannot be read scores as all cells wrong
            failed += 1
            n += len(cells[rel])
            by_layout[layouts.get(rel, "?")][1] += len(cells[rel])
            continue
        df = extract(rep)
        got = {(r.table, r.row, r.column): r.value for r in df.itertuples()}
        lay = by_layout[layouts.get(rel, "?")]
        for key, want in cells[rel].items():
            have = got.get(key)
            right = (have is None and want is None) or (
                have is not None and want is not None and abs(float(have) - want) < 1e-6)
            ok += right
            lay[0] += right
            n += 1
            lay[1] += 1
        found = {(f.rule, f.table, f.row if f.rule != "s3_column_balance" else None, f.column)
                 for f in check(df, rep.document.text) if f.rule in IDENTITY_RULES + ("narrative_table_mismatch",)}
        want_err = errors.get(rel, set())
        tp += len(found & want_err)
        fn += len(want_err - found)
        fp += len(found - want_err)
        fp_rules.update(k[0] for k in found - want_err)
        fn_rules.update(k[0] for k in want_err - found)
    secs = time.perf_counter() - t0
    print(f"[demo corpus {demo}] {len(files)} reports in {secs:.1f}s ({len(files) / secs:.1f} reports/s), {failed} unreadable")
    print(f"  cell accuracy vs truth/cells.csv   {ok}/{n} = {ok / max(n, 1):.4f}")
    for lay, (a, b) in sorted(by_layout.items()):
        print(f"    {lay:22s} {a:6d}/{b:<6d} = {a / max(b, 1):.4f}")
    print(f"  planted errors found (recall)      {tp}/{tp + fn} = {tp / max(tp + fn, 1):.4f}   missed by rule: {dict(fn_rules)}")
    print(f"  false alarms                       {fp}   by rule: {dict(fp_rules)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--demo", type=Path, default=ROOT / "corpora" / "demo")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N demo reports (0 = all)")
    args = ap.parse_args()
    if (args.shared / "seeds").exists():
        throughput(real_files(args.shared), args.repeat, "real reports")
        real_accuracy(args.shared)
    else:
        print(f"no real reports at {args.shared}")
    if (args.demo / "truth" / "cells.csv").exists():
        demo_files = sorted(p for p in args.demo.rglob("*") if p.is_file() and "truth" not in p.parts)
        if args.limit:
            demo_files = demo_files[: args.limit]
        throughput(demo_files, 1, "demo corpus")
        demo_scores(args.demo, args.limit)
    else:
        print(f"no generated corpus at {args.demo} (run `gxnlp synth` first)")


if __name__ == "__main__":
    main()
