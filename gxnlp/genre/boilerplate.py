"""Shared text of the genre that is not copying: (a) the mandated template, (b) stock phrases.

The template phrases are the shipped list ``data/template.txt`` (heading variants, opening formula,
notes, the pre-2019 statistics table) plus the six headings (:data:`sections.SECTION_TITLES`) and every
label the tables print (:func:`table_keys.printed_labels`), so a heading or label is written once.
"""
from __future__ import annotations

from . import DATA_DIR
from .numerals import int_to_cn
from .sections import SECTION_TITLES
from .table_keys import printed_labels

#: Table labels that are everyday words: not template evidence by themselves.
EVERYDAY_LABELS: frozenset[str] = frozenset({"其他"})


def load_phrases(name: str) -> list[str]:
    """Phrases of a shipped list (``template`` or ``stock_seed``), comments and blanks skipped."""
    text = (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def template_phrases() -> list[str]:
    """The mandated template text: the shipped list, the six headings (numbered and bare) and the tables'
    printed labels."""
    phrases = load_phrases("template")
    headings = [f"{int_to_cn(i + 1)}、{title}" for i, title in enumerate(SECTION_TITLES.values())]
    # bare: not 总体情况 (ordinary prose) nor the problems heading (its bare variants are listed in the file)
    headings += [title for key, title in SECTION_TITLES.items() if key not in ("overview", "problems")]
    derived = headings + [label for label in printed_labels() if label not in EVERYDAY_LABELS]
    return phrases + [p for p in dict.fromkeys(derived) if p not in phrases]


def stock_seed_phrases() -> list[str]:
    """The shipped seed list of stock phrases (quoted principles of the genre)."""
    return load_phrases("stock_seed")
