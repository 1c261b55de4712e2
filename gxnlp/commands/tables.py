"""``gxnlp tables``: the cells of sections 2-4 as tidy records (one per cell)."""
from __future__ import annotations

import csv
import sys
from contextlib import ExitStack
from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape

from ..pipeline import process_map
from ..tables.core import tables_record
from ._common import RunSummary, atomic_output, atomic_path, echo_json, fail, stderr, track

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
) -> None:
    """Extract the statistical tables (sections 2-4) into one record per cell.

    Keys follow the table_keys contract (table s2/s3/s4, row, column); value is a number or
    null (empty, —, /, 无), raw the text as printed. A file that cannot be read gives a JSON
    error record (jsonl) or a message on stderr, and the exit status is 1; files that are not
    reports are skipped; one summary line on stderr. --out is written only when the run
    completes (never half-written).
    """
    if format is TablesFormat.parquet and out is None:
        fail("--format parquet needs --out FILE")
    summary = RunSummary()
    files = summary.expand(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    records = track(process_map(tables_record, files, workers=workers), len(files), "extracting tables")
    n_cells = 0
    with ExitStack() as stack:
        handle = sink = None
        if out is not None and format is TablesFormat.parquet:
            sink = _ParquetSink(stack.enter_context(atomic_path(out)))
            stack.callback(sink.close)  # closed before the temporary file is renamed into place
        elif out is not None:
            handle = stack.enter_context(atomic_output(out, "w", encoding="utf-8", newline=""))
        writer = csv.DictWriter(handle or sys.stdout, fieldnames=FIELDS) if format is TablesFormat.csv else None
        if writer:
            writer.writeheader()
        for rec in records:
            if not summary.add(rec):
                if format is TablesFormat.jsonl:
                    _emit(rec, handle)
                else:
                    stderr.print(f"[red]{escape(rec['source'])}: {escape(rec['error'])}[/red]")
                continue
            n_cells += len(rec["cells"])
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
        if not summary.processed:
            summary.finish()  # exits inside the context: no empty output is left behind
    summary.finish(detail=f"{n_cells} cells" + (f", written to {out}" if out is not None else ""))


def _emit(record: dict, handle) -> None:
    if handle is None:
        echo_json(record)
    else:
        import json

        handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def register(app: typer.Typer) -> None:
    app.command("tables")(tables)
