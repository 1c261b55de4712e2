"""``gxnlp statements``: problem and measure statements of reports, classified."""
from __future__ import annotations

from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from ..pipeline import process_map
from ._common import RunSummary, echo_json, fail, stderr, track


class StatementsFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def statements_record(path: Path, taxonomy: str | None = None, threshold: float | None = None,
                      model: str | None = None) -> dict[str, Any]:
    """One file -> ``{"source", "report_id", "statements": [...]}`` or ``{"source", "error"}``.

    Module-level so it runs in a process pool; failures become values.
    """
    from ..model import GxnlpError, error_record
    from ..text.statements import iter_statements
    from ..structure.parse import parse_path

    try:
        report = parse_path(path)
        sts = list(iter_statements(report))
        params = {} if threshold is None else {"threshold": threshold}
        _classifier(taxonomy, tuple(params.items()), model).classify(sts)
    except GxnlpError as exc:
        return error_record(str(path), exc)
    except (OSError, ValueError) as exc:
        return error_record(str(path), exc)
    warnings = []
    if not (report.sections or {}).get("problems"):
        warnings.append("no problems section found")
    elif not sts:
        warnings.append("problems section has no statements")
    return {
        "source": report.source, "report_id": report.report_id, "warnings": warnings,
        "statements": [
            {"source": s.source, "report_id": s.report_id, "kind": s.kind, "position": s.position,
             "text": s.text, "category": s.category, "categories": s.categories, "score": s.score}
            for s in sts
        ],
    }


_CLASSIFIERS: dict[tuple, Any] = {}


def _classifier(taxonomy: str | None, params: tuple, model: str | None = None) -> Any:
    from ..text.classify import StatementClassifier

    key = (taxonomy, params, model)
    if key not in _CLASSIFIERS:
        if model is not None:
            clf = StatementClassifier.load(model)
            for est in clf.estimators_.values():
                if params:
                    est.set_params(**dict(params))
            _CLASSIFIERS[key] = clf
        else:
            _CLASSIFIERS[key] = StatementClassifier("seed", taxonomy=taxonomy, params=dict(params) or None)
    return _CLASSIFIERS[key]


def statements(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: StatementsFormat = typer.Option(StatementsFormat.jsonl, "--format", "-f",
                                            help="jsonl: one JSON object per statement; table: a readable table."),
    taxonomy: Path = typer.Option(None, "--taxonomy", help="A taxonomy JSON file (default: the shipped one)."),
    threshold: float = typer.Option(None, "--threshold", help="Evidence (seed model) or probability (--model) "
                                    "below which a statement is 'other'."),
    model: Path = typer.Option(None, "--model", help="A model directory written by gxnlp train (default: seed terms)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores; 1 = in this process)."),
) -> None:
    """Split each report's problems section into problem and measure statements and classify them.

    jsonl prints {"source","report_id","kind","position","text","category","score"} per statement;
    a file that cannot be read prints {"source","error"} and the run goes on (exit status 1);
    files that are not reports are skipped; one summary line on stderr.
    """
    summary = RunSummary()
    files = summary.expand(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    if taxonomy is not None:
        from ..text.classify import load_taxonomy

        try:
            load_taxonomy(taxonomy)
        except (OSError, ValueError) as exc:
            fail(f"bad taxonomy {taxonomy}: {exc}")
    if model is not None:
        try:
            _classifier(None, (), str(model))
        except (OSError, ValueError) as exc:
            fail(f"bad model {model}: {exc}")
    func = partial(statements_record, taxonomy=str(taxonomy) if taxonomy else None, threshold=threshold,
                   model=str(model) if model else None)
    n_statements = 0
    table = Table("file", "kind", "#", "category", "score", "text")
    for rec in track(process_map(func, files, workers=workers), len(files), "statements"):
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
