"""Segmentation layer: a spaCy ``zh`` pipeline whose tokenizer is jieba, tuned to the genre.

* config: the pipeline is built from ``gxnlp/text/nlp.cfg`` (a spaCy config; override values with
  ``make_nlp(overrides={...})``).
* tokenizer: spaCy's Chinese tokenizer with ``segmenter = "jieba"`` (no model download), plus a
  domain user dictionary shipped as data (``gxnlp/genre/data/userdict.txt``) so terms such as 政务公开,
  依申请公开, 政务新媒体 stay whole; :func:`discover_words` proposes more from a corpus.
* ``gxnlp_sentences``: a sentence splitter that knows Chinese punctuation (。！？；) and
  enumerations (一是/二是, 1./1、/（1）, （一）, 一、, ①); each sentence span gets ``Span._.kind``
  (``enum`` | ``heading`` | ``sentence``) and ``Span._.marker``.
* ``gxnlp_stopwords``: flags ``Token._.is_general_stop`` / ``Token._.is_domain_stop`` from two
  separate lists (general function words; genre empty words such as 进一步, 加强, 工作, 不断).
* ``Doc._.report_id``, ``Doc._.section`` and ``Doc._.terms`` (content tokens) instead of parallel lists.

Segmentation runs on the narrative sections only (:data:`gxnlp.model.NARRATIVE_SECTIONS`) and is
cached per document: an in-process LRU cache keyed by (report_id, section, sha1(text), dictionary
fingerprint), and optionally an on-disk JSON cache under ``cache_dir/<report_id>/`` with the same key.

Example:
    >>> from gxnlp.text.segment import make_nlp
    >>> nlp = make_nlp()
    >>> doc = nlp("存在的问题：一是依申请公开办理不规范；二是政务新媒体更新不及时。")
    >>> [s.text for s in doc.sents]
    ['存在的问题：', '一是依申请公开办理不规范；', '二是政务新媒体更新不及时。']
    >>> "依申请公开" in [t.text for t in doc]
    True
    >>> [s._.kind for s in doc.sents]
    ['heading', 'enum', 'enum']
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
import json
import math
import os
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import numpy
import spacy
from spacy.language import Language
from spacy.attrs import IDX, IS_SPACE, SENT_START
from spacy.tokens import Doc, Span, Token
from spacy.util import DummyTokenizer, get_words_and_spaces

from ..genre.lexicon import STOPWORDS_DOMAIN, STOPWORDS_GENERAL, USERDICT, read_wordlist
from ..model import NARRATIVE_SECTIONS
from .sentences import ENUM_RE, TERMINATORS, find_markers, marker_value, sentence_bounds

jieba.setLogLevel(60)


def _span_kind(span: Span) -> str:
    """A set value (statement spans: problem | measure) or, for sentences, enum | heading | sentence."""
    own = span.doc.user_data.get(("._.", "kind", span.start_char, span.end_char))
    if own is not None:
        return own
    text = span.text
    m = ENUM_RE.match(text)
    if m and (not text[len(m.group()):].strip() or len(text) > len(m.group())):
        body = text[len(m.group()):].strip()
        if body and not re.search(r"[。；;！？!?，,]", body) and len(body) <= 24:
            return "heading"
        return "enum"
    if text.rstrip().endswith(("：", ":")) or not re.search(r"[。；;！？!?，,]", text):
        return "heading"
    return "sentence"


def _set_span_kind(span: Span, value: str) -> None:
    span.doc.user_data[("._.", "kind", span.start_char, span.end_char)] = value


def _span_marker(span: Span) -> str | None:
    m = ENUM_RE.match(span.text)
    return m.group() if m else None


_NO_STOP: tuple[frozenset, frozenset] = (frozenset(), frozenset())
_TEXT_KEY = ("gxnlp", "text")


def _doc_terms(doc: Doc) -> list[str]:
    return [t.text for t in doc if t._.is_content]


def content_terms(texts: Iterable[str], nlp: Language | None = None) -> list[list[str]]:
    """``Doc._.terms`` of each text without building Docs: the flags are the words' lexeme
    attributes, so the result is the pipeline's (checked in tests/test_segment_fast.py)."""
    nlp = nlp or make_nlp()
    general, domain = nlp.get_pipe("gxnlp_stopwords")(Doc(nlp.vocab)).user_data["gxnlp_stopwords"]
    backend = getattr(nlp.tokenizer, "backend", "auto")
    vocab = nlp.vocab
    out = []
    for text in texts:
        words, _ = words_and_spaces([w for w in jieba_cut(text, backend) if w], text)
        terms = []
        for w in words:
            if len(w) < 2 or w in general or w in domain or not w.strip():
                continue
            lex = vocab[w]
            if lex.is_space or lex.is_punct or lex.like_num or ENUM_RE.fullmatch(w) is not None:
                continue
            terms.append(w)
        out.append(terms)
    return out


