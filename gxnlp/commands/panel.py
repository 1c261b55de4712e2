"""``gxnlp panel``: every agency with two or more years, compared year over year (HTML pages + tables)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ..panel.records import PanelReport, from_path
from ..pipeline import process_map
from ._common import echo_json, expand_paths, stderr, track


def read_panel_reports(paths: list[Path], workers: int | None, on_error) -> list[PanelReport]:
    files = expand_paths(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    out = []
    for rec in track(process_map(from_path, files, workers=workers), len(files), "reading"):
        if isinstance(rec, dict):
            on_error(rec)
        else:
            out.append(rec)
    return out


def panel(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for index.html, one page per agency and the panel_*.csv tables."),
    aliases: Path = typer.Option(None, "--aliases", help="Alias table (CSV name,canonical) overriding agency identity."),
    reviews: Path = typer.Option(None, "--reviews", help="Review file of audit findings (see `gxnlp review`) shown on the pages."),
    min_years: int = typer.Option(2, help="Agencies with at least this many report years get a page."),
    seed: int = typer.Option(1, help="Seed of the reuse detector (same corpus + seed = same output)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
) -> None:
    """Agency panels: one agency key across renamings, coverage, table deltas with the 上年结转
    continuity check, narrative copied from earlier years, problems and measures new / repeated /
    dropped, and promise tracking. Bad files print ``{"source", "error"}``; exit status 1 if any failed."""
    from ..panel.identity import load_aliases
    from ..panel.review import ReviewError, apply_reviews, excel_safe, load_reviews
    from ..panel.series import build_panel
    from ..report.panel import write_pages

    failed: list[dict] = []

    def on_error(rec: dict) -> None:
        failed.append(rec)
        echo_json(rec)

    if aliases is not None:
        try:
            load_aliases(str(aliases))
        except (OSError, ValueError) as exc:
            stderr.print(f"[red]alias table:[/red] {exc}")
            raise typer.Exit(2)
    if reviews is not None:
        try:
            load_reviews(reviews)
        except (ReviewError, OSError) as exc:
            stderr.print(f"[red]review file:[/red] {exc}")
            raise typer.Exit(2)
    reports = read_panel_reports(paths, workers, on_error)
    no_year = [r for r in reports if r.year is None]
    for r in no_year:
        stderr.print(f"[yellow]no report year found, left out of the panel:[/yellow] {r.source}")
    result = build_panel(reports, aliases=str(aliases) if aliases else None, seed=seed, progress=track)
    findings = pd.DataFrame([f for r in reports for f in r.findings])
    try:
        findings = apply_reviews(findings, reviews) if len(findings) else findings
    except (ReviewError, OSError) as exc:
        stderr.print(f"[red]review file:[/red] {exc}")
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    pages = write_pages(result, out, findings, min_years=min_years, progress=track)
    for name, df in result.tables().items():
        excel_safe(df).to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    ag = result.agencies
    multi = int((ag.years.map(len) >= min_years).sum())
    stderr.print(f"{len(reports)} reports, {len(ag)} agencies, {multi} with ≥ {min_years} years: "
                 f"{len(pages) - 1} pages + index in {out}; {len(result.promises)} promises, "
                 f"{int(result.promises.kept.sum()) if len(result.promises) else 0} kept")
    if failed:
        stderr.print(f"[yellow]{len(failed)} files failed[/yellow]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("panel")(panel)
