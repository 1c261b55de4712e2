"""The audit: identities hold on clean reports, every violated identity is reported."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from tables_gold import pingtan_gold
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.genre import table_keys as K
from gxnlp.tables.audit import FINDING_COLUMNS, IDENTITY_RULES, check, narrative_numbers, to_frame

REAL = ["seeds/000_f5cd13eb46b9e75a.txt", "seeds/001_8892f81a886242bc.txt", "seeds/002_88a498967a8a146f.txt",
        "seeds/003_186377574250ffb2.txt", "corpora/pdf/huaian_city_2024.pdf"] + [
    f"corpora/pingtan/py{y}_syq/page.txt" for y in (2019, 2021, 2023, 2024, 2025)]


def _frame(cells: dict, report_id="r") -> pd.DataFrame:
    return pd.DataFrame([{"report_id": report_id, "template": "2021", "table": t, "row": r, "column": c, "value": v,
                          "raw": None if v is None else str(v)} for (t, r, c), v in cells.items()])


def _clean_s3(template="2021") -> dict:
    """A consistent table: 5 natural-person + 1 company requests, all granted except one pending."""
    cells = {}
    for row in K.s3_rows(template):
        vals = [0] * 6
        if row == "new_requests":
            vals = [5, 1, 0, 0, 0, 0]
        elif row == "granted":
            vals = [4, 1, 0, 0, 0, 0]
        elif row == "total_handled":
            vals = [4, 1, 0, 0, 0, 0]
        elif row == "carried_forward":
            vals = [1, 0, 0, 0, 0, 0]
        for col, v in zip(K.S3_COLUMNS, vals + [sum(vals)]):
            cells[("s3", row, col)] = v
    for g in K.S4_ROWS:
        for col, v in zip(K.S4_COLUMNS, [1, 0, 1, 0, 2]):
            cells[("s4", g, col)] = v
    return cells


@pytest.mark.parametrize("path", REAL)
def test_real_reports_whose_identities_hold_give_no_finding(shared, path):
    from gxnlp.ingest.read import read_document
    from gxnlp.tables import extract

    doc = read_document(shared / path)
    assert check(extract(doc), doc.text) == []


def test_pingtan_2020_source_inconsistency_found(shared):
    """The 2020 page's results sum to 26 (natural persons) / 27 (total) but （七）总计 says 20 / 21."""
    from gxnlp.ingest.read import read_document
    from gxnlp.tables import extract

    doc = read_document(shared / "corpora/pingtan/py2020_syq/page.txt")
    found = check(extract(doc), doc.text)
    assert [(f.rule, f.column, f.expected, f.found) for f in found] == [
        ("s3_total_handled", "natural_person", 26, 20), ("s3_total_handled", "total", 27, 21)]
    # the independent HTML transcription says the same
    gold = pingtan_gold(json.loads((shared / "corpora/pingtan/py2020_syq/tables.json").read_text()))
    assert [(f.rule, f.column) for f in check(_frame(gold))] == [("s3_total_handled", "natural_person"),
                                                               ("s3_total_handled", "total")]


def test_pingtan_2022_narrative_counts_carried_over(shared):
    """The 2022 narrative says 收到…申请75件; the table has 74 new + 1 carried over: identities
    hold, the narrative does not match 本年新收 and is reported (with the likely reason)."""
    from gxnlp.ingest.read import read_document
    from gxnlp.tables import extract

    doc = read_document(shared / "corpora/pingtan/py2022_syq/page.txt")
    found = check(extract(doc), doc.text)
    assert [(f.rule, f.row, f.expected, f.found) for f in found] == [
        ("narrative_table_mismatch", "new_requests", 74, 75)]
    assert "上年结转" in found[0].message


def test_source_empty_cells_count_as_zero():
    """`—`/`/`/`无`/blank printed by the source mean none: a total of 1 over four `/` is a violation."""
    cells = _clean_s3()
    frame = _frame(cells)
    for c in ["upheld", "corrected", "other", "pending"]:
        frame.loc[(frame.row == "review") & (frame.column == c), ["value", "raw"]] = [None, "/"]
    assert [(f.rule, f.row, f.expected, f.found) for f in check(frame) if f.rule in IDENTITY_RULES] == [
        ("s4_group_total", "review", 0, 2)]
    blank = [f for f in check(frame) if f.rule == "cells_printed_blank"]
    assert [(f.found, f.message) for f in blank] == [(4, "4 cells printed without a number (4 '/'); counted as 0")]


def test_clean_synthetic_table_has_no_finding():
    assert check(_frame(_clean_s3("2021"))) == [] and check(_frame(_clean_s3("2019"))) == []


