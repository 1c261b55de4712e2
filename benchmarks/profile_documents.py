"""The per-document path alone (``analyse_path`` on every file, one process), for profiling:

    py-spy record -r 100 -f speedscope -o benchmarks/profiles/documents.speedscope -- \\
        python benchmarks/profile_documents.py CORPUS
    python benchmarks/profile_summary.py benchmarks/profiles/documents.speedscope

Prints CPU ms per report, and per stage (read, structure, tables+audit, statements, the report row).
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(corpus: str) -> None:
    import importlib

    from gxnlp.ingest.read import read_document
    from gxnlp.pipeline import iter_files
    from gxnlp.runner import Pass
    from gxnlp.structure.parse import structure

    B = importlib.import_module("gxnlp.dataset.build")
    files = list(iter_files([corpus]))
    cpu: dict[str, float] = defaultdict(float)
    t_all = time.process_time()
    for path in files:
        t0 = time.process_time()
        try:
            doc = read_document(path)
        except Exception:  # noqa: BLE001
            continue
        t1 = time.process_time()
        report = structure(doc)
        t2 = time.process_time()
        cpu["read"] += t1 - t0
        cpu["structure"] += t2 - t1
        p = Pass(str(path), report, {})
        for name, stage in B.DOCUMENT_STAGES.items():
            t = time.process_time()
            stage(p)
            cpu[name] += time.process_time() - t
        t = time.process_time()
        B.report_rows(p)  # the report row; the stages' cached work is reused, their rows rebuilt
        cpu["report row"] += time.process_time() - t
    total = time.process_time() - t_all
    print(f"{len(files)} files, {1000 * total / len(files):.2f} ms CPU per report (first-use imports included)")
    for k, v in cpu.items():
        print(f"  {k:<12} {1000 * v / len(files):6.2f} ms  {100 * v / total:5.1f}%")


if __name__ == "__main__":
    main(sys.argv[1])
