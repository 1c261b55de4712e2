"""The outputs of reuse detection as tidy tables: pairs, per-report shares, clusters, stock phrases.

Each is a function of the documents (:class:`gxnlp.reuse.documents.DocumentState`) and the kept
pairs' passages, so each can be built and tested alone.
"""
from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .align import Passage
from .boilerplate import PhraseLexicon, StockRuns
from .documents import DocumentState, likely_source, mask_counts

Passages = dict[tuple[int, int], list[Passage]]

SHARE_COLUMNS = ["report_id", "source", "agency", "year", "published", "text_chars", "template_chars", "stock_chars",
                 "narrative_chars", "copied_chars", "copied_share", "self_chars", "self_share", "cross_chars",
                 "cross_share", "from_earlier_chars", "from_earlier_share", "self_partners", "cross_partners",
                 "likely_sources"]
PAIR_COLUMNS = ["a_index", "b_index", "a_report_id", "b_report_id", "a_source", "b_source", "a_agency", "b_agency",
                "a_year", "b_year", "kind", "copied_chars", "rare_chars", "a_copied_chars", "b_copied_chars", "a_share",
                "b_share", "similarity", "source_report_id", "n_passages", "passages"]
CLUSTER_COLUMNS = ["cluster_id", "size", "kind", "report_ids", "agencies", "years", "medoid_report_id",
                   "model_text", "copied_chars"]
STOCK_COLUMNS = ["phrase", "normalised", "origin", "n_reports", "n_agencies"]


def _kind(a: DocumentState, b: DocumentState) -> str:
    return "self" if a.agency == b.agency else "cross"