def test_each_rule_fires():
    cells = _clean_s3()
    cells[("s3", "granted", "natural_person")] = 3          # results no longer sum to （七）; row total off
    cells[("s3", "carried_forward", "commercial")] = 2      # balance off; row total off
    cells[("s4", "review", "total")] = 3                    # group total off
    found = {(f.rule, f.row, f.column) for f in check(_frame(cells))}
    assert found == {
        ("s3_row_total", "granted", "total"),
        ("s3_total_handled", "total_handled", "natural_person"),
        ("s3_row_total", "carried_forward", "total"),
        ("s3_column_balance", "total_handled", "commercial"),
        ("s4_group_total", "review", "total"),
    }


def test_unread_cells_are_findings_never_silence():
    """An unreadable cell is table_incomplete; the identities it is in are unverifiable (naming
    the cells they need) unless the known parts already break them."""
    cells = _clean_s3()
    cells[("s3", "granted", "natural_person")] = None
    cells[("s4", "review", "upheld")] = None
    found = {(f.rule, f.table, f.row, f.column) for f in check(_frame(cells))}
    assert found == {
        ("table_incomplete", "s3", None, None), ("table_incomplete", "s4", None, None),
        ("unverifiable", "s3", "granted", "total"), ("unverifiable", "s3", "total_handled", "natural_person"),
        ("unverifiable", "s4", "review", "total"),
    }
    msgs = {f.rule + f.table: f.message for f in check(_frame(cells))}
    assert "s3/granted/natural_person" in msgs["table_incompletes3"]
    assert "needs s4/review/upheld" in msgs["unverifiables4"]


def test_partial_identity_known_parts_exceed_total():
    cells = _clean_s3()
    cells[("s4", "review", "upheld")] = None
    cells[("s4", "review", "other")] = 5          # 0 + 5 + 0 already exceeds the total 2
    found = [(f.rule, f.row, f.expected, f.found) for f in check(_frame(cells)) if f.rule in IDENTITY_RULES]
    assert found == [("s4_group_total", "review", ">=5", 2)]


def test_narrative_numbers_arabic_and_chinese():
    assert narrative_numbers("全年共收到政府信息公开申请七十五件，其中自然人申请70件。因政府信息公开引发行政复议二件，"
                             "行政诉讼3起。") == [
        ("requests", 75, "收到政府信息公开申请七十五件"), ("review", 2, "行政复议二件"), ("litigation", 3, "行政诉讼3起")]
    # only sentences about information disclosure: not 行政许可 applications, not a bureau's own review work
    assert narrative_numbers("全年共受理行政许可申请1200件。办理行政复议案件120件。") == []


def test_narrative_mismatch():
    cells = _clean_s3()
    text = "本年度共收到政府信息公开申请8件。行政复议2件，行政诉讼4件。"
    found = check(_frame(cells), text)
    assert [(f.rule, f.row, f.expected, f.found) for f in found] == [
        ("narrative_table_mismatch", "new_requests", 6, 8)]
    assert check(_frame(cells), "收到政府信息公开申请六件，因信息公开发生行政复议两件。") == []
    assert [f.found for f in check(_frame(cells), "本年度未收到政府信息公开申请。")] == [0]
    # about reviews, not requests for information: compared with s4 (2 cases), not s3
    assert [(f.table, f.row, f.found) for f in check(_frame(cells), "本年度未收到因政府信息公开提起的行政复议申请。")] == [
        ("s4", "review", 0)]


def test_findings_frame_and_several_reports():
    a, b = _frame(_clean_s3(), "a"), _frame(_clean_s3(), "b")
    b.loc[(b.row == "review") & (b.column == "total"), "value"] = 5
    df = to_frame(check(pd.concat([a, b])))
    assert list(df.columns) == FINDING_COLUMNS
    assert df["report_id"].tolist() == ["b"]


