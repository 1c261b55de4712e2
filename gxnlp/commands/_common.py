"""Helpers shared by the CLI commands: input paths, the one summary line of a run, safe outputs,
progress bars.

Exit status of every corpus command (``RunSummary.finish``):

- 0 — every input file was processed, or skipped because it is not a report / not a supported type;
- 1 — some files failed (unreadable, broken, a named path that does not exist; the rest went through),
  or no input file was a report;
- 2 — cannot start: no input file at all, a bad option, an output that cannot be written, a database
  locked by another build.

Per-document bounds (``--max-mb``, ``--timeout``, ``--max-memory``) are options of every command that
reads reports; :func:`stage_records` runs the files through :mod:`gxnlp.runner` (one pass each).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..ingest.fetch import resolve_inputs
from ..limits import DEFAULT_LIMITS, Limits
from ..pipeline import SUPPORTED_SUFFIXES, FileProblem, iter_files

T = TypeVar("T")

stderr = Console(stderr=True)

#: Error codes that mean "not for us" (the file is listed as skipped), not "broken" (failed).
SKIP_CODES: tuple[str, ...] = ("not_a_report", "unsupported")
#: Names shown per reason in the summary line before "+N more".
MAX_NAMES = 8


def error_code(record: dict[str, Any]) -> str:
    """``"not_a_report"`` from ``{"error": "not_a_report: ..."}``."""
    return str(record.get("error", "")).split(":", 1)[0].strip() or "error"


@dataclass
class RunSummary:
    """What happened to every input of one run, printed as ONE line on stderr at the end.

    ``expand`` turns the command's paths into report files (listing missing paths and files of
    unsupported types found in directories), ``add`` takes each per-file record, ``finish``
    prints the line and exits with the documented status.
    """

    noun: str = "reports"
    processed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    roots: list[Path] = field(default_factory=list)

    def expand(self, paths: Iterable[str | os.PathLike]) -> list[Path]:
        """Report files under ``paths`` (http(s) URLs are downloaded first); exits with status 2 when
        there are none."""
        files: list[Path] = []
        paths = resolve_inputs(list(paths), on_error=lambda r: self.failed.append(
            (f"{r.get('url')} ({r.get('error')})", "could not download")))
        for p in paths:
            path = Path(p)
            self.roots.append(path)
            if not path.exists():
                self.failed.append((str(path), "not_found"))
                continue
            if not path.is_dir():
                files.append(path)
                continue
            present = tuple({sub.suffix.lower() for sub in path.rglob("*") if sub.is_file()})
            problems: list[FileProblem] = []  # symlink loops, broken links: reported, not silent
            for sub in iter_files([path], suffixes=present + SUPPORTED_SUFFIXES, problems=problems):
                if sub.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(sub)
                else:
                    self.skip(str(sub), "unsupported")
            self.failed.extend((p.path, p.code) for p in problems)
        if not files:
            self.finish(note="no report files found (looked for " + " ".join(SUPPORTED_SUFFIXES) + ")", status=2)
        return files

    def skip(self, source: str, code: str) -> None:
        self.skipped.setdefault(code, []).append(source)

    def add(self, record: dict[str, Any] | Any) -> bool:
        """Count one per-file result; True when it is a result, False for an error record."""
        if not (isinstance(record, dict) and "error" in record):
            self.processed += 1
            return True
        code = error_code(record)
        if code in SKIP_CODES:
            self.skip(str(record.get("source")), code)
        else:
            self.failed.append((str(record.get("source")), code))
        return False

    def _name(self, source: str) -> str:
        if "://" in source:
            return source
        path = Path(source)
        for root in self.roots:
            if root.is_dir():
                try:
                    return str(path.relative_to(root))
                except ValueError:
                    continue
        return path.name if path.is_absolute() else str(path)  # a file named explicitly: short, as typed

    def _names(self, sources: list[str]) -> str:
        shown = ", ".join(self._name(s) for s in sources[:MAX_NAMES])
        return shown + (f" +{len(sources) - MAX_NAMES} more" if len(sources) > MAX_NAMES else "")

    def status(self) -> int:
        return 1 if self.failed or not self.processed else 0

    def line(self, detail: str = "") -> str:
        parts = [f"{self.processed} {self.noun}" + (f" ({detail})" if detail else "")]
        n_skipped = sum(len(v) for v in self.skipped.values())
        if n_skipped:
            parts.append(f"skipped {n_skipped}: " + "; ".join(
                f"{code} {self._names(srcs)}" for code, srcs in sorted(self.skipped.items())))
        if self.failed:
            by_code: dict[str, list[str]] = {}
            for source, code in self.failed:
                by_code.setdefault(code, []).append(source)
            parts.append(f"failed {len(self.failed)}: " + "; ".join(
                f"{code} {self._names(srcs)}" for code, srcs in sorted(by_code.items())))
        return " · ".join(parts)

    def finish(self, detail: str = "", note: str = "", status: int | None = None) -> None:
        """Print the summary line; exit with ``status`` (default: :meth:`status`) unless it is 0."""
        code = self.status() if status is None else status
        colour = "red" if code == 2 else "yellow" if code == 1 or self.skipped else "green"
        text = self.line(detail) + (f" · {note}" if note else "")
        stderr.print(f"[{colour}]{escape(text)}[/{colour}]", soft_wrap=True, highlight=False)
        if code:
            raise typer.Exit(code)


def expand_paths(paths: list[Path], summary: RunSummary | None = None) -> list[Path]:
    """Report files under ``paths`` (exits with status 2 when there are none)."""
    return (summary or RunSummary()).expand(paths)


def fail(message: str, status: int = 2) -> None:
    """A clear one-line error for the whole run (no traceback), then exit."""
    stderr.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(status)


def check_output_file(path: Path) -> Path:
    """Fail early (status 2) when ``path`` cannot be written as a file. Creates nothing: missing
    parent folders are made only when the output is written."""
    if path.is_dir():
        fail(f"cannot write {path}: it is a directory (give a file name)")
    _check_writable_ancestor(path.parent, path)
    return path


def check_output_dir(path: Path) -> Path:
    """Fail early (status 2) when ``path`` cannot be used as an output folder. Creates nothing."""
    if path.exists() and not path.is_dir():
        fail(f"cannot write into {path}: it is a file, not a directory")
    _check_writable_ancestor(path, path)
    return path


def _check_writable_ancestor(folder: Path, target: Path) -> None:
    existing = next((p for p in [folder, *folder.parents] if p.exists()), Path("."))
    if not existing.is_dir():
        fail(f"cannot write {target}: {existing} is a file, not a directory")
    if not os.access(existing, os.W_OK):
        fail(f"cannot write {target}: no permission to write in {existing}")


def _temporary_beside(path: Path, suffix: str) -> tuple[int, str]:
    check_output_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    os.close(fd)
    return fd, tmp


@contextmanager
def atomic_output(path: Path, mode: str = "w", **kwargs) -> Iterator[Any]:
    """Write ``path`` through a temporary file beside it, renamed into place only on success, so a
    failed or interrupted run never leaves a half-written or empty output."""
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Like :func:`atomic_output` for writers that take a path (pyarrow, Excel): yields the temporary path."""
    fd, tmp = _temporary_beside(path, ".part" + path.suffix)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """For commands that write several files into ``path``: yields a staging folder beside it whose
    files are moved into ``path`` only when the block succeeds (a failure leaves ``path`` as it was)."""
    check_output_dir(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    except OSError as exc:
        fail(f"cannot write into {path}: {exc.strerror or exc}")
    try:
        yield staging
        path.mkdir(exist_ok=True)
        for item in sorted(staging.iterdir()):
            os.replace(item, path / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
            fail(f"{name} must be >= 0")
    return DEFAULT_LIMITS.with_options(max_mb=max_mb, timeout=timeout, max_memory_mb=max_memory)


def run_stages(files: list[Path], stages: tuple[str, ...] | list[str], *, workers: int | None,
               limits: Limits = DEFAULT_LIMITS, options: dict[str, Any] | None = None,
               description: str = "reading") -> Iterator[dict[str, Any]]:
    """The runner's records for ``files`` (one pass each, isolated workers), with a progress bar."""
    from ..runner import run, small_corpus_workers

    records = run(files, stages, options=options, limits=limits, workers=small_corpus_workers(len(files), workers))
    return track(records, len(files), description)


def stage_records(files: list[Path], stage: str, **kwargs: Any) -> Iterator[Any]:
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
