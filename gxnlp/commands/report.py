"""``gxnlp report``: one self-contained comparative HTML page about a corpus."""
from __future__ import annotations

from pathlib import Path

import typer

from ..pipeline import process_map
from ..model import DEFAULT_SEED
from ._common import RunSummary, atomic_output, check_output_file, track


def _audit(files: list[Path], workers: int | None):
    """Table-audit findings from :mod:`gxnlp.validate` (``None`` and a note when it is absent)."""
    try:
        from ..tables.audit import FINDING_COLUMNS, validate_record
    except ImportError:
        return None, "table audit not available (gxnlp.validate is not installed in this version)"
    import pandas as pd

    rows = []
    for rec in track(process_map(validate_record, files, workers=workers), len(files), "auditing tables"):
        for f in rec.get("findings", []):
            rows.append(f)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS), None


def report(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML file to write."),
    max_pairs: int = typer.Option(40, help="Pairs shown with aligned passages (most copied first)."),
    audit: bool = typer.Option(True, "--audit/--no-audit", help="Run the table audit (gxnlp.validate) when available."),
    seed: int = typer.Option(DEFAULT_SEED, help="MinHash seed (same corpus + seed = same page)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
) -> None:
    """Write a comparative HTML report: corpus overview, reuse share by year / template / agency,
    pairwise reuse heat map, clusters with their model text, aligned passages with the copied
    spans marked, stock phrases, and table-audit findings.

    Bad files are listed on the page and the run goes on (exit status 1); files that are not
    reports are skipped; one summary line on stderr. No page is written when there is no report.
    """
    from ..report.reuse import render_report
    from ..reuse import ReuseDetector
    from .reuse import read_corpus

    check_output_file(out)
    errors: list[dict] = []
    summary = RunSummary()
    docs = read_corpus(paths, workers, errors.append, summary)
    if not docs:
        summary.finish()
    files = [Path(d.source) for d in docs if d.source]
    w = 1 if len(files) < 8 and workers is None else workers
    det = ReuseDetector(seed=seed).fit(docs)
    findings, note = _audit(files, w) if audit else (None, "table audit skipped (--no-audit)")
    html = render_report(det, findings=findings, audit_note=note, errors=errors, max_pairs=max_pairs)
    with atomic_output(out, "w", encoding="utf-8") as handle:
        handle.write(html)
    summary.finish(detail=f"{len(det.pairs_)} pairs, {len(det.clusters_)} clusters; wrote {out}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
