"""``gxnlp build``: the joined dataset in DuckDB (incremental, resumable)."""
from __future__ import annotations

from pathlib import Path

import typer

from ..dataset.build import build as build_dataset
from ..model import DEFAULT_SEED
from ._common import RunSummary, atomic_path, check_output_dir, check_output_file, track


def build(
    paths: list[str] = typer.Argument(..., help="Report files, directories or http(s) URLs."),
    db: Path = typer.Option(Path("corpus.duckdb"), "--db", help="The DuckDB file to create or update."),
    parquet: Path = typer.Option(None, "--parquet", help="Also export every table as Parquet into this directory."),
    csv: Path = typer.Option(None, "--csv", help="Also export CSV (UTF-8 with BOM, for Excel) into this directory."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Also export an Excel workbook."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the corpus-level models (reuse, topics)."),
    aliases: Path = typer.Option(None, "--aliases", help="Alias table of agency names (CSV name,canonical) for agency_key."),
    model: Path = typer.Option(None, "--model", help="A statement classifier written by gxnlp train (default: seed terms)."),
    scheduler: str = typer.Option("processes", "--scheduler", help="processes (local pool), sync, or dask "
                                  "(connects to DASK_SCHEDULER_ADDRESS if set, else starts a local cluster)."),
) -> None:
    """Store reports, cells, findings, statements, topics and reuse in one DuckDB file.

    Keyed by content hash: re-running on a grown corpus processes only new or changed files,
    and an interrupted build resumes without losing what it had written. Files that are not
    reports, or of an unsupported type, are skipped and recorded in the errors table; one
    summary line on stderr. A new database is removed again when the build cannot finish.
    """
    if model is not None:
        from ..text.classify import StatementClassifier

        try:
            StatementClassifier.load(model)
        except (OSError, ValueError) as exc:
            from rich.markup import escape

            stderr.print(f"[red]bad model {escape(str(model))}:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
    summary = RunSummary()
    check_output_file(db)
    for target in (parquet, csv):
        if target is not None:
            check_output_dir(target)
    if xlsx is not None:
        check_output_file(xlsx)
    files = summary.expand(paths)
    unsupported = [{"source": s, "error": "unsupported: not a supported file type (txt, md, html, htm, pdf, docx)"}
                   for s in summary.skipped.get("unsupported", [])]
    created = not db.exists()
    db.parent.mkdir(parents=True, exist_ok=True)
    client = None
    if scheduler == "dask":
        import os

        from dask.distributed import Client

        address = os.environ.get("DASK_SCHEDULER_ADDRESS")
        client = Client(address) if address else Client(processes=True, dashboard_address=None)

    def counted(results, total, description):
        for result in track(results, total, description):
            summary.add(result["errors"][0] if result.get("errors") else result)
            yield result

    try:
        stats = build_dataset(files, db, parquet=parquet, workers=workers, scheduler=scheduler, seed=seed,
                              aliases=aliases, progress=counted, skipped=unsupported,
                              model=model)
    except BaseException:
        if created:  # nothing half-built is left behind
            for leftover in (db, db.with_name(db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        if client is not None:
            client.close()
    summary.processed += stats.skipped  # already in the database: still reports of this corpus
    if csv or xlsx:
        from ..dataset.build import load

        ds = load(db)
        if csv:
            ds.to_csv(csv)
        if xlsx:
            with atomic_path(xlsx) as tmp:
                ds.to_excel(tmp)
    summary.finish(detail=f"{stats.processed} processed, {stats.skipped} already in {db}; corpus stages rerun: "
                          f"{', '.join(stats.corpus_stages) or 'none'}")


def register(app: typer.Typer) -> None:
    app.command("build")(build)
