"""``gxnlp synth``: the project's own generated corpus of annual reports, with ground truth.

Reports of a real-looking hierarchy of agencies (real province/city/county names), report
years 2016–2024 in the template of their year, every layout real files come in (pipe
tables, cell-per-line, glued digits, PDF text, HTML with chrome, traditional+pinyin, GBK,
docx, PDF), numbers that satisfy the 勾稽关系 except where errors are planted, narrative
built from varied phrasings, and planted copy-paste. The truth goes to ``OUT/truth/``.

>>> import tempfile, json, pathlib
>>> from gxnlp.synth import generate
>>> with tempfile.TemporaryDirectory() as d:
...     summary = generate(d, n=12, seed=1)
...     docs = [json.loads(x) for x in (pathlib.Path(d) / "truth" / "documents.jsonl").read_text().splitlines()]
>>> summary["reports"], len(docs)
(12, 12)
"""
from __future__ import annotations

from .writer import LAYOUT_WEIGHTS, TRUTH_FILES, generate, plan, template_of

LAYOUTS = tuple(LAYOUT_WEIGHTS)

__all__ = ["generate", "plan", "template_of", "LAYOUTS", "TRUTH_FILES"]
