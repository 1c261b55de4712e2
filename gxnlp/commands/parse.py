"""``gxnlp parse``: ingest and structure reports."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..pipeline import process_map
from ..structure.parse import parse_record
from ._common import RunSummary, echo_json, stderr, track


class ParseFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def parse(
    paths: list[str] = typer.Argument(..., help="Report files, directories (searched recursively) or http(s) URLs."),
    format: ParseFormat = typer.Option(ParseFormat.jsonl, "--format", "-f", help="jsonl: one JSON object per document; table: a summary."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores; 1 = in this process)."),
) -> None:
    """Parse reports into structured records (agency, year, template, the six sections).

    A file that cannot be read prints a record with an "error" and the run goes on; a file that
    is not a report (error not_a_report) or of an unsupported type is skipped. One summary line
    on stderr lists skipped and failed files; exit status 0, 1 if any file failed, 2 if no report.
    """
    summary = RunSummary()
    files = summary.expand(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    records = track(process_map(parse_record, files, workers=workers), len(files), "parsing")
    table = Table("file", "agency", "year", "template", "region", "sections", "warnings / error",
                  caption="sections: ● present · missing (overview, active_disclosure, requests, review_litigation, "
                          "problems, other)")
    for rec in records:
        summary.add(rec)
        if format is ParseFormat.jsonl:
            echo_json(rec)
            continue
        if "error" in rec:
            table.add_row(Path(rec["source"]).name, "", "", "", "", "", f"[red]{escape(rec['error'])}[/red]")
            continue
        region = "/".join(v for v in rec["region"].values() if v)
        present = "".join("●" if rec["sections"][k] else "·" for k in rec["sections"])
        notes = [w for w in rec["warnings"] if not w.startswith(("stripped web chrome", "removed ", "converted "))]
        table.add_row(Path(rec["source"]).name, escape(rec["agency"] or "?"), str(rec["year"] or "?"), rec["template"],
                      region, present, escape("; ".join(notes)))
    if format is ParseFormat.table:
        from rich.console import Console

        Console().print(table)
    summary.finish()


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
