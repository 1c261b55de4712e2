"""Streaming execution of per-document work, isolated per document.

``process_map`` applies a function to each item (a path, usually) in this process, in a
supervised pool of worker processes, or on a Dask cluster, yielding results in input order
and never holding the whole corpus. The pool isolates documents: an item that kills its
worker, runs past ``timeout`` or grows the worker past ``max_memory_mb`` becomes a failure
value (``worker_died``, ``timeout``, ``memory_limit``) and a fresh worker takes the next
item. Workers exit when the process that started them dies.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: File types ingest reads.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


@dataclass(frozen=True)
class FileProblem:
    """A path the corpus walk could not turn into a report file (symlink loop, broken link, no access)."""

    path: str
    code: str
    message: str

    def record(self) -> dict[str, Any]:
        return {"source": self.path, "error": f"{self.code}: {self.message}"}


def iter_files(paths: Iterable[str | os.PathLike], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES,
               problems: list[FileProblem] | None = None) -> Iterator[Path]:
    """Expand files and directory trees into report files, in a stable (sorted) order.

    A file named explicitly is always yielded (so an unsupported type gets its own error);
    inside directories only ``suffixes`` are taken, and hidden entries and ``truth/``
    folders of generated corpora are skipped. Symbolic links to directories are followed
    once; a link loop, a broken link or a directory that cannot be listed is appended to
    ``problems`` (when given) instead of being skipped silently.
    """
    for entry in iter_entries(paths, suffixes):
        if isinstance(entry, FileProblem):
            if problems is not None:
                problems.append(entry)
        else:
            yield entry


def iter_entries(paths: Iterable[str | os.PathLike],
                 suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> Iterator[Path | FileProblem]:
    """:func:`iter_files` with the walk's problems in their place, for commands that report them in order."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found: list[FileProblem] = []
            for sub in _walk(path, path, suffixes, found, set()):
                yield from found
                found.clear()
                yield sub
            yield from found
        else:
            yield path


def _walk(root: Path, directory: Path, suffixes: tuple[str, ...], problems: list[FileProblem] | None,
          ancestors: set[tuple[int, int]]) -> Iterator[Path]:
    try:
        st = directory.stat()
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        if problems is not None:
            problems.append(FileProblem(str(directory), "unreadable", f"cannot list the directory: {exc.strerror or exc}"))
        return
    here = ancestors | {(st.st_dev, st.st_ino)}
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "truth":
            continue
        sub = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows links
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if entry.is_symlink():
            try:
                target = sub.stat()
            except OSError as exc:
                if problems is not None:
                    loop = getattr(exc, "errno", None) == 40  # ELOOP
                    problems.append(FileProblem(str(sub), "symlink_loop" if loop else "not_found",
                                                "symbolic link loop" if loop else "broken symbolic link"))
                continue
            if is_dir and (target.st_dev, target.st_ino) in here:
                if problems is not None:
                    problems.append(FileProblem(str(sub), "symlink_loop",
                                                "symbolic link back to a folder it is inside (loop); not followed"))
                continue
        if is_dir:
            yield from _walk(root, sub, suffixes, problems, here)
        elif is_file and sub.suffix.lower() in suffixes:
            yield sub


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


#: ``fail(item, code, message)`` -> the value yielded for an item whose worker failed.
FailFn = Callable[[Any, str, str], Any]


def _default_fail(item: Any, code: str, message: str) -> dict[str, Any]:
    return {"source": str(item), "error": f"{code}: {message}"}


