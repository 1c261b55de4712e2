"""Extraction and audit scored against the generated demo corpus's truth (corpora/demo/truth)."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
N_FILES = 50  # a fixed, layout-varied slice keeps the suite fast; the benchmark scores all


@pytest.fixture(scope="module")
def demo_truth():
    if not (DEMO / "truth" / "cells.csv").exists():
        pytest.skip("no generated corpus at corpora/demo (gxnlp synth)")
    cells: dict[str, dict] = defaultdict(dict)
    with open(DEMO / "truth" / "cells.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            cells[r["file"]][(r["table"], r["row"], r["column"])] = None if r["value"] == "" else float(r["value"])
    errors: dict[str, set] = defaultdict(set)
    for line in open(DEMO / "truth" / "errors.jsonl", encoding="utf-8"):
        e = json.loads(line)
        errors[e["file"]].add((e["rule"], e["table"], None if e["rule"] == "s3_column_balance" else e["row"], e["column"]))
    files = sorted(cells)
    step = max(1, len(files) // N_FILES)
    return [(f, cells[f], errors.get(f, set())) for f in files[::step][:N_FILES]]


def test_demo_cells_and_planted_errors(demo_truth):
    from gxnlp.ingest.read import read_document
    from gxnlp.structure.parse import structure
    from gxnlp.tables import extract
    from gxnlp.tables.audit import IDENTITY_RULES, check

    ok = n = 0
    missed, false, gaps = [], [], []
    for rel, gold, planted in demo_truth:
        report = structure(read_document(DEMO / rel))
        df = extract(report)
        got = {(r.table, r.row, r.column): r.value for r in df.itertuples()}
        for key, want in gold.items():
            have = got.get(key)
            ok += (have is None and want is None) or (have is not None and want is not None and abs(have - want) < 1e-6)
            n += 1
        findings = check(df, report.document.text)
        found = {(f.rule, f.table, None if f.rule == "s3_column_balance" else f.row, f.column)
                 for f in findings if f.rule in IDENTITY_RULES + ("narrative_table_mismatch",)}
        gaps += [(rel, f.message) for f in findings if f.rule in ("table_incomplete", "unverifiable")]
        missed += [(rel, e) for e in planted - found]
        false += [(rel, e) for e in found - planted]
    assert n > 3000
    assert ok / n >= 0.995, f"{ok}/{n}"
    assert missed == [] and false == []
    assert gaps == []  # every cell of the slice was read


def test_validate_finds_every_planted_error_and_break_and_nothing_else():
    """`gxnlp validate corpora/demo` (the whole corpus): every planted identity violation and narrative
    mismatch of truth/errors.jsonl, every cross-year continuity break of truth/continuity.jsonl (each
    agency's other consecutive years continue), no other identity or continuity finding, no cell
    left unread. The findings not about errors (blank cells counted, fee notices) are not checked here."""
    import subprocess
    import sys

    if not (DEMO / "truth" / "continuity.jsonl").exists():
        pytest.skip("no generated corpus at corpora/demo (gxnlp synth)")
    proc = subprocess.run([sys.executable, "-m", "gxnlp.cli", "validate", str(DEMO), "-j", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    findings = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    rel = lambda f: Path(f["source"]).resolve().relative_to(DEMO.resolve()).as_posix()  # noqa: E731
    planted = {(e["file"], e["rule"], None if e["rule"] == "s3_column_balance" else e["row"], e["column"])
               for e in map(json.loads, open(DEMO / "truth" / "errors.jsonl", encoding="utf-8"))}
    breaks = {(b["file"], b["column"]) for b in map(json.loads, open(DEMO / "truth" / "continuity.jsonl", encoding="utf-8"))}
    assert breaks  # the generator plants them
    from gxnlp.tables.audit import IDENTITY_RULES

    found = {(rel(f), f["rule"], None if f["rule"] == "s3_column_balance" else f["row"], f["column"])
             for f in findings if f["rule"] in IDENTITY_RULES + ("narrative_table_mismatch",)}
    assert found == planted
    assert {(rel(f), f["column"]) for f in findings if f["rule"] == "cross_year_continuity"} == breaks
    assert not [f for f in findings if f["rule"] in ("table_incomplete", "unverifiable")]
