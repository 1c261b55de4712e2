"""``gxnlp topics``: recurring problems and measures across agencies."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..model import DEFAULT_SEED


def register(app: typer.Typer) -> None:
    app.command(name="topics")(topics)


def _progress(console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


def topics(
    paths: list[Path] = typer.Argument(None, help="Report files or directories."),
    k: Optional[int] = typer.Option(None, "--k", help="Number of topics (default: chosen by coherence and stability)."),
    kind: str = typer.Option("both", "--kind", help="problem | measure | both"),
    out: Optional[Path] = typer.Option(None, "--out", help="Write topics.csv, statement_topics.csv, report_topics.csv, "
                                        "prevalence.csv, effects.csv, selection.csv and topics.html here."),
    fmt: str = typer.Option("table", "--format", help="table | jsonl"),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed (same corpus + seed -> same topics)."),
    method: str = typer.Option("nmf", "--method", help="nmf | lda | btm | pt"),
    k_min: int = typer.Option(4, "--k-min", help="Smallest k searched."),
    k_max: int = typer.Option(16, "--k-max", help="Largest k searched."),
    statements: Optional[Path] = typer.Option(None, "--statements", help="Model these segmented statements "
                                              "(JSON lines: report_id, kind, text) instead of parsing PATHs."),
    meta: Optional[Path] = typer.Option(None, "--meta", help="Report metadata JSON lines (report_id, agency, year, ...) "
                                        "to join with --statements."),
    cells_path: Optional[Path] = typer.Option(None, "--cells", help="Table cells (CSV or JSON lines: report_id, table, "
                                              "row, column, value) to join (default: extracted from each report "
                                              "by gxnlp.tables when available)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Parallel workers for parsing (default: CPUs)."),
    n_boot: int = typer.Option(500, "--n-boot", help="Bootstrap resamples for prevalence intervals."),
    min_agencies: int = typer.Option(5, "--min-agencies", help="Fewest distinct agencies a covariate level needs "
                                     "for an effect estimate (fewer: 'too few')."),
) -> None:
    """Topic models of the problem and measure statements of annual reports.

    Example: gxnlp topics corpora/demo --out out/topics

    Files that are not reports are skipped, unreadable ones reported (exit status 1); one
    summary line on stderr.
    """
    import pandas as pd
    from rich.console import Console

    from ..topics import inputs as ti
    from ..pipeline import process_map
    from ..topics.prevalence import report_frame
    from ..topics.model import fit_topics

    if fmt not in ("table", "jsonl"):
        raise typer.BadParameter("--format must be table or jsonl")
    if kind not in ("problem", "measure", "both"):
        raise typer.BadParameter("--kind must be problem, measure or both")
    from ..topics.model import METHODS

    if method not in METHODS:
        raise typer.BadParameter(f"--method must be one of {', '.join(METHODS)}")
    if k is not None and k < 1 or not 1 <= k_min <= k_max:
        raise typer.BadParameter("need --k >= 1 and 1 <= --k-min <= --k-max")
    if not paths and statements is None:
        raise typer.BadParameter("give report PATHs or --statements FILE")
    from ._common import RunSummary, check_output_dir, fail

    for option, given in (("--statements", statements), ("--meta", meta), ("--cells", cells_path)):
        if given is not None and not given.is_file():
            fail(f"{option} {given}: no such file")
    if out is not None:
        check_output_dir(out)
    summary = RunSummary()
    err = Console(stderr=True)
    errors: list[dict] = []
    with _progress(err) as progress:
        if statements is not None:
            st = ti.read_statements_jsonl(statements)
            reports = ti.read_jsonl(meta) if meta else ti.reports_from_statements(st)
            if "report_id" not in reports:
                raise typer.BadParameter(f"{meta}: metadata rows need report_id")
            reports = reports.drop_duplicates("report_id")
            cells = ti.read_cells(cells_path) if cells_path else None
        else:
            files = summary.expand(paths)
            task = progress.add_task("parsing", total=len(files))

            def tick(recs):
                for r in recs:
                    progress.advance(task)
                    yield r

            st, reports, cells = ti.collect(tick(process_map(ti.load_report, files, workers=workers)), errors)
            if cells_path:  # given cells come first: table_totals takes the first value per report and key
                cells = pd.concat([ti.read_cells(cells_path), cells], ignore_index=True)
        for e in errors:  # named in the summary line; jsonl also prints the records
            summary.add(e)
            if fmt == "jsonl":
                print(json.dumps(e, ensure_ascii=False))
        if kind != "both":
            st = st[st["kind"] == kind]
        if statements is None:
            summary.processed = len(reports)
        else:
            summary.processed = reports["report_id"].nunique() if "report_id" in reports else len(reports)
        if st.empty:
            summary.finish(note=f"no {'' if kind == 'both' else kind + ' '}statements found", status=2 if not summary.processed else 1)
        kinds = sorted(st["kind"].unique())
        n_fits = 1 if k else ((k_max - k_min + 1) * 4)
        fit_task = progress.add_task("modelling", total=n_fits * len(kinds))
        result = fit_topics(st, kind=kind, progress=lambda n: progress.advance(fit_task, n),
                            method=method, k=k, k_range=(k_min, k_max), random_state=seed)

    if fmt == "jsonl":
        for _, t in result.topics.iterrows():
            print(json.dumps({
                "kind": t["kind"], "topic": int(t["topic"]), "label": t["label"], "top_terms": list(t["top_terms"]),
                "share": round(float(t["share"]), 4),
                "reports": None if pd.isna(t["reports"]) else round(float(t["reports"]), 4),
                "examples": list(t["examples"]), "representative": t["representative"],
            }, ensure_ascii=False))
    else:
        _print_table(result, Console())

    if out is not None:
        from ._common import atomic_dir

        with atomic_dir(out) as staging:
            _write_outputs(staging, result, report_frame(reports, cells), n_boot=n_boot, seed=seed,
                           min_agencies=min_agencies)
    n_topics = len(result.topics)
    summary.finish(detail=f"{n_topics} topics" + (f"; wrote topics.csv, statement_topics.csv, report_topics.csv, "
                                                  f"prevalence.csv, effects.csv, selection.csv, topics.html to {out}"
                                                  if out is not None else ""))


def _print_table(result, console) -> None:
    from rich.table import Table
    from rich.text import Text

    for kind, model in result.models.items():
        t = result.topics[result.topics["kind"] == kind]
        table = Table(title=f"{kind} topics (method {model.method}, k={model.k_})", show_lines=False)
        for col, kw in (("#", {"justify": "right"}), ("label", {}), ("top terms", {}), ("share", {"justify": "right"}),
                        ("reports", {"justify": "right"}), ("example", {})):
            table.add_column(col, **kw)
        for _, r in t.iterrows():
            cells = (str(r["topic"]), r["label"], " ".join(r["top_terms"][:6]), f"{100 * r['share']:.1f}%",
                     "" if r["reports"] != r["reports"] else f"{100 * r['reports']:.1f}%",
                     r["examples"][0] if r["examples"] else "")
            table.add_row(*(Text(c) for c in cells))  # Text: document text is never read as markup
        console.print(table)


def _write_outputs(out: Path, result, reports, n_boot: int, seed: int, min_agencies: int = 5) -> None:
    from ..topics.effects import estimate_effects
    from ..topics.prevalence import prevalence_all
    from ..report.topics import render_html

    out.mkdir(parents=True, exist_ok=True)
    topics = result.topics.copy()
    topics["top_terms"] = topics["top_terms"].map(" ".join)
    topics["examples"] = topics["examples"].map(lambda xs: " | ".join(xs))
    topics.to_csv(out / "topics.csv", index=False)
    labels = result.topics.set_index(["kind", "topic"])["label"]
    st = result.statement_topics.copy()
    st["label"] = [labels.get((k, t)) if t >= 0 else None for k, t in zip(st["kind"], st["topic"])]
    st.to_csv(out / "statement_topics.csv", index=False)
    rt = result.report_topics.copy()
    rt["label"] = [labels.get((k, t)) for k, t in zip(rt["kind"], rt["topic"])]
    rt = rt.merge(reports.drop(columns=[c for c in reports.columns if c in rt.columns and c != "report_id"]),
                  on="report_id", how="left")
    rt.to_csv(out / "report_topics.csv", index=False)
    prev = prevalence_all(result.statement_topics, reports, n_boot=n_boot, seed=seed)
    prev.to_csv(out / "prevalence.csv", index=False)
    effects = estimate_effects(result.statement_topics, reports, min_agencies=min_agencies, n_boot=n_boot, seed=seed)
    effects.to_csv(out / "effects.csv", index=False)
    result.selection.to_csv(out / "selection.csv", index=False)
    (out / "topics.html").write_text(render_html(result, reports, prev, effects=effects, title="gxnlp topics"),
                                     encoding="utf-8")
