"""Seed terms and stop words must come from real reports, not from the project's own generator."""
from __future__ import annotations

from pathlib import Path

import pytest

from gxnlp.text.classify import _parse_seed, load_taxonomy

DATA = Path(__file__).resolve().parents[1] / "gxnlp" / "genre" / "data"


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


@pytest.fixture(scope="module")
def generator_text() -> str:
    from gxnlp.synth import phrases

    return "\n".join(s for k, v in vars(phrases).items() if k.isupper() for s in _strings(v))


@pytest.fixture(scope="module")
def real_text(shared) -> str:
    from gxnlp.ingest.read import read_document

    files = [f for f in sorted(shared.rglob("*")) if f.suffix in (".txt", ".pdf") and f.is_file()]
    files = [f for f in files if "seeds" in f.parts or "corpora" in f.parts]
    assert files, "no real reports under ../shared"
    return "\n".join(read_document(f).text for f in files)


def _stop_words() -> list[str]:
    from gxnlp.topics.model import stopwords

    words = set(stopwords())
    for f in DATA.glob("stopwords_*.txt"):
        words.update(w.strip() for w in f.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#"))
    return sorted(words)


def test_no_seed_term_only_from_generator(generator_text, real_text):
    tax = load_taxonomy()
    offenders = [f"{key}/{c['id']}: {term}" for key in ("problems", "measures") for c in tax[key]
                 for term, _w in map(_parse_seed, c["seeds"]) if term in generator_text and term not in real_text]
    assert not offenders, f"seed terms found in generator phrases but in no real report: {offenders}"


def test_no_stop_word_only_from_generator(generator_text, real_text):
    offenders = [w for w in _stop_words() if w in generator_text and w not in real_text]
    assert not offenders, f"stop words found in generator phrases but in no real report: {offenders}"
