"""Structure on the generated demo corpus, scored against its ground truth (corpora/demo/truth)."""
from __future__ import annotations

import json
from pathlib import Path

from gxnlp.pipeline import process_map
from gxnlp.structure.parse import parse_record

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"


def test_demo_metadata_and_sections_match_truth():
    truth = {}
    for line in (DEMO / "truth" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        truth[rec["file"]] = rec
    files = [DEMO / f for f in sorted(truth)]
    right = {"agency": 0, "year": 0, "template": 0, "region": 0, "sections": 0}
    for path, rec in zip(files, process_map(parse_record, files, workers=2)):
        t = truth[path.relative_to(DEMO).as_posix()]
        assert "error" not in rec, rec
        assert rec["report_id"] == t["report_id"]
        for key in ("agency", "year", "template", "region"):
            right[key] += rec[key] == t[key]
        right["sections"] += {k for k, v in rec["sections"].items() if v} == {k for k, v in t["sections"].items() if v}
    accuracy = {k: v / len(files) for k, v in right.items()}
    print("demo structure accuracy:", accuracy)
    assert min(accuracy.values()) >= 0.99, accuracy
