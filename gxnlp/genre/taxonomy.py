"""The taxonomy of recurring problems and measures (``data/taxonomy.json``) and its seed-term syntax.

Each category has an ``id``, a ``name`` and ``seeds``: terms, optionally weighted as ``"解读:3"``.
Users can pass their own taxonomy (a path or a dict of the same shape) wherever one is taken.

>>> parse_seed("解读:3"), parse_seed("网站"), parse_seed("12:30")
(('解读', 3.0), ('网站', 1.0), ('12', 30.0))
>>> "公开内容:2" in seed_terms("problem")["content_scope"]
True
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import DATA_DIR

TAXONOMY = DATA_DIR / "taxonomy.json"
#: The label of a statement no category claims.
OTHER = "other"
KINDS: tuple[str, ...] = ("problem", "measure")
_KIND_KEY = {"problem": "problems", "measure": "measures"}


@lru_cache(maxsize=8)
def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_taxonomy(taxonomy: str | os.PathLike | dict | None = None) -> dict[str, Any]:
    """The taxonomy dict (default: the shipped one); validates ids."""
    data = taxonomy if isinstance(taxonomy, dict) else json.loads(_read(str(taxonomy or TAXONOMY)))
    for key in _KIND_KEY.values():
        if key not in data or not isinstance(data[key], list):
            raise ValueError(f"taxonomy lacks a list {key!r}")
        ids = [c.get("id") for c in data[key]]
        if len(set(ids)) != len(ids) or not all(ids) or OTHER in ids:
            raise ValueError(f"taxonomy {key}: ids must be unique, non-empty and not {OTHER!r}")
    return data


def categories(kind: str, taxonomy: Any = None) -> list[dict[str, Any]]:
    """The categories of one kind (``problem`` | ``measure``)."""
    if kind not in _KIND_KEY:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return load_taxonomy(taxonomy)[_KIND_KEY[kind]]


def parse_seed(seed: str) -> tuple[str, float]:
    """A seed term and its weight: ``"解读:3"`` -> ``("解读", 3.0)``; unweighted terms weigh 1."""
    term, _, w = str(seed).rpartition(":")
    if term and re.fullmatch(r"\d+(?:\.\d+)?", w):
        return term, float(w)
    return str(seed), 1.0


def seed_terms(kind: str, taxonomy: Any = None) -> dict[str, list[str]]:
    """``{category id: [seed terms as written]}`` for one kind."""
    return {c["id"]: [str(t) for t in c.get("seeds", [])] for c in categories(kind, taxonomy)}
