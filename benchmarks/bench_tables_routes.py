"""Grid route vs text route on the same PDFs: cells per second and accuracy, in one run.

    python benchmarks/bench_tables_routes.py --n 40 --seed 7      # generated hard PDFs (unseen seed)

Generates ``--n`` hard PDFs (``gxnlp synth --hard-pdf``) into a temporary folder and adds the
one real PDF of ../shared (corpora/pdf/huaian_city_2024.pdf, gold tests/gold/tables/). Each
file is ingested once; then every route reads its tables: ``grid`` (pdfplumber's ruled tables),
``words`` (rows rebuilt from word positions), ``text`` (the page text, the baseline) and
``chosen`` (what ``gxnlp tables`` outputs: per table the reading whose identities hold).
Reports cells right / cells, cells per second of each route (ingest excluded, it is shared),
the identity violations planted vs found and the cross-year continuity breaks planted vs
found, with peak memory.
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _truth(folder: Path):
    cells: dict[str, dict] = defaultdict(dict)
    with open(folder / "truth" / "cells.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            cells[r["file"]][(r["table"], r["row"], r["column"])] = None if r["value"] == "" else float(r["value"])
    errors = defaultdict(set)
    for line in open(folder / "truth" / "errors.jsonl", encoding="utf-8"):
        e = json.loads(line)
        errors[e["file"]].add((e["rule"], e["table"], None if e["rule"] == "s3_column_balance" else e["row"], e["column"]))
    breaks = {(json.loads(x)["file"], json.loads(x)["column"]) for x in open(folder / "truth" / "continuity.jsonl")}
    return cells, errors, breaks


def _right(got: dict, gold: dict) -> int:
    ok = 0
    for k, want in gold.items():
        have = got.get(k)
        ok += (have is None and want is None) or (have is not None and want is not None and abs(float(have) - want) < 1e-6)
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()

    from gxnlp.ingest.read import read_document
    from gxnlp.structure.parse import structure
    from gxnlp.synth.hard_pdf import generate
    from gxnlp.tables.audit import IDENTITY_RULES, check
    from gxnlp.tables.continuity import continuity_findings, series_entry
    from gxnlp.tables.core import _read, readings
    from tables_gold import file_gold

    tmp = Path(tempfile.mkdtemp(prefix="hard_pdf_"))
    generate(tmp, n=args.n, seed=args.seed)
    gold_cells, planted, breaks = _truth(tmp)
    files = [(tmp / f, f, gold_cells[f]) for f in sorted(gold_cells)]
    real = Path(args.shared) / "corpora" / "pdf" / "huaian_city_2024.pdf"
    if real.exists():
        _p, g = file_gold("huaian_city_2024.json")
        files.append((real, "huaian_city_2024.pdf (real)", g))

    tracemalloc.start()
    stats = defaultdict(lambda: {"ok": 0, "n": 0, "secs": 0.0, "cells": 0})
    per_file = []
    missed, false, series = [], [], []
    t_ingest = 0.0
    for path, name, gold in files:
        t0 = time.perf_counter()
        report = structure(read_document(path))
        t_ingest += time.perf_counter() - t0
        doc = report.document
        row = {"file": name}
        # what each route costs to get out of the PDF (pdfplumber, each page parsed afresh)
        import pdfplumber

        from gxnlp.ingest.pdf_grids import ruled_grids, word_grid
        for route, fn in (("text", lambda pg, n: pg.extract_text()), ("grid", ruled_grids), ("words", word_grid)):
            with pdfplumber.open(path) as pdf:
                t0 = time.perf_counter()
                for n, pg in enumerate(pdf.pages, 1):
                    fn(pg, n)
                stats[route]["pdf_secs"] = stats[route].get("pdf_secs", 0.0) + time.perf_counter() - t0
        for route in ("grid", "words", "text"):
            t0 = time.perf_counter()
            sub = type(doc)(**{**doc.__dict__, "grids": [g for g in doc.grids if
                                                         (route == "grid" and g.kind == "pdf_ruled") or
                                                         (route == "words" and g.kind == "pdf_words")],
                               "text": doc.text if route == "text" else ""})
            got_t = readings(sub, None)
            dt = time.perf_counter() - t0
            t = next(iter(got_t.values()), None)
            got = {(c.table, c.row, c.column): c.value for c in t.cells} if t else {}
            ok = _right(got, gold)
            s = stats[route]
            s["ok"] += ok; s["n"] += len(gold); s["secs"] += dt; s["cells"] += len(got)
            row[route] = f"{ok}/{len(gold)}"
        t0 = time.perf_counter()
        chosen = _read(doc, None)
        dt = time.perf_counter() - t0
        got = {(c.table, c.row, c.column): c.value for c in chosen.cells}
        ok = _right(got, gold)
        s = stats["chosen"]
        s["ok"] += ok; s["n"] += len(gold); s["secs"] += dt; s["cells"] += len(got)
        row["chosen"] = f"{ok}/{len(gold)}"
        per_file.append(row)
        if not name.endswith("(real)"):
            from gxnlp.tables import extract
            df = extract(report)
            found = {(f.rule, f.table, None if f.rule == "s3_column_balance" else f.row, f.column)
                     for f in check(df) if f.rule in IDENTITY_RULES}
            missed += [(name, e) for e in planted.get(name, set()) - found]
            false += [(name, e) for e in found - planted.get(name, set())]
            cells = {(r.table, r.row, r.column): r.value for r in df.itertuples()}
            series.append(series_entry(report.report_id, name, report.agency, report.region, report.year, cells))
    cont = {(f.source, f.column) for f in continuity_findings(series)}
    peak = tracemalloc.get_traced_memory()[1] / 2**20

    print(f"# bench_tables_routes  {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC  {platform.machine()} "
          f"{platform.processor() or ''} python {platform.python_version()}")
    print(f"hard PDFs: n={args.n} seed={args.seed} (+ the real Huai'an PDF); ingest {t_ingest:.1f}s for all files")
    stats["chosen"]["pdf_secs"] = sum(stats[r]["pdf_secs"] for r in ("text", "grid", "words"))
    print("| route | cells right | accuracy | cells/s reading tables | cells/s incl. getting them out of the PDF |")
    print("| --- | --- | --- | --- | --- |")
    for route in ("text", "grid", "words", "chosen"):
        s = stats[route]
        print(f"| {route} | {s['ok']}/{s['n']} | {s['ok'] / max(1, s['n']):.4f} | {s['cells'] / max(s['secs'], 1e-9):,.0f} "
              f"| {s['cells'] / max(s['secs'] + s['pdf_secs'], 1e-9):,.0f} |")
    rate = {r: stats[r]["cells"] / (stats[r]["secs"] + stats[r]["pdf_secs"]) for r in ("text", "grid", "words", "chosen")}
    print(f"speed ratio to the text route (incl. PDF): grid {rate['grid'] / rate['text']:.2f}, words "
          f"{rate['words'] / rate['text']:.2f}, chosen (all three) {rate['chosen'] / rate['text']:.2f}")
    print(f"identity violations planted {sum(len(v) for v in planted.values())}, missed {len(missed)}, false alarms {len(false)}")
    print(f"continuity breaks planted {len(breaks)}, found {len(cont & breaks)}, false alarms {len(cont - breaks)}")
    print(f"peak traced memory {peak:.0f} MiB")
    bad = [r for r in per_file if any(r[k].split('/')[0] != r[k].split('/')[1] for k in ("chosen",))]
    for r in bad[:10]:
        print("  imperfect:", r)
    for m in missed[:5]:
        print("  missed:", m)
    for m in false[:5]:
        print("  false alarm:", m)


if __name__ == "__main__":
    main()
