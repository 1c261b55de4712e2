"""Every command on a folder mixing reports, a markdown file, a .doc, an image, and a missing path:
no traceback, ONE summary line naming what was skipped or failed, the documented exit status,
and nothing half-written."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"
NOT_REPORTS = Path(__file__).parent / "data" / "not_reports"
SUMMARY = re.compile(r"^\d+ reports\b")

#: command arguments (the inputs are appended)
COMMANDS = {
    "parse": ["parse"],
    "tables": ["tables", "--format", "csv"],
    "validate": ["validate"],
    "statements": ["statements"],
    "newwords": ["newwords", "--min-count", "1"],
    "reuse": ["reuse"],
    "topics": ["topics", "--k", "2", "--n-boot", "10"],
    "report": ["report", "--out", "{tmp}/r.html", "--no-audit"],
    "build": ["build", "--db", "{tmp}/x.duckdb"],
    "panel": ["panel", "--out", "{tmp}/panel"],
    "review": ["review", "--file", "{tmp}/reviews.csv"],
    "label": ["label", "--out", "{tmp}/to_label.xlsx"],
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    for rel in ("2021/00007.txt", "2020/00044.html", "2019/00005.txt", "2018/00002.txt"):
        shutil.copy(DEMO / rel, folder / Path(rel).name)
    shutil.copy(NOT_REPORTS / "guide.md", folder / "guide.md")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return folder


def _run(args, tmp):
    result = CliRunner().invoke(app, [a.replace("{tmp}", str(tmp)) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_on_a_mixed_folder(name, mixed, tmp_path):
    result = _run(COMMANDS[name] + [str(mixed), str(tmp_path / "missing")], tmp_path)
    lines = [line for line in result.stderr.splitlines() if SUMMARY.match(line)]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("4 reports"), line
    assert "not_a_report guide.md" in line and "unsupported old.doc, scan.png" in line, line
    assert "not_found" in line and "missing" in line, line
    assert result.exit_code == 1  # a named path was missing: some input failed


@pytest.mark.parametrize("name", ["parse", "report", "build"])
def test_skipped_files_alone_do_not_fail_a_run(name, mixed, tmp_path):
    result = _run(COMMANDS[name] + [str(mixed)], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "skipped 3" in result.stderr


def test_build_records_skipped_files_in_the_errors_table(mixed, tmp_path):
    import gxnlp

    _run(COMMANDS["build"] + [str(mixed)], tmp_path)
    errors = gxnlp.load(tmp_path / "x.duckdb").errors
    codes = {Path(s).name: e.split(":")[0] for s, e in zip(errors["source"], errors["error"])}
    assert codes == {"guide.md": "not_a_report", "old.doc": "unsupported", "scan.png": "unsupported"}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_only_missing_paths_exit_2_and_write_nothing(name, tmp_path):
    result = _run(COMMANDS[name] + [str(tmp_path / "nowhere")], tmp_path)
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if SUMMARY.match(line)]) == 1
    assert result.stderr.count("nowhere") == 1  # said once
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no empty page, no empty database


def test_outputs_that_cannot_be_written(mixed, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = [
        ["synth", "--n", "5", str(a_file)],
        ["synth", "--n", "5", str(a_file / "sub")],
        ["tables", str(mixed), "--out", str(a_file / "cells.csv")],
        ["report", str(mixed), "--out", str(tmp_path)],
        ["build", str(mixed), "--db", str(a_file / "x.duckdb")],
        ["topics", str(mixed), "--out", str(a_file)],
    ]
    for args in cases:
        result = _run(args, tmp_path)
        assert result.exit_code == 2, (args, result.stderr)
        assert "cannot" in result.stderr or "is a file" in result.stderr, (args, result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_the_entry_point_shows_no_traceback(tmp_path):
    db = tmp_path / "x.duckdb"
    proc = subprocess.run([sys.executable, "-m", "gxnlp.cli", "build", str(tmp_path / "missing"), "--db", str(db)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no report files found" in proc.stderr
    assert not db.exists()


@pytest.mark.parametrize("args", [["fetch"], ["crawl"]], ids=["fetch", "crawl"])
def test_url_commands_refuse_paths_without_a_traceback(args, mixed, tmp_path):
    result = _run(args + [str(mixed), "--out", str(tmp_path / "downloads")], tmp_path)
    assert result.exit_code == 2 and "not an http(s) URL" in result.stderr + result.stdout


def test_every_command_is_covered():
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    # compare takes exactly two report files, not a corpus (its bad inputs are tested in test_panel.py);
    # train reads a labelled sheet, not report paths (its errors: tests/test_labelling.py)
    assert names <= set(COMMANDS) | {"fetch", "crawl", "synth", "version", "train", "compare"}, names - set(COMMANDS)


def test_a_run_that_fails_creates_no_output_folders(tmp_path):
    for args in (["topics", str(tmp_path / "nowhere"), "--out", str(tmp_path / "a" / "topics")],
                 ["report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "b" / "r.html")],
                 ["build", str(tmp_path / "nowhere"), "--db", str(tmp_path / "c" / "x.duckdb")],
                 ["tables", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d" / "cells.csv")]):
        assert _run(args, tmp_path).exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_missing_option_files_are_clear_errors(tmp_path):
    for args in (["topics", "--statements", str(tmp_path / "nope.jsonl")],
                 ["statements", str(DEMO / "2021" / "00007.txt"), "--taxonomy", str(tmp_path / "nope.json")]):
        result = _run(args, tmp_path)
        assert result.exit_code == 2 and "nope" in result.stderr
