"""``gxnlp statements``: problem and measure statements of reports, classified."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from ._common import (RunSummary, echo_json, fail, make_limits, max_memory_option, max_mb_option, stage_records,
                      stderr, timeout_option)


class StatementsFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def statements_record(path: Path, taxonomy: str | None = None, threshold: float | None = None,
                      model: str | None = None) -> dict[str, Any]:
    """One file -> ``{"source", "report_id", "statements": [...]}`` or ``{"source", "error"}``."""
    from ..runner import stage_record

    return stage_record(path, "statements", {"taxonomy": taxonomy, "threshold": threshold, "model": model})


def statements(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: StatementsFormat = typer.Option(StatementsFormat.jsonl, "--format", "-f",
                                            help="jsonl: one JSON object per statement; table: a readable table."),
    taxonomy: Path = typer.Option(None, "--taxonomy", help="A taxonomy JSON file (default: the shipped one)."),
    threshold: float = typer.Option(None, "--threshold", help="Evidence (seed model) or probability (--model) "
                                    "below which a statement is 'other'."),
    model: Path = typer.Option(None, "--model", help="A model directory written by gxnlp train (default: seed terms)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
) -> None:
    """Split each report's problems section into problem and measure statements and classify them.

    jsonl prints {"source","report_id","kind","position","text","category","score"} per statement;
    a file that cannot be read prints {"source","error"} and the run goes on (exit status 1);
    files that are not reports are skipped; one summary line on stderr.
    """
    summary = RunSummary()
    files = summary.expand(paths)
    if taxonomy is not None:
        from ..text.classify import load_taxonomy

        try:
            load_taxonomy(taxonomy)
        except (OSError, ValueError) as exc:
            fail(f"bad taxonomy {taxonomy}: {exc}")
    if model is not None:
        from ..runner import _classifier

        try:
            _classifier(None, None, str(model))
        except (OSError, ValueError) as exc:
            fail(f"bad model {model}: {exc}")
    options = {"taxonomy": str(taxonomy) if taxonomy else None, "threshold": threshold,
               "model": str(model) if model else None}
    n_statements = 0
    table = Table("file", "kind", "#", "category", "score", "text")
    for rec in stage_records(files, "statements", workers=workers, options=options,
                             limits=make_limits(max_mb, timeout, max_memory), description="statements"):
        if not summary.add(rec):
            if format is StatementsFormat.jsonl:
                echo_json(rec)
            else:
                table.add_row(Path(rec["source"]).name, "", "", "", "", f"[red]{escape(rec['error'])}[/red]")
            continue
        for w in rec["warnings"]:
            stderr.print(f"[yellow]{escape(Path(rec['source']).name)}: {escape(w)}[/yellow]")
        for s in rec["statements"]:
            n_statements += 1
            if format is StatementsFormat.jsonl:
                echo_json(s)
            else:
                table.add_row(Path(s["source"]).name, s["kind"], str(s["position"]), s["category"],
                              f"{s['score']:.2f}", escape(s["text"][:60]))
    if format is StatementsFormat.table:
        from rich.console import Console

        Console().print(table)
    summary.finish(detail=f"{n_statements} statements")


def register(app: typer.Typer) -> None:
    app.command("statements")(statements)
