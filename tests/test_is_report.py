"""Is it a report? The detector accepts real and generated reports and rejects other texts.

``tests/data/not_reports/`` holds non-reports written for this test (a markdown guide, a changelog,
a news item, a notice, a work plan, a government work report, listing pages, an explainer page).
They were written while the detector was developed, so they are development data;
``tests/data/not_reports_heldout/`` was written and committed before the detector first ran on it
(change the detector only with new held-out texts, or this stops being a held-out measure).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from gxnlp.model import IngestError
from gxnlp.pipeline import iter_files
from gxnlp.structure.detect import report_evidence
from gxnlp.structure.parse import parse_path

ROOT = Path(__file__).resolve().parents[1]

DATA = Path(__file__).parent / "data"
#: written while developing the detector, and held out (written and committed before it ever ran on them)
NOT_REPORTS = sorted((DATA / "not_reports").iterdir()) + sorted((DATA / "not_reports_heldout").iterdir())
DEMO = sorted(iter_files([ROOT / "corpora" / "demo"]))


@pytest.mark.parametrize("path", NOT_REPORTS, ids=[f"{p.parent.name}/{p.name}" for p in NOT_REPORTS])
def test_not_reports_are_rejected(path):
    with pytest.raises(IngestError) as info:
        parse_path(path)
    assert info.value.code == "not_a_report"
    assert not report_evidence(parse_path(path, require_report=False)).is_report


def test_real_reports_are_accepted(shared):
    reports = [p for p in iter_files([shared]) if p.name not in ("domain.md", "table_keys.md")]
    assert len(reports) >= 21
    rejected = [p for p in reports if not report_evidence(parse_path(p, require_report=False)).is_report]
    assert rejected == []


def test_the_shared_docs_are_not_reports(shared):
    for name in ("domain.md", "table_keys.md"):
        with pytest.raises(IngestError, match="not_a_report|not an annual report"):
            parse_path(shared / name)


def test_demo_reports_are_accepted():
    sample = DEMO[::10]  # the whole corpus: benchmarks/is_report.py
    assert len(sample) >= 30
    assert [p for p in sample if not report_evidence(parse_path(p, require_report=False)).is_report] == []


def test_each_kind_of_evidence_alone_makes_a_report():
    from gxnlp.model import Document
    from gxnlp.structure.parse import structure

    def evidence(text):
        return report_evidence(structure(Document(source="x.txt", report_id="x", text=text, format="txt")))

    title_only = evidence("某某县民政局2022年政府信息公开工作年度报告\n\n本年度工作情况如下。")
    assert title_only.title and title_only.is_report
    body = "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进各项工作，取得了一定成效。"
    sections_only = evidence("\n".join(f"{h}\n{body}" for h in (
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况")))
    assert not sections_only.title and sections_only.sections >= 3 and sections_only.is_report
    headline = evidence("我市发布2021年政府信息公开工作年度报告\n\n" + body)
    assert not headline.is_report
