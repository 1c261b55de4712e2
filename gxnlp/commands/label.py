"""``gxnlp label`` and ``gxnlp train``: active labelling of statements and training a classifier on the labels."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..pipeline import process_map
from ._common import RunSummary, atomic_path, check_output_dir, check_output_file, fail, stderr, track


def file_statements(path: Path) -> dict:
    """Statements of one file (unclassified) or ``{"source", "error"}``; module-level for the pool."""
    from ..model import GxnlpError, error_record
    from ..structure.parse import parse_path
    from ..text.statements import iter_statements

    try:
        return {"source": str(path), "statements": list(iter_statements(parse_path(path)))}
    except (GxnlpError, OSError, ValueError) as exc:
        return error_record(str(path), exc)


def label(
    paths: list[Path] = typer.Argument(..., help="Report files or directories."),
    out: Path = typer.Option(Path("to_label.xlsx"), "--out", "-o", help="The Excel sheet to write."),
    n: int = typer.Option(300, "--n", min=0, help="How many statements to put in the sheet (0 = all)."),
    model: Path = typer.Option(None, "--model", help="Rank by this model's uncertainty (default: one fitted on the "
                               "seed terms' votes over these statements)."),
    taxonomy: Path = typer.Option(None, "--taxonomy", help="A taxonomy JSON file (default: the shipped one)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
) -> None:
    """Write the statements whose labels would teach the classifier most to an Excel sheet.

    Distinct statements (duplicates up to punctuation are one row), most uncertain first. Fill the
    'label' column with a category id (the 'categories' sheet lists them; 'a;b' for two; a new id
    is a new category; 'other' for none), leave rows you skip empty, then run gxnlp train.
    """
    from ..text.classify import StatementClassifier, load_taxonomy
    from ..text.labelling import labelling_sheet, write_sheet

    summary = RunSummary()
    check_output_file(out)
    files = summary.expand(paths)
    try:
        if taxonomy is not None:
            load_taxonomy(taxonomy)
        clf = StatementClassifier.load(model) if model is not None else None
    except (OSError, ValueError) as exc:
        fail(f"bad model or taxonomy: {exc}")
    workers = 1 if len(files) < 8 and workers is None else workers
    statements = []
    for rec in track(process_map(file_statements, files, workers=workers), len(files), "statements"):
        if summary.add(rec):
            statements.extend(rec["statements"])
    if not statements:
        summary.finish(note="no statements found: nothing written", status=1)
    frame = labelling_sheet(statements, clf, n=n, taxonomy=str(taxonomy) if taxonomy else None)
    with atomic_path(out) as tmp:
        write_sheet(frame, tmp, taxonomy=str(taxonomy) if taxonomy else None)
    summary.finish(detail=f"{len(frame)} of {len(statements)} statements written to {out}; fill the 'label' "
                          f"column, then: gxnlp train {out} --out model/")


def train(
    labels: Path = typer.Argument(..., help="A sheet written by gxnlp label, with the 'label' column filled."),
    out: Path = typer.Option(Path("model"), "--out", "-o", help="The model directory to write."),
    taxonomy: Path = typer.Option(None, "--taxonomy", help="A taxonomy JSON file (default: the shipped one)."),
    threshold: float = typer.Option(None, "--threshold", help="Probability below which a statement is 'other'."),
) -> None:
    """Fit a statement classifier on the labelled sheet (unlabelled rows: the seed terms' votes)."""
    from ..text.classify import load_taxonomy
    from ..text.labelling import train_from_sheet

    params = {} if threshold is None else {"threshold": threshold}
    check_output_dir(out)
    try:
        if taxonomy is not None:
            load_taxonomy(taxonomy)
        clf = train_from_sheet(labels, taxonomy=str(taxonomy) if taxonomy else None, **params)
        clf.save(out)
    except (OSError, ValueError) as exc:
        fail(f"cannot train: {exc}")
    for kind, est in clf.estimators_.items():
        stderr.print(f"{kind}: {getattr(est, 'n_train_', 0)} training statements, categories: {escape(', '.join(map(str, est.classes_)))}")
    stderr.print(f"model written to {escape(str(out))} (use: gxnlp statements --model {escape(str(out))})")


def register(app: typer.Typer) -> None:
    app.command("label")(label)
    app.command("train")(train)
