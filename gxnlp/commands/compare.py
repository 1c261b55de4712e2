"""``gxnlp compare A B``: two reports side by side (normally one agency, two years)."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import echo_json, stderr


def compare(
    a: Path = typer.Argument(..., help="One report file."),
    b: Path = typer.Argument(..., help="The other report file (order does not matter: the earlier year comes first)."),
    aliases: Path = typer.Option(None, "--aliases", help="Alias table (CSV name,canonical) overriding agency identity."),
    seed: int = typer.Option(1, help="Seed of the reuse detector."),
) -> None:
    """One JSON object: agency keys, table deltas, the 上年结转 continuity check, the share of the later
    narrative copied from the earlier, problems and measures new / repeated / dropped, and the earlier
    report's promises matched against the later one (when the years are consecutive).
    Exit status 1 when a file cannot be read, 2 when it does not exist."""
    from ..panel.compare import continuity, copied_from_earlier, statement_changes, table_deltas
    from ..panel.promises import PromiseTracker, done_text, promises_of
    from ..panel.records import from_path
    from ..panel.series import assign_keys
    from ..reuse.detector import ReuseDetector, ReuseDoc

    for p in (a, b):
        if not p.is_file():
            stderr.print(f"[red]no such file:[/red] {p}")
            raise typer.Exit(2)
    recs = [from_path(a), from_path(b)]
    bad = [r for r in recs if isinstance(r, dict)]
    if bad:
        for r in bad:
            echo_json(r)
        raise typer.Exit(1)
    recs.sort(key=lambda r: (r.year is None, r.year or 0, r.published or "", r.report_id))
    prev, cur = recs
    assign_keys(recs, str(aliases) if aliases else None)
    docs = [ReuseDoc(r.report_id, "\n".join(x for x in (r.sections.get("overview"), r.sections.get("problems")) if x),
                     agency=r.agency, year=r.year, published=r.published, source=r.source,
                     meta={"region": r.region, "agency_key": r.agency_key}) for r in recs]
    det = ReuseDetector(seed=seed).fit(docs)
    copied = copied_from_earlier(det, recs)
    promises = []
    if prev.year is not None and cur.year is not None and cur.year - prev.year == 1:
        tracker = PromiseTracker().fit([done_text(r.sections) for r in recs])
        for p in promises_of(prev.statements, prev.sections.get("problems")):
            m = tracker.match(p, done_text(cur.sections))
            promises.append({"text": p["text"], "category": p.get("category"), "explicit": p["explicit"], **m})
    pair = det.pairs_
    echo_json({
        "a_source": prev.source, "b_source": cur.source, "a_report_id": prev.report_id, "b_report_id": cur.report_id,
        "a_agency": prev.agency, "b_agency": cur.agency, "a_agency_key": prev.agency_key, "b_agency_key": cur.agency_key,
        "same_agency": prev.agency_key == cur.agency_key, "a_year": prev.year, "b_year": cur.year,
        "reuse_kind": pair.kind.iloc[0] if len(pair) else None,
        "copied_share": copied.get(cur.report_id, {}).get("share", 0.0) if prev.agency_key == cur.agency_key else 0.0,
        "reuse_b_share": float(pair.b_share.iloc[0] if pair.b_report_id.iloc[0] == cur.report_id else pair.a_share.iloc[0]) if len(pair) else 0.0,
        "table_deltas": table_deltas(prev, cur).to_dict("records"),
        "continuity": continuity(prev, cur),
        "statements": statement_changes(prev, cur).to_dict("records"),
        "promises": promises,
        "follow_through": round(sum(p["kept"] for p in promises) / len(promises), 4) if promises else None,
    })


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
