"""Boilerplate reuse detection: copied narrative vs. mandated template vs. stock phrases.

>>> from gxnlp.reuse import ReuseDetector, ReuseDoc
>>> det = ReuseDetector(ngram=4, window_chars=10, min_copied_chars=10, min_passage=10).fit([
...     ReuseDoc("a", "我办全年组织政务公开专题培训四次，覆盖全部科室。", agency="甲", year=2020),
...     ReuseDoc("b", "我办全年组织政务公开专题培训六次，覆盖全部科室。", agency="甲", year=2021)])
>>> det.pairs_[["kind", "source_report_id"]].values.tolist()
[['self', 'a']]
"""
from ..genre.boilerplate import load_phrases, template_phrases
from .align import Passage, align, residuals
from .boilerplate import PhraseLexicon, StockPhraseMiner
from .detector import ReuseDetector, ReuseDoc, likely_source
from .lsh import CandidateIndex
from .text import ReuseText, normalise, shingle_hashes

__all__ = [
    "ReuseDetector", "ReuseDoc", "ReuseText", "CandidateIndex", "PhraseLexicon", "StockPhraseMiner",
    "Passage", "align", "residuals", "load_phrases", "template_phrases", "likely_source", "normalise", "shingle_hashes",
]
