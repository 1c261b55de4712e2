"""The same per-document stage runs in this process, in a process pool and on a Dask cluster."""
from __future__ import annotations

from pathlib import Path

import pytest

from gxnlp.pipeline import iter_files, process_map
from gxnlp.structure.parse import parse_record

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"


def test_iter_files_skips_truth_and_is_sorted():
    files = list(iter_files([DEMO]))
    assert files == sorted(files)
    assert not any("truth" in f.parts for f in files)
    assert {f.suffix for f in files} <= {".txt", ".html", ".pdf", ".docx"}


def test_pool_and_dask_give_the_same_records_in_order():
    files = sorted((DEMO / "2021").iterdir())[:8]
    local = list(process_map(parse_record, files, scheduler="sync"))
    pooled = list(process_map(parse_record, files, workers=2, window=3))
    assert pooled == local
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        on_dask = list(process_map(parse_record, files, scheduler="dask", window=3))
    assert on_dask == local


def test_unknown_scheduler_is_an_error():
    with pytest.raises(ValueError, match="unknown scheduler"):
        list(process_map(str, [1, 2], workers=2, scheduler="spark"))
