"""Agency identity across years: one ``agency_key`` for the reports of one body under changed names.

The key is ``province/city/county:body``: the region (from :func:`gxnlp.structure.region.infer_region`,
divisions compared by their stem so ``洪泽县`` and ``洪泽区`` agree) and the body's name with the
region's names stripped from its front and the government suffix folded (``淮安市洪泽区人民政府`` and
``洪泽区人民政府`` are both ``江苏/淮安/洪泽:政府``; its general office is ``…:政府办公室``, joined to the
government by :class:`AgencyResolver(join_office=True) <AgencyResolver>` when the two never report in the
same year, or by the alias table). An alias table
(CSV ``name,canonical``; the shipped one in ``gxnlp/genre/data/agency_aliases.csv`` plus the user's)
maps a name to another before the key is computed, and a user's ``name,agency_key`` row sets a key outright.
:class:`AgencyResolver` then joins, within one region, bodies whose names are similar (rapidfuzz)
and who never report in the same year (a 局 renamed in a reorganisation).

>>> agency_key("淮安市洪泽区人民政府") == agency_key("洪泽区人民政府") == agency_key("洪泽县人民政府")
True
>>> agency_key("平潭县人民政府") == agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区")
True
>>> agency_key("洪泽区教育局") == agency_key("洪泽区人民政府")
False
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..genre.agencies import (ALIASES_CSV, BODY_KIND, DEPARTMENT_NAMES, DIVISION_SUFFIX, GOVERNMENT_SUFFIX,
                                  OFFICE_SUFFIX,
                                  PROVINCE_SUFFIX, TERRITORY)
from ..structure.region import infer_region

GOVERNMENT = "政府"
#: longest short form first (卫生计生委 before 计生委 …)
_DEPARTMENT_FORMS = sorted(DEPARTMENT_NAMES.items(), key=lambda kv: -len(kv[0]))
OFFICE = "政府办公室"


def _stem(name: str | None, pattern: re.Pattern = DIVISION_SUFFIX) -> str:
    if not name:
        return ""
    s = pattern.sub("", name)
    return s if len(s) >= 2 else name


def clean_name(name: str | None) -> str:
    """Spaces, brackets' content such as ``（本级）`` and stray punctuation removed."""
    if not name:
        return ""
    s = re.sub(r"[\s\u3000\xa0\u200b]+", "", name)
    s = re.sub(r"[（(][^）)]{0,8}[）)]$", "", s)
    return s.strip("·-—_，,。")


@lru_cache(maxsize=1)
def load_aliases(path: str | os.PathLike | None = None) -> dict[str, str]:
    """``{name: canonical}`` of an alias CSV (``name,canonical``; ``#`` lines and other columns ignored).

    A canonical value written as a key (containing ``:``) is used as the key itself.
    """
    path = Path(path) if path else ALIASES_CSV
    return parse_aliases(path.read_text(encoding="utf-8-sig"), str(path))


def parse_aliases(text: str, where: str = "alias table") -> dict[str, str]:
    """``{name: canonical}`` of the text of an alias CSV."""
    out: dict[str, str] = {}
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.lstrip().startswith("#"))
    if not rows.fieldnames or "name" not in rows.fieldnames:
        raise ValueError(f"{where}: an alias table needs the columns name and canonical (or agency_key)")
    target = "canonical" if "canonical" in rows.fieldnames else "agency_key"
    if target not in rows.fieldnames:
        raise ValueError(f"{where}: an alias table needs a canonical or agency_key column")
    for row in rows:
        name, canon = clean_name(row.get("name")), (row.get(target) or "").strip()
        if name and canon:
            out[name] = canon
    return out


def _aliases(extra: str | os.PathLike | Mapping[str, str] | None) -> dict[str, str]:
    table = dict(load_aliases(None))
    if isinstance(extra, Mapping):
        table.update({clean_name(k): v for k, v in extra.items()})
    elif extra:
        table.update(load_aliases(str(extra)))
    return table


