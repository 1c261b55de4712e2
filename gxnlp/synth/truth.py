"""Writing a generated corpus's ground truth (``truth/cells.csv`` and ``truth/*.jsonl``) for the
generators that build their truth in memory (hard PDFs, pre-2019 annexes)."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

CELL_FIELDS = ["file", "table", "row", "column", "value"]


def write_truth(out: Path, cells: list[dict], **jsonl: Iterable[dict]) -> None:
    """``out/truth/cells.csv`` from ``cells`` (:data:`CELL_FIELDS`), and ``out/truth/<name>.jsonl`` for each
    keyword argument (one JSON object per line, CJK unescaped)."""
    with open(out / "truth" / "cells.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CELL_FIELDS)
        w.writeheader()
        w.writerows(cells)
    for name, rows in jsonl.items():
        with open(out / "truth" / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
