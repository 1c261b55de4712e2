"""Measure the is-it-a-report detector (``gxnlp.structure.detect``): acceptance of real and
generated reports, rejection of non-reports, which evidence decided, and what the check costs.

Data: every file under ../shared (real reports plus two markdown notes), the demo corpus,
tests/data/not_reports (non-report texts written for the test) — all seen while the detector was
developed — and tests/data/not_reports_heldout, written and committed before the detector ran on it. Cost: parsing
with the check against parsing without it (``require_report=False``), same files, same run.

    PYTHONPATH=. python benchmarks/is_report.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from gxnlp.pipeline import iter_files
from gxnlp.structure.detect import balanced_rows, bodied_sections, has_report_title, report_evidence
from gxnlp.structure.parse import parse_path

ROOT = Path(__file__).resolve().parents[1]


def measure(name: str, files: list[Path], expect_report: bool) -> None:
    right, signals, wrong = 0, {"title": 0, "sections": 0, "tables": 0}, []
    for path in files:
        report = parse_path(path, require_report=False)
        ok = report_evidence(report).is_report == expect_report
        right += ok
        if not ok:
            wrong.append(path.name)
        signals["title"] += has_report_title(report)
        signals["sections"] += bodied_sections(report) >= 3
        signals["tables"] += balanced_rows(report) >= 2
    verb = "accepted" if expect_report else "rejected"
    print(f"| {name} | {len(files)} | {right}/{len(files)} {verb} | title {signals['title']}, sections "
          f"{signals['sections']}, tables {signals['tables']} | {', '.join(wrong) or '—'} |")


def cost(files: list[Path], repeats: int = 3) -> None:
    """Best of ``repeats`` interleaved runs (the machine may be shared)."""
    timings: dict[bool, float] = {False: float("inf"), True: float("inf")}
    for _ in range(repeats):
        for require in (False, True):
            start = time.perf_counter()
            for path in files:
                try:
                    parse_path(path, require_report=require)
                except Exception:  # noqa: BLE001 - not_a_report files: still timed
                    pass
            timings[require] = min(timings[require], time.perf_counter() - start)
    print(f"\nparse time over {len(files)} files (best of {repeats}): {timings[False]:.2f} s without the check, "
          f"{timings[True]:.2f} s with it (ratio {timings[True] / timings[False]:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    shared = sorted(iter_files([args.shared])) if args.shared.exists() else []
    notes = [p for p in shared if p.name in ("domain.md", "table_keys.md")]
    real = [p for p in shared if p not in notes]
    demo = sorted(iter_files([ROOT / "corpora" / "demo"]))
    others = sorted((ROOT / "tests" / "data" / "not_reports").iterdir())
    heldout = sorted((ROOT / "tests" / "data" / "not_reports_heldout").iterdir())
    print("| data | files | result | decided by (title / ≥3 sections / ≥2 balanced table rows) | wrong |")
    print("| --- | --- | --- | --- | --- |")
    if real:
        measure("real reports (../shared)", real, True)
        measure("notes beside them (domain.md, table_keys.md)", notes, False)
    measure("demo corpus", demo, True)
    measure("non-reports (tests/data/not_reports)", others, False)
    measure("held-out non-reports (tests/data/not_reports_heldout)", heldout, False)
    cost(demo[:100] + others)


if __name__ == "__main__":
    main()