def _is_content(tok: Token) -> bool:
    return not (tok.is_space or tok.is_punct or tok.like_num or tok._.is_general_stop
                or tok._.is_domain_stop or not tok.text.strip() or len(tok.text) < 2
                or ENUM_RE.fullmatch(tok.text) is not None)


for _obj, _name, _kw in (
    (Doc, "report_id", {"default": None}),
    (Doc, "section", {"default": None}),
    (Doc, "terms", {"getter": _doc_terms}),
    (Span, "kind", {"getter": _span_kind, "setter": _set_span_kind}),
    (Span, "category", {"default": None}),
    (Span, "score", {"default": None}),
    (Span, "marker", {"getter": _span_marker}),
    (Token, "is_general_stop", {"getter": lambda t: t.text in t.doc.user_data.get("gxnlp_stopwords", _NO_STOP)[0]}),
    (Token, "is_domain_stop", {"getter": lambda t: t.text in t.doc.user_data.get("gxnlp_stopwords", _NO_STOP)[1]}),
    (Token, "is_content", {"getter": _is_content}),
):
    if not _obj.has_extension(_name):
        _obj.set_extension(_name, **_kw)


@Language.factory(
    "gxnlp_sentences",
    default_config={"terminators": TERMINATORS, "split_enumerations": True, "split_newlines": True},
)
def make_sentences(nlp: Language, name: str, terminators: str, split_enumerations: bool,
                   split_newlines: bool):
    """Sentence boundaries from Chinese punctuation, enumerations and line breaks."""

    def component(doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        cols = doc.to_array([IDX, IS_SPACE]).astype("int64")
        idx, space = cols[:, 0], cols[:, 1].astype(bool)
        first = numpy.zeros(n, dtype=bool)
        first[0] = True
        text = doc.user_data.pop(_TEXT_KEY, None)
        if text is None or len(text) != idx[-1] + len(doc[-1].text_with_ws):
            text = doc.text
        for a, _b in sentence_bounds(text, split_enumerations, split_newlines, terminators):
            # the token containing the boundary starts the sentence (the next one, if it is a space)
            i = int(numpy.searchsorted(idx, a, side="right")) - 1
            while i < n - 1 and space[i]:
                i += 1
            if i >= 0:
                first[i] = True
        space[0] = False  # the first token starts a sentence even if it is a space
        starts = numpy.where(first & ~space, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)
        doc.from_array([SENT_START], starts)
        return doc

    return component


@Language.factory("gxnlp_stopwords", default_config={"general": None, "domain": None})
def make_stopwords(nlp: Language, name: str, general: str | None, domain: str | None):
    """Flag general stopwords and genre empty words (kept as two separate lists)."""
    gen = frozenset(read_wordlist(general or STOPWORDS_GENERAL))
    dom = frozenset(read_wordlist(domain or STOPWORDS_DOMAIN))

    def component(doc: Doc) -> Doc:
        # flags are computed lazily by the Token getters from these two lists (O(1) per doc)
        doc.user_data["gxnlp_stopwords"] = (gen, dom)
        return doc

    return component


_LOADED_DICTS: dict[str, str] = {}
#: Words added to jieba's dictionary, in order: replayed into the fast segmenter's own copy.
_ADDED_WORDS: list[tuple[str, int | None, str | None]] = []


def _add_word(word: str, freq: int | None = None, tag: str | None = None) -> None:
    jieba.add_word(word, freq=freq, tag=tag)
    _jieba_piece.cache_clear()
    _ADDED_WORDS.append((word, freq, tag))
    if _rjieba.cache_info().currsize:
        fast = _rjieba()
        if fast is not None:
            fast.add_word(word, freq, tag)


# --------------------------------------------------------------------------- fast segmentation
# rjieba (jieba-rs: the same dictionary and algorithm, compiled) gives jieba's tokens on almost
# all text, 20x faster. Where it does not: runs of jieba's "block" characters that hold one of
# + # & . _ % - (jieba splits www.a.gov.cn and 1-12 apart, jieba-rs keeps them whole), and
# CJK characters outside U+4E00–U+9FD5 (jieba yields them one by one, jieba-rs joins them
# to words). jieba segments each block on its own, so exactly those pieces go to jieba and the
# text between them to rjieba: the tokens are jieba's (tests/test_segment_fast.py checks every
# real narrative in ../shared and the demo corpus).

#: Characters jieba groups into blocks it segments with its dictionary (jieba.re_han_default).
_JIEBA_BLOCK_CHAR = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]")
#: Characters where jieba-rs and jieba differ (see above).
_RJIEBA_UNSAFE = re.compile("[+#&._%\\-\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _rjieba():
    """rjieba's segmenter with every word added to jieba so far, or None if not installed."""
    try:
        import rjieba
    except ImportError:
        return None
    fast = rjieba.Jieba()
    for word, freq, tag in _ADDED_WORDS:
        fast.add_word(word, freq, tag)
    return fast


@lru_cache(maxsize=1 << 15)
def _jieba_piece(piece: str) -> tuple[str, ...]:
    """jieba's tokens of a piece rjieba would segment differently (they repeat: 2021-2035, 12.5%)."""
    return tuple(jieba.lcut(piece))


def jieba_cut(text: str, backend: str = "auto") -> list[str]:
    """jieba's tokens of ``text`` (``jieba.lcut``, HMM on) with the loaded dictionaries.

    ``backend``: ``"auto"`` uses rjieba for all text where it gives jieba's tokens and jieba for
    the rest (see above); ``"jieba"`` uses jieba only.

    >>> jieba_cut("2021-2035年规划，访问www.gov.cn")
    ['2021', '-', '2035', '年', '规划', '，', '访问', 'www', '.', 'gov', '.', 'cn']
    """
    fast = _rjieba() if backend == "auto" else None
    if fast is None:
        return jieba.lcut(text)
    if not _RJIEBA_UNSAFE.search(text):
        return fast.cut(text)
    out: list[str] = []
    pos, n = 0, len(text)
    block = _JIEBA_BLOCK_CHAR.match
    for m in _RJIEBA_UNSAFE.finditer(text):
        start, end = m.start(), m.end()
        if start < pos:
            continue  # inside the previous piece
        if block(text, start):  # the whole jieba block around it
            while start > pos and block(text, start - 1):
                start -= 1
            while end < n and block(text, end):
                end += 1
        if start > pos:
            out.extend(fast.cut(text[pos:start]))
        out.extend(_jieba_piece(text[start:end]))
        pos = end
    if pos < n:
        out.extend(fast.cut(text[pos:]))
    return out


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces`` for words that spell ``text`` exactly (jieba's do), in
    one pass: whitespace words are dropped, one space after a word becomes its trailing space,
    other whitespace stays a token."""
    if "".join(words) != text:
        return get_words_and_spaces(words, text)
    out_words: list[str] = []
    out_spaces: list[bool] = []
    n = len(text)
    at = done = 0  # where the next word starts; how far the text is covered
    for word in words:
        if word.isspace():
            at += len(word)
            continue
        if at > done:
            out_words.append(text[done:at])
            out_spaces.append(False)
        out_words.append(word)
        at += len(word)
        if at < n and text[at] == " ":
            out_spaces.append(True)
            done = at + 1
        else:
            out_spaces.append(False)
            done = at
    if done < n:
        out_words.append(text[done:])
        out_spaces.append(False)
    return out_words, out_spaces


class JiebaTokenizer(DummyTokenizer):
    """spaCy tokenizer giving jieba's words (as ``spacy.zh.ChineseTokenizer`` with segmenter
    jieba), computed by :func:`jieba_cut`."""

    segmenter = "jieba"  # the segmentation it gives, named as spaCy's ChineseTokenizer names it

    def __init__(self, vocab, backend: str = "auto"):
        if backend not in ("auto", "jieba"):
            raise ValueError(f"unknown segmentation backend {backend!r}: use auto or jieba")
        self.vocab = vocab
        self.backend = backend

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces([w for w in jieba_cut(text, self.backend) if w], text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[_TEXT_KEY] = text  # Doc.text rebuilds it token by token; the sentence splitter reads it here
        return doc


@spacy.registry.tokenizers("gxnlp.JiebaTokenizer.v1")
def create_jieba_tokenizer(backend: str = "auto"):
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, backend)

    return make



def load_userdict(path: str | os.PathLike | None = None, words: Iterable[str] = ()) -> str:
    """Load a jieba user dictionary (default: the shipped one) and extra words into jieba.

    Idempotent per file. Returns a fingerprint of everything loaded so far (part of cache keys).
    """
    p = str(path or USERDICT)
    if p not in _LOADED_DICTS:
        lines = []
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split()
                freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                tag = parts[2] if len(parts) > 2 else None
                _add_word(parts[0], freq, tag)
                lines.append(line)
        _LOADED_DICTS[p] = hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]
    extra = sorted(set(words))
    for w in extra:
        if (f"+{w}") not in _LOADED_DICTS:
            _add_word(w)
            _LOADED_DICTS[f"+{w}"] = w
    return hashlib.sha1("|".join(f"{k}={v}" for k, v in sorted(_LOADED_DICTS.items())).encode()).hexdigest()[:12]


NLP_CONFIG: dict[str, Any] = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}


NLP_CFG = Path(__file__).resolve().parent / "nlp.cfg"


def _freeze(d: dict | None) -> tuple:
    return tuple(sorted((d or {}).items()))


def make_nlp(userdict: str | None = None, extra_words: tuple[str, ...] = (),
             stopwords_general: str | None = None, stopwords_domain: str | None = None,
             config: str | None = None, overrides: dict[str, Any] | None = None) -> Language:
    """The gxnlp Chinese pipeline built from a spaCy config (default: ``gxnlp/text/nlp.cfg``):
    jieba tokenizer + ``gxnlp_sentences`` + ``gxnlp_stopwords``. Cached per arguments."""
    return _make_nlp(userdict, tuple(extra_words), stopwords_general, stopwords_domain, config, _freeze(overrides))


@lru_cache(maxsize=4)
def _make_nlp(userdict, extra_words, stopwords_general, stopwords_domain, config, overrides) -> Language:
    load_userdict(userdict, extra_words)
    ov = dict(overrides)
    if stopwords_general:
        ov["components.gxnlp_stopwords.general"] = stopwords_general
    if stopwords_domain:
        ov["components.gxnlp_stopwords.domain"] = stopwords_domain
    cfg = spacy.util.load_config(config or NLP_CFG, overrides=ov, interpolate=True)
    return spacy.util.load_model_from_config(cfg, auto_fill=True)


def _text_key(report_id: str, section: str, text: str, fingerprint: str) -> str:
    h = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return f"{report_id}/{section}-{h}-{fingerprint}"


class Segmenter:
    """Segment the narrative sections of reports, with a per-document cache.

    Parameters: ``sections`` (default: overview, problems), ``cache_dir`` (on-disk JSON cache,
    keyed by report_id + section + sha1(text) + dictionary fingerprint; ``None`` = memory only),
    ``memory_cache`` (how many documents the in-process LRU keeps), ``userdict``/``extra_words``.

    Example:
        >>> seg = Segmenter()
        >>> doc = seg.segment_text("一是政策解读形式单一。", report_id="r1", section="problems")
        >>> doc._.report_id, doc._.section, doc._.terms
        ('r1', 'problems', ['政策解读', '形式', '单一'])
    """

    def __init__(self, sections: tuple[str, ...] = NARRATIVE_SECTIONS, cache_dir: str | None = None,
                 memory_cache: int = 256, userdict: str | None = None, extra_words: tuple[str, ...] = ()):
        self.sections = tuple(sections)
        self.cache_dir = cache_dir
        self.memory_cache = memory_cache
        self.userdict = userdict
        self.extra_words = tuple(extra_words)
        self._mem: OrderedDict[str, Doc] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def nlp(self) -> Language:
        return make_nlp(self.userdict, self.extra_words)

    def _fingerprint(self) -> str:
        return load_userdict(self.userdict, self.extra_words)

    def segment_text(self, text: str, report_id: str = "", section: str = "") -> Doc:
        """One text -> a Doc (cached)."""
        nlp = self.nlp
        key = _text_key(report_id or "-", section or "-", text, self._fingerprint())
        if key in self._mem:
            self._mem.move_to_end(key)
            self.hits += 1
            return self._mem[key]
        doc = self._load(key, nlp)
        if doc is None:
            self.misses += 1
            doc = nlp(text)
            self._save(key, doc)
        else:
            self.hits += 1
        doc._.report_id = report_id or None
        doc._.section = section or None
        self._mem[key] = doc
        while len(self._mem) > self.memory_cache:
            self._mem.popitem(last=False)
        return doc

    def segment(self, report: Any) -> dict[str, Doc]:
        """A :class:`gxnlp.model.Report` -> {section: Doc} for its narrative sections that have text."""
        out = {}
        for sec in self.sections:
            text = (report.sections or {}).get(sec)
            if text:
                out[sec] = self.segment_text(text, report.report_id, sec)
        return out

    def _path(self, key: str) -> Path | None:
        if not self.cache_dir:
            return None
        return Path(self.cache_dir) / f"{key}.json"

    def _load(self, key: str, nlp: Language) -> Doc | None:
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            doc = Doc(nlp.vocab, words=data["words"], spaces=data["spaces"], sent_starts=data["sent_starts"])
        except (OSError, ValueError, KeyError):
            return None
        # token-level flags are cheap: re-run the components after the sentence splitter
        for name, proc in nlp.pipeline:
            if name != "gxnlp_sentences":
                doc = proc(doc)
        return doc

    def _save(self, key: str, doc: Doc) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "words": [t.text for t in doc],
            "spaces": [bool(t.whitespace_) for t in doc],
            "sent_starts": [bool(t.is_sent_start) for t in doc],
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: Function characters that do not begin or end a word (的通知, 日起至, 一是 are not new words).
_EDGE_CHARS = set("的了是在和与及或等之其为以于由对将把被从向并而且也都还就着过个年月日起至")


def discover_words(texts: Iterable[str], *, min_count: int = 5, min_len: int = 2, max_len: int = 6,
                   min_pmi: float = 3.0, min_entropy: float = 1.0, top: int | None = 200,
                   known: Iterable[str] | None = None) -> list[tuple[str, float, int]]:
    """New-word discovery: character n-grams that are cohesive and free-standing.

    For every n-gram of ``min_len..max_len`` Chinese characters seen ``min_count`` times:
    cohesion = min over split points of PMI(left, right) (in nats), freedom = min(left, right
    branching entropy). Kept if cohesion >= ``min_pmi`` and freedom >= ``min_entropy`` and the
    word is not already in jieba's dictionary (or ``known``). Returns ``(word, score, count)``
    sorted by score (= count-weighted cohesion x freedom), best first.

    Example:
        >>> texts = ["推进一网统管建设", "依托一网统管平台", "完善一网统管机制", "一网统管成效明显", "强化一网统管应用"]
        >>> [w for w, _s, _c in discover_words(texts, min_count=5, min_pmi=1.0)]
        ['一网统管']
    """
    counts: Counter[str] = Counter()
    left: dict[str, Counter[str]] = {}
    right: dict[str, Counter[str]] = {}
    total = 0
    runs = []
    for text in texts:
        for run in _HAN_RUN.findall(text):
            runs.append(run)
            total += len(run)
            for n in range(1, max_len + 2):
                for i in range(len(run) - n + 1):
                    counts[run[i:i + n]] += 1
    if not total:
        return []
    for run in runs:
        padded = f"\x02{run}\x03"
        for n in range(min_len, max_len + 1):
            for i in range(1, len(padded) - n):
                w = padded[i:i + n]
                if counts[w] < min_count:
                    continue
                left.setdefault(w, Counter())[padded[i - 1]] += 1
                right.setdefault(w, Counter())[padded[i + n]] += 1

    def entropy(c: Counter[str]) -> float:
        s = sum(c.values())
        # boundary markers count as distinct neighbours each time (a word at a run edge is free)
        ent = 0.0
        for ch, k in c.items():
            if ch in "\x02\x03":
                ent += k * (-math.log(1 / s) / s)
            else:
                ent -= k / s * math.log(k / s)
        return ent

    known_set = set(known or ()) | set(read_wordlist(STOPWORDS_GENERAL)) | set(read_wordlist(STOPWORDS_DOMAIN))
    load_userdict()  # the shipped dictionary counts as known
    jieba.initialize()
    dict_freq = jieba.dt.FREQ
    out = []
    for w, c in counts.items():
        if not (min_len <= len(w) <= max_len) or c < min_count or w in known_set or dict_freq.get(w):
            continue
        if w[0] in _EDGE_CHARS or w[-1] in _EDGE_CHARS or ENUM_RE.match(w):
            continue
        pmi = min(math.log(c * total / (counts[w[:k]] * counts[w[k:]])) for k in range(1, len(w)))
        if pmi < min_pmi:
            continue
        ent = min(entropy(left.get(w, Counter())), entropy(right.get(w, Counter())))
        if ent < min_entropy:
            continue
        out.append((w, round(math.log(c) * pmi * ent, 4), c))
    # drop candidates contained in a better-scoring longer candidate with the same count
    out.sort(key=lambda x: (-x[1], x[0]))
    kept: list[tuple[str, float, int]] = []
    for w, s, c in out:
        if any(w in k and c <= kc for k, _s, kc in kept):
            continue
        kept.append((w, s, c))
    return kept[:top] if top else kept


def write_userdict(words: Iterable[str], path: str | os.PathLike, freq: int = 500) -> int:
    """Append discovered words to a jieba user dictionary file; returns how many were new."""
    path = Path(path)
    have = set(read_wordlist(path)) if path.exists() else set()
    new = [w for w in words if w not in have]
    with open(path, "a", encoding="utf-8") as fh:
        for w in new:
            fh.write(f"{w} {freq} n\n")
    return len(new)


def narrative_texts(reports: Iterable[Any], sections: tuple[str, ...] = NARRATIVE_SECTIONS) -> Iterable[str]:
    """The narrative section texts of reports (for :func:`discover_words`)."""
    for rep in reports:
        for sec in sections:
            t = (rep.sections or {}).get(sec)
            if t:
                yield t


__all__ = [
    "ENUM_RE", "find_markers", "marker_value", "sentence_bounds", "make_nlp", "load_userdict",
    "read_wordlist", "Segmenter", "discover_words", "write_userdict", "narrative_texts",
    "USERDICT", "STOPWORDS_GENERAL", "STOPWORDS_DOMAIN",
]
