"""Property-based tests: random bytes, random text and mutated real reports through decode,
structure, tables, validate, statements and reuse raise nothing, and a file either gives a report
or an error record with one of the documented codes (never a Python exception's name).

CI runs a few dozen examples per target; ``GXNLP_HYPOTHESIS_PROFILE=nightly`` runs 10,000
(docs/reliability.md records the nightly counts and the crashes they found).
"""
from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import DEMO, ROOT

from gxnlp.ingest.read import decode_bytes, read_document
from gxnlp.model import Document, IngestError
from gxnlp.runner import ERROR_CODES, analyse, error_code
from gxnlp.structure.parse import structure
from gxnlp.tables.audit import check
from gxnlp.tables.core import extract
from gxnlp.text.statements import split_statements

PROFILE = os.environ.get("GXNLP_HYPOTHESIS_PROFILE", "ci")
EXAMPLES = {"ci": 25, "nightly": 10_000}[PROFILE]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=PROFILE == "ci", database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])

SHARED = Path(os.environ.get("GXNLP_SHARED", ROOT.parent / "shared"))
#: With GXNLP_HYPOTHESIS_COUNTS=FILE, each target appends its running example count (every 100
#: examples), so a long nightly run reports how far it got.
COUNTS = os.environ.get("GXNLP_HYPOTHESIS_COUNTS")
_seen: dict[str, int] = {}


def _count(target: str) -> None:
    if COUNTS:
        _seen[target] = _seen.get(target, 0) + 1
        if _seen[target] % 100 == 0:
            with open(COUNTS, "a", encoding="utf-8") as fh:
                fh.write(f"{target} {_seen[target]}\n")


def _real_reports() -> list[str]:
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpora" / "pingtan").glob("*/page.txt"))
    paths += sorted((DEMO / "2021").glob("*.txt"))[:5] + sorted((DEMO / "2019").glob("*.txt"))[:3]
    return [decode_bytes(p.read_bytes())[0] for p in paths]


REAL = _real_reports()

#: The genre's characters, so random text hits the parsers' patterns (headings, labels, numerals).
GENRE = ("一二三四五六七八九十百千万零〇（）()、。，；：:|\n 0123456789-+—/年月日件项总计本年新收上年结转予以公开"
         "不予部分无法提供处理行政复议诉讼维持纠正其他尚未审结存在的主要问题及改进情况一是二是将加强发布时间来源"
         "政府信息公开工作年度报告规章规范性文件许可处罚强制收费万元自然人商业企业科研机构社会公益组织法律服务机构")
genre_text = st.text(alphabet=st.sampled_from(GENRE), max_size=3000)
any_text = st.text(max_size=2000)
texts = st.one_of(genre_text, any_text)


@st.composite
def mutated_report(draw) -> bytes:
    """A real report, mutated: spans deleted, duplicated or shuffled, bytes inserted, re-encoded, cut."""
    text = draw(st.sampled_from(REAL))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(1, 6))):
        op = rng.choice(["delete", "duplicate", "swap_lines", "insert", "junk_line"])
        a = rng.randrange(len(text) + 1)
        b = min(len(text), a + rng.randrange(1, 400))
        if op == "delete":
            text = text[:a] + text[b:]
        elif op == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "swap_lines":
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op == "insert":
            text = text[:a] + draw(genre_text.filter(lambda s: len(s) < 200)) + text[a:]
        else:
            text = text[:a] + "\n" + rng.choice(["发布时间：其他组", "成文日期：2021年13月45日", "一、本年新收 | x | 9999999999999999999 |",
                                                 "（七）总计 | 1e400 | -0 | ９９ |", "=HYPERLINK(\"x\")"]) + "\n" + text[a:]
    data = text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])), errors="replace")
    if draw(st.booleans()):
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(max_size=16)) + data[pos:]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _check_record(rec: dict) -> None:
    if "error" in rec:
        assert error_code(rec) in ERROR_CODES, rec["error"]
    else:
        assert not rec["stage_errors"], rec["stage_errors"]


STAGES = ("parse", "tables", "audit", "statements", "reuse")


@SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".html", ".md", ".docx", ".pdf"]))
def test_random_bytes_through_every_stage(data, suffix):
    _count("test_random_bytes_through_every_stage")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"r{suffix}"
        path.write_bytes(data)
        _check_record(analyse(path, STAGES))


@SETTINGS
@given(data=mutated_report(), suffix=st.sampled_from([".txt", ".html"]))
def test_mutated_real_reports_through_every_stage(data, suffix):
    _count("test_mutated_real_reports_through_every_stage")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"r{suffix}"
        path.write_bytes(data)
        _check_record(analyse(path, STAGES))


@SETTINGS
@given(data=st.binary(max_size=4096), declared=st.sampled_from([None, "utf-8", "gbk", "big5", "nonsense-charset"]))
def test_decode_never_raises_but_ingest_errors(data, declared):
    _count("test_decode_never_raises_but_ingest_errors")
    for head in (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        try:
            text, encoding = decode_bytes(head + data, declared, [])
        except IngestError as exc:
            assert exc.code in ERROR_CODES
        else:
            assert isinstance(text, str) and encoding


@SETTINGS
@given(text=texts)
def test_structure_tables_statements_on_random_text(text):
    _count("test_structure_tables_statements_on_random_text")
    doc = Document(source="x.txt", report_id="r", text=text, format="txt")
    report = structure(doc)
    frame = extract(report)
    assert set(frame["table"]) <= {"s2", "s3", "s4"}
    check(frame, text)
    split_statements(text)


cell_values = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                        st.text(max_size=12), st.sampled_from(["12", "+18", "—", "/", "无", "1,234", "9116.36", "其他组"]))


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["s3", "s4", "s2"]),
                               st.sampled_from(["new_requests", "carried_over", "total_handled", "carried_forward",
                                                "granted", "review", "litigation_direct", "x"]),
                               st.sampled_from(["natural_person", "total", "upheld", "corrected", "other", "pending",
                                                "commercial", "y"]),
                               cell_values, st.one_of(st.none(), st.text(max_size=6))), max_size=60),
       narrative=st.one_of(st.none(), texts))
def test_validate_check_on_any_cells(rows, narrative):
    _count("test_validate_check_on_any_cells")
    frame = pd.DataFrame([{"report_id": "r", "table": t, "row": r, "column": c, "value": v, "raw": raw}
                          for t, r, c, v, raw in rows], columns=["report_id", "table", "row", "column", "value", "raw"])
    for finding in check(frame, narrative):
        assert finding.rule


@SETTINGS
@given(docs=st.lists(st.tuples(texts, st.sampled_from(["甲县财政局", "乙县教育局", None]),
                               st.one_of(st.none(), st.integers(2008, 2026))), max_size=6))
def test_reuse_on_random_narratives(docs):
    _count("test_reuse_on_random_narratives")
    from gxnlp.reuse import ReuseDetector, ReuseDoc

    corpus = [ReuseDoc(f"r{i}", text, agency=agency, year=year) for i, (text, agency, year) in enumerate(docs)]
    corpus += [ReuseDoc("real", REAL[0][:3000], agency="丙区", year=2021)]
    det = ReuseDetector(seed=0).fit(corpus)
    list(det.iter_pair_records())
