"""Table extraction against hand-verified gold cells, on every rendition of the real tables."""
from __future__ import annotations

import json

import pytest
from tables_gold import (
    RENDERERS,
    compare,
    file_gold,
    grids_to_html,
    pingtan_gold,
    pingtan_grids,
    render,
    text_document,
)

from gxnlp.model import Document, Report
from gxnlp.tables import COLUMNS, extract, extract_with_warnings
from gxnlp.tables.cells import normalize, parse_value, tokenize
from gxnlp.tables.split import best_split, row_total_ok

PINGTAN_YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025]
MIN_ACCURACY = 0.995


def _pingtan(shared, year):
    d = shared / "corpora" / "pingtan" / f"py{year}_syq"
    tj = json.loads((d / "tables.json").read_text(encoding="utf-8"))
    return d, tj, pingtan_gold(tj)


def _assert_accurate(df, gold, label):
    ok, n, bad = compare(df, gold)
    assert n > 0
    assert ok / n >= MIN_ACCURACY, f"{label}: {ok}/{n} cells right; {bad[:10]}"
    return ok, n


# ------------------------------------------------------------------ real files through ingest

@pytest.mark.parametrize("year", PINGTAN_YEARS)
def test_pingtan_glued_page_matches_html_tables(shared, year):
    """page.txt glues every digit together; tables.json (from the page's HTML) is the truth."""
    from gxnlp.ingest.read import read_document
    from gxnlp.structure.parse import structure

    d, tj, gold = _pingtan(shared, year)
    report = structure(read_document(d / "page.txt"))
    df = extract(report)
    _assert_accurate(df, gold, f"pingtan {year} glued")
    assert set(df["template"]) == {tj["template"]}


@pytest.mark.parametrize("year", PINGTAN_YEARS)
def test_pingtan_html_file_through_ingest(shared, tmp_path, year):
    from gxnlp.ingest.read import read_document

    _d, tj, gold = _pingtan(shared, year)
    page = tmp_path / "r.html"
    page.write_text("<html><body><p>二、主动公开政府信息情况</p>" + grids_to_html(pingtan_grids(tj))
                    + "<p>五、存在的主要问题及改进情况</p></body></html>", encoding="utf-8")
    doc = read_document(page)
    assert doc.html_tables
    _assert_accurate(extract(doc), gold, f"pingtan {year} html")


@pytest.mark.parametrize("year", PINGTAN_YEARS)
def test_pingtan_grids_without_text(shared, year):
    _d, tj, gold = _pingtan(shared, year)
    doc = Document(source="g", report_id="g", text="", format="html", html_tables=pingtan_grids(tj))
    _assert_accurate(extract(doc), gold, f"pingtan {year} grids")


@pytest.mark.parametrize("layout", sorted(RENDERERS))
def test_pingtan_text_layouts(shared, layout):
    """The same gold tables flattened as markdown rows, one cell per line, paragraphs, PDF text."""
    ok = n = 0
    for year in PINGTAN_YEARS:
        _d, tj, gold = _pingtan(shared, year)
        doc = Document(source="t", report_id=str(year), text=render(tj, layout), format="txt")
        a, b = _assert_accurate(extract(doc), gold, f"pingtan {year} {layout}")
        ok, n = ok + a, n + b
    assert n == 1396


@pytest.mark.parametrize("name", ["seed_000.json", "seed_001.json", "seed_002.json", "seed_003.json",
                                  "huaian_city_2024.json"])
def test_seeds_and_pdf_through_ingest(shared, name):
    from gxnlp.ingest.read import read_document
    from gxnlp.structure.parse import structure

    path, gold = file_gold(name)
    report = structure(read_document(shared / path))
    df = extract(report)
    _assert_accurate(df, gold, name)
    assert len(df) == len(gold)


def test_seed_000_without_ingest(shared):
    """Traditional characters with pinyin glosses, converted by the test helper."""
    path, gold = file_gold("seed_000.json")
    _assert_accurate(extract(text_document(shared / path)), gold, "seed 000 (opencc)")


def test_template_from_table_beats_year(shared):
    """Seed 003 reports on 2021 but fills in the 2019 template (本年新/上一年项目数量)."""
    from gxnlp.ingest.read import read_document

    doc = read_document(shared / "seeds" / "003_186377574250ffb2.txt")
    df = extract(doc, year=2021)
    assert set(df["template"]) == {"2019"}
    assert "other_handling" in set(df["row"]) and "other_misc" not in set(df["row"])
    lic = df[(df.table == "s2") & (df.row == "licensing")].set_index("column")
    assert lic.loc["change", "value"] == 18 and lic.loc["change", "raw"] == "+18"


