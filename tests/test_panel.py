"""Agency panels: identity across renamings, short copies, coverage, year-over-year comparison,
promise tracking (hand-checked gold on the real Pingtan series), review of findings, HTML pages."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from gxnlp.panel.identity import AgencyResolver, agency_key
from gxnlp.reuse import ReuseDetector, ReuseDoc

GOLD = Path(__file__).parent / "gold"


# -- identity ------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),          # region prefix
    ("洪泽县人民政府", "洪泽区人民政府"),               # 县 -> 区 after the redistricting
    ("平潭县人民政府", "平潭综合实验区管理委员会"),      # shipped alias table
    ("平潭综合实验区", "平潭综合实验区管委会"),
    ("张店区 人民政府", "淄博市张店区人民政府"),
    ("洪泽区人社局", "洪泽区人力资源和社会保障局"),    # short form of a department
    ("洪泽区卫生和计划生育局", "洪泽区卫生健康局"),      # renamed one for one in 2018
])
def test_one_agency_under_changed_names(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize("a, b", [
    ("洪泽区人民政府", "洪泽区教育局"),
    ("洪泽区教育局", "洪泽区体育局"),
    ("洪泽区人民政府", "淮阴区人民政府"),
    ("泉州市人民政府", "泉州市鲤城区人民政府"),
    ("福建省人民政府", "福建省教育厅"),
])
def test_different_agencies_keep_different_keys(a, b):
    assert agency_key(a) != agency_key(b)


def test_resolver_joins_renamed_bureau_only_without_overlapping_years(tmp_path):
    recs = [{"agency": "洪泽区行政审批服务局", "year": 2020}, {"agency": "洪泽区行政审批服务局", "year": 2021},
            {"agency": "淮安市洪泽区行政审批局", "year": 2022},
            {"agency": "洪泽区教育局", "year": 2021}, {"agency": "洪泽区体育局", "year": 2022}]
    keys = AgencyResolver().fit(recs).keys_
    assert keys[0] == keys[1] == keys[2]
    # the general office publishing the government's report in some years is the government ...
    gov = [{"agency": "洪泽区人民政府", "year": 2020}, {"agency": "洪泽区人民政府办公室", "year": 2021}]
    assert len(set(AgencyResolver(join_office=True).fit(gov).keys_)) == 1
    assert len(set(AgencyResolver().fit(gov).keys_)) == 2  # by default the office is a body of its own
    # ... and always when both report in one year
    gov.append({"agency": "洪泽区人民政府", "year": 2021})
    assert len(set(AgencyResolver(join_office=True).fit(gov).keys_)) == 2
    assert len({keys[0], keys[3], keys[4]}) == 3  # 教育局 / 体育局 are too short to join by similarity
    # the same two names reporting in one year are two bodies
    both = recs + [{"agency": "洪泽区行政审批局", "year": 2021}]
    keys = AgencyResolver().fit(both).keys_
    assert keys[0] != keys[5]
    # the user's alias table overrides
    csv = tmp_path / "aliases.csv"
    csv.write_text("name,canonical\n洪泽区体育局,洪泽区教育局\n", encoding="utf-8")
    keys = AgencyResolver(aliases=csv).fit(recs).keys_
    assert keys[3] == keys[4]


def test_alias_table_without_columns_is_a_clear_error(tmp_path):
    bad = tmp_path / "a.csv"
    bad.write_text("a,b\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name and canonical"):
        AgencyResolver(aliases=bad).fit([{"agency": "洪泽区教育局", "year": 2020}])


def test_pingtan_one_key_for_fifteen_years(shared):
    from gxnlp.structure.parse import parse_path

    files = sorted((shared / "corpora" / "pingtan").glob("*/page.txt"))
    reports = [parse_path(f) for f in files]
    keys = AgencyResolver().fit([{"agency": r.agency, "year": r.year, "region": r.region} for r in reports]).keys_
    assert len(files) == 15 and len(set(keys)) == 1 and None not in keys


def test_reuse_self_pairs_follow_the_agency_key():
    """The issue's case: 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) repeating their measures
    is the agency's own reuse, not two agencies."""
    text = ("我区将进一步完善政务公开专区建设，在各镇街便民服务中心设置查阅点十二个并安排专人值守。"
            "针对群众反映较多的征地补偿信息，建立按月更新的公开台账，逐户核对后在村务公开栏张贴。")
    docs = [ReuseDoc("a", "2023年工作总结。" + text, agency="洪泽区人民政府", year=2023),
            ReuseDoc("b", "2024年工作总结。" + text, agency="淮安市洪泽区人民政府", year=2024)]
    det = ReuseDetector(stock_min_agencies=3).fit(docs)
    assert det.pairs_.kind.tolist() == ["self"]
    # a bureau renamed in a reorganisation: joined by the resolver (similar name, no common year)
    docs = [ReuseDoc("a", "2021年工作总结。" + text, agency="洪泽区市场监督管理局", year=2021),
            ReuseDoc("b", "2022年工作总结。" + text, agency="淮安市洪泽区市场监管局", year=2022)]
    assert ReuseDetector(stock_min_agencies=3).fit(docs).pairs_.kind.tolist() == ["self"]