def process_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
    scheduler: str = "processes",
    window: int = 256,
    timeout: float | None = None,
    max_memory_mb: float | None = None,
    fail: FailFn = _default_fail,
    isolate: bool = False,
    warm_up: Callable[[], Any] | None = None,
) -> Iterator[R]:
    """Apply ``func`` to each item, yielding results in input order.

    ``scheduler`` is ``"sync"`` (this process, no isolation), ``"processes"`` (a supervised
    pool of ``workers`` processes; one worker means this process unless ``isolate``) or
    ``"dask"`` (the current
    ``dask.distributed`` client, or a local one). Items are consumed ``window`` at a time, so
    memory stays bounded on any corpus. ``func`` must be picklable (a module-level function or
    a ``functools.partial`` of one) and should turn per-item failures into values; what it
    cannot (its worker died, hung past ``timeout`` seconds, or grew past ``max_memory_mb``)
    becomes ``fail(item, code, message)``. ``warm_up`` runs once in each pool worker before its
    first item (imports, models), outside the item's time limit.
    """
    if scheduler == "dask":
        yield from _dask_map(func, items, window, fail)
        return
    if scheduler not in ("sync", "processes"):
        raise ValueError(f"unknown scheduler {scheduler!r}: use sync, processes or dask")
    workers = default_workers() if workers is None else max(1, workers)
    if scheduler == "sync" or (workers == 1 and not isolate):
        for item in items:
            yield func(item)
        return
    pool = SupervisedPool(func, workers, timeout=timeout, max_memory_mb=max_memory_mb, fail=fail, warm_up=warm_up)
    yield from pool.map(items, window)


# --------------------------------------------------------------------------- supervised pool

