"""The comparative HTML report: one self-contained page about a corpus.

Corpus overview, reuse share by year / template / agency, a heat map of pairwise reuse,
clusters with their model text, aligned passages side by side with the copied spans
marked, the stock-phrase list, and the table-audit findings (from :mod:`gxnlp.validate`
when it is installed). Plots are inline SVG drawn by matplotlib with ASCII labels only
(codes ``A01``, ``R01``); the codes are explained in HTML next to each plot, so Chinese
renders with the browser's own fonts and no CJK font is needed on the machine that
draws. Everything taken from a document goes through Jinja2 autoescaping.

>>> from gxnlp.reuse import ReuseDetector, ReuseDoc
>>> det = ReuseDetector(min_copied_chars=10).fit([
...     ReuseDoc("a", "我局全年组织政务公开专题培训四次，覆盖全部科室<script>x</script>和下属单位。", agency="甲", year=2020),
...     ReuseDoc("b", "我局全年组织政务公开专题培训六次，覆盖全部科室<script>x</script>和下属单位。", agency="乙", year=2021)])
>>> html = render_report(det)
>>> "<script>x" in html, "&lt;script&gt;x" in html, html.count("<mark>") > 0
(False, True, True)
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from rapidfuzz.distance import Levenshtein

from .. import __version__
from ..reuse import ReuseDetector
from ..reuse.documents import agency_key
from .fonts import CJK_NOTE, CSS_FONTS


def _env() -> Environment:
    return Environment(loader=PackageLoader("gxnlp.report", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


# -- plots (ASCII labels only; returned as inline SVG markup) -------------------------------
def _svg(fig) -> Markup:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})  # same input, same bytes
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: inline SVG in HTML
    # matplotlib writes ids like "p1a2b3" derived from a hash; keep them, they are local to the svg
    return Markup(svg)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "gxnlp", "svg.fonttype": "path", "font.size": 9})
    return plt


def plot_share_by(shares: pd.DataFrame, by: str, title: str, labels: dict | None = None):
    """Stacked bars of the mean copied share (self / cross) by ``by``; SVG markup or None."""
    df = shares.dropna(subset=[by])
    if df.empty:
        return None
    plt = _plt()
    g = df.groupby(by)[["self_share", "cross_share", "copied_share"]].mean().sort_index()
    fig, ax = plt.subplots(figsize=(6.2, 2.6))
    x = np.arange(len(g))
    ax.bar(x, g.self_share, label="self (same agency)", color="#4c78a8")
    ax.bar(x, g.cross_share, bottom=g.self_share, label="cross (other agencies)", color="#f58518")
    ax.set_xticks(x, [str(labels.get(k, k) if labels else k) for k in g.index], rotation=0 if len(g) < 12 else 60)
    ax.set_ylabel("mean share of narrative copied")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def plot_agencies(shares: pd.DataFrame, codes: dict[str, str], top: int = 20):
    df = shares.dropna(subset=["agency"])
    if df.empty:
        return None, []
    plt = _plt()
    g = df.groupby("agency")[["self_share", "cross_share", "copied_share"]].mean()
    g = g.sort_values(["copied_share"], ascending=False).head(top)
    g = g[g.copied_share > 0]
    if g.empty:
        return None, []
    fig, ax = plt.subplots(figsize=(6.2, 0.25 * len(g) + 0.9))
    y = np.arange(len(g))[::-1]
    ax.barh(y, g.self_share, color="#4c78a8", label="self")
    ax.barh(y, g.cross_share, left=g.self_share, color="#f58518", label="cross")
    ax.set_yticks(y, [codes[a] for a in g.index])
    ax.set_xlabel("mean share of narrative copied")
    ax.set_title(f"agencies with the most copied narrative (top {len(g)})")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig), [(codes[a], a, round(float(g.loc[a, "copied_share"]), 3)) for a in g.index]


def plot_heatmap(det: ReuseDetector, max_reports: int = 60):
    """Pairwise reuse (max of the two shares) among the reports that share text; SVG, legend rows."""
    pairs = det.pairs_
    if pairs.empty:
        return None, []
    weight: dict[int, float] = {}
    for r in pairs.itertuples():
        for k in (r.a_index, r.b_index):
            weight[k] = weight.get(k, 0) + r.copied_chars
    cluster_of = {}
    for c in det.clusters_.itertuples():
        for rid in c.report_ids:
            cluster_of[rid] = c.cluster_id
    keep = sorted(weight, key=lambda k: (-weight[k], k))[:max_reports]
    keep.sort(key=lambda k: (cluster_of.get(det.docs_[k].report_id, 1 << 30), det.docs_[k].agency or "",
                             det.docs_[k].year or 0, k))
    pos = {k: n for n, k in enumerate(keep)}
    m = np.zeros((len(keep), len(keep)))
    for r in pairs.itertuples():
        if r.a_index in pos and r.b_index in pos:
            v = max(r.a_share, r.b_share)
            m[pos[r.a_index], pos[r.b_index]] = m[pos[r.b_index], pos[r.a_index]] = v
    plt = _plt()
    size = min(7.5, 2.2 + 0.11 * len(keep))
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    im = ax.imshow(np.ma.masked_equal(m, 0), cmap="viridis", vmin=0, vmax=1)
    codes = [f"R{n + 1:02d}" for n in range(len(keep))]
    ax.set_xticks(range(len(keep)), codes, rotation=90, fontsize=6)
    ax.set_yticks(range(len(keep)), codes, fontsize=6)
    ax.set_title("pairwise reuse: share of the more-copied report")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    legend = []
    for n, k in enumerate(keep):
        d = det.docs_[k]
        legend.append({"code": codes[n], "name": _short(d.source or d.report_id), "agency": d.agency,
                       "year": d.year, "cluster": cluster_of.get(d.report_id)})
    return _svg(fig), legend


# -- passages ---------------------------------------------------------------------------------
def mark_segments(a: str, b: str, min_run: int = 2) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Split two aligned passages into (text, is_shared) segments: character runs that are
    equal in both (Levenshtein opcodes) of at least ``min_run`` characters are shared.

    >>> mark_segments("今年公开12条信息", "今年公开30条信息")[0]
    [('今年公开', True), ('12', False), ('条信息', True)]
    """
    sa: list[tuple[str, bool]] = []
    sb: list[tuple[str, bool]] = []
    for op in Levenshtein.opcodes(a, b):
        ta, tb = a[op.src_start:op.src_end], b[op.dest_start:op.dest_end]
        shared = op.tag == "equal" and len(ta) >= min_run
        if ta:
            sa.append((ta, shared))
        if tb:
            sb.append((tb, shared))

    def merge(segs):
        out: list[tuple[str, bool]] = []
        for t, s in segs:
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0] + t, s)
            else:
                out.append((t, s))
        return out

    return merge(sa), merge(sb)


