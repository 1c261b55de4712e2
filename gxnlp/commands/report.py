"""``gxnlp report``: one self-contained comparative HTML page about a corpus."""
from __future__ import annotations

from pathlib import Path

import typer

from ..model import DEFAULT_SEED
from ._common import (RunSummary, atomic_output, check_output_file, make_limits, max_memory_option, max_mb_option,
                      run_stages, timeout_option)


def report(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML file to write."),
    max_pairs: int = typer.Option(40, help="Pairs shown with aligned passages (most copied first)."),
    audit: bool = typer.Option(True, "--audit/--no-audit", help="Run the table audit (gxnlp.validate) when available."),
    seed: int = typer.Option(DEFAULT_SEED, help="MinHash seed (same corpus + seed = same page)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
) -> None:
    """Write a comparative HTML report: corpus overview, reuse share by year / template / agency,
    pairwise reuse heat map, clusters with their model text, aligned passages with the copied
    spans marked, stock phrases, and table-audit findings.

    Bad files are listed on the page and the run goes on (exit status 1); files that are not
    reports are skipped; one summary line on stderr. No page is written when there is no report.
    """
    import pandas as pd

    from ..report.reuse import render_report
    from ..reuse import ReuseDetector
    from ..runner import stage_value
    from ..tables.audit import FINDING_COLUMNS

    check_output_file(out)
    errors: list[dict] = []
    summary = RunSummary()
    files = summary.expand(paths)
    # One pass per file: the reuse record and the table audit come from the same reading.
    stages = ("reuse", "audit") if audit else ("reuse",)
    docs, rows = [], []
    for rec in run_stages(files, stages, workers=workers, limits=make_limits(max_mb, timeout, max_memory)):
        doc = stage_value(rec, "reuse")
        if not summary.add(doc):
            errors.append(doc)
            continue
        docs.append(doc)
        if audit:
            rows.extend(stage_value(rec, "audit").get("findings", []))
    if not docs:
        summary.finish()
    det = ReuseDetector(seed=seed).fit(docs)
    findings, note = (pd.DataFrame(rows, columns=FINDING_COLUMNS), None) if audit else \
        (None, "table audit skipped (--no-audit)")
    html = render_report(det, findings=findings, audit_note=note, errors=errors, max_pairs=max_pairs)
    with atomic_output(out, "w", encoding="utf-8") as handle:
        handle.write(html)
    summary.finish(detail=f"{len(det.pairs_)} pairs, {len(det.clusters_)} clusters; wrote {out}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
