"""Shared text of the genre that is not copying: (a) the mandated template, (b) stock phrases.

The template phrases are the shipped list ``data/template.txt`` (headings, opening formula, notes,
the pre-2019 statistics table) plus every label the tables print (:func:`table_keys.printed_labels`),
so a label is written once.
"""
from __future__ import annotations

from . import DATA_DIR
from .table_keys import printed_labels

#: Table labels that are everyday words: not template evidence by themselves.
EVERYDAY_LABELS: frozenset[str] = frozenset({"其他"})


def load_phrases(name: str) -> list[str]:
    """Phrases of a shipped list (``template`` or ``stock_seed``), comments and blanks skipped."""
    text = (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def template_phrases() -> list[str]:
    """The mandated template text: the shipped list and the tables' printed labels."""
    phrases = load_phrases("template")
    return phrases + [label for label in printed_labels() if label not in EVERYDAY_LABELS and label not in phrases]


def stock_seed_phrases() -> list[str]:
    """The shipped seed list of stock phrases (quoted principles of the genre)."""
    return load_phrases("stock_seed")