# -- short copies --------------------------------------------------------------------------
def _short_copy_corpus(n_agencies: int = 250, seed: int = 5):
    """Reports made of genre sentences from one bank (4 of 12) and eight short sentences of their
    own; report 1 copies a problem-and-measure pair (~40 characters) of report 0."""
    rng = random.Random(seed)
    subjects = ["信息公开指南", "政务新媒体", "政策解读", "依申请公开", "保密审查", "公开目录",
                "平台建设", "业务培训", "工作台账", "监督考核", "网站栏目", "办事指南"]
    bank = [f"{s}方面，我单位认真落实有关要求，健全工作机制，规范工作流程，不断提升工作质量和实际效果。"
            for s in subjects]
    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土山川河海天地人和春夏秋冬东南西北"
    docs, pairs = [], []
    for a in range(n_agencies):
        own = ["".join(rng.choice(chars) for _ in range(20)) + "。" for _ in range(8)]
        if a == 1:
            own = pairs[0][:2] + own[2:]
        pairs.append(own)
        picked = [bank[k] for k in sorted(rng.sample(range(len(bank)), 4))]
        docs.append(ReuseDoc(f"r{a:03d}", "".join(picked[:2] + own + picked[2:]), agency=f"第{a}局", year=2021))
    return docs


def test_short_copy_makes_a_pair_stock_phrases_do_not():
    docs = _short_copy_corpus()
    det = ReuseDetector(seed=1).fit(docs)
    assert det.pairs_[["a_report_id", "b_report_id"]].values.tolist() == [["r000", "r001"]]
    assert det.pairs_.rare_chars.iloc[0] < det.min_copied_chars  # below the long-copy floor
    floor_only = ReuseDetector(seed=1, min_short_chars=None).fit(docs)
    assert floor_only.pairs_.empty  # what the short route adds


# -- the Pingtan series: copied shares, promises -----------------------------------------------
@pytest.fixture(scope="module")
def pingtan_panel(shared):
    from gxnlp.panel.records import from_path
    from gxnlp.panel.series import build_panel
    from gxnlp.reuse.detector import ReuseDoc

    files = sorted((shared / "corpora" / "pingtan").glob("*/page.txt"))
    reports = [from_path(f) for f in files]
    det = ReuseDetector(seed=1)
    docs = [ReuseDoc(r.report_id, "\n".join(x for x in (r.sections.get("overview"), r.sections.get("problems")) if x),
                     agency=r.agency, year=r.year, published=r.published, source=r.source, meta={"region": r.region})
            for r in reports]
    det.fit(docs)
    return reports, build_panel(reports, detector=det), det


