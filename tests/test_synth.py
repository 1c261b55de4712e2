"""Tests of ``gxnlp synth``: determinism, truth consistent with the written files, identities
hold exactly where no error is planted, every layout appears, copy clusters really share text."""
from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.genre.table_keys import PRE2019_ROWS
from gxnlp.synth import LAYOUTS, generate
from gxnlp.synth import phrases as P
from gxnlp.synth.agencies import GEOGRAPHY, build_hierarchy

N = 140
SEED = 7

# Keys exactly as table_keys.md lists them (written out here independently of the generator).
S3_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
S3_RESULT_COMMON = ["granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law",
                    "denied_security_stability", "denied_third_party", "denied_internal_affairs", "denied_process_info",
                    "denied_enforcement_file", "denied_administrative_query", "unable_not_held",
                    "unable_needs_creation", "unable_unclear", "not_processed_complaint", "not_processed_repeated",
                    "not_processed_publication", "not_processed_excessive", "not_processed_reconfirm"]
S3_RESULT = {"2019": S3_RESULT_COMMON + ["other_handling"],
             "2021": S3_RESULT_COMMON + ["other_no_correction", "other_fee_unpaid", "other_misc"]}
S2_KEYS = {
    "2021": {("regulations", c) for c in ("issued", "repealed", "in_force")}
    | {("normative_documents", c) for c in ("issued", "repealed", "in_force")}
    | {("licensing", "decisions"), ("penalty", "decisions"), ("coercion", "decisions"), ("fees", "amount_wan")},
    "2019": {(r, c) for r in ("regulations", "normative_documents") for c in ("made", "published", "total_public")}
    | {(r, c) for r in ("licensing", "other_services", "penalty", "coercion") for c in ("previous", "change", "decisions")}
    | {("fees", "previous"), ("fees", "change"), ("procurement", "projects"), ("procurement", "amount")},
}
S4_KEYS = {(r, c) for r in ("review", "litigation_direct", "litigation_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out, n=N, seed=SEED)
    assert summary["reports"] == N
    return out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]


def _cells(out: Path) -> dict[str, dict[tuple[str, str, str], float | None]]:
    by: dict[str, dict] = defaultdict(dict)
    with open(out / "truth" / "cells.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            v = row["value"]
            by[row["file"]][(row["table"], row["row"], row["column"])] = None if v == "" else float(v)
    return by


def _decode(out: Path, doc: dict) -> str:
    data = (out / doc["file"]).read_bytes()
    return data.decode(doc["encoding"] or "utf-8")


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, n=30, seed=3)
    generate(b, n=30, seed=3)
    generate(c, n=30, seed=4)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) >= 30 + 6
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / "truth/documents.jsonl").read_bytes() != (c / "truth/documents.jsonl").read_bytes()


