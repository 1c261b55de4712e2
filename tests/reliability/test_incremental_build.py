"""An incremental build equals a fresh build of the final corpus, whatever happened to the files
between builds (edits, deletions, renames, copies, a file becoming unreadable and readable again)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from hostile import DEMO

from gxnlp.dataset.build import build, load
from gxnlp.dataset.schema import SCHEMA

TABLES = [t for t in SCHEMA if t not in ("build_state", "files")]


def snapshot(db: Path) -> dict[str, pd.DataFrame]:
    ds = load(db)
    out = {}
    for name in TABLES:
        frame = ds.table(name)
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return out


def assert_same(a: Path, b: Path) -> None:
    x, y = snapshot(a), snapshot(b)
    for name in TABLES:
        assert len(x[name]) == len(y[name]), name
        if len(x[name]):
            pd.testing.assert_frame_equal(x[name], y[name], check_dtype=False, obj=name)


def demo_files(n: int) -> list[Path]:
    return sorted(p for p in (DEMO / "2021").iterdir() if p.suffix in (".txt", ".html"))[:n]


def test_edits_deletions_and_renames_between_builds(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = demo_files(10)
    for f in files:
        shutil.copy2(f, corpus / f.name)
    db = tmp_path / "inc.duckdb"
    first = build([corpus], db, workers=1)
    assert first.processed == 10
    # round 1: edit one report, delete one, rename one, copy one under a second name
    edited = corpus / files[0].name
    edited.write_text(edited.read_text(encoding="utf-8").replace("2021年", "2021 年", 1) + "\n补充说明。\n",
                      encoding="utf-8")
    (corpus / files[1].name).unlink()
    (corpus / files[2].name).rename(corpus / ("renamed_" + files[2].name))
    shutil.copy2(corpus / files[3].name, corpus / ("copy_" + files[3].name))
    second = build([corpus], db, workers=1)
    assert second.processed == 1 and second.removed == 2  # the edit's old content and the deleted file
    # round 2: edit the edited file again, and bring back the deleted one
    edited.write_text(edited.read_text(encoding="utf-8") + "再次补充。\n", encoding="utf-8")
    shutil.copy2(files[1], corpus / files[1].name)
    build([corpus], db, workers=1)
    fresh = tmp_path / "fresh.duckdb"
    build([corpus], fresh, workers=1)
    assert_same(db, fresh)
    reports = load(db).reports
    assert len(reports) == 10 and reports["report_id"].is_unique  # 11 files, one content twice
    assert any("renamed_" in s for s in reports["source"])
    assert not any(s.endswith("/" + files[2].name) for s in reports["source"])
