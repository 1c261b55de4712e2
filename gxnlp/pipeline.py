"""Streaming execution of per-document stages.

Every stage is a function of one item (a path, a document, a report). ``process_map``
runs it over an iterable of items in this process, in a process pool, or on a Dask
cluster, yielding results in input order and never holding the whole corpus.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: File types ingest reads.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def iter_files(paths: Iterable[str | os.PathLike], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> Iterator[Path]:
    """Expand files and directory trees into report files, in a stable (sorted) order.

    A file named explicitly is always yielded (so an unsupported type gets its own error);
    inside directories only ``suffixes`` are taken, and hidden entries and ``truth/``
    folders of generated corpora are skipped.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path).parts
                if any(part.startswith(".") or part == "truth" for part in rel):
                    continue
                if sub.is_file() and sub.suffix.lower() in suffixes:
                    yield sub
        else:
            yield path


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def process_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
    scheduler: str = "processes",
    window: int = 256,
) -> Iterator[R]:
    """Apply ``func`` to each item, yielding results in input order.

    ``scheduler`` is ``"sync"`` (this process), ``"processes"`` (a local pool; the default
    when ``workers`` > 1) or ``"dask"`` (the current ``dask.distributed`` client, or a local
    one). Items are consumed ``window`` at a time, so memory stays bounded on any corpus.
    ``func`` must be picklable (a module-level function) and should turn per-item failures
    into values (see :func:`gxnlp.ingest.parse_path`) so one bad file never stops a run.
    """
    if scheduler == "dask":
        yield from _dask_map(func, items, window)
        return
    workers = default_workers() if workers is None else workers
    if scheduler == "sync" or workers <= 1:
        for item in items:
            yield func(item)
        return
    if scheduler != "processes":
        raise ValueError(f"unknown scheduler {scheduler!r}: use sync, processes or dask")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk in _chunks(items, window):
            yield from pool.map(func, chunk, chunksize=max(1, len(chunk) // (4 * workers)))


def _dask_map(func: Callable[[T], R], items: Iterable[T], window: int) -> Iterator[R]:
    try:
        from dask.distributed import Client, default_client
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise RuntimeError("scheduler='dask' needs the [dask] extra: pip install 'gxnlp[dask]'") from exc
    try:
        client = default_client()
    except ValueError:
        client = Client(processes=True)
    for chunk in _chunks(items, window):
        yield from client.gather(client.map(func, chunk, pure=False))


def count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)