def test_truth_matches_written_files(corpus):
    docs = _jsonl(corpus / "truth" / "documents.jsonl")
    assert len(docs) == N
    written = {str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file() and "truth" not in p.parts}
    assert written == {d["file"] for d in docs}
    ids = set()
    for d in docs:
        assert hashlib.sha1((corpus / d["file"]).read_bytes()).hexdigest()[:16] == d["report_id"]
        ids.add(d["report_id"])
        assert d["template"] == ("pre2019" if d["year"] <= 2018 else "2019" if d["year"] <= 2020 else "2021")
        assert d["published"].startswith(str(d["year"] + 1)) and d["published"][5:7] in ("01", "02", "03")
        assert d["agency_type"] in {"政府办", "部门", "乡镇/街道", "开发区"}
        assert d["level"] in {"province", "city", "county", "township"}
        assert d["region"]["province"] in GEOGRAPHY
        if d["region"]["county"]:
            assert d["region"]["county"] in GEOGRAPHY[d["region"]["province"]][d["region"]["city"]]
        assert set(d["sections"]) == {"overview", "active_disclosure", "requests", "review_litigation", "problems", "other"}
    assert len(ids) == N
    by_id = {d["file"]: d["report_id"] for d in docs}
    for name in ("errors.jsonl", "statements.jsonl"):
        for row in _jsonl(corpus / "truth" / name):
            assert by_id[row["file"]] == row["report_id"]
    for row in _jsonl(corpus / "truth" / "reuse_pairs.jsonl"):
        assert by_id[row["a_file"]] == row["a_report_id"] and by_id[row["b_file"]] == row["b_report_id"]
    with open(corpus / "truth" / "cells.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert by_id[row["file"]] == row["report_id"]


def test_cell_keys_are_the_contract(corpus):
    docs = {d["file"]: d for d in _jsonl(corpus / "truth" / "documents.jsonl")}
    cells = _cells(corpus)
    for f, d in docs.items():
        if d["template"] == "pre2019":
            if "pre2019_stats_table" in d["variants"]:  # the statistics annex, keys of table_keys_pre2019.md
                assert {tb for tb, _r, _c in cells[f]} == {"pre2019"}
                assert {r for _tb, r, _c in cells[f]} <= set(PRE2019_ROWS) and len(cells[f]) >= 6
                assert {c for _tb, _r, c in cells[f]} == {"year", "cumulative"}
            else:
                assert f not in cells  # numbers only in prose
            continue
        keys = cells[f]
        t = d["template"]
        assert {(r, c) for tb, r, c in keys if tb == "s2"} == S2_KEYS[t]
        s3_rows = ["new_requests", "carried_over"] + S3_RESULT[t] + ["total_handled", "carried_forward"]
        assert {(r, c) for tb, r, c in keys if tb == "s3"} == {(r, c) for r in s3_rows for c in S3_COLS}
        assert {(r, c) for tb, r, c in keys if tb == "s4"} == S4_KEYS


def _recompute(keys: dict, template: str) -> set[tuple[str, str | None, str]]:
    """Independent re-implementation of the identities of domain.md (null counts as 0)."""
    v = {k: (x or 0) for k, x in keys.items()}
    s3 = lambda r, c: v[("s3", r, c)]  # noqa: E731
    res = S3_RESULT[template]
    rows = ["new_requests", "carried_over"] + res + ["total_handled", "carried_forward"]
    bad = set()
    for c in S3_COLS:
        if s3("new_requests", c) + s3("carried_over", c) != s3("total_handled", c) + s3("carried_forward", c):
            bad.add(("s3_column_balance", None, c))
        if sum(s3(r, c) for r in res) != s3("total_handled", c):
            bad.add(("s3_total_handled", "total_handled", c))
    for r in rows:
        if sum(s3(r, c) for c in S3_COLS[:-1]) != s3(r, "total"):
            bad.add(("s3_row_total", r, "total"))
    for g in ("review", "litigation_direct", "litigation_after_review"):
        if sum(v[("s4", g, c)] for c in ("upheld", "corrected", "other", "pending")) != v[("s4", g, "total")]:
            bad.add(("s4_group_total", g, "total"))
    return bad


def test_identities_fail_exactly_where_errors_are_planted(corpus):
    docs = {d["file"]: d for d in _jsonl(corpus / "truth" / "documents.jsonl")}
    cells = _cells(corpus)
    planted: dict[str, set] = defaultdict(set)
    for e in _jsonl(corpus / "truth" / "errors.jsonl"):
        assert e["rule"] in {"s3_column_balance", "s3_row_total", "s3_total_handled", "s4_group_total",
                             "narrative_table_mismatch"}
        if e["rule"] != "narrative_table_mismatch":
            planted[e["file"]].add((e["rule"], e["row"], e["column"]))
    modern = [f for f, d in docs.items() if d["template"] != "pre2019"]
    clean = 0
    for f in modern:
        found = _recompute(cells[f], docs[f]["template"])
        assert found == planted.get(f, set()), f
        clean += not found
    n_err = len(modern) - clean
    assert 1 <= n_err <= 0.3 * len(modern), n_err


def test_narrative_numbers_and_mismatches(corpus):
    docs = {d["file"]: d for d in _jsonl(corpus / "truth" / "documents.jsonl")}
    cells = _cells(corpus)
    mism = {e["file"] for e in _jsonl(corpus / "truth" / "errors.jsonl") if e["rule"] == "narrative_table_mismatch"}
    stated_any = 0
    for f, d in docs.items():
        stated = d["stated"]["new_requests"]
        if d["template"] == "pre2019" or stated is None:
            assert f not in mism
            continue
        stated_any += 1
        table = cells[f][("s3", "new_requests", "total")] or 0
        assert (stated != table) == (f in mism), f
    assert stated_any > 20


def test_every_layout_and_encoding_appears(corpus):
    docs = _jsonl(corpus / "truth" / "documents.jsonl")
    assert {d["layout"] for d in docs} == set(LAYOUTS)
    assert {d["format"] for d in docs} == {"txt", "html", "docx", "pdf"}
    gbk = [d for d in docs if d["encoding"] == "gbk"]
    assert gbk
    for d in gbk:
        data = (corpus / d["file"]).read_bytes()
        assert d["agency"] in data.decode("gbk")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert {d["template"] for d in docs} == {"pre2019", "2019", "2021"}


def test_layout_specific_features(corpus):
    docs = _jsonl(corpus / "truth" / "documents.jsonl")
    by = defaultdict(list)
    for d in docs:
        by[d["layout"]].append(d)
    for d in by["glued"]:
        text = _decode(corpus, d)
        head, _, body = text.partition("==================== 正文 ====================\n")
        assert head.startswith("标题: ") and body.count("\n") == 1  # the whole page on one line
    for d in by["pipe_rows"]:
        if d["template"] != "pre2019":
            assert re.search(r"^一、本年新收政府信息公开申请数量 \| ", _decode(corpus, d), re.M)
    for d in by["pdf_text"]:
        assert re.search(r"^- 1 -$", _decode(corpus, d), re.M)
    for d in by["html"]:
        text = _decode(corpus, d)
        assert "扫一扫在手机上查看当前页面" in text and "索引号" in text and "上一篇" in text
        if d["template"] != "pre2019":
            assert 'rowspan="' in text and 'colspan="' in text
    import opencc

    t2s = opencc.OpenCC("t2s")
    for d in by["trad_pinyin"]:
        text = _decode(corpus, d)
        assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text)
        plain = t2s.convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text))
        assert d["agency"] in plain and "本年度办理结果" in plain or d["template"] == "pre2019"