def test_pingtan_copied_share_agrees_with_reuse(pingtan_panel):
    """The panel's copied-from-earlier-years share is what the reuse pairs say: the union of each
    report's sentences in ``self`` pairs whose source is an earlier report (the detector's own
    ``from_earlier_share`` on a one-agency corpus), at least the largest single pair's share."""
    reports, panel, det = pingtan_panel
    m = panel.metrics[panel.metrics.metric == "copied_from_earlier_share"]
    share = dict(zip(m.year, m.value))
    by_rid = det.report_shares_.set_index("report_id")
    year_of = {r.report_id: r.year for r in reports}
    assert len(share) == 15
    for r in reports:
        assert share[r.year] == pytest.approx(by_rid.loc[r.report_id, "from_earlier_share"], abs=1e-4)
    for p in det.pairs_.itertuples():
        later, side = (p.b_report_id, "b") if p.source_report_id == p.a_report_id else (p.a_report_id, "a")
        assert share[year_of[later]] + 1e-4 >= (p.b_share if side == "b" else p.a_share) - 0.05
    assert max(share.values()) > 0.3  # the series does reuse its own text (2012, 2013, 2019)


def test_pingtan_promises_against_hand_checked_gold(pingtan_panel):
    _, panel, _ = pingtan_panel
    gold = json.loads((GOLD / "panel_pingtan.json").read_text(encoding="utf-8"))
    pr = panel.promises
    right = total = 0
    for y in gold["years"]:
        rows = pr[pr.year == y["year"]]
        assert len(rows) == len(y["promises"]), (y["year"], rows.text.tolist())
        for g in y["promises"]:
            hit = rows[rows.text.str.contains(g["text"], regex=False)]
            assert len(hit) == 1, g["text"]
            assert hit.category.iloc[0] == g["category"]
            if g["status"] == "partial":
                continue
            total += 1
            right += bool(hit.kept.iloc[0]) == (g["status"] == "kept")
            if g["status"] == "not_reported":
                assert not hit.kept.iloc[0], g["text"]  # no promise is reported kept that was not
    assert right / total >= 0.75, (right, total)


# -- commands and pages ------------------------------------------------------------------------
EVIL = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


def _report(agency: str, year: int, overview: str, problems: str, carried_over: int = 0, carried_forward: int = 0,
            new_total: int = 3) -> str:
    cols = "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"
    return (f"{agency}{year}年政府信息公开工作年度报告\n一、总体情况\n{overview}\n"
            f"二、主动公开政府信息情况\n本年度主动公开信息。\n三、收到和处理政府信息公开申请情况\n"
            f"| 申请人情况 | {' | '.join(cols.split())} |\n"
            f"| 一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | {new_total} |\n"
            f"| 二、上年结转政府信息公开申请数量 | {carried_over} | 0 | 0 | 0 | 0 | 0 | {carried_over} |\n"
            f"| （一）予以公开 | {3 + carried_over - carried_forward} | 0 | 0 | 0 | 0 | 0 | {3 + carried_over - carried_forward} |\n"
            f"| （七）总计 | {3 + carried_over - carried_forward} | 0 | 0 | 0 | 0 | 0 | {3 + carried_over - carried_forward} |\n"
            f"| 四、结转下年度继续办理 | {carried_forward} | 0 | 0 | 0 | 0 | 0 | {carried_forward} |\n"
            f"四、政府信息公开行政复议、行政诉讼情况\n无。\n五、存在的主要问题及改进情况\n{problems}\n"
            f"六、其他需要报告的事项\n无。\n")


@pytest.fixture(scope="module")
def series_dir(tmp_path_factory):
    """One district government in three years under two names, with a promise kept, one not, a
    carry-over break (2022 says 0 carried over, 2021 carried 2 forward) and markup in its text."""
    root = tmp_path_factory.mktemp("series")
    (root / "2021.txt").write_text(_report(
        "洪泽区人民政府", 2021, "2021年，我区全年主动公开政府信息一千二百条，完成网站集约化改版。",
        "存在的主要问题：一是政策解读形式单一；二是工作人员多为兼职。"
        f"2022年，我区将采取以下措施：一是开设政策解读专栏{EVIL}，推出图解和短视频解读；二是在各镇街设立政务公开体验区。",
        carried_forward=2), encoding="utf-8")
    (root / "2022.txt").write_text(_report(
        "淮安市洪泽区人民政府", 2022, "2022年，我区开设政策解读专栏，推出图解和短视频解读四十篇。全年办理申请三件。",
        "存在的主要问题：一是政策解读形式单一；二是基层公开标准不一。2023年，我区将加强业务培训。",
        carried_over=0), encoding="utf-8")
    (root / "2023.txt").write_text(_report(
        "淮安市洪泽区人民政府", 2023, "2023年，我区组织政务公开业务培训三次，覆盖全部镇街。",
        "存在的问题：公开内容深度不够。2024年，我区将扩大公开范围。", carried_over=0, new_total=4), encoding="utf-8")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n\x00\x01garbage")
    return root


