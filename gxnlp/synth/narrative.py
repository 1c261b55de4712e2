"""Narrative of a report: 总体情况 and 存在的主要问题及改进情况, as re-renderable recipes.

A :class:`Narrative` holds sentence *recipes*: templates whose phrasing slots (platform,
policy field, unit names) are bound when drawn, while the slots that belong to one report
(its self-reference, year, numbers) are filled by :func:`render_overview` and
:func:`render_problems`. Copying a narrative (:func:`copy_narrative`) keeps the recipes,
so a copier's report repeats the model's sentences under its own name, with a few edits.

>>> import random
>>> from gxnlp.synth.agencies import build_hierarchy
>>> ag = build_hierarchy(0)[5]
>>> n = draw_narrative(random.Random(1), ag)
>>> lines, stmts = render_problems(n, {"org": "我局", "year": 2021, "next": 2022, "stock": ""})
>>> all(15 <= len(s["text"]) <= 60 for s in stmts)
True
"""
from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
import random
from dataclasses import dataclass, field
from typing import Any

from ..genre.numerals import int_to_cn
from . import phrases as P
from .agencies import Agency

FORMS = ("yishi", "numbered", "subsections", "colon", "future")

# Problem category -> measure categories that usually answer it.
_ANSWERS = {
    "content_scope": "expand_scope", "timeliness": "timeliness", "interpretation": "interpretation",
    "staffing_capacity": "training_staff", "platform": "platform", "institutions": "institutions",
    "participation": "interaction", "public_awareness": "publicity", "internal_awareness": "training_staff",
    "request_handling": "request_handling", "coordination": "coordination",
}
_PROBLEM_WEIGHTS = {
    "content_scope": 10, "timeliness": 8, "interpretation": 8, "staffing_capacity": 10, "platform": 6,
    "institutions": 5, "participation": 4, "public_awareness": 4, "internal_awareness": 4,
    "request_handling": 3, "coordination": 3,
}


@dataclass
class Narrative:
    """Recipes of one report's narrative (see module docstring)."""

    opening: str
    overview: dict[str, list[str]]
    problems: list[tuple[str, str]]
    measures: list[tuple[str, str]]
    form: str
    problem_intro: str
    measure_intro: str
    heads: tuple[str, str]
    org_style: str  # "self" (我局) or "short" (区财政局)
    req_mode: str  # "number" or "none"
    req_idx: int
    cn_numerals: bool
    inline_subheads: bool
    subheads: list[str] = field(default_factory=list)
    pre2019_sections: list[str] = field(default_factory=list)


_ACTIVE_BANK = ["seen"]


@contextmanager
def use_phrases(bank: str) -> Iterator[None]:
    """Draw problem and measure statements from the phrase bank ``bank`` (``seen`` | ``heldout``)."""
    if bank not in P.BANKS:
        raise ValueError(f"phrase bank must be one of {sorted(P.BANKS)}, not {bank!r}")
    previous = _ACTIVE_BANK[0]
    _ACTIVE_BANK[0] = bank
    try:
        yield
    finally:
        _ACTIVE_BANK[0] = previous


def _banks() -> tuple[dict[str, list[str]], dict[str, list[str]], list[str], list[str]]:
    return P.BANKS[_ACTIVE_BANK[0]]


def _bind(rng: random.Random, template: str, agency: Agency, plat: str) -> str:
    return template.replace("{u}", agency.unit).replace("{plat}", plat).replace("{field}", agency.field) \
        .replace("{stock}", rng.choice(P.STOCK))


def _statement(rng: random.Random, bank: dict[str, list[str]], cat: str, agency: Agency, plat: str,
               tails: list[str], avoid: set[str] = frozenset()) -> str:
    for _ in range(20):
        t = rng.choice(bank[cat])
        if t in avoid:
            continue
        s = _bind(rng, t, agency, plat)
        for a, b in P.SWAPS:
            if a in s and rng.random() < 0.18:
                s = s.replace(a, b, 1)
        tail = rng.choice(tails)
        if "有待" in s or "仍需" in s:
            tail = ""
        if 15 <= len(s + tail) <= 60:
            s = s + tail
        if 15 <= len(s) <= 60:
            return s
    return s


def _sentence(rng: random.Random, topic: str, agency: Agency, plat: str) -> str:
    return _sentences(rng, topic, agency, plat, 1)[0]


