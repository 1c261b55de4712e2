"""``gxnlp reuse``: copied narrative between reports (boilerplate reuse detection)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..pipeline import process_map
from ..reuse import ReuseDetector, ReuseDoc
from ..reuse.io import load_doc
from ..model import DEFAULT_SEED
from ._common import RunSummary, echo_json, stderr, track


class ReuseFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def read_corpus(paths: list[Path], workers: int | None, on_error, summary: RunSummary | None = None) -> list[ReuseDoc]:
    """Ingest + structure the files (streaming through ``process_map``); errors go to ``on_error``
    (and are counted in ``summary``)."""
    summary = summary or RunSummary()
    files = summary.expand(paths)
    workers = 1 if len(files) < 8 and workers is None else workers
    docs: list[ReuseDoc] = []
    for rec in track(process_map(load_doc, files, workers=workers), len(files), "reading"):
        if summary.add(rec):
            docs.append(rec)
        else:
            on_error(rec)
    return docs


def reuse(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    format: ReuseFormat = typer.Option(ReuseFormat.jsonl, "--format", "-f", help="jsonl: one object per pair of reports; table: a summary."),
    include_template: bool = typer.Option(False, "--include-template", help="Also list pairs sharing only template text or stock phrases (kind template/stock)."),
    ngram: int = typer.Option(6, help="Shingle size in normalised characters."),
    threshold: float = typer.Option(0.4, help="LSH Jaccard threshold of sentence windows."),
    num_perm: int = typer.Option(64, help="MinHash permutations."),
    stock_df: float = typer.Option(0.05, help="Share of agencies above which an n-gram is a stock phrase."),
    min_copied_chars: int = typer.Option(60, help="Copied characters outside stock phrases that make a pair."),
    min_share: float = typer.Option(0.4, help="...or the share of both narratives that is shared (other agencies)."),
    min_share_self: float = typer.Option(0.25, help="...the same for two reports of one agency."),
    min_share_sibling: float = typer.Option(0.25, help="...and for two agencies of one county/city in one year."),
    seed: int = typer.Option(DEFAULT_SEED, help="MinHash seed (same corpus + seed = same output)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes for reading (default: all cores)."),
) -> None:
    """Find copied narrative (overview and problems sections) between reports.

    Mandated template text and stock phrases of the genre are told apart and do not make a
    pair; kind is self (same agency, other years) or cross (other agencies).
    Bad files print {"source", "error"} and the run goes on (exit status 1); files that are
    not reports are skipped; one summary line on stderr.
    """
    failed = []

    def on_error(rec: dict) -> None:
        failed.append(rec)
        if format is ReuseFormat.jsonl:
            echo_json(rec)

    summary = RunSummary()
    docs = read_corpus(paths, workers, on_error, summary)
    det = ReuseDetector(ngram=ngram, threshold=threshold, num_perm=num_perm, stock_df=stock_df,
                        min_copied_chars=min_copied_chars, min_share=min_share, min_share_self=min_share_self, min_share_sibling=min_share_sibling, seed=seed, include_template=include_template).fit(docs)
    if format is ReuseFormat.jsonl:
        for rec in det.iter_pair_records():
            echo_json(rec)
    else:
        from rich.console import Console

        table = Table("a", "b", "kind", "copied", "a share", "b share", "source", "first passage")
        names = {d.report_id: Path(d.source or d.report_id).parent.name + "/" + Path(d.source or d.report_id).name for d in det.docs_}
        for rec in det.iter_pair_records():
            first = rec["passages"][0]["a_text"] if rec["passages"] else ""
            table.add_row(escape(names[rec["a_report_id"]]), escape(names[rec["b_report_id"]]), rec["kind"],
                          str(rec["copied_chars"]), f"{rec['a_share']:.0%}", f"{rec['b_share']:.0%}",
                          escape(names.get(rec["source_report_id"], "?")), escape(first[:40]))
        for rec in failed:
            table.add_row(escape(Path(rec["source"]).name), "", "", "", "", "", "", f"[red]{escape(rec['error'])}[/red]")
        Console().print(table)
    summary.finish(detail=f"{len(det.pairs_)} pairs with copied narrative, {len(det.clusters_)} clusters, "
                          f"{len(det.stock_phrases_)} stock phrases")


def register(app: typer.Typer) -> None:
    app.command("reuse")(reuse)
