"""``gxnlp reuse`` / ``gxnlp report`` end to end, and the HTML page rendered in headless Chromium."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.report.reuse import mark_segments, render_report

ROOT = Path(__file__).resolve().parents[1]
from gxnlp.reuse import ReuseDetector, ReuseDoc
from gxnlp.synth.planted import planted_corpus, write_corpus

EVIL = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Planted copies written as report files, plus one agency's text carrying markup, plus a bad file."""
    docs, truth = planted_corpus(n_agencies=40, years=(2021, 2022), seed=5)
    root = tmp_path_factory.mktemp("corpus")
    # markup inside a copied sentence of two reports, so it reaches the aligned-passage view too
    sent = f"我局在{EVIL}专栏集中公开了本年度全部重大行政决策的预公开意见征集情况和采纳结果说明"
    docs[0].text = docs[0].text.replace("\n五、", f"\n{sent}。\n五、", 1)
    docs[1].text = docs[1].text.replace("\n五、", f"\n{sent}。\n五、", 1)
    paths = write_corpus(docs, root / "reports")
    (root / "reports" / "broken.pdf").write_bytes(b"%PDF-1.4\n\x00\x01garbage")
    return root, docs, truth, paths


def _pairs(records):
    return {tuple(sorted((r["a_report_id"], r["b_report_id"]))) for r in records if "error" not in r}


def test_reuse_cli_jsonl(corpus):
    root, docs, truth, paths = corpus
    result = CliRunner().invoke(app, ["reuse", str(root / "reports"), "--workers", "1"])
    assert result.exit_code == 1  # the broken file
    recs = [json.loads(x) for x in result.stdout.splitlines()]
    errors = [r for r in recs if "error" in r]
    assert len(errors) == 1 and errors[0]["source"].endswith("broken.pdf")
    pairs = [r for r in recs if "error" not in r]
    assert set(pairs[0]) >= {"a_source", "b_source", "a_report_id", "b_report_id", "kind", "copied_chars",
                             "a_share", "b_share", "passages"}
    assert set(pairs[0]["passages"][0]) >= {"a_text", "b_text", "similarity"}
    # report ids are ingest's (sha1 of the file bytes): compare by file name
    by_file = {Path(p).stem: p for p in paths.values()}
    found = {tuple(sorted((Path(r["a_source"]).stem, Path(r["b_source"]).stem))) for r in pairs}
    true = {(a, b) for a, b, _ in truth} | {tuple(sorted((docs[0].report_id, docs[1].report_id)))}
    assert set(by_file) >= {x for p in found for x in p}
    tp = len(found & true)
    assert tp / len(found) >= 0.95 and tp / len(true) >= 0.95, (tp, len(found), len(true))