def _arm_parent_death(parent: int) -> None:
    """Make this worker exit when ``parent`` dies, even while busy on a document."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:  # portable fallback: poll the parent pid
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="gxnlp-parent-watch").start()


def _worker_main(func: Callable[[Any], Any], conn, parent: int, warm_up: Callable[[], Any] | None) -> None:
    _arm_parent_death(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if warm_up is not None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - a failed warm-up only means the first item pays for loading
            pass
    conn.send(_READY)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        try:
            out = (index, True, func(item))
        except MemoryError:
            out = (index, False, ("memory_limit", "ran out of memory (MemoryError)"))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as this item's failure
            out = (index, False, (type(exc).__name__, str(exc)))
        try:
            conn.send(out)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send((index, False, (type(exc).__name__, f"result could not be sent back: {exc}")))


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - no way to measure: the bound is not enforced
        return None


_READY = "ready"


class _Worker:
    def __init__(self, ctx, func, warm_up=None):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(func, child, os.getpid(), warm_up), daemon=True,
                                name="gxnlp-worker")
        self.proc.start()
        child.close()
        self.task: tuple[int, Any, float] | None = None
        self.ready = False

    def check_ready(self) -> bool:
        """True once the worker has warmed up (its ready message read)."""
        if not self.ready:
            try:
                if self.conn.poll():
                    self.ready = self.conn.recv() == _READY
            except (EOFError, OSError):
                pass
        return self.ready

    def died_warming(self) -> bool:
        return not self.check_ready() and not self.proc.is_alive()

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError, ValueError):
            pass
        self.proc.join(5)
        self.conn.close()


class SupervisedPool:
    """A small pool of worker processes, one document at a time each, watched by the parent."""

    poll = 0.05

    def __init__(self, func: Callable[[Any], Any], workers: int, *, timeout: float | None = None,
                 max_memory_mb: float | None = None, fail: FailFn = _default_fail,
                 warm_up: Callable[[], Any] | None = None):
        import multiprocessing as mp

        self.func = func
        self.workers = max(1, workers)
        self.timeout = timeout or None
        self.max_memory_mb = max_memory_mb or None
        self.fail = fail
        self.warm_up = warm_up
        methods = mp.get_all_start_methods()
        # fork: a fresh worker costs milliseconds and inherits loaded models.
        self.ctx = mp.get_context("fork" if "fork" in methods else None)

    def map(self, items: Iterable[Any], window: int = 256) -> Iterator[Any]:
        source = iter(enumerate(items))
        pool: list[_Worker] = []
        done: dict[int, Any] = {}
        next_out = 0
        issued = 0
        exhausted = False
        warm_deaths = 0
        try:
            while True:
                for w in pool:
                    if w.task is None and w.check_ready() and not exhausted and issued - next_out < window:
                        try:
                            index, item = next(source)
                        except StopIteration:
                            exhausted = True
                            break
                        w.task = (index, item, time.monotonic())
                        try:
                            w.conn.send((index, item))
                        except OSError:  # the idle worker died (killed from outside): use a fresh one
                            w.kill()
                            fresh = _Worker(self.ctx, self.func)  # no warm-up: it takes this item now
                            fresh.ready = fresh.conn.recv() == _READY
                            fresh.task = w.task
                            pool[pool.index(w)] = fresh
                            fresh.conn.send((index, item))
                        issued += 1
                if not exhausted and issued - next_out < window and len(pool) < self.workers \
                        and all(w.task is not None or not w.ready for w in pool):
                    pool.append(_Worker(self.ctx, self.func, self.warm_up))
                    continue
                busy = [w for w in pool if w.task is not None]
                if not busy and exhausted:
                    break
                warming = [w for w in pool if not w.ready]
                if busy or warming:
                    self._wait(busy + warming)
                for i, w in enumerate(pool):
                    if w.task is None:
                        if not w.ready and w.died_warming():
                            warm_deaths += 1
                            if warm_deaths > 10 * self.workers:
                                raise RuntimeError("gxnlp worker processes keep dying while they start "
                                                   f"(exit status {w.proc.exitcode}): is memory exhausted?")
                            w.kill()
                            pool[i] = _Worker(self.ctx, self.func, self.warm_up)
                        continue
                    outcome = self._check(w)
                    if outcome is not None:
                        index, value, replace = outcome
                        done[index] = value
                        w.task = None
                        if replace:
                            w.kill()
                            pool[i] = _Worker(self.ctx, self.func, self.warm_up)
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
        finally:
            self._shutdown(pool)

    def _wait(self, busy: list[_Worker]) -> None:
        from multiprocessing.connection import wait

        handles = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        wait(handles, timeout=self.poll)

    def _check(self, w: _Worker) -> tuple[int, Any, bool] | None:
        index, item, started = w.task
        try:
            if w.conn.poll():
                got_index, ok, payload = w.conn.recv()
                if ok:
                    return index, payload, False
                code, message = payload
                return index, self.fail(item, code, message), code == "memory_limit"
        except (EOFError, OSError):
            pass
        if not w.proc.is_alive() or w.conn.closed:
            w.proc.join(1)
            code = w.proc.exitcode
            how = (f"killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
                   and -code in signal.Signals._value2member_map_ else f"exit status {code}")
            return index, self.fail(item, "worker_died", f"the worker process died on this document ({how}); "
                                    "a fresh worker took the next one"), True
        elapsed = time.monotonic() - started
        if self.timeout and elapsed > self.timeout:
            return index, self.fail(item, "timeout", f"took longer than {self.timeout:g} s "
                                    "(raise --timeout if it really needs longer)"), True
        if self.max_memory_mb:
            rss = _rss_mb(w.proc.pid)
            if rss is not None and rss > self.max_memory_mb:
                return index, self.fail(item, "memory_limit", f"the worker grew to {rss:.0f} MB, over the "
                                        f"{self.max_memory_mb:g} MB limit (raise --max-memory)"), True
        return None

    @staticmethod
    def _shutdown(pool: list[_Worker]) -> None:
        for w in pool:
            try:
                if w.task is None:
                    w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2.0
        for w in pool:
            if w.task is None:
                w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
            else:
                w.conn.close()


# --------------------------------------------------------------------------- dask

def _dask_map(func: Callable[[T], R], items: Iterable[T], window: int, fail: FailFn) -> Iterator[R]:
    try:
        from dask.distributed import Client, default_client
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise RuntimeError("scheduler='dask' needs the [dask] extra: pip install 'gxnlp[dask]'") from exc
    try:
        client = default_client()
    except ValueError:
        client = Client(processes=True)
    for chunk in _chunks(items, window):
        futures = client.map(func, chunk, pure=False)
        for item, future in zip(chunk, futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker and friends: this item failed
                if type(exc).__name__ == "KilledWorker":
                    # Tasks queued on a worker die with it: an item is blamed only if it kills a
                    # worker again when run alone.
                    try:
                        yield client.submit(func, item, pure=False).result()
                        continue
                    except Exception as again:  # noqa: BLE001
                        exc = again
                code = "worker_died" if type(exc).__name__ == "KilledWorker" else type(exc).__name__
                yield fail(item, code, str(exc) or type(exc).__name__)


def count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)
