"""The supervised pool: results in input order whatever fails, a fresh worker after each death,
and no worker outliving the process that started it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from hostile import GOOD, ROOT

from gxnlp import runner
from gxnlp.limits import Limits
from gxnlp.pipeline import SupervisedPool

DRIVER = Path(__file__).with_name("driver.py")


def _kill_on_b(p):
    if p.source.endswith("b.txt"):
        os.kill(os.getpid(), signal.SIGKILL)
    return {"name": Path(p.source).name, "pid": os.getpid()}


def test_results_stay_in_order_and_a_fresh_worker_follows_a_death(tmp_path, monkeypatch):
    names = ["a.txt", "b.txt", "c.txt", "b.txt", "d.txt"]
    files = []
    for i, n in enumerate(names):
        d = tmp_path / str(i)
        d.mkdir()
        (d / n).write_text(GOOD[0].read_text(encoding="utf-8"), encoding="utf-8")
        files.append(d / n)
    monkeypatch.setitem(runner.STAGES, "parse", _kill_on_b)
    records = list(runner.run(files, ["parse"], workers=2, window=2))
    assert [Path(r["source"]).name for r in records] == names
    assert [runner.error_code(r) for r in records] == [None, "worker_died", None, "worker_died", None]
    assert all(r["stages"]["parse"]["pid"] != os.getpid() for r in records if "stages" in r)


def _slow(x):
    time.sleep(x)
    return x


def test_pool_timeout_kills_only_the_slow_item():
    pool = SupervisedPool(_slow, 2, timeout=1.0)
    start = time.monotonic()
    out = list(pool.map([0.0, 30.0, 0.1, 0.0]))
    assert out[0] == 0.0 and out[2] == 0.1 and out[3] == 0.0
    assert out[1]["error"].startswith("timeout:")
    assert time.monotonic() - start < 15


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    """The parent dies (SIGKILL) while its worker is stuck on a document: the worker goes too."""
    hang = tmp_path / "hang.txt"
    hang.write_text(GOOD[0].read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(DRIVER), "--hang-on", "hang", "--", "parse", str(hang),
                             "--timeout", "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while not workers and time.monotonic() < deadline:
        workers = parent.children(recursive=True)
        time.sleep(0.1)
    assert workers, "no worker started"
    time.sleep(1.0)  # the worker is inside the hanging stage now
    proc.kill()
    proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=5)
    assert not alive, [p.pid for p in alive]


DASK_KILL = """
import os, signal
from dask import distributed
from gxnlp.pipeline import process_map

def die_on_two(x):
    if x == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * 10

if __name__ == "__main__":
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None,
                                  processes=True) as cluster, distributed.Client(cluster):
        out = list(process_map(die_on_two, [1, 2, 3], scheduler="dask"))
    print(repr([o if isinstance(o, int) else o["error"].split(":")[0] for o in out]))
"""


def test_a_killed_dask_worker_is_a_worker_died_record(tmp_path):
    """Dask retries a task whose worker died (tasks queued on that worker die with it); the item that
    kills a worker again when run alone is recorded worker_died, the others come through."""
    pytest.importorskip("dask.distributed")
    script = tmp_path / "dask_kill.py"
    script.write_text(DASK_KILL, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.stdout.strip().splitlines()[-1] == "[10, 'worker_died', 30]", proc.stderr[-2000:]


def test_limits_name_their_option():
    assert Limits().with_options(max_mb=1).max_bytes == 2**20
    assert Limits().with_options(timeout=None).timeout == Limits().timeout
