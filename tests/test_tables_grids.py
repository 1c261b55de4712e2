"""Tables read as grids: PDF ruled tables and word rows, Word tables, labels by meaning, the
reading chosen by the identities, partly separated digit runs, and the hard-PDF layout."""
from __future__ import annotations

import json

import pytest
from tables_gold import compare, file_gold

from gxnlp.model import Document, Grid
from gxnlp.tables import extract, extract_with_warnings
from gxnlp.tables.core import readings
from gxnlp.tables.labels import align_rows, best_alignment, normalise_label

MIN_ACCURACY = 0.995
DEV_SEED = 1  # the hard-PDF seed the code was developed on; benchmarks measure others


@pytest.fixture(scope="module")
def huaian(shared):
    from gxnlp.ingest.read import read_document

    path, gold = file_gold("huaian_city_2024.json")
    return read_document(shared / path), gold


@pytest.mark.parametrize("route", ["grid", "words", "text"])
def test_real_pdf_every_route(huaian, route):
    """The one real PDF read three ways: ruled tables, word rows, page text; each alone is right."""
    doc, gold = huaian
    assert {(g.kind, g.page) for g in doc.grids} >= {("pdf_ruled", 3), ("pdf_ruled", 4), ("pdf_ruled", 5),
                                                     ("pdf_words", 4)}
    got = readings(doc, None)[route]
    cells = {(c.table, c.row, c.column): c.value for c in got.cells}
    right = sum(1 for k, v in gold.items() if k in cells and cells[k] == v)
    assert right / len(gold) >= MIN_ACCURACY, [(k, v, cells.get(k)) for k, v in gold.items() if cells.get(k) != v][:5]


def test_label_typo_wrap_and_merge_land_on_their_key():
    labels = ["规章", "信息内容行政规范性文件", "一、本年新收政府信息公开申请数量", "（一）予以公开",
              "（二）部分公开（区分处理的，只计这一情", "1.属于国家秘密", "2.其他法律行政止公开",   # typo from a real PDF
              "（三）不予公开3.危及“三安全一稳定”", "3.其他", "（七）总计"]
    m = best_alignment(labels)
    assert m.template == "2021"
    assert [m.matches[i].row for i in sorted(m.matches)] == [
        "regulations", "normative_documents", "new_requests", "granted", "partially_granted", "denied_state_secret",
        "denied_prohibited_by_law", "denied_security_stability", "other_misc", "total_handled"]
    assert normalise_label("（三）不\n予公开") == "不予公开"


def test_row_order_tells_similar_labels_apart():
    """`3.其他` (2021) and `（六）其他处理` differ by their place in the table."""
    m = align_rows(["（六）其他处理", "（七）总计"], "2019")
    assert [a.row for a in m.matches.values()] == ["other_handling", "total_handled"]
    m = align_rows(["1.申请人无正当理由逾期不补正", "2.申请人逾期未按收费通知", "3.其他", "（七）总计"], "2021")
    assert [a.row for a in m.matches.values()] == ["other_no_correction", "other_fee_unpaid", "other_misc",
                                                   "total_handled"]


