"""``gxnlp report``: one self-contained comparative HTML page about a corpus."""
from __future__ import annotations

from pathlib import Path

import typer

from ..pipeline import process_map
from ._common import expand_paths, stderr, track
from ..model import DEFAULT_SEED


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

    Bad files are listed on the page and the run goes on; the exit status is 1 if any failed.
    """
    from ..report.reuse import render_report
    from ..reuse import ReuseDetector
    from .reuse import read_corpus

    errors: list[dict] = []
    files = expand_paths(paths)
    w = 1 if len(files) < 8 and workers is None else workers
    docs = read_corpus(paths, w, errors.append)
    det = ReuseDetector(seed=seed).fit(docs)
    findings, note = _audit(files, w) if audit else (None, "table audit skipped (--no-audit)")
    html = render_report(det, findings=findings, audit_note=note, errors=errors, max_pairs=max_pairs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    stderr.print(f"wrote {out} ({len(det.docs_)} reports, {len(det.pairs_)} pairs, {len(det.clusters_)} clusters)")
    if errors:
        stderr.print(f"[yellow]{len(errors)} files failed[/yellow]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
