"""Clear messages and one set of exit codes: 0 all files through, 1 some failed, 2 cannot start."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from hostile import GOOD, ROOT


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gxnlp.cli", *args], capture_output=True, text=True, env=_env(),
                          timeout=600)


def test_parse_and_build_agree_on_exit_status_and_report_loops(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy2(GOOD[1], clean / "a.txt")
    assert _cli("parse", str(clean)).returncode == 0
    assert _cli("build", str(clean), "--db", str(tmp_path / "clean.duckdb")).returncode == 0
    bad = tmp_path / "bad"
    shutil.copytree(clean, bad)
    (bad / "big.txt").write_bytes("某".encode() * 400_000)  # 1.2 MB
    os.symlink("..", bad / "up")  # a loop: bad/up/bad/up/...
    parse = _cli("parse", str(bad), "--max-mb", "1")
    build = _cli("build", str(bad), "--db", str(tmp_path / "bad.duckdb"), "--max-mb", "1")
    assert parse.returncode == build.returncode == 1, (parse.stderr, build.stderr)
    records = {os.path.basename(r["source"]): r for r in map(json.loads, parse.stdout.splitlines())}
    assert records["big.txt"]["error"].startswith("too_large:") and "--max-mb" in records["big.txt"]["error"]
    for run in (parse, build):  # the loop is named in the summary line
        assert "symlink_loop" in run.stderr and "Traceback" not in run.stderr
    # a second build: nothing new to process, the failed file is still failed
    again = _cli("build", str(bad), "--db", str(tmp_path / "bad.duckdb"), "--max-mb", "1")
    assert again.returncode == 1 and "Traceback" not in again.stderr


def test_a_second_build_on_a_locked_database_says_so(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy2(GOOD[1], corpus / "a.txt")
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('ready', flush=True); time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        second = _cli("build", str(corpus), "--db", str(db))
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 2, second.stderr
    assert "locked by another build" in second.stderr and "Traceback" not in second.stderr
    assert len(second.stderr.splitlines()) <= 3


def test_no_report_files_is_a_usage_error_and_a_missing_file_a_failed_one(tmp_path):
    (tmp_path / "notes.xyz").write_text("x", encoding="utf-8")
    out = _cli("parse", str(tmp_path))
    assert out.returncode == 2 and "no report files found" in out.stderr
    missing = _cli("build", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "x.duckdb"))
    assert missing.returncode == 2 and "not_found" in missing.stderr and "Traceback" not in missing.stderr
