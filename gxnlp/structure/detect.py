"""Is it a report? Evidence that a structured document is an annual report, not some other text.

A report shows at least one of: its title (:mod:`gxnlp.genre.report_title`) on a line of its
head or in the page's title; several template sections with a body of their own (the parser's
headings, not a list that merely names them); statistical tables whose rows add up. A file
with none of them (a README, a news item about 政务公开, a notice, a list page) is
``not_a_report``. The evidence is cheap to compute and is checked in that order.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..genre.report_title import is_report_title
from ..model import Report

#: Lines of the head searched for the title (after the page chrome is stripped).
TITLE_LINES = 30
#: Different report titles in one head: more is a listing page.
MAX_DISTINCT_TITLES = 2
#: A section counts when its body has this many non-space characters.
MIN_SECTION_CHARS = 40
#: Distinct template sections with a body that make a report.
MIN_SECTIONS = 3
#: Table rows (s3 row totals, s4 group totals) that must add up.
MIN_BALANCED_ROWS = 2


@dataclass(frozen=True)
class ReportEvidence:
    title: bool
    sections: int
    balanced_rows: int

    @property
    def is_report(self) -> bool:
        return self.title or self.sections >= MIN_SECTIONS or self.balanced_rows >= MIN_BALANCED_ROWS

    def describe(self) -> str:
        return (f"no report title, {self.sections} template section(s) with a body "
                f"(a report has {MIN_SECTIONS}+), {self.balanced_rows} table row(s) that add up")


def has_report_title(report: Report) -> bool:
    """A report title in the page's title or the head of the text, and only one: a page whose head
    holds several different titles is a list of reports, not a report."""
    doc = report.document
    candidates = [doc.meta.get("title"), doc.meta.get("page_title")] if doc is not None else []
    lines = [line.strip() for line in (doc.text if doc is not None else "").split("\n") if line.strip()]
    titles = {c for c in candidates + lines[:TITLE_LINES] if c and is_report_title(c)}
    if not titles and report.title and is_report_title(report.title):
        titles = {report.title}  # a title the parser joined from two lines
    return 0 < len(titles) <= MAX_DISTINCT_TITLES


def bodied_sections(report: Report) -> int:
    return sum(1 for body in report.sections.values()
               if body and len("".join(body.split())) >= MIN_SECTION_CHARS)


def balanced_rows(report: Report) -> int:
    """s3 rows whose total is the sum of the six applicant columns, and s4 groups whose total adds up,
    counting only rows with a non-zero total (an all-zero row adds up by itself)."""
    from ..genre.table_keys import S3_COLUMNS, S4_COLUMNS
    from ..tables.core import extract

    cells = extract(report)
    if cells.empty:
        return 0
    values = {(t, r, c): v for t, r, c, v in zip(cells["table"], cells["row"], cells["column"], cells["value"])
              if v is not None and v == v}
    n = 0
    for table, parts, total in (("s3", S3_COLUMNS[:-1], S3_COLUMNS[-1]), ("s4", S4_COLUMNS[:-1], S4_COLUMNS[-1])):
        for row in {r for t, r, _ in values if t == table}:
            got = [values.get((table, row, c)) for c in parts]
            tot = values.get((table, row, total))
            if tot and None not in got and abs(sum(got) - tot) < 1e-6:
                n += 1
    return n


def report_evidence(report: Report) -> ReportEvidence:
    """The evidence, computed lazily: a title or the sections settle it without reading tables."""
    title = has_report_title(report)
    sections = bodied_sections(report)
    if title or sections >= MIN_SECTIONS:
        return ReportEvidence(title, sections, 0)
    return ReportEvidence(title, sections, balanced_rows(report))