def test_report_input_uses_its_document(shared):
    from gxnlp.ingest.read import read_document
    from gxnlp.structure.parse import structure

    report = structure(read_document(shared / "seeds" / "002_88a498967a8a146f.txt"))
    df = extract(report)
    assert list(df.columns) == COLUMNS
    assert df.attrs["template"] == "2021"
    fees = df[(df.row == "fees")]
    assert fees["column"].tolist() == ["amount_wan"] and isinstance(fees["value"].iloc[0], float)


def test_pre2019_reports_have_no_2019_tables(shared):
    """Pre-2019 reports: no s2/s3/s4; their statistics annex, where there is one, is table pre2019."""
    from gxnlp.ingest.read import read_document

    assert extract(read_document(shared / "seeds/004_6b0820d803ecb1d1.txt")).empty
    for p in ["corpora/pingtan/py2017_syq/page.txt", "corpora/pingtan/py2014_gwh/page.txt"]:
        df = extract(read_document(shared / p))
        assert set(df["table"]) == {"pre2019"} and set(df["template"]) == {"pre2019"}, p


def test_source_inconsistency_kept_as_stated(shared):
    """Pingtan 2021 prints the fee as 24252.311082 (万元): kept, not 'repaired'."""
    from gxnlp.ingest.read import read_document

    df = extract(read_document(shared / "corpora/pingtan/py2021_syq/page.txt"))
    fee = df[(df.table == "s2") & (df.row == "fees")]
    assert fee["value"].tolist() == [24252.311082]


def test_glued_s2_warns_naming_cells(shared):
    from gxnlp.ingest.read import read_document

    df, warnings = extract_with_warnings(read_document(shared / "corpora/pingtan/py2021_syq/page.txt"))
    assert any("normative_documents" in w and "693665" in w and "in_force" in w for w in warnings)
    assert not any("regulations" in w for w in warnings)  # '000' has a single split
    assert df.attrs["warnings"] == warnings


def test_error_on_wrong_input_type():
    with pytest.raises(TypeError):
        extract("not a document")
    with pytest.raises(ValueError):
        extract(Report(source="x", report_id="x", title=None, agency=None, year=2021, published=None, region={},
                       template="2021", sections={}, encoding=None))


# ------------------------------------------------------------------ cells and splitting

def test_tokens_and_values():
    toks = tokenize(" | 12 | — | +18 | -2 | / | 无 | 9116.36万元 | (四)无法提供 |")
    assert [t.text for t in toks] == ["12", "—", "+18", "-2", "/", "无", "9116.36"]
    assert [parse_value(t.text) for t in toks] == [12, None, 18, -2, None, None, 9116.36]
    assert [t.text for t in tokenize("行政事业性收费0 | 0 |")] == ["0", "0"]
    assert normalize("3 0\n- 4 -\n1") == "3 0\n\n1"  # page number line dropped


def test_fullwidth_and_empty_markers_in_a_table():
    text = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 ７ — ０ ０ ０ １ ８\n"
            "二、上年结转政府信息公开申请数量 / / / / / / /\n（一）予以公开 7 0 0 0 0 1 8\n"
            "（七）总计 7 0 0 0 0 1 8\n四、结转下年度继续办理 无 无 无 无 无 无 无\n")
    df = extract(Document(source="t", report_id="t", text=text, format="txt"))
    new = df[df.row == "new_requests"]
    assert new["value"].tolist() == [7, None, 0, 0, 0, 1, 8]
    assert new["raw"].tolist()[1] == "—"
    assert df[df.row == "carried_forward"]["value"].tolist() == [None] * 7


def test_split_row_by_its_total():
    res = best_split(["713000074"], [7], check=row_total_ok)
    assert res.values == [(71, 3, 0, 0, 0, 0, 74)] and res.n_fitting == 1


def test_split_s4_groups():
    res = best_split(["25380363300630003"], [5, 5, 5], check=row_total_ok)
    assert res.values == [(25, 3, 8, 0, 36), (3, 3, 0, 0, 6), (3, 0, 0, 0, 3)]


def test_glued_s3_table_uses_column_identities():
    """`1100011` fits the row total as 1|1|0|0|0|0|... only one way, but `111000112` is
    ambiguous row by row (11|1|0|0|0|0|12? 1|11|...): the column balance decides."""
    text = ("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量111000012"
            "二、上年结转政府信息公开申请数量0000000（一）予以公开111000012"
            "（七）总计111000012四、结转下年度继续办理0000000")
    df, warnings = extract_with_warnings(Document(source="t", report_id="t", text=text, format="txt"))
    new = df[df.row == "new_requests"]["value"].tolist()
    assert sum(new[:6]) == new[6]
    assert any("readings of rows with too few values" in w and "fit the identities" in w
               for w in warnings)  # genuinely ambiguous: said so