def test_pdf_and_docx_read_back(corpus):
    import docx
    import pdfplumber

    docs = _jsonl(corpus / "truth" / "documents.jsonl")
    pdfs = [d for d in docs if d["format"] == "pdf"]
    with pdfplumber.open(corpus / pdfs[0]["file"]) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert pdfs[0]["agency"] in text and "- 1 -" in text
    cells = _cells(corpus)
    checked = 0
    for d in pdfs:
        if d["template"] == "pre2019":
            continue
        vals = [cells[d["file"]][("s3", "new_requests", c)] for c in S3_COLS]
        if None in vals:
            continue
        with pdfplumber.open(corpus / d["file"]) as pdf:
            text = "\n".join(p.extract_text() for p in pdf.pages)
        row = "一、本年新收政府信息公开申请数量 " + " ".join(str(int(v)) for v in vals)
        assert row in text.splitlines(), (d["file"], row)
        checked += 1
    assert checked
    docxs = [d for d in docs if d["format"] == "docx"]
    for d in docxs:
        document = docx.Document(str(corpus / d["file"]))
        assert document.paragraphs[0].text == d["title"]
        if d["template"] != "pre2019":
            assert len(document.tables) == 3
            s3 = document.tables[1]
            assert s3.cell(3, 0).text == "一、本年新收政府信息公开申请数量" == s3.cell(3, 2).text  # merged