def pairs_table(states: list[DocumentState], passages: Passages) -> pd.DataFrame:
    """One row per kept pair, with its passages."""
    rows = []
    for (i, j), ps in sorted(passages.items()):
        sa, sb = states[i], states[j]
        a, b = sa.doc, sb.doc
        ac, bc = sum(p.a_chars for p in ps), sum(p.b_chars for p in ps)
        rows.append({
            "a_index": i, "b_index": j,
            "a_report_id": a.report_id, "b_report_id": b.report_id,
            "a_source": a.source, "b_source": b.source,
            "a_agency": a.agency, "b_agency": b.agency, "a_year": a.year, "b_year": b.year,
            "kind": _kind(sa, sb),
            "copied_chars": min(ac, bc),
            "rare_chars": min(sum(p.a_rare_chars for p in ps), sum(p.b_rare_chars for p in ps)),
            "a_copied_chars": ac, "b_copied_chars": bc,
            "a_share": round(ac / max(1, sa.narrative_chars), 4),
            "b_share": round(bc / max(1, sb.narrative_chars), 4),
            "similarity": round(sum(p.similarity * p.a_chars for p in ps) / max(1, ac), 4),
            "source_report_id": likely_source(a, b),
            "n_passages": len(ps),
            "passages": [
                {"a_text": sa.text.text[p.a_span[0]:p.a_span[1]],
                 "b_text": sb.text.text[p.b_span[0]:p.b_span[1]],
                 "a_start": p.a_span[0], "a_end": p.a_span[1], "b_start": p.b_span[0], "b_end": p.b_span[1],
                 "a_chars": p.a_chars, "b_chars": p.b_chars, "similarity": p.similarity}
                for p in ps
            ],
        })
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def shares_table(states: list[DocumentState], passages: Passages) -> pd.DataFrame:
    """One row per report: how much of its narrative is copied (self / cross / from an earlier report)."""
    if not states:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    n = len(states)
    docs = [st.doc for st in states]
    ids = [d.report_id for d in docs]
    # every matched sentence as flat columns: report, kind (0 self, 1 cross, 2 copied from the partner,
    # the earlier report), sentence; and each report's partners by kind
    rep, kinds, sents = array("q"), array("q"), array("q")
    partners: dict[str, dict[int, list[int]]] = {"self": {}, "cross": {}, "sources": {}}
    for (i, j), ps in passages.items():
        kind = _kind(states[i], states[j])
        code = 0 if kind == "self" else 1
        src = likely_source(docs[i], docs[j])
        for me, earlier, matched in ((i, src == ids[j], "a_matched"), (j, src == ids[i], "b_matched")):
            for p in ps:
                got = getattr(p, matched)
                rep.extend([me] * (2 * len(got) if earlier else len(got)))
                kinds.extend([code] * len(got))
                sents.extend(got)
                if earlier:
                    kinds.extend([2] * len(got))
                    sents.extend(got)
        partners[kind].setdefault(i, []).append(j)
        partners[kind].setdefault(j, []).append(i)
        if src == ids[j]:
            partners["sources"].setdefault(i, []).append(j)
        elif src == ids[i]:
            partners["sources"].setdefault(j, []).append(i)
    nchars = [st.narrative_chars for st in states]
    columns: dict[str, list] = {  # one list per column, filled where a report has copies or partners
        "report_id": ids, "source": [d.source for d in docs],
        "agency": [d.agency for d in docs], "year": [d.year for d in docs], "published": [d.published for d in docs],
        "text_chars": [len(st.text.norm) for st in states],
        "template_chars": mask_counts(states, "template_mask"), "stock_chars": mask_counts(states, "stock_mask"),
        "narrative_chars": nchars,
    }
    for kind in ("copied", "self", "cross", "from_earlier"):
        columns[f"{kind}_chars"] = [0] * n
        columns[f"{kind}_share"] = [0.0] * n
    if len(rep):
        rep_a, kind_a, sent_a = (np.frombuffer(x, dtype=np.int64) for x in (rep, kinds, sents))
        reports, where = np.unique(rep_a, return_inverse=True)
        lengths = [states[r].residual_lengths for r in reports.tolist()]
        first = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in lengths], out=first[1:])
        flat = np.concatenate(lengths)
        # distinct (report, kind, sentence); "copied" (3) is self or cross, each sentence once
        span = int(sent_a.max()) + 1
        both = kind_a < 2
        keys = np.concatenate([(where * 4 + kind_a) * span + sent_a, (where[both] * 4 + 3) * span + sent_a[both]])
        keys = np.unique(keys)
        group, sent = keys // span, keys % span
        sums = np.bincount(group, weights=flat[first[group // 4] + sent], minlength=4 * len(reports))
        sums = sums.round().astype(np.int64).reshape(-1, 4).tolist()
        for r, (self_c, cross_c, earlier_c, all_c) in zip(reports.tolist(), sums):
            nchar = nchars[r]
            for kind, c in (("copied", all_c), ("self", self_c), ("cross", cross_c), ("from_earlier", earlier_c)):
                columns[f"{kind}_chars"][r] = c
                columns[f"{kind}_share"][r] = round(c / nchar, 4) if nchar else 0.0
    for column, kind in (("self_partners", "self"), ("cross_partners", "cross"), ("likely_sources", "sources")):
        values: list = [[] for _ in range(n)]
        for i, theirs in partners[kind].items():
            values[i] = sorted({ids[k] for k in theirs})
        columns[column] = values
    return pd.DataFrame(columns, columns=SHARE_COLUMNS)


def clusters_table(states: list[DocumentState], passages: Passages) -> pd.DataFrame:
    """Groups of reports connected by kept pairs, each with its medoid and the model text they share."""
    n = len(states)
    if not passages or n == 0:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    ij = np.array(list(passages), dtype=np.int64)
    g = coo_matrix((np.ones(len(ij)), (ij[:, 0], ij[:, 1])), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        members[lab].append(i)
    groups = sorted((m for m in members.values() if len(m) > 1), key=lambda m: (-len(m), m[0]))
    by_label: dict[int, list] = defaultdict(list)  # each component's pairs, in passage order
    for item in passages.items():
        by_label[labels[item[0][0]]].append(item)
    rows = []
    for cid, mem in enumerate(groups):
        weight = defaultdict(int)
        support: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        for (i, j), ps in by_label[labels[mem[0]]]:
            c = sum(p.a_chars for p in ps)
            weight[i] += c
            weight[j] += c
            for p in ps:
                for s in p.a_matched:
                    support[i][s].add(j)
                for s in p.b_matched:
                    support[j][s].add(i)
        medoid = max(mem, key=lambda k: (weight[k], -k))
        need = max(1, math.ceil((len(mem) - 1) / 2))
        t = states[medoid].text
        sents = sorted(s for s, who in support[medoid].items() if len(who) >= need)
        if not sents:  # a chain (each report copies the previous one): what the medoid shares at all
            sents = sorted(support[medoid])
        bounds = t.sentences.spans[sents, :2].tolist()
        model = "".join(t.text[a:b] + ("" if t.text[b - 1:b] in "。；！？" else "。") for a, b in bounds)
        agencies = sorted({states[k].doc.agency or "" for k in mem})
        rows.append({
            "cluster_id": cid, "size": len(mem),
            "kind": "self" if len({states[k].agency for k in mem}) == 1 else "cross",
            "report_ids": [states[k].doc.report_id for k in mem],
            "agencies": agencies,
            "years": sorted({states[k].doc.year for k in mem if states[k].doc.year}),
            "medoid_report_id": states[medoid].doc.report_id,
            "model_text": model,
            "copied_chars": int(states[medoid].residual_lengths[sents].sum()),
        })
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def stock_table(states: list[DocumentState], runs: StockRuns, threshold: int, min_chars: int,
                stock_seed: PhraseLexicon) -> pd.DataFrame:
    """Stock phrases: mined runs used by at least ``threshold`` agencies, then the shipped seed phrases found."""
    rows = []
    for key, example, n_reports, n_agencies in zip(runs, runs.examples, runs.n_reports.tolist(),
                                                   runs.n_agencies.tolist()):
        if n_agencies >= threshold and len(key) >= min_chars:
            rows.append({"phrase": example.strip(), "normalised": key, "origin": "mined",
                         "n_reports": n_reports, "n_agencies": n_agencies})
    rows.sort(key=lambda r: (-r["n_agencies"], -r["n_reports"], r["normalised"]))
    seed_counts: dict[str, list] = {}
    for i, s in enumerate(states):
        for ph in stock_seed.find(s.text.norm):
            rec = seed_counts.setdefault(ph, [set(), set()])
            rec[0].add(i)
            rec[1].add(s.agency)
    for ph, (reps, ags) in sorted(seed_counts.items(), key=lambda kv: (-len(kv[1][1]), kv[0])):
        rows.append({"phrase": ph, "normalised": ph, "origin": "seed", "n_reports": len(reps), "n_agencies": len(ags)})
    return pd.DataFrame(rows, columns=STOCK_COLUMNS)


def boilerplate_pairs(states: list[DocumentState], passages: Passages, runs: StockRuns, min_chars: int,
                      template: PhraseLexicon, stock_seed: PhraseLexicon) -> Iterable[dict]:
    """Pairs that share only template or stock text (``kind`` ``template`` or ``stock``; passages =
    the shared phrases). Grows with the square of the corpus: for small corpora."""
    have = set(passages)
    phrases = []
    for i, s in enumerate(states):
        norm = s.text.norm
        tpl, stk = ({norm[a:b] for a, b in spans} for spans in PhraseLexicon.spans_each((template, stock_seed), norm))
        mined = {k for k in runs.runs_of(i) if len(k) >= min_chars}
        phrases.append((tpl, stk | mined))
    for i in range(len(states)):
        for j in range(i + 1, len(states)):
            if (i, j) in have:
                continue
            tpl = phrases[i][0] & phrases[j][0]
            stk = phrases[i][1] & phrases[j][1]
            if not tpl and not stk:
                continue
            a, b = states[i].doc, states[j].doc
            yield {
                "a_source": a.source, "b_source": b.source, "a_report_id": a.report_id,
                "b_report_id": b.report_id, "kind": "stock" if stk else "template",
                "copied_chars": 0, "a_share": 0.0, "b_share": 0.0, "source_report_id": None,
                "passages": [{"a_text": p, "b_text": p, "similarity": 1.0, "kind": k}
                             for k, ps in (("template", tpl), ("stock", stk)) for p in sorted(ps)],
            }