@lru_cache(maxsize=65536)
def _region_of(name: str) -> tuple[str | None, str | None, str | None]:
    r = infer_region([name])
    county = r.get("county")
    city = r.get("city") if r.get("city") not in ("县", "市辖区") else None
    if county is None and city is None:
        # a 县 that became a 区 (or the reverse) is no longer in the gazetteer under its old name
        m = re.match(r"^(?:[\u4e00-\u9fff]{2,4}?[省市])?([\u4e00-\u9fff]{2,3}?)([县区市])", name)
        if m:
            for other in "区县市":
                if other == m.group(2):
                    continue
                alt = infer_region([name[: m.start(2)] + other + name[m.end(2):]])
                if alt.get("county") and _stem(alt["county"]) == m.group(1):
                    return alt.get("province"), alt.get("city"), alt["county"]
        if r.get("province") and not name.startswith(_stem(r["province"], PROVINCE_SUFFIX)):
            return None, None, None  # a stray match inside the name (某县 -> 重庆市)
    return r.get("province"), city, county


def body_of(name: str, region: tuple[str | None, str | None, str | None]) -> str:
    """The name with the region's names (full or stem) stripped from its front and the government
    suffix folded to ``政府``.

    >>> body_of("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区")), body_of("洪泽区政府办", ("江苏省", "淮安市", "洪泽区"))
    ('政府', '政府办公室')
    >>> body_of("洪泽县教育局", ("江苏省", "淮安市", "洪泽区")), body_of("洪泽区人社局", ("江苏省", "淮安市", "洪泽区"))
    ('教育局', '人力资源和社会保障局')
    """
    s = clean_name(name)
    prefixes = []
    for part, pattern in zip(region, (PROVINCE_SUFFIX, DIVISION_SUFFIX, DIVISION_SUFFIX)):
        if part:
            stem = _stem(part, pattern)
            prefixes += [part, stem + "县", stem + "区", stem + "市", stem + "省", stem]
    changed = True
    while changed and s:
        changed = False
        for p in sorted(set(prefixes), key=len, reverse=True):
            if p and s.startswith(p) and len(s) > len(p):
                s = s[len(p):]
                changed = True
                break
    for short, full in _DEPARTMENT_FORMS:
        if s.endswith(short):
            s = s[: -len(short)] + full
            break
    office = OFFICE_SUFFIX.sub("", s)
    if office != s:
        return office + OFFICE
    folded = GOVERNMENT_SUFFIX.sub("", s)
    if folded != s or TERRITORY.search(s):
        # a bare territory (平潭综合实验区, 某某镇) names its government too
        return (folded + GOVERNMENT) if folded else GOVERNMENT
    return s or GOVERNMENT


def region_part(region: tuple[str | None, str | None, str | None]) -> str:
    p, c, k = region
    return "/".join((_stem(p, PROVINCE_SUFFIX), _stem(c), _stem(k)))


def agency_key(name: str | None, region: Mapping[str, Any] | None = None,
               aliases: str | os.PathLike | Mapping[str, str] | None = None) -> str | None:
    """The agency key of one name (``None`` for no name). ``region`` (``{province, city, county}``,
    as :class:`gxnlp.model.Report` holds it) is used when given, else inferred from the name."""
    if aliases is None:
        levels = _levels(region)
        try:
            return _default_key(name, levels)
        except TypeError:  # a region value that cannot be hashed
            return _key(name, region, _default_aliases())
    return _key(name, region, _aliases(aliases))


def _levels(region: Mapping[str, Any] | None) -> tuple | None:
    """What :func:`_key` reads of a region: its three levels (None when there is no region)."""
    return (region.get("province"), region.get("city"), region.get("county")) if region else None


@lru_cache(maxsize=1 << 16)
def _default_key(name: str | None, levels: tuple | None) -> str | None:
    """:func:`_key` with the shipped alias table, by name and region levels (a corpus repeats both)."""
    region = None if levels is None else dict(zip(("province", "city", "county"), levels))
    return _key(name, region, _default_aliases())


def _key(name: str | None, region: Mapping[str, Any] | None, table: Mapping[str, str]) -> str | None:
    name = clean_name(name)
    if not name:
        return None
    canon = table.get(name)
    if canon and ":" in canon:
        return canon
    if canon:
        name, region = clean_name(canon), None
    inferred = _region_of(name)
    if region and (region.get("county") or region.get("city") or region.get("province")):
        given = (region.get("province"), region.get("city") if region.get("city") not in ("县", "市辖区") else None,
                 region.get("county"))
        # the report's region may come from its text (a place it mentions): it only completes the
        # levels above what the name itself shows (鼓楼区 -> which city's), never replaces them
        reg = inferred
        if any(inferred) and sum(map(bool, given)) > sum(map(bool, inferred)) and all(
                _stem(x) == _stem(y) for x, y in zip(inferred, given) if x):
            reg = given
    else:
        reg = inferred
    return f"{region_part(reg)}:{body_of(name, reg)}"