def test_all_zero_row_is_unambiguous():
    text = ("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量0000000"
            "二、上年结转政府信息公开申请数量0000000（一）予以公开0000000（七）总计0000000"
            "四、结转下年度继续办理0000000")
    df, warnings = extract_with_warnings(Document(source="t", report_id="t", text=text, format="txt"))
    assert df["value"].tolist() == [0] * 35 and warnings == []


def test_pdf_rows_with_blank_cells_dropped():
    """PDF text drops blank cells: `1 1` in a 7-cell row; the identities place the values."""
    text = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 2 1 3\n"
            "二、上年结转政府信息公开申请数量\n（一）予以公开 2 2\n（二）部分公开 1 1\n（七）总计 2 1 3\n"
            "四、结转下年度继续办理\n")
    df, warnings = extract_with_warnings(Document(source="t", report_id="t", text=text, format="txt"))
    v = {(r.row, r.column): r.value for r in df.itertuples()}
    assert [v[("new_requests", c)] for c in ("natural_person", "commercial", "total")] == [2, 1, 3]
    assert v[("partially_granted", "commercial")] == 1 and v[("granted", "natural_person")] == 2
    assert v[("carried_over", "total")] is None
    assert warnings  # the placement is an inference: said so


def test_markers_glued_to_numbers():
    assert [(t.text, t.empty) for t in tokenize("事项0无 无")] == [("0", False), ("无", True), ("无", True)]
    assert [t.text for t in tokenize("（四）无 1 无法提供 3 本年增/减")] == ["1", "3"]


def test_s4_values_not_taken_from_narrative_around_the_table():
    s3 = "".join(f"{label} {vals}\n" for label, vals in [
        ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量", "1 0 0 0 0 0 1"),
        ("二、上年结转政府信息公开申请数量", "0 0 0 0 0 0 0"), ("（一）予以公开", "1 0 0 0 0 0 1"),
        ("（七）总计", "1 0 0 0 0 0 1"), ("四、结转下年度继续办理", "0 0 0 0 0 0 0")])
    text = (s3 + "四、政府信息公开行政复议、行政诉讼情况\n本年度因政府信息公开发生行政复议2件，行政诉讼1件。\n"
            "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"
            + "结果维持 结果纠正 其他结果 尚未审结 总计 " * 3 + "\n1 0 1 0 2 0 0 0 1 1 0 0 0 0 0\n"
            "注：行政复议案件均已审结，共计2件。\n五、存在的主要问题及改进情况\n")
    df = extract(Document(source="t", report_id="t", text=text, format="txt"))
    assert df[df.table == "s4"]["value"].tolist() == [1, 0, 1, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_s3_table_not_confused_with_a_sentence_before_it():
    text = ("三、收到和处理政府信息公开申请情况\n本年度新收政府信息公开申请3件，上年结转0件，予以公开2件，部分公开1件。\n"
            "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
            "一、本年新收政府信息公开申请数量 2 1 0 0 0 0 3\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
            "（一）予以公开 1 1 0 0 0 0 2\n（二）部分公开 1 0 0 0 0 0 1\n（七）总计 2 1 0 0 0 0 3\n"
            "四、结转下年度继续办理 0 0 0 0 0 0 0\n")
    df, warnings = extract_with_warnings(Document(source="t", report_id="t", text=text, format="txt"))
    v = {(r.row, r.column): r.value for r in df.itertuples()}
    assert v[("new_requests", "commercial")] == 1 and v[("granted", "total")] == 2 and warnings == []


def test_pathological_digit_runs_are_refused_quickly():
    """Runs far too long for a row are not searched (a warning instead of minutes of search)."""
    import time

    text = ("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量" + "1" * 55
            + "二、上年结转政府信息公开申请数量" + "12" * 17 + "（一）予以公开" + "3" * 34
            + "（七）总计98765432109876543210 四、结转下年度继续办理0000000 "
            "四、政府信息公开行政复议、行政诉讼情况 结果维持 结果纠正 总计 " + "12345" * 18)
    t0 = time.perf_counter()
    df, warnings = extract_with_warnings(Document(source="p", report_id="p", text=text, format="txt"))
    assert time.perf_counter() - t0 < 10
    assert any("new_requests" in w and "left empty" in w for w in warnings)
    assert any(w.startswith("tables: s4") for w in warnings)
