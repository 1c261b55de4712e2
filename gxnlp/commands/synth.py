"""``gxnlp synth --n N --seed S OUT``: write a synthetic corpus with its ground truth."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer

from ..model import DEFAULT_SEED


def register(app: typer.Typer) -> None:
    @app.command()
    def synth(
        out: Path = typer.Argument(..., help="Output folder (reports by year, ground truth in OUT/truth/)."),
        n: int = typer.Option(300, "--n", min=1, help="Number of reports."),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed: same n and seed give a byte-identical corpus."),
        force: bool = typer.Option(False, "--force", help="Replace OUT if it holds an earlier synthetic corpus."),
        panel: bool = typer.Option(False, "--panel", help="Write agency series instead (--n agencies, 2019–2024): name "
                                   "changes, missing years, promises kept and not, carry-over breaks, with panel truth."),
        hard_pdf: bool = typer.Option(False, "--hard-pdf", help="Only PDFs with tables typeset as offices do "
                                      "(ruled/unruled grids, wrapped and merged labels, typos, page breaks), in "
                                      "agency series with planted continuity breaks (truth/continuity.jsonl)."),
        pre2019_annex: bool = typer.Option(False, "--pre2019-annex", help="Only 2008-regulation reports whose "
                                           "statistics annex (统计表) is a grid: HTML, Word, ruled/unruled PDF, wrapped "
                                           "and misprinted labels (truth/cells.csv, table pre2019)."),
        phrases: str = typer.Option("seen", "--phrases", help="Problem/measure phrase banks: seen (default) or "
                                    "heldout (phrases no classifier seed or stop word was tuned on; score on this)."),
    ) -> None:
        """Generate a demo corpus of annual reports with ground truth (cells, errors, statements, reuse)."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from ..synth import generate

        if phrases not in ("seen", "heldout"):
            typer.echo(f"error: --phrases must be seen or heldout, not {phrases!r}", err=True)
            raise typer.Exit(2)
        if out.exists() and not out.is_dir():
            typer.echo(f"error: {out} is a file; give a folder for the corpus", err=True)
            raise typer.Exit(2)
        if any(p.exists() and not p.is_dir() for p in out.parents):
            typer.echo(f"error: cannot create {out}: a parent is a file", err=True)
            raise typer.Exit(2)
        if not (panel or hard_pdf):
            from ..synth.writer import max_reports

            if n > (most := max_reports(seed)):
                typer.echo(f"error: --n {n:,} is more than the synthetic world holds: at most {most:,} reports "
                           f"(two agency-years per report)", err=True)
                raise typer.Exit(2)
        if out.exists() and any(out.iterdir()):
            if not force:
                typer.echo(f"error: {out} is not empty (use --force to replace an earlier synthetic corpus)", err=True)
                raise typer.Exit(2)
            if not (out / "truth" / "documents.jsonl").exists():
                typer.echo(f"error: {out} does not look like a synthetic corpus; refusing to delete it", err=True)
                raise typer.Exit(2)
            shutil.rmtree(out)
        if panel:
            from ..synth.panel import generate_panel

            typer.echo(json.dumps(generate_panel(out, n_agencies=n, seed=seed), ensure_ascii=False))
            return
        with Progress(TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True) as bar:
            task = bar.add_task("reports", total=n)
            try:
                if pre2019_annex:
                    from ..synth.pre2019_annex import generate as generate_annex

                    summary = generate_annex(out, n=n, seed=seed, progress=lambda k: bar.advance(task, k))
                elif hard_pdf:
                    from ..synth.hard_pdf import generate as generate_hard

                    summary = generate_hard(out, n=n, seed=seed, progress=lambda k: bar.advance(task, k))
                else:
                    summary = generate(out, n=n, seed=seed, progress=lambda k: bar.advance(task, k), phrases=phrases)
            except OSError as exc:
                typer.echo(f"error: cannot write the corpus into {out}: {exc.strerror or exc}", err=True)
                raise typer.Exit(2) from exc
        typer.echo(json.dumps(summary, ensure_ascii=False))
