"""``gxnlp newwords``: propose domain words from a corpus (PMI + branching entropy)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..pipeline import process_map
from ._common import RunSummary, check_output_file, echo_json, stderr, track


def narrative_of(path: Path) -> dict[str, Any]:
    """The narrative sections (overview, problems) of one file, or an error record."""
    from ..model import NARRATIVE_SECTIONS, GxnlpError, error_record
    from ..structure.parse import parse_path

    try:
        rep = parse_path(path)
    except (GxnlpError, OSError, ValueError) as exc:
        return error_record(str(path), exc)
    return {"source": str(path), "texts": [rep.sections[s] for s in NARRATIVE_SECTIONS if rep.sections.get(s)]}


def newwords(
    paths: list[Path] = typer.Argument(..., help="Report files or directories."),
    top: int = typer.Option(50, "--top", help="How many candidates to print."),
    min_count: int = typer.Option(5, "--min-count", help="Minimum frequency of a candidate."),
    append: Path = typer.Option(None, "--append", help="Append the candidates to this jieba user dictionary file."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: all cores)."),
) -> None:
    """New-word discovery over the narrative sections: prints {"word","score","count"} per line."""
    from ..text.segment import discover_words, write_userdict

    if append is not None:
        check_output_file(append)
    summary = RunSummary()
    files = summary.expand(paths)
    texts: list[str] = []
    for rec in track(process_map(narrative_of, files, workers=1 if len(files) < 8 and workers is None else workers),
                     len(files), "reading"):
        if not summary.add(rec):
            echo_json(rec)
            continue
        texts.extend(rec["texts"])
    words = discover_words(texts, min_count=min_count, top=top)
    for w, score, count in words:
        echo_json({"word": w, "score": score, "count": count})
    if append is not None:
        n = write_userdict([w for w, _s, _c in words], append)
        stderr.print(f"appended {n} new words to {append}")
    summary.finish(detail=f"{len(words)} candidate words")


def register(app: typer.Typer) -> None:
    app.command("newwords")(newwords)