def test_statements(corpus):
    docs = {d["file"]: d for d in _jsonl(corpus / "truth" / "documents.jsonl")}
    stmts = _jsonl(corpus / "truth" / "statements.jsonl")
    by = defaultdict(list)
    for s in stmts:
        assert s["kind"] in ("problem", "measure")
        bank = P.PROBLEMS if s["kind"] == "problem" else P.MEASURES
        assert s["category"] in bank
        assert 15 <= len(s["text"]) <= 60, s["text"]
        by[s["file"]].append(s)
    assert set(by) == set(docs)  # every report has a problems section with statements
    for f, ss in by.items():
        assert [s["position"] for s in ss] == list(range(len(ss)))
        assert {s["kind"] for s in ss} == {"problem", "measure"}
        d = docs[f]
        if d["layout"] in ("pipe_rows", "cell_lines_pipe", "cell_lines_bare", "blank_separated", "glued", "html"):
            text = _decode(corpus, d)
            for s in ss:
                assert s["text"] in text, (f, s["text"])
        elif d["layout"] == "pdf_text":
            text = "".join(ln for ln in _decode(corpus, d).splitlines() if not re.fullmatch(r"- \d+ -", ln))
            text = re.sub(r" ?(\d+) ?", r"\1", text)
            for s in ss:
                assert re.sub(r" ?(\d+) ?", r"\1", s["text"]) in text, (f, s["text"])
    for bank in (P.PROBLEMS, P.MEASURES):
        assert len(bank) == 11 and all(len(v) >= 6 for v in bank.values())
    # the taxonomy of the brief, exactly
    assert set(P.PROBLEMS) == {"content_scope", "timeliness", "interpretation", "staffing_capacity", "platform",
                               "institutions", "participation", "public_awareness", "internal_awareness",
                               "request_handling", "coordination"}
    assert set(P.MEASURES) == {"training_staff", "institutions", "platform", "expand_scope", "timeliness",
                               "interpretation", "interaction", "supervision", "publicity", "coordination",
                               "request_handling"}
    forms = {d["narrative_form"] for d in docs.values()}
    assert forms == {"yishi", "numbered", "subsections", "colon", "future"}


def _shingles(text: str, k: int = 12) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + k] for i in range(len(text) - k + 1)}


def test_copy_clusters_share_text_and_independent_reports_do_not(corpus):
    docs = {d["file"]: d for d in _jsonl(corpus / "truth" / "documents.jsonl")}
    stmts = defaultdict(list)
    for s in _jsonl(corpus / "truth" / "statements.jsonl"):
        stmts[s["file"]].append(s["text"])
    text = {f: "".join(v) for f, v in stmts.items()}
    pairs = _jsonl(corpus / "truth" / "reuse_pairs.jsonl")
    clusters = _jsonl(corpus / "truth" / "clusters.jsonl")
    assert {p["kind"] for p in pairs} == {"self", "cross"}
    members = {c["cluster"]: c["files"] for c in clusters}
    expected = {frozenset(x) for fs in members.values() for x in combinations(fs, 2)}
    assert {frozenset((p["a_file"], p["b_file"])) for p in pairs} == expected
    for c in clusters:
        assert c["model_text"] and all(docs[f]["cluster"] == c["cluster"] for f in c["files"])
        if c["kind"] == "self":
            assert len({docs[f]["agency"] for f in c["files"]}) == 1
        else:
            assert len({docs[f]["agency"] for f in c["files"]}) == len(c["files"])

    def jac(a, b):
        sa, sb = _shingles(text[a]), _shingles(text[b])
        return len(sa & sb) / max(1, len(sa | sb))

    copied = [jac(p["a_file"], p["b_file"]) for p in pairs]
    assert sum(copied) / len(copied) > 0.45
    indep = [f for f, d in docs.items() if d["cluster"] is None]
    rng = random.Random(0)
    sample = [tuple(rng.sample(indep, 2)) for _ in range(300)]
    other = [jac(a, b) for a, b in sample if docs[a]["agency"] != docs[b]["agency"]]
    assert sum(other) / len(other) < 0.05
    assert max(other) < 0.45


