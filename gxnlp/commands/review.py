"""``gxnlp review``: the review file of audit findings (confirmed / dismissed with a reason / pending)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ..pipeline import process_map
from ._common import echo_json, expand_paths, stderr, track


def review(
    paths: list[Path] = typer.Argument(None, help="Report files or directories to audit (or use --db)."),
    file: Path = typer.Option(Path("reviews.csv"), "--file", help="The review CSV (created if missing; edit its status and reason columns)."),
    db: Path = typer.Option(None, "--db", help="Take the findings of a built dataset instead of auditing files."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
) -> None:
    """Add every audit finding not yet in the review file as ``pending``, keep the decisions already made
    (keyed by the report's content hash, the rule and the cell, so they survive rebuilds), and print the
    counts by status. Statuses: confirmed, dismissed (needs a reason), pending."""
    from ..panel.review import ReviewError, sync
    from ..tables.audit import validate_record

    failed = 0
    if db is not None:
        from ..dataset.build import load

        try:
            findings = load(db).findings
        except FileNotFoundError as exc:
            stderr.print(f"[red]{exc}[/red]")
            raise typer.Exit(2)
    elif paths:
        files = expand_paths(paths)
        rows = []
        for rec in track(process_map(validate_record, files, workers=1 if len(files) < 8 and workers is None else workers),
                         len(files), "auditing"):
            if "error" in rec:
                failed += 1
                echo_json(rec)
                continue
            rows.extend(rec["findings"])
        findings = pd.DataFrame(rows)
    else:
        stderr.print("[red]give report files / directories or --db[/red]")
        raise typer.Exit(2)
    if findings.empty:
        findings = pd.DataFrame(columns=["report_id", "rule", "table", "row", "column", "source", "message"])
    try:
        table = sync(findings, file)
    except ReviewError as exc:
        stderr.print(f"[red]review file:[/red] {exc}")
        raise typer.Exit(2)
    counts = table.status.value_counts().to_dict()
    stderr.print(f"{file}: {len(table)} findings · " + " · ".join(f"{s} {counts.get(s, 0)}" for s in ("pending", "confirmed", "dismissed")))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