def _sentences(rng: random.Random, topic: str, agency: Agency, plat: str, k: int) -> list[str]:
    leads = rng.sample(P.LEADS[topic], k)
    follows = rng.sample(P.FOLLOWS[topic], k)
    return [f"{_bind(rng, a, agency, plat)}，{_bind(rng, b, agency, plat)}。" for a, b in zip(leads, follows)]


def _draw_problems(rng: random.Random, agency: Agency, plat: str) -> tuple[list, list]:
    cats = list(_PROBLEM_WEIGHTS)
    k = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
    chosen: list[str] = []
    while len(chosen) < k:
        c = rng.choices(cats, weights=[_PROBLEM_WEIGHTS[x] for x in cats])[0]
        if c not in chosen:
            chosen.append(c)
    problem_bank, measure_bank, problem_tails, measure_tails = _banks()
    problems = [(c, _statement(rng, problem_bank, c, agency, plat, problem_tails)) for c in chosen]
    mcats: list[str] = []
    for c in chosen:
        m = _ANSWERS[c] if rng.random() < 0.75 else rng.choice(list(P.MEASURES))
        if m not in mcats:
            mcats.append(m)
    while len(mcats) < 2 or (rng.random() < 0.3 and len(mcats) < 6):
        m = rng.choice(list(P.MEASURES))
        if m not in mcats:
            mcats.append(m)
    measures = [(c, _statement(rng, measure_bank, c, agency, plat, measure_tails)) for c in mcats]
    return problems, measures


def draw_narrative(rng: random.Random, agency: Agency) -> Narrative:
    """An independently drawn narrative for ``agency``."""
    plat = rng.choice(P.PLATFORMS)
    overview = {t: _sentences(rng, t, agency, plat, rng.randint(1, 2))
                for t in ("active", "management", "platform", "supervision", "interp")}
    problems, measures = _draw_problems(rng, agency, plat)
    pre_optional = ["organisation", "interp", "key_fields", "fees", "security", "subordinate", "other"]
    pre = ["overview"] + [s for s in pre_optional if rng.random() < 0.6]
    return Narrative(
        opening=_bind(rng, rng.choice(P.OPENINGS), agency, plat),
        overview=overview,
        problems=problems,
        measures=measures,
        form=rng.choice(FORMS),
        problem_intro=_bind(rng, rng.choice(P.PROBLEM_INTROS), agency, plat),
        measure_intro=_bind(rng, rng.choice(P.MEASURE_INTROS), agency, plat),
        heads=(rng.choice(P.PROBLEM_HEADS), rng.choice(P.MEASURE_HEADS)),
        org_style="self" if rng.random() < 0.6 else "short",
        req_mode="number" if rng.random() < 0.7 else "none",
        req_idx=rng.randrange(100),
        cn_numerals=rng.random() < 0.2,
        inline_subheads=rng.random() < 0.5,
        subheads=[rng.choice(opts) for _, opts in P.SUBHEADINGS_2019],
        pre2019_sections=pre,
    )


def copy_narrative(rng: random.Random, model: Narrative, agency: Agency, strength: float = 1.0) -> tuple[Narrative, list[str]]:
    """A copy of ``model`` for ``agency`` with a few edits; returns (narrative, edit log).

    The copier's name replaces the model's (names are render-time slots); with
    probability scaled by ``strength`` one statement is rephrased, one dropped, one added,
    and one overview sentence rewritten.
    """
    n = copy.deepcopy(model)
    edits: list[str] = []
    plat = rng.choice(P.PLATFORMS)
    if n.problems and rng.random() < 0.6 * strength:
        i = rng.randrange(len(n.problems))
        cat = n.problems[i][0]
        problem_bank, _mb, problem_tails, _mt = _banks()
        n.problems[i] = (cat, _statement(rng, problem_bank, cat, agency, plat, problem_tails, {n.problems[i][1]}))
        edits.append(f"rephrased problem {i}")
    if len(n.measures) > 2 and rng.random() < 0.4 * strength:
        i = rng.randrange(len(n.measures))
        del n.measures[i]
        edits.append(f"dropped measure {i}")
    if rng.random() < 0.5 * strength:
        cat = rng.choice([c for c in P.MEASURES if c not in {m[0] for m in n.measures}])
        _pb, measure_bank, _pt, measure_tails = _banks()
        n.measures.append((cat, _statement(rng, measure_bank, cat, agency, plat, measure_tails)))
        edits.append(f"added measure {cat}")
    if rng.random() < 0.6 * strength:
        topic = rng.choice(list(n.overview))
        j = rng.randrange(len(n.overview[topic]))
        n.overview[topic][j] = _sentence(rng, topic, agency, plat)
        edits.append(f"rewrote overview sentence {topic}/{j}")
    if rng.random() < 0.2 * strength:
        n.opening = _bind(rng, rng.choice(P.OPENINGS), agency, plat)
        edits.append("new opening")
    return n, edits


