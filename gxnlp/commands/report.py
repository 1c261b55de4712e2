"""``gxnlp report``: one self-contained comparative HTML page about a corpus."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import expand_paths, make_limits, max_memory_option, max_mb_option, run_stages, stderr, timeout_option


def report(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML file to write."),
    max_pairs: int = typer.Option(40, help="Pairs shown with aligned passages (most copied first)."),
    audit: bool = typer.Option(True, "--audit/--no-audit", help="Run the table audit (gxnlp.validate) when available."),
    seed: int = typer.Option(1, help="MinHash seed (same corpus + seed = same page)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
) -> None:
    """Write a comparative HTML report: corpus overview, reuse share by year / template / agency,
    pairwise reuse heat map, clusters with their model text, aligned passages with the copied
    spans marked, stock phrases, and table-audit findings.

    Every file is read once (reuse and the table audit come from the same pass). Bad files are
    listed on the page and the run goes on; the exit status is 1 if any failed.
    """
    import pandas as pd

    from ..report.reuse import render_report
    from ..reuse import ReuseDetector
    from ..runner import stage_value
    from ..tables.audit import FINDING_COLUMNS

    errors: list[dict] = []
    files = expand_paths(paths)
    stages = ("reuse", "audit") if audit else ("reuse",)
    docs, rows = [], []
    for rec in run_stages(files, stages, workers=workers, limits=make_limits(max_mb, timeout, max_memory)):
        doc = stage_value(rec, "reuse")
        if isinstance(doc, dict):
            errors.append(doc)
            continue
        docs.append(doc)
        if audit:
            found = stage_value(rec, "audit")
            rows.extend(found.get("findings", []))
    det = ReuseDetector(seed=seed).fit(docs)
    findings, note = (pd.DataFrame(rows, columns=FINDING_COLUMNS), None) if audit else \
        (None, "table audit skipped (--no-audit)")
    html = render_report(det, findings=findings, audit_note=note, errors=errors, max_pairs=max_pairs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    stderr.print(f"wrote {out} ({len(det.docs_)} reports, {len(det.pairs_)} pairs, {len(det.clusters_)} clusters)")
    if errors:
        stderr.print(f"[yellow]{len(errors)} files failed[/yellow]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
