"""Summarise a py-spy speedscope profile: inclusive share of samples per function (or per
file:function), so a profile kept in benchmarks/ can be read without a browser.

Usage: python benchmarks/profile_summary.py PROFILE.speedscope [--top 40] [--match gxnlp]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter


def summarise(path: str, top: int = 40, match: str | None = None) -> str:
    data = json.load(open(path))
    frames = data["shared"]["frames"]
    incl: Counter[str] = Counter()
    total = 0
    for prof in data["profiles"]:
        for stack, weight in zip(prof["samples"], prof["weights"]):
            total += weight
            seen = set()
            for i in stack:
                f = frames[i]
                key = f"{f.get('file', '?').split('site-packages/')[-1].split('/gxnlp/')[-1]}:{f['name']}"
                if key not in seen:
                    seen.add(key)
                    incl[key] += weight
    lines = [f"{total} samples", "share  function (inclusive)"]
    for key, w in incl.most_common():
        if match and match not in key:
            continue
        lines.append(f"{100 * w / total:5.1f}% {key}")
        if len(lines) >= top + 2:
            break
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--match", default=None)
    a = ap.parse_args()
    print(summarise(a.profile, a.top, a.match))
