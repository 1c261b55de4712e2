"""Seed terms and stop words must come from real reports, not from the project's own generator."""
from __future__ import annotations

from pathlib import Path

import pytest

from gxnlp.genre.taxonomy import load_taxonomy, parse_seed as _parse_seed

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


def test_synth_heldout_phrases(tmp_path):
    """`--phrases heldout` draws problem and measure statements only from the held-out banks."""
    import json

    from typer.testing import CliRunner

    from gxnlp.cli import app
    from gxnlp.synth import phrases

    res = CliRunner().invoke(app, ["synth", str(tmp_path / "h"), "--n", "6", "--seed", "3", "--phrases", "heldout"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in (tmp_path / "h" / "truth" / "statements.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows
    held = [t for bank in (phrases.PROBLEMS_HELDOUT, phrases.MEASURES_HELDOUT) for ts in bank.values() for t in ts]
    seen = [t for bank in (phrases.PROBLEMS, phrases.MEASURES) for ts in bank.values() for t in ts]

    def prefix(t):
        return t.split("{")[0][:6]

    from_held = sum(any(r["text"][:6] == prefix(t) for t in held if len(prefix(t)) == 6) for r in rows)
    from_seen = sum(any(r["text"][:6] == prefix(t) for t in seen if len(prefix(t)) == 6) for r in rows)
    assert from_held > 0.6 * len(rows) and from_held > 3 * from_seen
    res = CliRunner().invoke(app, ["synth", str(tmp_path / "x"), "--n", "2", "--phrases", "other"])
    assert res.exit_code == 2
