"""Helpers shared by the CLI commands: corpus iteration through the runner, limits, progress, output.

Exit status of every command that reads reports: 0 all files went through; 1 the run finished
but some files failed (each has an error record); 2 usage error (bad option, no report files);
3 the run could not start or write its output (e.g. the database is locked by another build).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..ingest.fetch import resolve_inputs
from ..limits import DEFAULT_LIMITS, Limits
from ..pipeline import FileProblem, iter_entries

T = TypeVar("T")

stderr = Console(stderr=True)

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3


def expand_paths(paths: list[str | Path]) -> list[Path | FileProblem]:
    """Report files under ``paths`` (http(s) URLs are downloaded first), with the walk's problems
    (e.g. symlink loops) in their place, which the runner turns into error records; exits with a
    clear message when there are no files."""
    paths = resolve_inputs(paths, on_error=lambda r: stderr.print(f"[red]could not download[/red] {r['url']}: {r['error']}"))
    entries = list(iter_entries(paths))
    missing = [p for p in paths if not Path(p).exists()]
    for p in missing:
        stderr.print(f"[red]no such file or directory:[/red] {p}")
    if not any(isinstance(e, Path) for e in entries):
        for e in entries:
            stderr.print(f"{e.path}: {e.code}: {e.message}", markup=False, highlight=False)
        stderr.print("[red]no report files found[/red] (looked for .txt .md .html .htm .pdf .docx)")
        raise typer.Exit(EXIT_USAGE)
    return entries


def max_mb_option() -> Any:
    return typer.Option(None, "--max-mb", help=f"Largest file read, in MB (default {DEFAULT_LIMITS.max_mb:g}); a .docx "
                        f"may inflate to {DEFAULT_LIMITS.inflate_factor:g}x that.")


def timeout_option() -> Any:
    return typer.Option(None, "--timeout", help=f"Seconds one document may take (default {DEFAULT_LIMITS.timeout:g}); "
                        "0 = no limit.")


def max_memory_option() -> Any:
    return typer.Option(None, "--max-memory", help="Resident memory of one worker process, in MB "
                        f"(default {DEFAULT_LIMITS.max_memory_mb:g}); 0 = no limit.")


def make_limits(max_mb: float | None, timeout: float | None, max_memory: float | None) -> Limits:
    for name, value in (("--max-mb", max_mb), ("--timeout", timeout), ("--max-memory", max_memory)):
        if value is not None and value < 0:
            raise typer.BadParameter(f"{name} must be >= 0")
    return DEFAULT_LIMITS.with_options(max_mb=max_mb, timeout=timeout, max_memory_mb=max_memory)


def run_stages(files: Sequence[Path | FileProblem], stages: Sequence[str], *, workers: int | None,
               limits: Limits = DEFAULT_LIMITS, options: dict[str, Any] | None = None,
               description: str = "reading") -> Iterator[dict[str, Any]]:
    """The runner's records for ``files`` (one pass each), with a progress bar."""
    from ..runner import run, small_corpus_workers

    records = run(files, stages, options=options, limits=limits, workers=small_corpus_workers(len(files), workers))
    return track(records, len(files), description)


def stage_records(files: Sequence[Path | FileProblem], stage: str, **kwargs: Any) -> Iterator[Any]:
    """One stage's values (or ``{"source", "error"}`` records) for ``files``."""
    from ..runner import stage_value

    for record in run_stages(files, (stage,), **kwargs):
        yield stage_value(record, stage)


def track(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    """A progress bar on stderr (only drawn on a terminal, so pipes stay clean)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr, transient=True, disable=not sys.stderr.isatty(),
    )
    with progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)


def echo_json(record: dict[str, Any]) -> None:
    typer.echo(json.dumps(record, ensure_ascii=False, default=str))
