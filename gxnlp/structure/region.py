"""Region (province / city / county) of an agency, from the cpca gazetteer of administrative divisions.

County-level names repeat across provinces (鼓楼区 exists in four cities, 朝阳区 in two).
Ties are broken by context: each candidate division scores one point for its province and
one for its city being named in the document's context (title, publisher, source, page
head). The best-scoring candidate wins; if candidates still tie, province and city are left
null and a warning lists the candidates — we do not pick silently.
"""
from __future__ import annotations

import re
from functools import lru_cache

EMPTY_REGION: dict[str, str | None] = {"province": None, "city": None, "county": None}


@lru_cache(maxsize=1)
def _cpca():
    import cpca

    return cpca


def _address(name: str, umap: dict[str, str]) -> dict[str, str | None]:
    """cpca's record for one name ({省, 市, 区, adcode}), without building a DataFrame per call."""
    one = getattr(_cpca(), "_get_one_addr", None)
    if one is None:  # pragma: no cover - another cpca version: its public (pandas) API
        return _cpca().transform([name], umap=umap).iloc[0].to_dict()
    return one(name, False, umap)


def _addresses_in(text: str) -> list[dict[str, str | None]]:
    """Every address cpca finds in a longer text (records with an adcode)."""
    extract = getattr(_cpca(), "_extract_addrs", None)
    if extract is None:  # pragma: no cover - another cpca version: its public (pandas) API
        try:
            return _cpca().transform_text_with_addrs(text, pos_sensitive=False).to_dict("records")
        except KeyError:  # cpca fails on a text with no place names at all
            return []
    return [r for r in extract(text, False, {}, truncate_pos=False, new_entry_when_not_belong=True)
            if r["adcode"] is not None]


def _name(code6: str) -> str | None:
    info = _cpca().ad_2_addr_dict.get(code6 + "000000")
    return info.name if info else None


def _short(name: str) -> str:
    for suffix in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _score(code6: str, context: str) -> int:
    score = 0
    for parent in (code6[:2] + "0000", code6[:4] + "00"):
        name = _name(parent)
        if name and parent != code6 and (name in context or _short(name) in context):
            score += 1
    return score


def _resolve_ties(text: str, context: str, warnings: list[str]) -> dict[str, str]:
    """umap for cpca: the chosen adcode of each ambiguous county name in ``text``."""
    umap: dict[str, str] = {}
    for match in _cpca().matcher.iter(text):
        counties = [a for a in match.attr_infos if a.rank == 2]
        if len(counties) < 2:
            continue
        scored = sorted(((_score(a.adcode, context), a.adcode) for a in counties), reverse=True)
        if scored[0][0] > scored[1][0]:
            umap[match.origin_value] = scored[0][1]
        else:
            names = ", ".join(f"{_name(c[:2] + '0000')}{_name(c[:4] + '00') or ''}" for _, c in scored)
            warnings.append(f"county name {match.origin_value} is ambiguous ({names}); province and city left unknown")
            umap[match.origin_value] = ""
    return umap


def infer_region(names: list[str | None], context: str = "", warnings: list[str] | None = None) -> dict[str, str | None]:
    """Region from ``names`` (agency, title, publisher …): the most specific one found.

    Names are tried in order; a later name only replaces an earlier result when it is more
    specific and agrees with it on the province.

    >>> infer_region(["凉州区城市管理综合执法局"])
    {'province': '甘肃省', 'city': '武威市', 'county': '凉州区'}
    """
    warnings = [] if warnings is None else warnings
    best: dict[str, str | None] = dict(EMPTY_REGION)
    best_warnings: list[str] = []
    for name in names:
        if not name:
            continue
        local: list[str] = []
        umap = _resolve_ties(name, context + name, local)
        ambiguous = {k for k, v in umap.items() if not v}
        row = _address(name, {k: v for k, v in umap.items() if v})
        region = {
            "province": row["省"] if isinstance(row["省"], str) else None,
            "city": row["市"] if isinstance(row["市"], str) else None,
            "county": row["区"] if isinstance(row["区"], str) else None,
        }
        if region["city"] == "市辖区":
            region["city"] = region["province"]
        if ambiguous and region["county"] in ambiguous:
            region["province"] = region["city"] = None
        filled = sum(v is not None for v in region.values())
        if filled > sum(v is not None for v in best.values()) and (
            best["province"] is None or region["province"] in (None, best["province"])
        ):
            best, best_warnings = region, local
        if filled == 3:
            break
    if best["county"] is None:
        for name in names:
            guess = _from_abbreviation(name, best["province"]) if name else None
            if guess:
                best = guess
                best_warnings.append(f"county {guess['county']} inferred from the short name in {name!r}")
                break
    if not any(best.values()) and context:
        best = _from_text(context, best_warnings)
        if any(best.values()):
            best_warnings.append("region inferred from place names in the text (not from the agency name)")
    warnings.extend(best_warnings)
    return best


def _from_text(text: str, warnings: list[str]) -> dict[str, str | None]:
    """The county-level division named most often in ``text`` (ties: first named)."""
    from collections import Counter

    counties = Counter()
    regions: dict[str, dict[str, str | None]] = {}
    for row in _addresses_in(text):
        # cpca also matches abbreviations inside words (开平 in 公开平台): require the full name.
        if isinstance(row["区"], str) and isinstance(row["省"], str) and row["区"] in text:
            key = row["adcode"]
            counties[key] += 1
            regions.setdefault(key, {"province": row["省"], "city": row["市"] if isinstance(row["市"], str) else None,
                                     "county": row["区"]})
    if not counties:
        return dict(EMPTY_REGION)
    region = regions[counties.most_common(1)[0][0]]
    if region["city"] == "市辖区":
        region["city"] = region["province"]
    return region


def _from_abbreviation(name: str, province: str | None) -> dict[str, str | None] | None:
    """Agencies often use a county's short name (平潭综合实验区, 张店经济开发区): try 2–3 leading
    characters plus 县/区/市, after dropping a leading province or city name; accept only a
    unique county-level division (in ``province`` when that is known)."""
    stripped = name
    for _ in range(2):
        for match in _cpca().matcher.iter(stripped[:6]):
            if match.start_index == 0 and all(a.rank < 2 for a in match.attr_infos):
                stripped = stripped[match.end_index + 1:]
                break
        else:
            break
    for n in (2, 3):
        for suffix in ("县", "区", "市"):
            cand = stripped[:n] + suffix
            if not re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                continue
            hits = [a for m in _cpca().matcher.iter(cand) for a in m.attr_infos if a.rank == 2 and a.name == cand]
            if province:
                hits = [a for a in hits if _name(a.adcode[:2] + "0000") == province]
            if len(hits) == 1:
                code = hits[0].adcode
                city = _name(code[:4] + "00")
                prov = _name(code[:2] + "0000")
                return {"province": prov, "city": city if city and city != "市辖区" else prov, "county": cand}
    return None
