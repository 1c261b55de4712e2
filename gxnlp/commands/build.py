"""``gxnlp build``: the joined dataset in DuckDB (incremental, resumable)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..dataset.build import DatabaseLocked, build as build_dataset
from ..pipeline import FileProblem
from ._common import (EXIT_CANNOT_RUN, EXIT_FAILED_FILES, expand_paths, make_limits, max_memory_option, max_mb_option,
                      stderr, timeout_option, track)


def build(
    paths: list[str] = typer.Argument(..., help="Report files, directories or http(s) URLs."),
    db: Path = typer.Option(Path("corpus.duckdb"), "--db", help="The DuckDB file to create or update."),
    parquet: Path = typer.Option(None, "--parquet", help="Also export every table as Parquet into this directory."),
    csv: Path = typer.Option(None, "--csv", help="Also export CSV (UTF-8 with BOM, for Excel) into this directory."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Also export an Excel workbook."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the corpus-level models (reuse, topics)."),
    scheduler: str = typer.Option("processes", "--scheduler", help="processes (local pool), sync, or dask "
                                  "(connects to DASK_SCHEDULER_ADDRESS if set, else starts a local cluster)."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
) -> None:
    """Store reports, cells, findings, statements, topics and reuse in one DuckDB file.

    Keyed by content hash: re-running on a grown corpus processes only new or changed files
    (an edited file's old rows are replaced, a deleted file's removed), and an interrupted
    build resumes without losing what it had written. Exit status: 0 every file went through,
    1 some files failed (listed in the errors table and on stderr), 2 usage error, 3 the
    database could not be opened (e.g. locked by another build).
    """
    entries = expand_paths(paths)
    files = [e for e in entries if isinstance(e, Path)]
    problems = [e.record() for e in entries if isinstance(e, FileProblem)]
    limits = make_limits(max_mb, timeout, max_memory)
    client = None
    if scheduler == "dask":
        import os

        from dask.distributed import Client

        address = os.environ.get("DASK_SCHEDULER_ADDRESS")
        client = Client(address) if address else Client(processes=True, dashboard_address=None)
    try:
        stats = build_dataset(files, db, parquet=parquet, workers=workers, scheduler=scheduler, seed=seed,
                              limits=limits, progress=track)
    except DatabaseLocked as exc:
        stderr.print(f"[red]cannot build:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    finally:
        if client is not None:
            client.close()
    stats.errors[:0] = problems
    for rec in stats.errors:
        stderr.print(f"[yellow]{escape(rec['source'])}[/yellow]: {escape(rec['error'])}", soft_wrap=True)
    removed = f", {stats.removed} no longer present removed" if stats.removed else ""
    stderr.print(f"{stats.files} files: {stats.processed} processed, {stats.skipped} already in {db}, "
                 f"{stats.failed} failed{removed}; corpus stages rerun: {', '.join(stats.corpus_stages) or 'none'}")
    if csv or xlsx:
        from ..dataset.build import load

        ds = load(db)
        if csv:
            ds.to_csv(csv)
        if xlsx:
            ds.to_excel(xlsx)
    if stats.errors or stats.errors_in_dataset:
        if stats.errors_in_dataset > stats.failed:
            stderr.print(f"[yellow]{stats.errors_in_dataset} files of the corpus failed[/yellow] (see the errors table)")
        raise typer.Exit(EXIT_FAILED_FILES)


def register(app: typer.Typer) -> None:
    app.command("build")(build)
