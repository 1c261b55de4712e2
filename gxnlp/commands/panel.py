"""``gxnlp panel``: every agency with two or more years, compared year over year (HTML pages + tables)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ..panel.records import PanelReport, from_path
from ..pipeline import process_map
from ._common import RunSummary, check_output_dir, echo_json, fail, track


def read_panel_reports(files: list[Path], workers: int | None, summary: RunSummary) -> list[PanelReport]:
    """Everything the panel uses of each file; error records are printed (JSON) and counted."""
    workers = 1 if len(files) < 8 and workers is None else workers
    out = []
    for rec in track(process_map(from_path, files, workers=workers), len(files), "reading"):
        if summary.add(rec):
            out.append(rec)
        else:
            echo_json(rec)
    return out


def panel(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for index.html, one page per agency and the panel_*.csv tables."),
    aliases: Path = typer.Option(None, "--aliases", help="Alias table (CSV name,canonical) overriding agency identity."),
    reviews: Path = typer.Option(None, "--reviews", help="Review file of audit findings (see gxnlp review) shown on the pages."),
    min_years: int = typer.Option(2, help="Agencies with at least this many report years get a page."),
    seed: int = typer.Option(1, help="Seed of the reuse detector (same corpus + seed = same output)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
) -> None:
    """Agency panels: one agency key across renamings, coverage, table deltas with the 上年结转
    continuity check, narrative copied from earlier years, problems and measures new / repeated /
    dropped, and promise tracking. Unreadable files print an "error" record (exit status 1); files
    that are not reports are skipped; a bad alias or review file is exit status 2; one summary line
    on stderr."""
    from ..panel.identity import load_aliases
    from ..panel.review import ReviewError, apply_reviews, excel_safe, load_reviews
    from ..panel.series import build_panel
    from ..report.panel import write_pages

    if aliases is not None:
        try:
            load_aliases(str(aliases))
        except (OSError, ValueError) as exc:
            fail(f"alias table: {exc}")
    if reviews is not None:
        try:
            load_reviews(reviews)
        except (ReviewError, OSError) as exc:
            fail(f"review file: {exc}")
    check_output_dir(out)
    summary = RunSummary()
    files = summary.expand(paths)
    reports = read_panel_reports(files, workers, summary)
    no_year = [r.source for r in reports if r.year is None]
    result = build_panel(reports, aliases=str(aliases) if aliases else None, seed=seed, progress=track)
    findings = pd.DataFrame([f for r in reports for f in r.findings])
    findings = apply_reviews(findings, reviews) if len(findings) else findings
    if reports:
        out.mkdir(parents=True, exist_ok=True)
        pages = write_pages(result, out, findings, min_years=min_years, progress=track)
        for name, df in result.tables().items():
            excel_safe(df).to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    else:
        pages = []
    ag = result.agencies
    multi = int((ag.years.map(len) >= min_years).sum()) if len(ag) else 0
    kept = int(result.promises.kept.sum()) if len(result.promises) else 0
    note = f"no report year, left out: {', '.join(Path(s).name for s in no_year[:8])}" if no_year else ""
    summary.finish(detail=f"{len(ag)} agencies, {multi} with ≥ {min_years} years, {max(0, len(pages) - 1)} pages"
                          f" in {out}; {len(result.promises)} promises, {kept} kept", note=note)


def register(app: typer.Typer) -> None:
    app.command("panel")(panel)
