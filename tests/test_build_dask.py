"""``build --scheduler dask`` on a 2-worker LocalCluster gives the same tables as a local
build (documents analysed on the workers; reuse candidates from the band-key shuffle), and the
shuffle gives the streaming index's candidate pairs."""
from __future__ import annotations

from pathlib import Path

import pytest

from gxnlp.dataset.build import build
from gxnlp.dataset.schema import SCHEMA
from gxnlp.pipeline import iter_files

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"


def _subset(tmp_path: Path, n: int = 60) -> Path:
    corpus = tmp_path / "corpus"
    for path in list(iter_files([DEMO]))[::5][:n]:  # every year, old and new templates
        (corpus / path.parent.name).mkdir(parents=True, exist_ok=True)
        (corpus / path.parent.name / path.name).symlink_to(path)
    return corpus


def _tables(db: Path) -> dict[str, list]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for table in SCHEMA:
            if table in ("build_state", "files"):
                continue
            cols = [r[1] for r in con.execute(f"PRAGMA table_info('{table}')").fetchall() if r[1] != "source"]
            out[table] = con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {table} ORDER BY ALL").fetchall()
    return out


def test_dask_build_gives_the_local_tables(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    corpus = _subset(tmp_path)
    build([corpus], tmp_path / "local.duckdb", scheduler="sync")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        build([corpus], tmp_path / "dask.duckdb", scheduler="dask")
    local, dask_ = _tables(tmp_path / "local.duckdb"), _tables(tmp_path / "dask.duckdb")
    assert dask_["errors"] == local["errors"]
    assert local["reports"] and local["cells"] and local["statements"]
    assert local["reuse"], "the subset should contain copied narrative"
    for table in local:
        assert dask_[table] == local[table], table


def test_shuffled_band_keys_give_the_streaming_candidates():
    from gxnlp.reuse.detector import ReuseDetector
    from gxnlp.reuse.io import load_doc
    from gxnlp.reuse.shuffle import candidate_pairs

    docs = [d for d in (load_doc(p) for p in list(iter_files([DEMO]))[:150]) if not isinstance(d, dict)]
    det = ReuseDetector(max_bucket_docs=5).fit(docs)  # a small cap, so the over-the-cap rule is exercised too
    streaming = det.streaming_candidates()
    assert len(streaming) > 50 and det.streaming_stats_["skipped_queries"] > 0
    assert set(det.candidates_) == streaming
    assert candidate_pairs(det) == streaming