def test_cli_validate_and_tables(shared, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["validate", str(shared / "corpora/pingtan/py2020_syq/page.txt")])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [x["rule"] for x in lines] == ["s3_total_handled", "s3_total_handled"]
    assert set(lines[0]) == set(FINDING_COLUMNS)

    res = runner.invoke(app, ["tables", str(shared / "seeds/003_186377574250ffb2.txt"), "-q"])
    assert res.exit_code == 0
    cells = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(cells) == 198
    assert set(cells[0]) == {"source", "report_id", "template", "table", "row", "column", "value", "raw"}

    out = tmp_path / "cells.parquet"
    res = runner.invoke(app, ["tables", str(shared / "corpora/pingtan"), "-f", "parquet", "-o", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0
    got = pd.read_parquet(out)
    assert (got["table"] != "pre2019").sum() == 1396  # the seven 2019-2025 reports
    assert (got["table"] == "pre2019").sum() == 254   # the 2011-2018 statistics annexes: 17+16*5+15*2 rows, 2 columns

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    res = runner.invoke(app, ["tables", str(bad), "-f", "csv"])
    assert res.exit_code == 1
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1 and '"error"' in res.stdout


def test_dataset_tables_stage(shared):
    """`gxnlp.dataset.build.tables_stage`: the cell and finding rows the dataset stores for one Report."""
    from gxnlp.dataset.build import tables_stage
    from gxnlp.structure.parse import parse_path

    report = parse_path(shared / "corpora/pingtan/py2020_syq/page.txt")
    rows = tables_stage(report)
    cells = rows["cells"]
    assert len(cells) == 198 and set(cells[0]) == {"report_id", "template", "table", "row", "column", "value", "raw"}
    assert [(f["rule"], f["expected"], f["found"]) for f in rows["findings"]] == [
        ("s3_total_handled", "26", "20"), ("s3_total_handled", "27", "21")]


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2024, 2025])
def test_identities_agree_with_the_html_tables(shared, year):
    """Every identity that holds (or fails) in the page's own tables holds (fails) in what was
    extracted from the glued page.txt: no false violation, no hidden one."""
    from gxnlp.ingest.read import read_document
    from gxnlp.tables import extract

    d = shared / "corpora" / "pingtan" / f"py{year}_syq"
    gold = pingtan_gold(json.loads((d / "tables.json").read_text(encoding="utf-8")))
    from_html = {(f.rule, f.row, f.column, f.expected, f.found) for f in check(_frame(gold))}
    from_text = {(f.rule, f.row, f.column, f.expected, f.found) for f in check(extract(read_document(d / "page.txt")))}
    assert from_text == from_html


def _report(sections: dict, template="2021"):
    from gxnlp.model import SECTION_KEYS, Report

    return Report(source="r.txt", report_id="r", title=None, agency=None, year=2023, published=None, region={},
                  template=template, sections={k: sections.get(k) for k in SECTION_KEYS}, encoding=None)


def test_report_rules_fees_and_problems():
    from gxnlp.tables.audit import report_rules

    cells = {("s3", "other_fee_unpaid", "total"): 2}
    problems = "一是公开内容不够全面；二是政策解读形式单一。下一步将加强培训。"
    silent = _report({"problems": problems, "other": "无。"})
    assert [f.rule for f in report_rules(silent, cells, {"s2", "s3", "s4"})] == ["fees_unexplained"]
    said = _report({"problems": problems, "other": "本年度收取信息处理费200元。"})
    assert report_rules(said, cells, {"s2", "s3", "s4"}) == []
    empty = _report({"problems": "无。", "other": "无。"})
    assert [(f.rule, f.found) for f in report_rules(empty, {}, {"s2", "s3", "s4"})] == [("problems_section_empty", 1)]
    missing = report_rules(_report({"problems": problems}), {}, {"s3"})
    assert sorted((f.rule, f.table) for f in missing) == [("table_incomplete", "s2"), ("table_incomplete", "s4")]
    assert report_rules(_report({"problems": problems}, template="pre2019"), {}, set()) == []


def test_continuity_pairs_only_consecutive_single_reports():
    from gxnlp.tables.continuity import agency_group, continuity_findings, series_entry

    def entry(rid, year, over, fwd, agency="某县 人民政府"):
        return series_entry(rid, f"{rid}.txt", agency, {"province": "福建省"}, year,
                            {("s3", "carried_over", "total"): over, ("s3", "carried_forward", "total"): fwd})

    series = [entry("a", 2020, 0, 3), entry("b", 2021, 3, 1), entry("c", 2022, 2, 0),   # 2022 breaks (1 -> 2)
              entry("e", 2024, 5, 0),                                                 # 2023 missing: no pair
              entry("f", 2021, 9, 9, agency="另一机关")]                                # another agency
    assert [(f.report_id, f.expected, f.found) for f in continuity_findings(series)] == [("c", 1, 2)]
    assert agency_group("某县人民政府", {"province": "福建省"}) == agency_group("某县 人民政府", {"province": "福建省"})
    twice = series + [entry("c2", 2022, 1, 0)]  # two 2022 reports of one agency: which continues is unknown
    assert [f.report_id for f in continuity_findings(twice)] == []
