"""A self-contained HTML summary of a topics run (inline SVG plots, everything escaped).

Example
-------
>>> import pandas as pd
>>> from gxnlp.topics.model import fit_topics
>>> st = pd.DataFrame({"report_id": ["a", "b"] * 6, "kind": "problem",
...                    "text": ["政策解读形式单一<script>", "网站更新不及时"] * 6})
>>> html = render_html(fit_topics(st, k=2, kind="problem"))
>>> "<script>" in html, "&lt;script&gt;" in html
(False, True)
"""
from __future__ import annotations

import html
import io
import re
import warnings

import numpy as np
import pandas as pd

from ..topics.model import TopicsResult
from .fonts import CJK_NOTE, CSS_FONTS

_KIND_NAMES = {"problem": "存在的问题 (problems)", "measure": "改进措施 (measures)"}
_GROUPS = (
    ("agency_type", "Agency type"),
    ("level", "Level"),
    ("province", "Region (province)"),
    ("year", "Year"),
    ("requests_band", "Requests received (s3 本年新收 total)"),
    ("s4_band", "Reviews + lawsuits (s4 totals)"),
)

_CSS = CSS_FONTS + """
body{margin:2em;max-width:72em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}.ex{color:#555;font-size:.9em}
h2{margin-top:2em;border-bottom:2px solid #ddd}figure{margin:1em 0}figure svg{max-width:100%;height:auto}small{color:#666}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _pct(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}%"


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing CJK glyph metrics: the browser draws the text
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg[svg.index("<svg"):], flags=re.S)
    return svg


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["svg.hashsalt"] = "gxnlp"
    return plt


def _share_plot(topics: pd.DataFrame, kind: str) -> str:
    plt = _plt()
    t = topics.sort_values("topic")
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(t) + 0.8))
    ax.barh([f"{kind[0].upper()}{i}" for i in t["topic"]], t["share"], color="#4c78a8", label="statements")
    if "reports" in t and t["reports"].notna().any():
        ax.plot(t["reports"], [f"{kind[0].upper()}{i}" for i in t["topic"]], "o", color="#e45756", label="reports")
    ax.invert_yaxis()
    ax.set_xlabel("share")
    ax.legend(loc="lower right", fontsize=8)
    return _svg(fig)


def _selection_plot(sel: pd.DataFrame, chosen: int) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.plot(sel["k"], sel["coherence"], "o-", label="mean NPMI")
    ax.plot(sel["k"], sel["stability"], "s-", label="mean stability (Jaccard)")
    ax.set_xlabel("k")
    ax.set_ylabel("NPMI / Jaccard")
    ax2 = ax.twinx()
    ax2.bar(sel["k"], sel["good_topics"], alpha=0.25, color="#54a24b", label="good topics")
    ax2.set_ylabel("good topics")
    ax.axvline(chosen, color="#999", ls="--")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="lower right")
    return _svg(fig)


def _prevalence_plot(prev: pd.DataFrame, group: str, kind: str) -> str:
    plt = _plt()
    p = prev[prev["kind"] == kind]
    groups = sorted(p[group].astype(str).unique())
    topics = sorted(p["topic"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(topics) + 1))
    h = 0.8 / max(1, len(groups))
    for gi, g in enumerate(groups):
        q = p[p[group].astype(str) == g].set_index("topic").reindex(topics)
        y = np.arange(len(topics)) + gi * h
        err = np.vstack([(q["share"] - q["low"]).clip(lower=0), (q["high"] - q["share"]).clip(lower=0)]).astype(float)
        ax.barh(y, q["share"], height=h, xerr=np.nan_to_num(err), label=g, error_kw={"lw": 0.8})
    ax.set_yticks(np.arange(len(topics)) + 0.4 - h / 2, [f"{kind[0].upper()}{t}" for t in topics])
    ax.invert_yaxis()
    ax.set_xlabel("share of statements (95% bootstrap interval over reports)")
    ax.legend(fontsize=8, loc="lower right")
    return _svg(fig)


#: Groupings with more levels than this are drawn as small multiples (one panel per topic).
MAX_BAR_GROUPS = 5
#: Unordered groupings (province) show at most this many levels, those with the most reports.
TOP_GROUPS = 12
#: Groupings whose levels have an order (drawn as a line over the levels).
_ORDERED = ("year", "requests_band", "s4_band")


def _small_multiples(prev: pd.DataFrame, group: str, kind: str, labels: dict | None = None) -> tuple[str, str]:
    """One small panel per topic: its share in each level of ``group`` with the bootstrap interval.

    Readable for many levels (years, provinces), unlike one bar colour per level. Returns the
    SVG and a caption (which levels are shown).
    """
    plt = _plt()
    p = prev[prev["kind"] == kind].copy()
    p["_level"] = p[group].astype(str)
    sizes = p.drop_duplicates("_level").set_index("_level")["n_reports"]
    if group in _ORDERED:
        levels = sorted(sizes.index, key=lambda v: (len(v), v) if group != "year" else v)
        caption = ""
    else:
        levels = list(sizes.sort_values(ascending=False).index[:TOP_GROUPS])
        caption = (f"the {len(levels)} of {len(sizes)} groups with the most reports" if len(sizes) > TOP_GROUPS else "")
    topics = sorted(p["topic"].unique())
    ncols = min(4, len(topics))
    nrows = -(-len(topics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 1.9 * nrows + 0.4), sharex=True, sharey=True,
                             squeeze=False)
    x = np.arange(len(levels))
    for ax, t in zip(axes.flat, topics):
        q = p[p["topic"] == t].set_index("_level").reindex(levels)
        share = q["share"].astype(float)
        if group in _ORDERED:
            ax.fill_between(x, q["low"].astype(float), q["high"].astype(float), color="#4c78a8", alpha=0.2, lw=0)
            ax.plot(x, share, "o-", color="#4c78a8", ms=3, lw=1.2)
        else:
            err = np.vstack([(share - q["low"]).clip(lower=0), (q["high"] - share).clip(lower=0)]).astype(float)
            ax.errorbar(x, share, yerr=np.nan_to_num(err), fmt="o", color="#4c78a8", ms=3, lw=0.8)
        label = str((labels or {}).get(t, "")).split(" [")[0]
        ax.set_title(f"{kind[0].upper()}{t} {label[:16]}", fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", color="#eee")
    for ax in list(axes.flat)[len(topics):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xticks(x, levels, rotation=90 if len(levels) > 6 or group not in _ORDERED else 0, fontsize=7)
    fig.supylabel("share of statements", fontsize=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing CJK glyph metrics: the browser draws the text
        fig.tight_layout()
    return _svg(fig), caption


def render_html(
    result: TopicsResult,
    reports: pd.DataFrame | None = None,
    prevalence: pd.DataFrame | None = None,
    title: str = "gxnlp topics",
    contrast: pd.DataFrame | None = None,
    effects: pd.DataFrame | None = None,
) -> str:
    """The HTML page: per kind, the k search, the topics table, the prevalence plots and the
    covariate effects (:func:`gxnlp.topics.effects.estimate_effects`).

    ``prevalence`` is a tidy frame from :func:`gxnlp.topic_prevalence.prevalence` with a ``by``
    column naming the grouping (as the CLI writes it).
    """
    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{_e(title)}</title>",
             f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>", str(CJK_NOTE)]
    n_reports = result.statement_topics["report_id"].nunique()
    parts.append(f"<p>{n_reports} reports, {len(result.statement_topics)} statements.</p>")
    for kind, model in result.models.items():
        topics = result.topics[result.topics["kind"] == kind]
        n_st = int((result.statement_topics["kind"] == kind).sum())
        parts.append(f"<h2>{_e(_KIND_NAMES.get(kind, kind))}</h2>")
        parts.append(f"<p>{n_st} statements, method <b>{_e(model.method)}</b>, k = {model.k_}.</p>")
        sel = result.selection[result.selection["kind"] == kind]
        if len(sel):
            parts.append("<figure>" + _selection_plot(sel, model.k_) + "<figcaption><small>k maximises good topics minus "
                         "bad ones (good: NPMI &gt; 0 and top terms found again with Jaccard ≥ 0.5 in refits on 80% "
                         "subsamples; ties to the smaller k); topics with NPMI ≤ 0 are not shown</small></figcaption></figure>")
        parts.append("<figure>" + _share_plot(topics, kind) + "</figure>")
        parts.append("<table><tr><th>topic</th><th>label</th><th>top terms</th><th>category</th><th>statements</th>"
                     "<th>reports</th><th>NPMI</th><th>typical statements</th></tr>")
        for _, t in topics.iterrows():
            ex = "<br>".join(_e(x) for x in t["examples"])
            parts.append(
                f"<tr><td>{_e(kind[0].upper())}{int(t['topic'])}</td><td>{_e(t['label'])}</td>"
                f"<td>{_e(' '.join(t['top_terms']))}</td><td>{_e(t['category'] or '')}</td>"
                f"<td class=num>{_pct(t['share'])}</td><td class=num>{_pct(t['reports'])}</td>"
                f"<td class=num>{t['coherence']:.3f}</td><td class=ex>{ex}</td></tr>"
            )
        parts.append("</table>")
        if prevalence is not None and len(prevalence):
            for group, name in _GROUPS:
                p = prevalence[(prevalence["by"] == group) & (prevalence["kind"] == kind)] if "by" in prevalence else None
                if p is None or p.empty:
                    continue
                p = p.rename(columns={"group": group})
                if p[group].astype(str).nunique() > MAX_BAR_GROUPS:
                    svg, caption = _small_multiples(p, group, kind, dict(zip(topics["topic"], topics["label"])))
                    note = "one panel per topic: share of statements, 95% bootstrap interval over reports"
                    parts.append(f"<h3>{_e(name)}</h3><figure>{svg}<figcaption><small>{_e(note)}"
                                 f"{_e('; ' + caption) if caption else ''}</small></figcaption></figure>")
                else:
                    parts.append(f"<h3>{_e(name)}</h3><figure>{_prevalence_plot(p, group, kind)}</figure>")
                parts.append(_prevalence_table(p, group, kind, dict(zip(topics["topic"], topics["label"]))))
        if effects is not None and len(effects):
            parts.append(_effects_section(effects, kind, dict(zip(topics["topic"], topics["label"]))))
        elif contrast is not None and len(contrast):
            parts.append(_contrast_tables(contrast, kind, dict(zip(topics["topic"], topics["label"]))))
    parts.append("</body></html>")
    return "\n".join(parts)


def _prevalence_table(p: pd.DataFrame, group: str, kind: str, labels: dict | None = None) -> str:
    groups = sorted(p[group].astype(str).unique())
    n = p.drop_duplicates(group).set_index(p.drop_duplicates(group)[group].astype(str))["n_reports"]
    rows = ["<table><tr><th>topic</th>" + "".join(f"<th>{_e(g)}<br><small>{int(n[g])} reports</small></th>" for g in groups) + "</tr>"]
    for t, q in p.groupby("topic"):
        q = q.set_index(q[group].astype(str))
        cells = []
        for g in groups:
            if g in q.index:
                r = q.loc[g]
                cells.append(f"<td class=num>{_pct(r['share'])} <small>[{_pct(r['low'])}, {_pct(r['high'])}]</small></td>")
            else:
                cells.append("<td></td>")
        label = (labels or {}).get(t, "")
        rows.append(f"<tr><td>{_e(kind[0].upper())}{int(t)} <small>{_e(label)}</small></td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _contrast_tables(contrast: pd.DataFrame, kind: str, labels: dict) -> str:
    parts = []
    for name, c in contrast[contrast["kind"] == kind].groupby("contrast", sort=False):
        c = c.sort_values("diff", ascending=False)
        first = c.iloc[0]
        parts.append(f"<h3>{_e(name)} <small>({int(first['n_reports_b'])} vs {int(first['n_reports_a'])} reports; "
                     "difference of shares, 95% bootstrap interval over reports; <b>bold</b>: excludes 0, "
                     "not corrected for multiple comparisons)</small></h3>")
        la, lb = (first.get("label_a", "a"), first.get("label_b", "b"))
        parts.append(f"<table><tr><th>topic</th><th>share: {_e(la)}</th><th>share: {_e(lb)}</th>"
                     "<th>difference</th></tr>")
        for _, r in c.iterrows():
            sig = r["low"] > 0 or r["high"] < 0
            d = f"{100 * r['diff']:+.1f} pp <small>[{100 * r['low']:+.1f}, {100 * r['high']:+.1f}]</small>"
            parts.append(f"<tr><td>{_e(kind[0].upper())}{int(r['topic'])} <small>{_e(labels.get(r['topic'], ''))}</small></td>"
                         f"<td class=num>{_pct(r['share_a'])}</td><td class=num>{_pct(r['share_b'])}</td>"
                         f"<td class=num>{'<b>' + d + '</b>' if sig else d}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def _effects_plot(e: pd.DataFrame, kind: str, labels: dict) -> str:
    plt = _plt()
    e = e.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(e) + 1))
    y = np.arange(len(e))
    scale = np.where(e["covariate"] == "year", 100.0, 100.0)
    est, lo, hi = e["estimate"] * scale, e["low"] * scale, e["high"] * scale
    err = np.vstack([(est - lo).clip(lower=0), (hi - est).clip(lower=0)]).astype(float)
    colors = ["#e45756" if s else "#4c78a8" for s in e["significant"]]
    ax.errorbar(est, y, xerr=np.nan_to_num(err), fmt="none", ecolor="#888", lw=0.8)
    ax.scatter(est, y, c=colors, s=14, zorder=3)
    ax.axvline(0, color="#999", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{kind[0].upper()}{r.topic} · {r.covariate}={r.level}" for r in e.itertuples()], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("percentage points vs reference (per year for year); 95% interval, agencies resampled")
    return _svg(fig)


def _effects_section(effects: pd.DataFrame, kind: str, labels: dict) -> str:
    e = effects[(effects["kind"] == kind) & effects["topic"].isin(list(labels))]
    if e.empty:
        return ""
    ok = e[e["status"] == "ok"]
    few = e[e["status"] != "ok"].drop_duplicates(["covariate", "level"])
    min_agencies = effects.attrs.get("min_agencies", "the minimum of")
    parts = ["<h3>Effects of report covariates <small>(regression of each report's topic shares on one covariate at a "
             "time, like STM estimateEffect; 95% intervals from a bootstrap that resamples agencies; "
             "<b>bold</b>: Benjamini–Hochberg q &lt; 0.05 over all comparisons)</small></h3>"]
    if len(ok):
        parts.append("<figure>" + _effects_plot(ok, kind, labels) + "</figure>")
        parts.append("<table><tr><th>topic</th><th>covariate</th><th>level vs reference</th><th>estimate</th>"
                     "<th>q</th><th>agencies</th></tr>")
        for _, r in ok.iterrows():
            unit = " pp/year" if r["covariate"] == "year" else " pp"
            d = (f"{100 * r['estimate']:+.1f}{unit} <small>[{100 * r['low']:+.1f}, {100 * r['high']:+.1f}]</small>")
            ref = "" if r["reference"] is None or (isinstance(r["reference"], float) and np.isnan(r["reference"])) \
                else f" vs {r['reference']}"
            parts.append(f"<tr><td>{_e(kind[0].upper())}{_e(r['topic'])} <small>{_e(labels.get(r['topic'], ''))}</small></td>"
                         f"<td>{_e(r['covariate'])}</td><td>{_e(str(r['level']) + ref)}</td>"
                         f"<td class=num>{'<b>' + d + '</b>' if r['significant'] else d}</td>"
                         f"<td class=num>{r['q']:.3f}</td><td class=num>{int(r['n_agencies'])}</td></tr>")
        parts.append("</table>")
    if len(few):
        items = ", ".join(f"{_e(r['covariate'])}={_e(r['level'])} ({int(r['n_agencies'])} agencies)" for _, r in few.iterrows())
        parts.append(f"<p><small>Too few agencies for an estimate (a level needs {_e(min_agencies)} agencies, and "
                     f"a covariate two such levels to compare): {items}.</small></p>")
    return "".join(parts)


__all__ = ["render_html"]
