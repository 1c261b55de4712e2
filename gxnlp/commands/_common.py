"""Helpers shared by the CLI commands: corpus iteration with a progress bar, output."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..ingest.fetch import resolve_inputs
from ..pipeline import iter_files

T = TypeVar("T")

stderr = Console(stderr=True)


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Report files under ``paths`` (http(s) URLs are downloaded first); exits with a clear message when there are none."""
    paths = resolve_inputs(paths, on_error=lambda r: stderr.print(f"[red]could not download[/red] {r['url']}: {r['error']}"))
    files = list(iter_files(paths))
    missing = [p for p in paths if not Path(p).exists()]
    for p in missing:
        stderr.print(f"[red]no such file or directory:[/red] {p}")
    if not files:
        stderr.print("[red]no report files found[/red] (looked for .txt .md .html .htm .pdf .docx)")
        raise typer.Exit(2)
    return files


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
