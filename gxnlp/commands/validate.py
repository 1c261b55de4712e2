"""``gxnlp validate``: audit the tables' identities (勾稽关系) and the narrative's numbers."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..pipeline import process_map
from ..tables.audit import validate_record
from ..tables.continuity import continuity_findings
from ._common import RunSummary, echo_json, track


class ValidateFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def validate(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: ValidateFormat = typer.Option(ValidateFormat.jsonl, "--format", "-f", help="jsonl: one object per finding; table: a summary."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores; 1 = in this process)."),
) -> None:
    """Check every report's tables: s3 column balance, row totals, total handled, s4 group totals,
    and the totals the narrative states (收到…申请N件, 行政复议N件, 行政诉讼N件); cells that could not
    be read, identities that cannot be checked, cells printed blank, fee notices with no word on
    fees in section 6, an empty problems section; over several reports, each agency's
    consecutive years (this year's 上年结转 = last year's 结转下年度).

    One JSON object per finding (source, report_id, rule, table, row, column, expected, found,
    message); a clean report prints nothing. Unreadable files print an "error" record (exit
    status 1); files that are not reports are skipped; one summary line on stderr.
    """
    summary = RunSummary()
    files = summary.expand(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    records = track(process_map(validate_record, files, workers=workers), len(files), "validating")
    n_findings = 0
    table = Table("file", "rule", "cell", "expected", "found")
    series = []

    def show(f: dict) -> None:
        if format is ValidateFormat.jsonl:
            echo_json(f)
        else:
            table.add_row(Path(f["source"] or "").name, f["rule"], f"{f['table']}/{f['row']}/{f['column']}",
                          str(f["expected"]), str(f["found"]))

    for rec in records:
        if not summary.add(rec):
            if format is ValidateFormat.jsonl:
                echo_json(rec)
            else:
                table.add_row(Path(rec["source"]).name, "[red]error[/red]", escape(rec["error"]), "", "")
            continue
        series.append(rec["series"])
        for f in rec["findings"]:
            n_findings += 1
            show(f)
    # corpus-level: one agency's consecutive years (二、上年结转 = last year's 四、结转下年度)
    for f in continuity_findings(series):
        n_findings += 1
        show(f.to_dict())
    if format is ValidateFormat.table:
        from rich.console import Console

        Console().print(table)
    summary.finish(detail=f"{n_findings} findings")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
