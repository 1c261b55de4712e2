"""Pre-2019 statistics annexes: cells right per reading (grid, PDF word rows, text) and as chosen.

Scores every ``pre2019`` cell of a generated corpus's ``truth/cells.csv``: the demo corpus
(``--demo corpora/demo``: annexes in every layout, 40% of the 2016-2018 reports), and/or the
annex corpus ``gxnlp synth --pre2019-annex`` writes at ``--seed`` (HTML, Word and PDF grids: ruled,
frame-only and unruled PDFs, labels wrapping in their cells, misprinted labels, the columns printed
cumulative first, a blank 历年累计); measure on a seed the code was not developed on.

    python benchmarks/bench_pre2019.py --seed 13 --n 60
    python benchmarks/bench_pre2019.py --demo corpora/demo
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def truth_cells(folder: Path) -> dict[str, dict[tuple[str, str], float | None]]:
    out: dict[str, dict] = defaultdict(dict)
    with open(folder / "truth" / "cells.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["table"] == "pre2019":
                out[r["file"]][(r["row"], r["column"])] = None if r["value"] == "" else float(r["value"])
    return out


def score(folder: Path) -> dict[str, list[int]]:
    from gxnlp.ingest.read import read_document
    from gxnlp.tables import extract
    from gxnlp.tables.pre2019 import pre2019_readings

    gold = truth_cells(folder)
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[str] = []
    for rel, cells in sorted(gold.items()):
        doc = read_document(folder / rel)
        readings = pre2019_readings(doc)
        chosen = {(r.row, r.column): r.value for r in extract(doc).itertuples() if r.table == "pre2019"}
        got_by_route = {name: {(c.row, c.column): c.value for c in t.cells} for name, t in readings.items()}
        got_by_route["chosen"] = chosen
        fmt = rel.rsplit(".", 1)[-1]
        for name, got in got_by_route.items():
            for key, want in cells.items():
                have = got.get(key, "missing")
                ok = (have is None and want is None) or (isinstance(have, (int, float)) and want is not None
                                                         and abs(have - want) < 1e-6)
                right[name][0] += ok
                right[name][1] += 1
                if name == "chosen":
                    right[f"chosen/{fmt}"][0] += ok
                    right[f"chosen/{fmt}"][1] += 1
                    if not ok:
                        wrong.append(f"{rel} {key}: want {want} got {have}")
        for name in ("grid", "words", "text"):
            if name not in got_by_route:
                right[name][1] += len(cells)
    for w in wrong[:20]:
        print("  wrong:", w)
    return right


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="generate the annex corpus at this seed and score it")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--demo", type=Path, default=None, help="score a generated corpus's pre2019 cells")
    args = ap.parse_args()
    folders = []
    tmp = None
    if args.demo:
        folders.append(args.demo)
    if args.seed is not None:
        from gxnlp.synth.pre2019_annex import generate

        tmp = tempfile.TemporaryDirectory()
        generate(tmp.name, n=args.n, seed=args.seed)
        folders.append(Path(tmp.name))
    for folder in folders:
        tracemalloc.start()
        t0 = time.perf_counter()
        right = score(folder)
        secs = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{folder if folder != Path(tmp.name if tmp else '') else f'annex corpus seed {args.seed}'}:"
              f" {secs:.1f} s, peak traced memory {peak:.0f} MiB")
        print("  | reading | cells right | accuracy |")
        for name, (ok, n) in sorted(right.items()):
            print(f"  | {name} | {ok}/{n} | {ok / max(n, 1):.4f} |")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