@lru_cache(maxsize=1)
def _default_aliases() -> dict[str, str]:
    return dict(load_aliases(None))


def _close_pairs(same_kind: Mapping[str | None, list[str]], body: Mapping[str, str],
                 min_similarity: float, years: Mapping[str, set] | None = None, min_body_chars: int = 0,
                 block: int = 256) -> dict[str, list[str]]:
    """For each key, the later keys of its kind (list order) whose bodies reach ``min_similarity``
    (rapidfuzz ``fuzz.ratio``): the only pairs the resolver can join without the office rule. Pairs that
    can never join are left out: a body shorter than ``min_body_chars``, or two keys that report in
    one of the same ``years`` (a group's years hold its members', so the two groups would share it)."""
    from rapidfuzz import fuzz, process

    out: dict[str, list[str]] = {}
    for kind, ks in same_kind.items():
        if not kind or len(ks) < 2:
            continue
        names = [body[k] for k in ks]
        short = np.array([len(b) < min_body_chars for b in names])
        span = sorted({y for k in ks for y in years[k]}) if years is not None else []
        bits = None
        if 0 < len(span) <= 64:  # each key's years as one bit mask (a uint64)
            where = {y: i for i, y in enumerate(span)}
            bits = np.array([sum(1 << where[y] for y in years[k]) for k in ks], dtype=np.uint64)
        for start in range(0, len(ks), block):
            scores = process.cdist(names[start:start + block], names, scorer=fuzz.ratio,
                                   score_cutoff=min_similarity, dtype=np.float64)
            rows, cols = np.nonzero(scores >= min_similarity)
            later = (cols > rows + start) & ~short[rows + start] & ~short[cols]
            if bits is not None:
                later &= (bits[rows + start] & bits[cols]) == 0
            for r, c in zip(rows[later].tolist(), cols[later].tolist()):
                out.setdefault(ks[start + r], []).append(ks[c])
    return out