def test_compare_two_reports(series_dir):
    from typer.testing import CliRunner

    from gxnlp.cli import app

    r = CliRunner().invoke(app, ["compare", str(series_dir / "2022.txt"), str(series_dir / "2021.txt")])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["same_agency"] and (out["a_year"], out["b_year"]) == (2021, 2022)
    assert [(c["column"], c["expected"], c["found"]) for c in out["continuity"] if c["column"] == "total"] == [("total", 2.0, 0.0)]
    kept = {p["text"][:6]: p["kept"] for p in out["promises"]}
    assert kept == {"开设政策解读": True, "在各镇街设立": False}, out["promises"]
    assert {s["status"] for s in out["statements"]} == {"new", "repeated", "dropped"}
    bad = CliRunner().invoke(app, ["compare", str(series_dir / "2021.txt"), str(series_dir / "broken.pdf")])
    assert bad.exit_code == 1 and "error" in json.loads(bad.stdout)
    assert CliRunner().invoke(app, ["compare", str(series_dir / "nope.txt"), str(series_dir / "2021.txt")]).exit_code == 2


def test_review_file_survives_and_panel_pages_show_it(series_dir, tmp_path):
    from typer.testing import CliRunner

    from gxnlp.cli import app
    from gxnlp.panel.review import load_reviews, save_reviews

    reviews = tmp_path / "reviews.csv"
    r = CliRunner().invoke(app, ["review", str(series_dir), "--file", str(reviews), "-j", "1"])
    assert r.exit_code == 1  # the broken file; the others are audited
    table = load_reviews(reviews)
    assert len(table) and set(table.status) == {"pending"}
    table.loc[0, ["status", "reason"]] = ["dismissed", f"原表如此{EVIL}"]
    save_reviews(table, reviews)
    CliRunner().invoke(app, ["review", str(series_dir), "--file", str(reviews), "-j", "1"])  # a re-run keeps it
    again = load_reviews(reviews)
    assert len(again) == len(table) and (again.status == "dismissed").sum() == 1
    out = tmp_path / "pages"
    r = CliRunner().invoke(app, ["panel", str(series_dir), "--out", str(out), "--reviews", str(reviews), "-j", "1"])
    assert r.exit_code == 1 and (out / "index.html").exists()
    pages = sorted(out.glob("agency_*.html"))
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "dismissed" in html and "原表如此&lt;script&gt;" in html and "<script>document" not in html
    assert "cross_year_continuity" in html and "上年结转" in html
    for name in ("agencies", "coverage", "promises", "metrics", "continuity", "statements", "deltas"):
        assert (out / f"panel_{name}.csv").exists()
    import pandas as pd

    prom = pd.read_csv(out / "panel_promises.csv", encoding="utf-8-sig")
    assert prom.kept.tolist()[:2] == [True, False]
    cont = pd.read_csv(out / "panel_continuity.csv", encoding="utf-8-sig")
    assert (cont.year == 2022).any() and cont[cont.column == "total"].expected.tolist() == [2.0]


def _chromium() -> str:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("headless Chromium not installed (apt-get install -y chromium): the HTML pages were not rendered")


