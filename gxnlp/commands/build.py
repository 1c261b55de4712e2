"""``gxnlp build``: the joined dataset in DuckDB (incremental, resumable)."""
from __future__ import annotations

from pathlib import Path

import typer

from ..dataset.build import build as build_dataset
from ._common import expand_paths, stderr, track


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
) -> None:
    """Store reports, cells, findings, statements, topics and reuse in one DuckDB file.

    Keyed by content hash: re-running on a grown corpus processes only new or changed files,
    and an interrupted build resumes without losing what it had written.
    """
    files = expand_paths(paths)
    client = None
    if scheduler == "dask":
        import os

        from dask.distributed import Client

        address = os.environ.get("DASK_SCHEDULER_ADDRESS")
        client = Client(address) if address else Client(processes=True, dashboard_address=None)
    try:
        stats = build_dataset(files, db, parquet=parquet, workers=workers, scheduler=scheduler, seed=seed,
                              progress=track)
    finally:
        if client is not None:
            client.close()
    stderr.print(f"{stats.files} files: {stats.processed} processed, {stats.skipped} already in {db}, "
                 f"{stats.failed} failed; corpus stages rerun: {', '.join(stats.corpus_stages) or 'none'}")
    if csv or xlsx:
        from ..dataset.build import load

        ds = load(db)
        if csv:
            ds.to_csv(csv)
        if xlsx:
            ds.to_excel(xlsx)


def register(app: typer.Typer) -> None:
    app.command("build")(build)