class AgencyResolver(BaseEstimator):
    """Agency keys of a corpus: :func:`agency_key` per report, then similar names of one region that
    never report in the same year joined (``min_similarity``, rapidfuzz ratio 0–100, on the body
    names; both bodies must end in the same kind of unit: 局, 委员会, 镇 …). ``join_office``: also join a
    government and its general office that never report in the same year (off by default: in many places
    the office files a report of its own, and a corpus missing some years would join the two).

    ``fit(records)`` takes dicts (or a DataFrame) with ``agency``, ``year`` and optionally
    ``province/city/county`` or ``region``; after fitting, ``keys_`` maps each record's position to
    its key, ``names_`` lists per key the names seen, and ``merged_`` the joins made by similarity.

    >>> recs = [{"agency": "洪泽区市场监督管理局", "year": 2021}, {"agency": "淮安市洪泽区市场监管局", "year": 2022},
    ...         {"agency": "洪泽区教育局", "year": 2022}]
    >>> AgencyResolver().fit(recs).keys_[0] == AgencyResolver().fit(recs).keys_[1]
    True
    """

    def __init__(self, aliases: str | os.PathLike | Mapping[str, str] | None = None, min_similarity: float = 80.0,
                 min_body_chars: int = 4, join_office: bool = False):
        self.aliases = aliases
        self.min_similarity = min_similarity
        self.min_body_chars = min_body_chars
        self.join_office = join_office

    def _key_function(self):
        """:func:`agency_key` with this resolver's alias table (read once, not once per record)."""
        if self.aliases is None:
            return agency_key
        table = _aliases(self.aliases)
        return lambda name, region: _key(name, region, table)

    def fit(self, records: Iterable[Mapping[str, Any]] | pd.DataFrame, y: Any = None) -> AgencyResolver:
        from rapidfuzz import fuzz

        if isinstance(records, pd.DataFrame):
            records = records.to_dict("records")
        records = list(records)
        base: list[str | None] = []
        years: dict[str, set] = defaultdict(set)
        names: dict[str, set] = defaultdict(set)
        key_of = self._key_function()
        for r in records:
            region = r.get("region") if isinstance(r.get("region"), Mapping) else {
                k: r.get(k) for k in ("province", "city", "county") if isinstance(r.get(k), str)}
            k = key_of(r.get("agency"), region or None)
            base.append(k)
            if k:
                if r.get("year") is not None and not pd.isna(r.get("year")):
                    years[k].add(int(r["year"]))
                names[k].add(clean_name(r.get("agency")))
        by_region: dict[str, list[str]] = defaultdict(list)
        for k in sorted(years.keys() | names.keys()):
            by_region[k.split(":", 1)[0]].append(k)
        parent = {k: k for k in names}
        # years reported by each group, kept on its root (the joins test them pair by pair)
        group_years = {k: set(years[k]) for k in names}

        def find(k: str) -> str:
            while parent[k] != k:
                k = parent[k]
            return k

        self.merged_ = []
        body = {k: k.split(":", 1)[1] for k in names}
        kind = {k: (m.group() if (m := BODY_KIND.search(b)) else None) for k, b in body.items()}
        for reg, keys in sorted(by_region.items()):
            # most reported body first: it names the group
            keys = sorted(keys, key=lambda k: (-len(years[k]), k))
            # without the government-office rule only bodies of one kind can join: test only those
            same_kind: dict[str | None, list[str]] = defaultdict(list)
            place = {}
            for k in keys:
                place[k] = len(same_kind[kind[k]])
                same_kind[kind[k]].append(k)
            # without the office rule a pair can only join at min_similarity: those pairs are found
            # in one rapidfuzz cdist per kind (C, row blocks) and tested in the same order as before
            close = None if self.join_office else _close_pairs(same_kind, body, self.min_similarity, years,
                                                                self.min_body_chars)
            for i, a in enumerate(keys):
                ba = body[a]
                if close is not None:
                    later = close.get(a, ())
                else:
                    later = keys[i + 1:] if self.join_office else (
                        same_kind[kind[a]][place[a] + 1:] if kind[a] else [])
                for b in later:
                    bb = body[b]
                    ra, rb = find(a), find(b)
                    if ra == rb:
                        continue
                    # a government and its general office are one reporting body when they
                    # never both report in one year (the office publishes the government's report)
                    gov_office = self.join_office and (
                        {ba, bb} == {ba.removesuffix(OFFICE) + GOVERNMENT, ba.removesuffix(OFFICE) + OFFICE}
                        or {ba, bb} == {bb.removesuffix(OFFICE) + GOVERNMENT, bb.removesuffix(OFFICE) + OFFICE})
                    if not gov_office and (not kind[a] or kind[a] != kind[b]
                                           or min(len(ba), len(bb)) < self.min_body_chars):
                        continue
                    if group_years[ra] & group_years[rb]:
                        continue
                    score = 100.0 if gov_office else fuzz.ratio(ba, bb)
                    if score >= self.min_similarity:
                        parent[rb] = ra
                        group_years[ra] |= group_years.pop(rb)
                        self.merged_.append((a, b, round(score, 1)))
        self.keys_ = [find(k) if k else None for k in base]
        self.names_ = defaultdict(set)
        for k in names:
            self.names_[find(k)] |= names[k]
        self.names_ = {k: sorted(v) for k, v in sorted(self.names_.items())}
        return self

    def transform(self, records: Iterable[Mapping[str, Any]] | pd.DataFrame) -> list[str | None]:
        """Keys of new records: the fitted joins apply to names already seen."""
        if isinstance(records, pd.DataFrame):
            records = records.to_dict("records")
        lookup = {n: k for k, ns in self.names_.items() for n in ns}
        key_of = self._key_function()
        out = []
        for r in records:
            region = r.get("region") if isinstance(r.get("region"), Mapping) else {
                k: r.get(k) for k in ("province", "city", "county") if isinstance(r.get(k), str)}
            k = key_of(r.get("agency"), region or None)
            out.append(lookup.get(clean_name(r.get("agency")), k) if k and k not in self.names_ else k)
        return out
