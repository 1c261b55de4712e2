"""``gxnlp review``: the review file of audit findings (confirmed / dismissed with a reason / pending)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ..pipeline import process_map
from ._common import RunSummary, check_output_file, echo_json, fail, track


def review(
    paths: list[Path] = typer.Argument(None, help="Report files or directories to audit (or use --db)."),
    file: Path = typer.Option(Path("reviews.csv"), "--file", help="The review CSV (created if missing; edit its status and reason columns)."),
    db: Path = typer.Option(None, "--db", help="Take the findings of a built dataset instead of auditing files."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
) -> None:
    """Add every audit finding not yet in the review file as pending, keep the decisions already made
    (keyed by the report's content hash, the rule and the cell, so they survive rebuilds), and give the
    counts by status in the summary line. Statuses: confirmed, dismissed (needs a reason), pending.
    Unreadable files print an "error" record (exit status 1); a bad review file is exit status 2."""
    from ..panel.review import ReviewError, load_reviews, sync
    from ..tables.audit import validate_record

    try:
        load_reviews(file)
    except (ReviewError, OSError) as exc:
        fail(f"review file: {exc}")
    check_output_file(file)
    summary = RunSummary(noun="reports")
    if db is not None:
        from ..dataset.build import load

        try:
            findings = load(db).findings
        except FileNotFoundError as exc:
            fail(str(exc))
        summary.processed = int(findings.report_id.nunique()) if len(findings) else 0
    elif paths:
        files = summary.expand(paths)
        rows = []
        for rec in track(process_map(validate_record, files, workers=1 if len(files) < 8 and workers is None else workers),
                         len(files), "auditing"):
            if summary.add(rec):
                rows.extend(rec["findings"])
            else:
                echo_json(rec)
        findings = pd.DataFrame(rows)
    else:
        fail("give report files / directories or --db")
    if findings.empty:
        findings = pd.DataFrame(columns=["report_id", "rule", "table", "row", "column", "source", "message"])
    table = sync(findings, file)
    counts = table.status.value_counts().to_dict()
    summary.finish(detail=f"{file}: {len(table)} findings, " + ", ".join(
        f"{s} {counts.get(s, 0)}" for s in ("pending", "confirmed", "dismissed")))


def register(app: typer.Typer) -> None:
    app.command("review")(review)