def test_panel_pages_in_headless_chromium(series_dir, tmp_path):
    import subprocess
    import tempfile

    from typer.testing import CliRunner

    from gxnlp.cli import app

    exe = _chromium()
    out = tmp_path / "pages"
    CliRunner().invoke(app, ["panel", str(series_dir), "--out", str(out), "-j", "1"])
    page = sorted(out.glob("agency_*.html"))[0]

    def run(url, *args):
        with tempfile.TemporaryDirectory() as profile:
            return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                   f"--user-data-dir={profile}", *args, url], capture_output=True, text=True, timeout=120)

    dom = run(page.as_uri(), "--dump-dom").stdout
    assert "<title>洪泽区人民政府 / 淮安市洪泽区人民政府 · 年度序列</title>" in dom  # the document's script did not run
    assert "&lt;script&gt;document.title" in dom and "<img src=\"x\"" not in dom
    assert "开设政策解读专栏" in dom and "kept ✓" in dom and "not reported" in dom
    index = run((out / "index.html").as_uri(), "--dump-dom").stdout
    assert page.name in index and "洪泽区人民政府" in index
    shot = tmp_path / "shot.png"
    run(page.as_uri(), f"--screenshot={shot}", "--window-size=1200,2000")
    import matplotlib.image as mpimg

    gray = mpimg.imread(shot)[..., :3].mean(axis=2)
    assert gray.std() > 0.05 and (gray < 0.5).mean() > 0.005  # rendered text, not a blank page


# -- dataset ------------------------------------------------------------------------------------
def test_dataset_panel_tables(series_dir, tmp_path):
    from gxnlp.dataset.build import build, load

    db = tmp_path / "c.duckdb"
    build([series_dir], db, workers=1)
    ds = load(db)
    assert ds.reports.agency_key.nunique() == 1 and ds.reports.agency_key.notna().all()
    long = ds.panel()
    assert list(long.columns) == ["agency_key", "year", "metric", "value"]
    assert set(long.year) == {2021, 2022, 2023}
    ft = long[long.metric == "follow_through"].set_index("year").value
    assert ft[2021] == 0.5  # one of the two promises of 2021 is reported in 2022
    assert (ds.panel_continuity.year == 2022).any()
    assert set(ds.reviewed_findings(tmp_path / "none.csv").status) <= {"pending"}
    assert ds.coverage().loc[ds.reports.agency_key.iloc[0]].tolist() == ["present"] * 3
    assert set(ds.reuse.kind) <= {"self"}
    # a user's alias table splits what the default joined: the corpus stages rerun
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,agency_key\n淮安市洪泽区人民政府,江苏/淮安/洪泽:新政府\n", encoding="utf-8")
    stats = build([series_dir], db, workers=1, aliases=aliases)
    assert "panel" in stats.corpus_stages
    assert load(db).reports.agency_key.nunique() == 2


