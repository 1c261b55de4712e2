"""``gxnlp validate``: audit the tables' identities (勾稽关系) and the narrative's numbers."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..tables.continuity import continuity_findings
from ._common import RunSummary, echo_json, fail, make_limits, max_memory_option, max_mb_option, stage_records, timeout_option


class ValidateFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def validate(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: ValidateFormat = typer.Option(ValidateFormat.jsonl, "--format", "-f", help="jsonl: one object per finding; table: a summary."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
    aliases: Path = typer.Option(None, "--aliases", help="Alias table (CSV name,canonical) for the agency identity "
                                 "the cross-year check groups by (as in gxnlp panel --aliases)."),
) -> None:
    """Check every report's tables: s3 column balance, row totals, total handled, s4 group totals,
    and the totals the narrative states (收到…申请N件, 行政复议N件, 行政诉讼N件); cells that could not
    be read, identities that cannot be checked, cells printed blank, fee notices with no word on
    fees in section 6, an empty problems section; over several reports, each agency's
    consecutive years (this year's 上年结转 = last year's 结转下年度).

    One JSON object per finding (source, report_id, rule, table, row, column, expected, found,
    message); a clean report prints nothing. Unreadable files print an "error" record (exit
    status 1); files that are not reports are skipped; a bad alias table is exit status 2; one
    summary line on stderr.
    """
    if aliases is not None:
        from ..panel.identity import load_aliases

        try:
            load_aliases(str(aliases))
        except (OSError, ValueError) as exc:
            fail(f"alias table: {exc}")
    summary = RunSummary()
    files = summary.expand(paths)
    records = stage_records(files, "audit", workers=workers, limits=make_limits(max_mb, timeout, max_memory),
                            description="validating")
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
    for f in continuity_findings(series, aliases=str(aliases) if aliases else None):
        n_findings += 1
        show(f.to_dict())
    if format is ValidateFormat.table:
        from rich.console import Console

        Console().print(table)
    summary.finish(detail=f"{n_findings} findings")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
