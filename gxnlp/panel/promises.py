"""Promise tracking: the measures a report announces for next year, matched against what the next
report of the same agency says was done.

A *promise* is a measure statement of the 存在的主要问题及改进情况 section (the genre writes them for
the coming year: ``2022年，我局将……``, ``下一步……``, ``明年……``, or an 改进措施 list); ``explicit`` says
whether a future cue introduces it. The *evidence* is the next report's account of its work: every
section but the problems one, cut into clauses. A promise is **kept** when a window of up to
``window`` consecutive clauses covers at least ``min_cover`` of the promise's content terms (jieba
words weighted by their inverse clause frequency over the whole panel, so 公开/信息/加强 weigh little)
and the window is classified in the promise's category (the measure classifier of
:mod:`gxnlp.text.classify`); or when a window of any category covers ``min_cover_any``.

>>> tracker = PromiseTracker().fit(["全年开展政务公开业务培训三次，覆盖全部科室。", "新建便民查阅点五个。"])
>>> p = {"text": "加强业务培训，每季度开展一次政务公开业务培训。", "category": "training_staff"}
>>> tracker.match(p, "全年开展政务公开业务培训三次，覆盖全部科室。新建便民查阅点五个。")["kept"]
True
>>> tracker.match(p, "新建便民查阅点五个。完善网站栏目。")["kept"]
False
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sklearn.base import BaseEstimator

from ..text.statements import MEASURE_CUE

#: Sections of the next report that say what was done (the problems section says what will be).
DONE_SECTIONS = ("overview", "active_disclosure", "requests", "review_litigation", "other")
_CLAUSE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[）)、.．]|第[一二三四五六七八九十]+)\s*")
_FUTURE = re.compile(r"将|拟|计划|下一步|下步|明年|今后|(?:\d{4}|二[〇○零一二三]{3})年")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from ..genre import DATA_DIR

    words: set[str] = set()
    for name in ("stopwords_general.txt", "stopwords_domain.txt"):
        p = DATA_DIR / name
        if p.exists():
            words |= {w.strip() for w in p.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(words)


#: Window texts whose category a tracker remembers (evidence repeats across reports).
CATEGORY_CACHE = 20_000
_NOT_WORD = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """Content words of a text: jieba words of two or more characters, no numbers, no stop words
    (jieba's tokens with the domain dictionary, through the compiled segmenter where it agrees)."""
    from ..text.segment import jieba_cut, load_userdict

    load_userdict()
    stop = _stopwords()
    return tuple(t for t in jieba_cut(text) if len(t) >= 2 and t.strip() and not _NOT_WORD.fullmatch(t)
                 and not _DIGIT.search(t) and t not in stop)


def clauses(text: str | None) -> list[str]:
    """Clauses of a text (cut at 。；！？ and line breaks, enumerators dropped), at least 6 characters;
    flattened statistics tables (a quarter or more digits) are not narrative and are left out."""
    out = []
    for m in _CLAUSE.finditer(text or ""):
        c = _ENUM.sub("", m.group()).strip()
        if len(c) >= 6 and sum(map(str.isdigit, c)) < 0.25 * len(c):
            out.append(c)
    return out


def promises_of(statements: Iterable[dict[str, Any]], problems_text: str | None = None) -> list[dict[str, Any]]:
    """The measures of a report as promises; ``explicit`` when a future cue (将, 下一步, 明年, a year)
    opens the measures part or the statement itself."""
    measures = [s for s in statements if s.get("kind") == "measure"]
    text = problems_text or ""
    cue = MEASURE_CUE.search(text)
    opened = bool(cue and _FUTURE.search(cue.group()))
    return [{**s, "explicit": bool(opened or _FUTURE.search(s.get("text") or ""))} for s in measures]


class PromiseTracker(BaseEstimator):
    """Match promises against the next report's account of work done.

    ``fit(texts)`` learns term weights (inverse clause frequency) from the evidence texts of the
    panel; ``match(promise, next_text)`` returns ``{kept, cover, category, evidence}``.
    """

    def __init__(self, min_cover: float = 0.2, min_cover_any: float = 0.5, window: int = 2, taxonomy: Any = None):
        self.min_cover = min_cover
        self.min_cover_any = min_cover_any
        self.window = window
        self.taxonomy = taxonomy

    def fit(self, texts: Iterable[str], y: Any = None) -> PromiseTracker:
        df: Counter = Counter()
        n = 0
        for t in texts:
            for c in clauses(t):
                n += 1
                df.update(set(terms(c)))
        self.n_clauses_ = n
        self.idf_ = {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
        self.default_idf_ = math.log(1 + n) + 1.0
        from ..text.classify import SeedTermClassifier

        self.classifier_ = SeedTermClassifier(kind="measure", taxonomy=self.taxonomy).fit()
        return self

    def _w(self, term: str) -> float:
        return self.idf_.get(term, self.default_idf_)

    def _evidence(self, next_text: str | None) -> tuple[list[str], list[frozenset], dict[str, list[int]]]:
        """The clauses of the evidence, their terms, and the clauses each term occurs in."""
        cache = self.__dict__.setdefault("_window_cache", {})
        if next_text not in cache:
            cl = clauses(next_text)
            ct = [frozenset(terms(c)) for c in cl]
            where: dict[str, list[int]] = {}
            for i, terms_of in enumerate(ct):
                for t in terms_of:
                    where.setdefault(t, []).append(i)
            if len(cache) > 256:
                cache.clear()
            cache[next_text] = (cl, ct, where)
        return cache[next_text]

    def _windows(self, next_text: str | None, pt: set[str] | None = None) -> list[tuple[str, frozenset, str]]:
        """Windows of up to ``window`` consecutive clauses of the evidence (shorter first, then in
        text order), with their terms (the union of their clauses') and category; with ``pt``, only
        the windows holding one of those terms."""
        cl, ct, where = self._evidence(next_text)
        if pt is None:
            spans = [(i, i + k) for k in range(1, self.window + 1) for i in range(len(cl) - k + 1)]
        else:
            hit = {i for t in pt for i in where.get(t, ())}
            spans = sorted({(a, a + k) for k in range(1, self.window + 1) for i in hit
                            for a in range(max(0, i - k + 1), min(i, len(cl) - k) + 1)},
                           key=lambda span: (span[1] - span[0], span[0]))
        ws = ["".join(cl[a:b]) for a, b in spans]
        return [(w, ct[a] if b == a + 1 else frozenset().union(*ct[a:b]), c)
                for w, (a, b), c in zip(ws, spans, self._categories(ws))]

    def _categories(self, texts: list[str]) -> list[str]:
        """The measure category of each window text (remembered: evidence repeats across reports)."""
        known = self.__dict__.setdefault("_category_cache", {})
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo and len(known) + len(todo) > CATEGORY_CACHE:
            known.clear()
            todo = list(dict.fromkeys(texts))
        if todo:
            known.update(zip(todo, map(str, self.classifier_.predict(todo))))
        return [known[t] for t in texts]

    def match(self, promise: dict[str, Any], next_text: str | None) -> dict[str, Any]:
        """``{kept, cover, category, evidence}`` of one promise against the next report's evidence text:
        the best window in the promise's category (or, failing that, the best window of any category)."""
        pt = set(terms(promise.get("text") or ""))
        # fsum: the exactly rounded sum, whatever order the set yields its terms in (a plain sum
        # made windows with the same terms tie or not with the process's string hashing)
        total = math.fsum(self._w(t) for t in pt)
        best = {"kept": False, "cover": 0.0, "category": None, "evidence": None}
        if not pt:
            return best
        cat = promise.get("category")
        same, any_ = (0.0, None, None), (0.0, None, None)
        # only windows sharing a term can cover the promise (a cover of 0 is never picked)
        for w, wt, wc in self._windows(next_text, pt):
            cover = math.fsum(self._w(t) for t in pt & wt) / total
            if cat not in (None, "other") and wc == cat and cover > same[0]:
                same = (cover, w, wc)
            if cover > any_[0]:
                any_ = (cover, w, wc)
        if same[1] is not None and same[0] >= self.min_cover:
            return {"kept": True, "cover": round(same[0], 3), "category": same[2], "evidence": same[1]}
        if any_[1] is not None and any_[0] >= self.min_cover_any:
            return {"kept": True, "cover": round(any_[0], 3), "category": any_[2], "evidence": any_[1]}
        pick = same if same[1] is not None else any_
        return {"kept": False, "cover": round(pick[0], 3), "category": pick[2], "evidence": pick[1]}


def done_text(sections: dict[str, str | None]) -> str:
    """The text of a report that says what was done: every section but the problems one."""
    return "\n".join(sections.get(k) or "" for k in DONE_SECTIONS)