def _short(path: str) -> str:
    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


# -- context ----------------------------------------------------------------------------------
def build_context(det: ReuseDetector, *, findings: pd.DataFrame | None = None, audit_note: str | None = None,
                  errors: Iterable[dict] = (), max_pairs: int = 40, max_reports: int = 500,
                  title: str = "政府信息公开工作年度报告 · 对比报告") -> dict[str, Any]:
    shares = det.report_shares_.copy()
    templates = {d.report_id: (d.meta or {}).get("template") for d in det.docs_}
    shares["template"] = shares.report_id.map(templates)
    # one agency under its spellings (平潭综合实验区 / 平潭综合实验区管委会): the most frequent name
    keys = shares.agency.map(agency_key)
    display = (shares.assign(key=keys).dropna(subset=["key"]).groupby("key").agency
               .agg(lambda s: s.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]))
    shares["agency"] = keys.map(display)
    agencies = sorted(a for a in shares.agency.dropna().unique())
    codes = {a: f"A{n + 1:02d}" for n, a in enumerate(agencies)}
    by_year = plot_share_by(shares, "year", "by report year")
    by_template = plot_share_by(shares.assign(template=shares.template.fillna("unknown")), "template", "by template")
    by_agency, agency_legend = plot_agencies(shares, codes)
    heat, heat_legend = plot_heatmap(det)
    names = {d.report_id: _short(d.source or d.report_id) for d in det.docs_}
    pairs = []
    top = det.pairs_.sort_values(["copied_chars", "a_report_id", "b_report_id"], ascending=[False, True, True]).head(max_pairs)
    for r in top.itertuples():
        passages = []
        for p in r.passages:
            sa, sb = mark_segments(p["a_text"], p["b_text"])
            passages.append({"a": sa, "b": sb, "similarity": p["similarity"], "a_start": p["a_start"],
                             "b_start": p["b_start"]})
        pairs.append({"a": names[r.a_report_id], "b": names[r.b_report_id], "a_agency": r.a_agency,
                      "b_agency": r.b_agency, "a_year": r.a_year, "b_year": r.b_year, "kind": r.kind,
                      "copied_chars": r.copied_chars, "a_share": r.a_share, "b_share": r.b_share,
                      "source": names.get(r.source_report_id) if r.source_report_id else None,
                      "passages": passages})
    clusters = []
    by_id = {d.report_id: d for d in det.docs_}
    for c in det.clusters_.itertuples():
        members = [{"name": names[rid], "agency": by_id[rid].agency, "year": by_id[rid].year} for rid in c.report_ids]
        clusters.append({"id": c.cluster_id, "size": c.size, "kind": c.kind, "members": members,
                         "years": c.years, "medoid": names[c.medoid_report_id], "model_text": c.model_text})
    reports = shares.sort_values(["copied_share", "report_id"], ascending=[False, True]).head(max_reports)
    report_rows = [{"name": names[r.report_id], "agency": r.agency, "year": r.year, "template": r.template,
                    "narrative_chars": r.narrative_chars, "copied_share": r.copied_share, "self_share": r.self_share,
                    "cross_share": r.cross_share, "from_earlier_share": r.from_earlier_share,
                    "sources": [names[s] for s in r.likely_sources]} for r in reports.itertuples()]
    n = len(shares)
    overview = {
        "reports": n, "agencies": len(agencies),
        "years": f"{int(shares.year.min())}–{int(shares.year.max())}" if shares.year.notna().any() else "?",
        "templates": shares.template.fillna("unknown").value_counts().to_dict(),
        "pairs": len(det.pairs_), "self_pairs": int((det.pairs_.kind == "self").sum()) if n else 0,
        "cross_pairs": int((det.pairs_.kind == "cross").sum()) if n else 0,
        "clusters": len(det.clusters_),
        "with_copy": int((shares.copied_chars > 0).sum()) if n else 0,
        "mean_share": float(shares.copied_share.mean()) if n else 0.0,
        "stock_phrases": len(det.stock_phrases_),
        "candidates": det.index_stats_.get("candidate_pairs"),
    }
    finding_rows = None
    if findings is not None:
        f = findings.copy()
        if "source" in f.columns:
            f["source"] = f["source"].map(lambda s: _short(s) if isinstance(s, str) else s)
        finding_rows = f.to_dict("records")
    return {
        "title": title, "version": __version__, "overview": overview,
        "css_fonts": Markup(CSS_FONTS), "cjk_note": CJK_NOTE,
        "params": {k: getattr(det, k) for k in ("ngram", "num_perm", "threshold", "doc_threshold", "stock_df",
                                                 "min_copied_chars", "min_share", "min_share_self", "min_share_sibling", "seed")},
        "plots": {"year": by_year, "template": by_template, "agency": by_agency, "heat": heat},
        "agency_legend": agency_legend, "heat_legend": heat_legend,
        "pairs": pairs, "pairs_total": len(det.pairs_), "clusters": clusters, "reports": report_rows,
        "reports_total": n,
        "stock": det.stock_phrases_.head(100).to_dict("records"),
        "findings": finding_rows, "audit_note": audit_note, "errors": list(errors),
    }


def render_report(det: ReuseDetector, **kwargs) -> str:
    """The HTML page (a string) for a fitted detector; see :func:`build_context` for options."""
    html = _env().get_template("report.html.j2").render(**build_context(det, **kwargs))
    return re.sub(r"\n\s*\n+", "\n", html)