# -- generated panel corpus --------------------------------------------------------------------
def test_generated_panel_recovered(tmp_path):
    """A small generated panel (seed 3; the benchmark reports larger held-out seeds): identities,
    missing years, carry-over breaks and promises recovered against the generator's truth."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from panel_recovery import evaluate

    from gxnlp.synth.panel import generate_panel

    summary = generate_panel(tmp_path / "p", n_agencies=8, seed=3, p_break=0.5)
    assert summary["reports"] >= 30 and summary["promises"] > 20
    r = evaluate(tmp_path / "p", workers=1)
    assert r["identity_pair_precision"] >= 0.95 and r["identity_pair_recall"] >= 0.95, r
    assert r["missing_years"]["correct"] == r["missing_years"]["true"]
    b = r["carry_over_breaks"]
    assert b["correct"] >= 0.8 * b["true"] and b["correct"] >= 0.8 * b["found"], b
    assert r["promises"]["matched"] >= 0.9 * r["promises"]["true"] and r["promises"]["accuracy"] >= 0.7, r["promises"]


def test_csv_cells_from_documents_are_not_formulas(tmp_path):
    import pandas as pd

    from gxnlp.panel.review import excel_safe

    df = excel_safe(pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "正常文本", None], "n": [1, 2, 3, 4]}))
    assert df.text.tolist()[:3] == ["'=HYPERLINK(\"http://x\")", "'+1", "正常文本"] and df.n.tolist() == [1, 2, 3, 4]


def test_panel_output_is_deterministic(series_dir, tmp_path):
    from typer.testing import CliRunner

    from gxnlp.cli import app

    for name, j in (("a", "1"), ("b", "2")):
        CliRunner().invoke(app, ["panel", str(series_dir), "--out", str(tmp_path / name), "-j", j])
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(files) >= 10
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_bad_review_and_alias_files_are_clear_errors(series_dir, tmp_path):
    from typer.testing import CliRunner

    from gxnlp.cli import app

    bad = tmp_path / "reviews.csv"
    bad.write_text("report_id,rule,table,row,column,status,reason\nx,s3_row_total,s3,a,b,dismissed,\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["panel", str(series_dir / "2021.txt"), "--out", str(tmp_path / "o"), "--reviews", str(bad)])
    assert r.exit_code == 2 and "needs a reason" in r.output
    bad.write_text("report_id,rule,table,row,column,status\nx,s3_row_total,s3,a,b,maybe\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["review", str(series_dir / "2021.txt"), "--file", str(bad)])
    assert r.exit_code == 2 and "unknown status maybe" in r.output
    aliases = tmp_path / "a.csv"
    aliases.write_text("who,what\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["panel", str(series_dir / "2021.txt"), "--out", str(tmp_path / "o"), "--aliases", str(aliases)])
    assert r.exit_code == 2 and "name and canonical" in r.output


def test_build_panel_stage_is_the_in_memory_panel_with_reuse_fitted_once(tmp_path, monkeypatch):
    """The build's panel tables (agencies read and written in batches, the copied-from-earlier shares
    handed over by the reuse stage) equal ``build_panel`` over the same stored reports with a detector
    of its own, and the build fits one reuse detector, not two."""
    import duckdb
    import pandas as pd

    from gxnlp.dataset import panel_stage as stage
    from gxnlp.dataset.build import build
    from gxnlp.dataset.schema import SCHEMA, _insert
    from gxnlp.panel.records import from_dataset
    from gxnlp.panel.series import METRIC_CELLS, build_panel
    from gxnlp.synth.panel import generate_panel

    generate_panel(tmp_path / "p", n_agencies=6, seed=5, p_break=0.3)
    monkeypatch.setattr(stage, "AGENCY_BATCH", 2)
    monkeypatch.setattr(stage, "DELTA_PAIRS", 3)  # the deltas joined in DuckDB in several chunks
    fits = []
    fit = ReuseDetector.fit
    monkeypatch.setattr(ReuseDetector, "fit", lambda self, *a, **k: (fits.append(1), fit(self, *a, **k))[1])
    db = tmp_path / "c.duckdb"
    build([tmp_path / "p"], db, workers=1, seed=0)
    assert len(fits) == 1
    names = [n for n in SCHEMA if n.startswith("panel_")]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {n: con.execute(f"SELECT * FROM {n}").df() for n in names}
        reports = from_dataset(con)
        ids = [r.report_id for r in reports][::2]
        some = from_dataset(con, ids, cell_keys=METRIC_CELLS.values())
    full = {r.report_id: r for r in reports}  # only the given cells, in stored order, and all the rest
    assert [r.report_id for r in some] == sorted(ids) and sum(len(r.cells) for r in some) > 0
    for r in some:
        assert r.cells == [c for c in full[r.report_id].cells if c[:3] in set(METRIC_CELLS.values())]
        assert (r.statements, r.sections, r.findings) == (full[r.report_id].statements, full[r.report_id].sections,
                                                          full[r.report_id].findings)
    expected = build_panel(reports, seed=0).tables()
    assert len(fits) == 2
    mem = duckdb.connect()
    for n in names:
        mem.execute(f"CREATE TABLE {n} ({SCHEMA[n].ddl()})")
        _insert(mem, n, expected[n].to_dict("records"))
        pd.testing.assert_frame_equal(stored[n], mem.execute(f"SELECT * FROM {n}").df(), obj=n)
    m = stored["panel_metrics"]
    assert (m[m.metric == "copied_from_earlier_share"].value > 0.2).sum() >= 3  # the series copy their own text
    assert len(stored["panel_promises"]) > 10 and len(stored["panel_deltas"]) > 100