def test_agencies_hierarchy_and_region_inference():
    agencies = build_hierarchy(0)
    types = {(a.agency_type, a.level) for a in agencies}
    assert {("政府办", "province"), ("部门", "county"), ("乡镇/街道", "township"), ("开发区", "county")} <= types
    assert any(a.name.endswith("街道办事处") for a in agencies) and any(a.name.endswith("镇人民政府") for a in agencies)
    assert any(a.name.endswith("经济开发区管理委员会") for a in agencies)
    import cpca

    # development zones are named like real ones (任城经济开发区): no county suffix for cpca to find
    sample = [a for a in agencies if a.level in ("county", "township") and a.agency_type != "开发区"][::40]
    df = cpca.transform([a.name for a in sample])
    for a, (_, row) in zip(sample, df.iterrows()):
        assert row["省"] == a.province and row["区"] == a.county, a.name


def test_cli_synth(tmp_path):
    out = tmp_path / "demo"
    runner = CliRunner()
    r = runner.invoke(app, ["synth", "--n", "6", "--seed", "2", str(out)])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["reports"] == 6 and (out / "truth" / "documents.jsonl").exists()
    r = runner.invoke(app, ["synth", "--n", "6", "--seed", "2", str(out)])
    assert r.exit_code == 2
    r = runner.invoke(app, ["synth", "--n", "4", "--seed", "2", "--force", str(out)])
    assert r.exit_code == 0
    assert len((out / "truth" / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 4
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    r = runner.invoke(app, ["synth", "--n", "2", "--force", str(tmp_path / "other")])
    assert r.exit_code == 2 and (tmp_path / "other" / "keep.txt").exists()


def test_committed_demo_corpus_is_what_the_generator_writes(tmp_path):
    """corpora/demo is `gxnlp synth --n 300 --seed 0 corpora/demo`, byte for byte."""
    demo = Path(__file__).resolve().parents[1] / "corpora" / "demo"
    if not (demo / "truth" / "documents.jsonl").exists():
        pytest.skip("corpora/demo not present")
    generate(tmp_path, n=300, seed=0)
    mine = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    hint = ("corpora/demo differs from the generator's output: if gxnlp.synth changed (or opencc, pypinyin, "
            "reportlab, python-docx versions did), regenerate it with `gxnlp synth --n 300 --seed 0 --force corpora/demo`")
    assert mine == fresh, hint
    for rel in mine:
        assert (demo / rel).read_bytes() == (tmp_path / rel).read_bytes(), f"{rel}: {hint}"


def test_plan_scales_to_benchmark_size_and_refuses_impossible_n():
    from gxnlp.synth import plan
    from gxnlp.synth.agencies import GEOGRAPHY

    units = plan(100_000, 0)
    slots = [s for u in units for s in u.slots]
    assert [s.index for s in slots] == list(range(100_000))
    assert len({(s.agency.key, s.year) for s in slots}) == 100_000  # one report per agency and year
    # beyond GEOGRAPHY's provinces the agencies come from the gazetteer, names region inference knows
    assert {s.agency.province for s in slots} > set(GEOGRAPHY)
    with pytest.raises(ValueError, match="too large"):
        plan(10**6, 0)


def test_hierarchy_grows_only_when_asked_and_keeps_its_first_part():
    from gxnlp.synth.agencies import build_hierarchy

    base = build_hierarchy(3)
    assert build_hierarchy(3, min_agencies=len(base)) == base
    grown = build_hierarchy(3, min_agencies=4 * len(base))
    assert len(grown) >= 4 * len(base) and grown[: len(base)] == base
    assert len({a.key for a in grown}) == len(grown)
    assert grown == build_hierarchy(3, min_agencies=4 * len(base))


def test_synth_command_refuses_more_reports_than_the_world_holds(tmp_path):
    from typer.testing import CliRunner

    from gxnlp.cli import app
    from gxnlp.synth.writer import max_reports

    most = max_reports(0)
    assert most >= 100_000
    res = CliRunner().invoke(app, ["synth", "--n", str(most + 1), str(tmp_path / "c")])
    assert res.exit_code == 2 and f"at most {most:,} reports" in res.output
    assert not (tmp_path / "c").exists()