def test_reuse_cli_template_and_stock_only(tmp_path):
    docs, truth = planted_corpus(n_agencies=30, years=(2021,), p_self=0.0, cluster_share=0.0, seed=9)
    assert truth == []
    write_corpus(docs, tmp_path)
    result = CliRunner().invoke(app, ["reuse", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 0 and result.stdout.strip() == ""
    result = CliRunner().invoke(app, ["reuse", str(tmp_path), "--workers", "1", "--include-template"])
    kinds = {json.loads(x)["kind"] for x in result.stdout.splitlines()}
    assert kinds and kinds <= {"template", "stock"}


def test_mark_segments_marks_only_shared_runs():
    a, b = mark_segments("2021年我局公开信息12条", "2022年我局公开信息30条")
    assert [t for t, m in a if m] == ["202", "年我局公开信息"]  # "条" alone is under min_run
    assert "".join(t for t, _ in a) == "2021年我局公开信息12条"


def test_render_escapes_document_text():
    det = ReuseDetector(min_copied_chars=10).fit([
        ReuseDoc("a", f"我局全年组织政务公开专题培训四次{EVIL}覆盖全部科室和下属单位。", agency=f"甲{EVIL}", year=2020),
        ReuseDoc("b", f"我局全年组织政务公开专题培训六次{EVIL}覆盖全部科室和下属单位。", agency="乙", year=2021)])
    html = render_report(det)
    assert "<script>document" not in html and "<img src=x" not in html
    assert "&lt;script&gt;document.title" in html
    assert "table audit not available" in html or "表格核查" in html


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("headless Chromium not installed (apt-get install -y chromium): the HTML page was not rendered")


def _run_chromium(exe: str, url: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args, url],
            capture_output=True, text=True, timeout=120)


def test_report_page_in_headless_chromium(corpus, tmp_path):
    exe = _chromium()
    root, docs, truth, paths = corpus
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(root / "reports"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1 and out.exists()  # written, and the broken file is reported
    html = out.read_text(encoding="utf-8")
    assert "broken.pdf" in html
    dom = _run_chromium(exe, out.as_uri(), "--dump-dom").stdout
    assert "<title>政府信息公开工作年度报告 · 对比报告</title>" in dom  # the script did not run
    assert "<script" not in dom.lower() and "onerror" not in dom.split("</style>")[1].replace("onerror=alert", "")
    assert "&lt;script&gt;document.title" in dom and "<mark>" in dom
    for section in ("overview", "shares", "heat", "clusters", "pairs", "stock", "audit"):
        assert f'id="{section}"' in dom
    assert dom.count("<svg") >= 3  # year, template, agency plots, heat map
    shot = tmp_path / "shot.png"
    _run_chromium(exe, out.as_uri(), f"--screenshot={shot}", "--window-size=1200,3000")
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1000
    gray = img[..., :3].mean(axis=2)
    assert gray.std() > 0.05  # not blank
    assert (gray < 0.5).mean() > 0.01  # some dark text/plots


def test_report_shows_table_audit_findings(corpus, tmp_path, monkeypatch):
    """With a ``gxnlp.tables.audit`` module present, its findings are listed (escaped) on the page."""
    import sys
    import types

    fake = types.ModuleType("gxnlp.tables.audit")
    fake.FINDING_COLUMNS = ["source", "report_id", "rule", "table", "row", "column", "expected", "found", "message"]

    def validate_record(path):
        return {"source": str(path), "report_id": "x", "warnings": [], "findings": [
            {"source": str(path), "report_id": "x", "rule": "s4_group_total", "table": "s4", "row": "review",
             "column": "total", "expected": 3, "found": 4, "message": f"总计 4 ≠ 3 {EVIL}"}]}

    fake.validate_record = validate_record
    monkeypatch.setitem(sys.modules, "gxnlp.tables.audit", fake)
    root, docs, truth, paths = corpus
    few = tmp_path / "few"
    few.mkdir()
    for p in list(paths.values())[:3]:
        (few / Path(p).name).write_text(Path(p).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(few), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("s4_group_total") == 3 and "总计 4 ≠ 3 &lt;script&gt;" in html
    assert "table audit not available" not in html


def test_empty_and_failing_corpora(tmp_path):
    html = render_report(ReuseDetector().fit([]))
    assert "No pair of reports shares copied narrative" in html
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(b"")
    (corpus / "b.pdf").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(corpus), "--out", str(out), "--workers", "1", "--no-audit"])
    # no report at all: status 1, the failures named in the summary line, and no (empty) page
    assert result.exit_code == 1 and not out.exists()
    assert "a.txt" in result.stderr and "b.pdf" in result.stderr and "failed 2" in result.stderr
    (corpus / "c.txt").write_text((ROOT / "corpora/demo/2021/00007.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(corpus), "--out", str(out), "--workers", "1", "--no-audit"])
    assert result.exit_code == 1 and out.exists()
    page = out.read_text(encoding="utf-8")
    assert "a.txt" in page and "b.pdf" in page and "2 file(s) could not be read" in page
    (corpus / "c.txt").unlink()
    result = CliRunner().invoke(app, ["reuse", str(corpus), "--workers", "1"])
    assert result.exit_code == 1
    assert [json.loads(x)["source"].rsplit("/", 1)[-1] for x in result.stdout.splitlines()] == ["a.txt", "b.pdf"]
