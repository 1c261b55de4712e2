"""``gxnlp synth``: the project's own generated corpus of annual reports, with ground truth.

Reports of a real-looking hierarchy of agencies (real province/city/county names), report
years 2016–2024 in the template of their year, every layout real files come in (pipe
tables, cell-per-line, glued digits, PDF text, HTML with chrome, traditional+pinyin, GBK,
docx, PDF), numbers that satisfy the 勾稽关系 except where errors are planted, narrative
built from varied phrasings, and planted copy-paste. The truth goes to ``OUT/truth/``
(corpus readers skip any ``truth/`` folder); reports are ``OUT/<year>/<index>.<ext>``.

Truth files (``file`` is relative to OUT; ``report_id`` = first 16 hex of sha1 of its bytes):

- ``documents.jsonl``: file, report_id, title, agency, agency_type (政府办|部门|乡镇/街道|开发区),
  level (province|city|county|township), region {province, city, county}, year, published,
  template (pre2019|2019|2021), layout, format (txt|html|docx|pdf), encoding (utf-8|gbk|null for
  pdf and docx), sections {overview, active_disclosure, requests, review_litigation, problems, other: bool;
  other also when a pre-2019 report ends with its statistics annex},
  stated {new_requests: the number the narrative states, or null}, variants (null_cells:<token>,
  signed_change, fullwidth_digits[_everywhere], label_typos, truncated_headers,
  pre2019_stats_table), cluster, narrative_form.
- ``cells.csv``: file, report_id, table, row, column, value — keys of table_keys.md; value
  empty where the file shows a null token (—, /, 无, -, empty); 2019/2021 templates, and the
  statistics annex of pre-2019 reports that print one (table ``pre2019``, keys of
  ``gxnlp/genre/table_keys_pre2019.md``; an empty 历年累计 is empty). In s2–s4 nulls only
  ever stand for 0, so the identities hold with null counted as 0.
- ``continuity.jsonl``: file, report_id, previous_file, column, expected, found, cause — every
  s3 column where a report's printed 上年结转 differs from the 结转下年度 its agency's previous
  year printed (a planted break, or a planted identity error on one of those rows); all other
  consecutive years of an agency continue.
- ``errors.jsonl``: file, report_id, rule, table, row, column, detail — every identity that
  fails (s3_column_balance: row null; s3_row_total: (row, total); s3_total_handled:
  (total_handled, column); s4_group_total: (group, total)) plus narrative_table_mismatch
  (s3, new_requests, total). A planted edit usually breaks more than one identity; all are listed.
- ``statements.jsonl``: file, report_id, kind (problem|measure), position (0-based order of the
  statement in the problems section, problems first), text (as written, simplified Chinese,
  without its enumerator 一是/1./（一） and final punctuation), category.
- ``reuse_pairs.jsonl``: a_file, b_file, a_report_id, b_report_id, kind (self|cross),
  source_file (the cluster's model: the first year of a self chain, the model department of a
  cross cluster), cluster — one row per unordered pair of a cluster.
- ``clusters.jsonl``: cluster, kind, files, model_text (the model's narrative: 总体情况 and problems).

>>> import tempfile, json, pathlib
>>> from gxnlp.synth import generate
>>> with tempfile.TemporaryDirectory() as d:
...     summary = generate(d, n=12, seed=1)
...     docs = [json.loads(x) for x in (pathlib.Path(d) / "truth" / "documents.jsonl").read_text().splitlines()]
>>> summary["reports"], len(docs)
(12, 12)
"""
from __future__ import annotations

from .writer import LAYOUT_WEIGHTS, TRUTH_FILES, generate, plan

LAYOUTS = tuple(LAYOUT_WEIGHTS)

__all__ = ["generate", "plan", "LAYOUTS", "TRUTH_FILES"]
