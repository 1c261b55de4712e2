"""Ingest: encodings, HTML tables and chrome, docx, PDF, normalisation, and bad input."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.ingest.read import read_document
from gxnlp.model import IngestError
from gxnlp.ingest.normalize import normalise, remove_pinyin_glosses

REPORT = """某某县财政局2021年政府信息公开工作年度报告
一、总体情况
2021年，我局认真贯彻《中华人民共和国政府信息公开条例》，全年主动公开政府信息120条。
二、主动公开政府信息情况
规章 | 0 | 0 | 0 |
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 0 |
五、存在的主要问题及改进情况
一是政策解读形式单一；二是工作人员业务能力有待提高。
六、其他需要报告的事项
无。
"""

HTML = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某县财政局2021年政府信息公开工作年度报告</title></head><body>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<table class="meta"><tr><td>索引号：</td><td>1234/2022-01</td><td>发布机构：</td><td>某某县财政局</td></tr>
<tr><td>发文日期：</td><td>2022-01-20</td><td>文号：</td><td>无</td></tr></table>
<h1>某某县财政局2021年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2021年，我局认真贯彻条例。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td rowspan="2" colspan="2">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td colspan="2"></td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
</table>
<p>五、存在的主要问题及改进情况</p><p>一是政策解读形式单一。</p>
<div class="share">扫一扫在手机上查看当前页面</div>
<p>上一篇：无</p>
</body></html>"""


def test_pinyin_glosses_removed_then_converted():
    text, n = remove_pinyin_glosses("張店區(qū)人民政府報(bào)告(de)（一）(2021)")
    assert n == 3 and text == "張店區人民政府報告（一）(2021)"
    assert normalise("張店區(qū)人民政府2020年報(bào)告：規章０件") == "张店区人民政府2020年报告：规章0件"


def test_utf8_text_report(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    doc = read_document(path)
    assert doc.encoding == "utf-8" and doc.format == "txt"
    assert doc.text.startswith("某某县财政局2021年")
    assert not doc.warnings


def test_gbk_without_declaration_is_detected_and_said(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(REPORT.encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert "二、主动公开政府信息情况" in doc.text
    assert any("encoding not declared; detected gb18030" in w for w in doc.warnings)


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + REPORT.encode("utf-8"))
    doc = read_document(path)
    assert doc.encoding == "utf-8 (BOM)" and doc.text.startswith("某某县")


def test_html_declared_charset_tables_and_chrome(tmp_path):
    path = tmp_path / "r.html"
    path.write_bytes(HTML.encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"  # declared gb2312, read with its superset
    assert doc.meta["agency"] == "某某县财政局" and doc.meta["published"] == "2022-01-20"
    assert "当前位置" not in doc.text and "扫一扫" not in doc.text and "上一篇" not in doc.text
    grid = doc.html_tables[-1]
    assert len(grid) == 4 and all(len(row) == 9 for row in grid)
    assert grid[1][2] == "自然人" and grid[2][2] == "自然人"  # rowspan filled
    assert grid[3][:3] == ["一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量", "3"]
    assert "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |" in doc.text


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某某镇人民政府2022年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "信息内容"
    table.cell(0, 2).text = "本年制发件数"
    table.cell(1, 0).text = "规章"
    table.cell(1, 1).text = "0"
    table.cell(1, 2).text = "2"
    path = tmp_path / "r.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.format == "docx" and doc.encoding is None
    assert doc.html_tables == [[["信息内容", "信息内容", "本年制发件数"], ["规章", "0", "2"]]]
    assert "规章 | 0 | 2 |" in doc.text


def _scanned_pdf(path):
    from PIL import Image

    Image.new("RGB", (595, 842), "white").save(path, "PDF")


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("empty.txt", b"", "empty"),
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("latin.txt", b"just some english text, no report here\n" * 10, "no_chinese_text"),
        ("old.doc", b"\xd0\xcf\x11\xe0 legacy word", "unsupported"),
        ("fake.pdf", b"%PDF-1.4 this is not really a pdf", "unreadable"),
        ("fake.docx", b"PK\x03\x04 not a zip at all", "unreadable"),
    ],
)
def test_bad_input_gets_specific_error(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert err.value.code == code


def test_scanned_pdf_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    _scanned_pdf(path)
    with pytest.raises(IngestError, match=r"no text layer \(scanned.*OCR needed"):
        read_document(path)


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(IngestError, match=r"50\.0 MB, over the 20 MB limit") as err:
        read_document(path)
    assert err.value.code == "too_large"


def test_truncated_html_warns(tmp_path):
    path = tmp_path / "cut.html"
    path.write_text(HTML[: HTML.index("<tr><td colspan=\"2\">一、本年新收")], encoding="utf-8")
    doc = read_document(path)
    assert any("HTML looks truncated" in w for w in doc.warnings)


def test_corpus_with_bad_files_still_parses_every_good_one(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "good_gbk.txt").write_bytes(REPORT.replace("财政局", "教育局").encode("gbk"))
    (corpus / "good.html").write_bytes(HTML.encode("gbk"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "cut.html").write_text(HTML[:900], encoding="utf-8")
    _scanned_pdf(corpus / "scan.pdf")
    with open(corpus / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = CliRunner().invoke(app, ["parse", str(corpus), "--format", "jsonl", "--workers", "1"])
    assert result.exit_code == 1  # some files failed
    records = {r["source"].rsplit("/", 1)[-1]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {"good.txt", "good_gbk.txt", "good.html", "empty.txt", "junk.txt", "cut.html",
                            "scan.pdf", "huge.txt"}
    assert records["empty.txt"]["error"].startswith("empty:")
    assert records["junk.txt"]["error"].startswith("binary:")
    assert records["scan.pdf"]["error"].startswith("no_text_layer:")
    assert records["huge.txt"]["error"].startswith("too_large:")
    for good in ("good.txt", "good_gbk.txt", "good.html"):
        rec = records[good]
        assert "error" not in rec
        assert rec["year"] == 2021 and rec["template"] == "2021"
        assert rec["sections"]["problems"].startswith("一是政策解读形式单一")
    assert records["good_gbk.txt"]["agency"] == "某某县教育局"
    assert records["good.html"]["agency"] == "某某县财政局"
    assert any("truncated" in w for w in records["cut.html"].get("warnings", []))