def _s3_grid(rows: dict[str, list[int]], extra: list | None = None) -> list[list[str]]:
    grid = [["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    for label, vals in rows.items():
        grid.append([label] + [str(v) for v in vals])
    return grid + (extra or [])


def test_unmatched_label_is_a_warning_with_its_text():
    rows = {"一、本年新收政府信息公开申请数量": [1, 0, 0, 0, 0, 0, 1], "二、上年结转政府信息公开申请数量": [0] * 7,
            "（一）予以公开": [1, 0, 0, 0, 0, 0, 1], "甲乙丙丁戊己庚": [5, 0, 0, 0, 0, 0, 5],
            "（七）总计": [1, 0, 0, 0, 0, 0, 1], "四、结转下年度继续办理": [0] * 7}
    doc = Document(source="g", report_id="g", text="", format="docx",
                   grids=[Grid("docx", [["三、收到和处理政府信息公开申请情况"]] + _s3_grid(rows))])
    df, warnings = extract_with_warnings(doc)
    assert any("甲乙丙丁戊己庚" in w and "unmatched" in w for w in warnings), warnings
    assert df[(df.row == "granted") & (df.column == "total")]["value"].tolist() == [1]


def test_disagreeing_readings_warn_and_say_which_won():
    """The grid satisfies the identities, the text (a misread) does not: the grid wins, said so."""
    rows = {"一、本年新收政府信息公开申请数量": [2, 1, 0, 0, 0, 0, 3], "二、上年结转政府信息公开申请数量": [0] * 7,
            "（一）予以公开": [2, 1, 0, 0, 0, 0, 3], "（七）总计": [2, 1, 0, 0, 0, 0, 3], "四、结转下年度继续办理": [0] * 7}
    text = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 2 1 0 0 0 0 3\n"
            "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n（一）予以公开 1 0 0 0 0 0 3\n"
            "（七）总计 2 1 0 0 0 0 3\n四、结转下年度继续办理 0 0 0 0 0 0 0\n")
    doc = Document(source="p", report_id="p", text=text, format="pdf",
                   grids=[Grid("pdf_ruled", [["三、收到和处理政府信息公开申请情况"]] + _s3_grid(rows), 1)])
    df, warnings = extract_with_warnings(doc)
    assert df[(df.row == "granted") & (df.column == "natural_person")]["value"].tolist() == [2]
    assert any("disagree" in w and "kept grid" in w and "identities fail or cannot be checked (in the text reading 8 fail" in w
               for w in warnings), warnings


def test_partly_separated_digit_runs():
    """`31015 20002 0 0 0 0 0` is the s4 row 3 1 0 1 5 | 2 0 0 0 2 | 0 0 0 0 0: spaces kept as boundaries."""
    text = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 "
            "未经复议直接起诉 复议后起诉\n31015 20002 0 0 0 0 0\n五、存在的主要问题及改进情况")
    df = extract(Document(source="a", report_id="a", text=text, format="txt"))
    assert df["value"].tolist() == [3, 1, 0, 1, 5, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0]
    text3 = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 7130 0 0 074\n"
             "二、上年结转政府信息公开申请数量 10 0 0 0 0 1\n（一）予以公开 72 30 0 0 0 75\n"
             "（七）总计 72 3 0000 75\n四、结转下年度继续办理 0 0 0 0 0 0 0\n")
    df = extract(Document(source="a", report_id="a", text=text3, format="txt")).set_index(["row", "column"])["value"]
    assert [df[("new_requests", c)] for c in ("natural_person", "commercial", "total")] == [71, 3, 74]
    assert [df[("carried_over", c)] for c in ("natural_person", "total")] == [1, 1]
    assert [df[("granted", c)] for c in ("natural_person", "commercial", "research", "total")] == [72, 3, 0, 75]


