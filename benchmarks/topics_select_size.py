"""How large must the sample of the k search be? Recovery of planted categories against its size.

For each statement kind of a generated corpus (``<corpus>/truth/statements.jsonl``), fits
:class:`gxnlp.topics.model.StatementTopicModel` with each ``max_select`` (the size of the random
sample the k = 4…16 search runs on; the final model is fitted on all statements) and prints, in
one run: the chosen k, the topics kept, CPU seconds, AMI and purity of the statements' topics
against the planted categories, and whether the labels equal those of the first size given.

Usage::

    python benchmarks/topics_select_size.py /tmp/gxnlp-bench/synth-n10000-s11 20000,5000,4000,3000 --random-states 0,1,2
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from topics_recovery import load_truth, purity  # noqa: E402

from gxnlp.topics.model import StatementTopicModel, tokenize  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="generated corpus dir (with truth/)")
    ap.add_argument("sizes", help="comma-separated max_select values; the first is the reference")
    ap.add_argument("--random-states", default="0")
    ap.add_argument("--kinds", default="problem,measure")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",")]
    tokenize(["预热"])  # load the segmenter outside the timings
    df = load_truth(a.corpus)
    for rs in (int(x) for x in a.random_states.split(",")):
        for kind in a.kinds.split(","):
            d = df[df["kind"] == kind]
            texts, truth = d["text"].tolist(), d["category"].to_numpy()
            ref = None
            for size in sizes:
                c0 = time.process_time()
                m = StatementTopicModel(kind=kind, random_state=rs, max_select=size).fit(texts)
                cpu = time.process_time() - c0
                same = "" if ref is None else f" same_labels={np.array_equal(ref, m.labels_)}"
                ref = m.labels_ if ref is None else ref
                print(f"random_state={rs} {kind} n={len(texts)} max_select={size} k={m.k_} kept={len(m.topics_)} "
                      f"cpu_s={cpu:.1f} ami={adjusted_mutual_info_score(truth, m.labels_):.3f} "
                      f"purity={purity(truth, m.labels_):.3f}{same}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