# ----------------------------------------------------------------------------- rendering

def num(n: int, cn: bool) -> str:
    return int_to_cn(n) if cn and 0 < n < 100000 else str(n)


def request_sentence(n: Narrative, ctx: dict[str, Any]) -> tuple[str, int | None]:
    """The 依申请公开 sentence and the number of new requests it states (None if none)."""
    if n.req_mode == "none":
        return P.REQUEST_NONUMBER[n.req_idx % len(P.REQUEST_NONUMBER)].format_map(ctx), None
    stated = ctx["N_stated"]
    if stated == 0:
        return P.REQUEST_ZERO[n.req_idx % len(P.REQUEST_ZERO)].format_map(ctx), 0
    c = dict(ctx)
    c["N"] = num(stated, n.cn_numerals)
    return P.REQUEST_SENTENCES[n.req_idx % len(P.REQUEST_SENTENCES)].format_map(c), stated


def render_overview(n: Narrative, ctx: dict[str, Any]) -> tuple[list[str], int | None]:
    """Paragraphs of 一、总体情况 (2019/2021 templates) and the stated request count."""
    paras = [n.opening.format_map(ctx)]
    req, stated = request_sentence(n, ctx)
    for (topic, _), head in zip(P.SUBHEADINGS_2019, n.subheads):
        if topic == "requests":
            body = req
        else:
            sents = list(n.overview[topic])
            if topic == "active":
                sents += n.overview["interp"][:1]
            body = "".join(s.format_map(ctx) for s in sents)
        if n.inline_subheads:
            paras.append(f"{head}。{body}")
        else:
            paras.extend([head, body])
    return paras, stated


def _ord(i: int) -> str:
    return int_to_cn(i + 1) if i < 10 else str(i + 1)


def render_problems(n: Narrative, ctx: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Paragraphs of the problems section and its statements (kind, position, text, category)."""
    ps = [(c, t.format_map(ctx)) for c, t in n.problems]
    ms = [(c, t.format_map(ctx)) for c, t in n.measures]
    stmts = [{"kind": "problem", "text": t, "category": c} for c, t in ps] + \
            [{"kind": "measure", "text": t, "category": c} for c, t in ms]
    for i, s in enumerate(stmts):
        s["position"] = i
    pi = n.problem_intro.format_map(ctx)
    mi = n.measure_intro.format_map(ctx)
    f = n.form
    if f == "yishi":
        p = pi + "；".join(f"{_ord(i)}是{t}" for i, (_, t) in enumerate(ps)) + "。"
        m = mi + "；".join(f"{_ord(i)}是{t}" for i, (_, t) in enumerate(ms)) + "。"
        lines = [p, m]
    elif f == "numbered":
        lines = [n.heads[0]] + [f"{i + 1}.{t}。" for i, (_, t) in enumerate(ps)] + \
                [n.heads[1]] + [f"{i + 1}.{t}。" for i, (_, t) in enumerate(ms)]
    elif f == "subsections":
        lines = [n.heads[0], "".join(f"{_ord(i)}是{t}。" for i, (_, t) in enumerate(ps)), n.heads[1]] + \
                [f"{_ord(i)}是{t}。" for i, (_, t) in enumerate(ms)]
    elif f == "colon":
        lines = ["当前存在的问题：" + "；".join(f"{_ord(i)}是{t}" for i, (_, t) in enumerate(ps)) + "。"
                 + "改进情况：" + "；".join(f"{_ord(i)}是{t}" for i, (_, t) in enumerate(ms)) + "。"]
    else:  # future tense paragraph
        p = (pi or "{year}年，{org}政务公开工作取得了一定成效，但仍存在一些问题：".format_map(ctx)) + \
            "；".join(f"{_ord(i)}是{t}" for i, (_, t) in enumerate(ps)) + "。"
        m = f"{ctx['next']}年，{ctx['org']}将" + "；".join(t for _, t in ms) + "。"
        lines = [p, m]
    return [x for x in lines if x], stmts


__all__ = ["Narrative", "FORMS", "draw_narrative", "copy_narrative", "render_overview", "render_problems",
           "request_sentence", "num"]