def test_word_tables_are_grids(tmp_path):
    import docx

    from gxnlp.ingest.read import read_document

    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=4, cols=4)
    for r, row in enumerate([["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                             ["规章", "0", "0", "3"], ["行政规范性文件", "5", "1", "40"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(0, 0).merge(t.cell(0, 3))
    d.add_paragraph("五、存在的主要问题及改进情况")
    path = tmp_path / "r.docx"
    d.save(path)
    doc = read_document(path)
    assert [g.kind for g in doc.grids] == ["docx"]
    df = extract(doc).set_index(["row", "column"])["value"]
    assert df[("normative_documents", "in_force")] == 40 and df[("regulations", "in_force")] == 3


@pytest.fixture(scope="module")
def hard_corpus(tmp_path_factory):
    from gxnlp.synth.hard_pdf import generate

    out = tmp_path_factory.mktemp("hard")
    generate(out, n=5, seed=DEV_SEED)
    return out


def test_hard_pdfs_cells_identities_and_continuity(hard_corpus):
    """Generated PDFs at the development seed: cells, planted identity violations, and (through
    `gxnlp validate` over the folder) every planted continuity break, no false alarm."""
    import csv
    from collections import defaultdict

    from typer.testing import CliRunner

    from gxnlp.cli import app
    from gxnlp.tables.audit import IDENTITY_RULES

    gold: dict[str, dict] = defaultdict(dict)
    for r in csv.DictReader(open(hard_corpus / "truth" / "cells.csv", encoding="utf-8")):
        gold[r["file"]][(r["table"], r["row"], r["column"])] = None if r["value"] == "" else float(r["value"])
    res = CliRunner().invoke(app, ["validate", str(hard_corpus), "-j", "1"])
    assert res.exit_code == 0, res.output
    findings = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    rel = lambda f: str(f).split(str(hard_corpus) + "/")[-1]  # noqa: E731
    planted = {(e["file"], e["rule"], e["column"]) for e in map(json.loads, open(hard_corpus / "truth" / "errors.jsonl"))}
    found = {(rel(f["source"]), f["rule"], f["column"]) for f in findings if f["rule"] in IDENTITY_RULES}
    assert found == planted
    breaks = {(b["file"], b["column"]) for b in map(json.loads, open(hard_corpus / "truth" / "continuity.jsonl"))}
    assert breaks, "the development seed plants breaks"
    assert {(rel(f["source"]), f["column"]) for f in findings if f["rule"] == "cross_year_continuity"} == breaks
    assert not [f for f in findings if f["rule"] in ("table_incomplete", "unverifiable")]
    from gxnlp.ingest.read import read_document

    ok = n = 0
    for name, cells in gold.items():
        got, total, _bad = compare(extract(read_document(hard_corpus / name)), cells)
        ok, n = ok + got, n + total
    assert ok / n >= MIN_ACCURACY


def test_pre2019_statistics_annex(shared):
    """The 2008-regulation annexes of Pingtan 2011-2018 into the pre2019 keys, glued pairs split."""
    from gxnlp.ingest.read import read_document

    gold = json.loads((file_gold.__globals__["GOLD_DIR"] / "pingtan_pre2019.json").read_text(encoding="utf-8"))["cells"]
    for year, rows in gold.items():
        d = next((shared / "corpora" / "pingtan").glob(f"py{year}_*"))
        df = extract(read_document(d / "page.txt"))
        got = {(r.row, r.column): r.value for r in df.itertuples()}
        for row, (this_year, cumulative) in rows.items():
            assert (got[(row, "year")], got[(row, "cumulative")]) == (this_year, cumulative), (year, row)


def test_pre2019_annex_never_in_the_narrative(shared):
    from gxnlp.ingest.read import read_document
    from gxnlp.model import NARRATIVE_SECTIONS
    from gxnlp.structure.parse import structure
    from gxnlp.text.statements import iter_statements

    for d in sorted((shared / "corpora" / "pingtan").glob("py201[1-8]_*")):
        report = structure(read_document(d / "page.txt"))
        assert "指标名称" in (report.sections["other"] or ""), d.name
        assert not any("指标名称" in (report.sections[k] or "") or "历年累计" in (report.sections[k] or "")
                       for k in NARRATIVE_SECTIONS), d.name
        assert not any("答复数" in s.text or "历年累计" in s.text for s in iter_statements(report)), d.name


def test_dataset_build_has_the_continuity_findings(hard_corpus, tmp_path):
    """`dataset.build` runs the corpus-level continuity rule: the planted breaks, nothing else."""
    from gxnlp.dataset.build import build, load

    build([hard_corpus], tmp_path / "d.duckdb", workers=1)
    findings = load(tmp_path / "d.duckdb").findings
    got = findings[findings.rule == "cross_year_continuity"]
    breaks = {(b["file"], b["column"]) for b in map(json.loads, open(hard_corpus / "truth" / "continuity.jsonl"))}
    assert {(str(s).split(str(hard_corpus) + "/")[-1], c) for s, c in zip(got["source"], got["column"])} == breaks


def test_s3_columns_matched_by_their_headers():
    """A grid printing 总计 first and 自然人 last is read by its column headers, and says so."""
    head = ["项目", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "自然人"]
    rows = {"一、本年新收政府信息公开申请数量": [3, 1, 0, 0, 0, 0, 2], "二、上年结转政府信息公开申请数量": [0] * 7,
            "（一）予以公开": [3, 1, 0, 0, 0, 0, 2], "（七）总计": [3, 1, 0, 0, 0, 0, 2], "四、结转下年度继续办理": [0] * 7}
    grid = [["三、收到和处理政府信息公开申请情况"] * 8, head] + [[k] + [str(v) for v in vals] for k, vals in rows.items()]
    df, warnings = extract_with_warnings(Document(source="g", report_id="g", text="", format="html",
                                                  grids=[Grid("html", grid)]))
    got = df[df.row == "new_requests"].set_index("column")["value"]
    assert (got["natural_person"], got["commercial"], got["total"]) == (2, 1, 3)
    assert any("columns printed in the order total" in w for w in warnings), warnings


def test_pre2019_requests_join_the_panel(shared, tmp_path):
    """Dataset.wide: a 2014 report's annex (受理依申请公开信息总数 1) fills s3_new_requests like a 2019 table."""
    from gxnlp.dataset.build import build, load

    paths = [shared / "corpora/pingtan/py2014_gwh/page.txt", shared / "corpora/pingtan/py2022_syq/page.txt"]
    build(paths, tmp_path / "d.duckdb", workers=1, corpus_stages=False)
    wide = load(tmp_path / "d.duckdb").wide().set_index("year")
    assert wide.loc[2014, "template"] == "pre2019" and wide.loc[2014, "s3_new_requests"] == 1
    assert wide.loc[2014, "s3_granted"] == 1 and wide.loc[2014, "s4_review_total"] == 0
    assert wide.loc[2022, "s3_new_requests"] == 74  # 本年新收 (the narrative's 75 adds last year's one)


def test_gold_split_covers_every_real_gold_file_once(shared):
    """tests/gold/tables/split.json: each real gold file is development or frozen held-out, never both."""
    split = json.loads((file_gold.__globals__["GOLD_DIR"] / "split.json").read_text(encoding="utf-8"))
    dev, held = set(split["development"]), set(split["held_out"])
    assert not dev & held and len(held) >= 4
    gold_files = {p.name for p in file_gold.__globals__["GOLD_DIR"].glob("*.json")} - {"split.json", "pingtan_pre2019.json"}
    pingtan = {f"pingtan:{d.name[2:6]}" for d in (shared / "corpora" / "pingtan").glob("py20*") if (d / "tables.json").exists()}
    assert dev | held == gold_files | pingtan


def _tr(*cells: str) -> str:
    return "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"


def _s2_s4_html(tmp_path, s2_heads: list[str], s4_results: list[str]):
    """An HTML report whose s2 item 第二十条第（五）项 and s4 print their columns in the given orders;
    the s4 groups are printed 复议后起诉 before 未经复议直接起诉."""
    from gxnlp.ingest.read import read_document

    s2 = ("<table>" + _tr('<td colspan="4">第二十条第（五）项</td>') + _tr("信息内容", *s2_heads)
          + _tr("行政许可", "7", "30", "2") + _tr("其他对外管理服务事项", "1", "5", "0") + "</table>")
    s4 = ("<table>" + _tr('<td colspan="5">行政复议</td>', '<td colspan="10">行政诉讼</td>')
          + _tr(*(f'<td rowspan="2">{h}</td>' for h in s4_results),
                '<td colspan="5">复议后起诉</td>', '<td colspan="5">未经复议直接起诉</td>')
          + _tr("总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
          + _tr("1", "3", "0", "0", "4", "6", "2", "1", "0", "0", "3", "0", "0", "0", "3") + "</table>")
    path = tmp_path / "r.html"
    path.write_text(f"<html><body><p>二、主动公开政府信息情况</p>{s2}<p>四、政府信息公开行政复议、行政诉讼情况</p>{s4}"
                    "</body></html>", encoding="utf-8")
    df, warnings = extract_with_warnings(read_document(path), template="2019")
    return {(r.table, r.row, r.column): r.value for r in df.itertuples()}, warnings


S2_S4_EXPECTED = {("s2", "licensing", "previous"): 30, ("s2", "licensing", "change"): 2,
                  ("s2", "licensing", "decisions"): 7, ("s2", "other_services", "decisions"): 1,
                  ("s4", "review", "upheld"): 3, ("s4", "review", "corrected"): 1, ("s4", "review", "total"): 4,
                  ("s4", "litigation_after_review", "total"): 6, ("s4", "litigation_after_review", "upheld"): 2,
                  ("s4", "litigation_after_review", "corrected"): 1, ("s4", "litigation_direct", "upheld"): 3,
                  ("s4", "litigation_direct", "total"): 3}


def test_permuted_s2_and_s4_columns_read_by_their_headers(tmp_path):
    got, warnings = _s2_s4_html(tmp_path, ["处理决定数量", "上一年项目数量", "本年增/减"],
                                ["结果纠正", "结果维持", "其他结果", "尚未审结", "总计"])
    assert {k: got.get(k) for k in S2_S4_EXPECTED} == S2_S4_EXPECTED
    assert any(w.startswith("tables: s2/licensing: columns printed in the order decisions, previous, change")
               for w in warnings), warnings
    assert any("s4: columns printed in the order review/corrected, review/upheld" in w for w in warnings), warnings


def test_header_typo_still_read_by_meaning_and_unknown_header_quoted(tmp_path):
    got, warnings = _s2_s4_html(tmp_path, ["处理决定数", "上一年项目数", "本年增/减"],   # typos: characters dropped
                                ["结果纠正", "结杲维持", "其他结果", "尚未审结", "总计"])  # 杲 for 果
    assert {k: got.get(k) for k in S2_S4_EXPECTED} == S2_S4_EXPECTED
    got, warnings = _s2_s4_html(tmp_path, ["处理决定数量", "上一年项目数量", "备注说明"],
                                ["结果纠正", "结果维持", "其他结果", "尚未审结", "总计"])
    assert any("'备注说明' names no column" in w for w in warnings), warnings


def test_note_tail_glued_to_a_row_label_is_set_aside():
    """PDF word rows put the last line of s3's 勾稽关系 note beside the first row of each page of the
    table (seen at hard-PDF seed 43): `之和，等于第三项加第四项之和）（一）予公开` is the granted row."""
    from gxnlp.tables.labels import without_note_tail

    assert without_note_tail("之和，等于第三项加第四项之和）（一）予公开") == "（一）予公开"
    assert without_note_tail("加第四项之和）二、上年结转政府信息公开申请数量") == "二、上年结转政府信息公开申请数量"
    assert without_note_tail("（一）予以公开") == "（一）予以公开"  # nothing of the note: unchanged
    rows = {"之和，等于第三项加第四项之和）一、本年新收政府信息公开申请数量": [3, 1, 0, 0, 0, 0, 4],
            "二、上年结转政府信息公开申请数量": [0] * 7}
    page2 = {"之和，等于第三项加第四项之和）（一）予公开": [3, 1, 0, 0, 0, 0, 4], "（七）总计": [3, 1, 0, 0, 0, 0, 4],
             "四、结转下年度继续办理": [0] * 7}
    doc = Document(source="p", report_id="p", text="", format="pdf",
                   grids=[Grid("pdf_words", [["三、收到和处理政府信息公开申请情况"]] + _s3_grid(rows), 1),
                          Grid("pdf_words", _s3_grid(page2), 2)])
    df, warnings = extract_with_warnings(doc)
    got = df.set_index(["row", "column"])["value"]
    assert (got[("granted", "natural_person")], got[("granted", "total")]) == (3, 4), warnings
