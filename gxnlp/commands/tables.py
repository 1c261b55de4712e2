"""``gxnlp tables``: the cells of sections 2-4 as tidy records (one per cell)."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape

from ..dataset.export import CsvRowWriter
from ._common import (echo_json, expand_paths, make_limits, max_memory_option, max_mb_option, stage_records, stderr,
                      timeout_option)

FIELDS = ["source", "report_id", "template", "table", "row", "column", "value", "raw"]


class TablesFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class _ParquetSink:
    """Writes cells in row groups as documents stream by (value as float64, raw kept as text)."""

    def __init__(self, path: Path):
        import pyarrow as pa

        self.pa = pa
        self.schema = pa.schema([(f, pa.float64() if f == "value" else pa.string()) for f in FIELDS])
        self.path = path
        self.writer = None

    def write(self, cells: list[dict]) -> None:
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema)
        cols = {f: [None if c[f] is None else (float(c[f]) if f == "value" else str(c[f])) for c in cells] for f in FIELDS}
        self.writer.write_table(self.pa.table(cols, schema=self.schema))

    def close(self) -> None:
        if self.writer is None:  # no cells at all: still leave a valid, empty file
            import pyarrow.parquet as pq

            pq.write_table(self.schema.empty_table(), self.path)
        else:
            self.writer.close()


def tables(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: TablesFormat = typer.Option(TablesFormat.jsonl, "--format", "-f", help="jsonl (one object per cell), csv or parquet."),
    out: Path = typer.Option(None, "--out", "-o", help="Output file (default stdout; required for parquet)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores; 1 = in this process)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print extraction warnings on stderr."),
    max_mb: float = max_mb_option(),
    timeout: float = timeout_option(),
    max_memory: float = max_memory_option(),
) -> None:
    """Extract the statistical tables (sections 2-4) into one record per cell.

    Keys follow the table_keys contract (table s2/s3/s4, row, column); value is a number or
    null (empty, —, /, 无), raw the text as printed. A file that cannot be read gives a JSON
    error record (jsonl) or a message on stderr, and the exit status is 1.
    """
    if format is TablesFormat.parquet and out is None:
        stderr.print("[red]--format parquet needs --out FILE[/red]")
        raise typer.Exit(2)
    files = expand_paths(paths)
    records = stage_records(files, "tables", workers=workers, limits=make_limits(max_mb, timeout, max_memory),
                            description="extracting tables")
    handle = open(out, "w", encoding="utf-8", newline="") if out is not None and format is not TablesFormat.parquet else None
    stream = handle or sys.stdout
    writer = CsvRowWriter(stream, FIELDS) if format is TablesFormat.csv else None
    if writer:
        writer.writeheader()
    sink = _ParquetSink(out) if format is TablesFormat.parquet else None
    failed = 0
    try:
        for rec in records:
            if "error" in rec:
                failed += 1
                if format is TablesFormat.jsonl:
                    _emit(rec, handle)
                else:
                    stderr.print(f"[red]{escape(rec['source'])}: {escape(rec['error'])}[/red]")
                continue
            if not quiet:
                for w in rec["warnings"]:
                    stderr.print(f"[yellow]{escape(rec['source'])}[/yellow]: {escape(w)}", soft_wrap=True)
            if format is TablesFormat.jsonl:
                for cell in rec["cells"]:
                    _emit(cell, handle)
            elif writer:
                writer.writerows(rec["cells"])
            elif sink and rec["cells"]:
                sink.write(rec["cells"])
    finally:
        if sink:
            sink.close()
        if handle:
            handle.close()
    if failed:
        stderr.print(f"[yellow]{failed} of {len(files)} files failed[/yellow]")
        raise typer.Exit(1)


def _emit(record: dict, handle) -> None:
    if handle is None:
        echo_json(record)
    else:
        import json

        handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def register(app: typer.Typer) -> None:
    app.command("tables")(tables)
