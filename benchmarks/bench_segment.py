"""Benchmark: gxnlp segmentation (spaCy zh + jieba + domain dict + sentence/stopword components)
against plain ``jieba.lcut`` on the same text, in characters per second.

Text: the narrative sections (overview, problems) of the real reports in ../shared (seeds and the
Pingtan series), via ingest + structure, repeated ``--repeat`` times. Baseline and candidates are
measured in the same run:

  baseline   jieba.lcut, one process (domain dictionary loaded, so the dictionaries are the same)
  rjieba     rjieba's cut with the same dictionary (not always jieba's tokens: see gxnlp.text.segment)
  cut        gxnlp.text.segment.jieba_cut: rjieba where it gives jieba's tokens, jieba elsewhere
             (its cache of jieba-segmented pieces warm: the texts repeat --repeat times)
  cut-cold   the same with that cache emptied before every text (no piece reused)
  cut-jieba  the same function with backend="jieba" (python jieba only)
  gxnlp-jieba the spaCy pipeline with the jieba-only tokenizer (the pipeline before rjieba)
  gxnlp-1    Segmenter pipeline, one process, cache bypassed
  gxnlp-all  the same through gxnlp.pipeline.process_map on all cores (workers=os.cpu_count())
  cached     Segmenter.segment_text on texts already segmented (in-memory LRU hits)

Run: PYTHONPATH=. python benchmarks/bench_segment.py [--repeat 20] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gxnlp.pipeline import process_map  # noqa: E402
from gxnlp.text.segment import Segmenter, load_userdict, make_nlp  # noqa: E402


def gx_segment(text: str) -> int:
    """One text through the gxnlp pipeline (no cache); returns the token count."""
    return len(make_nlp()(text))


def jieba_segment(text: str) -> int:
    return len(jieba.lcut(text))


def gx_segment_jieba(text: str) -> int:
    return len(make_nlp(overrides={"nlp.tokenizer.backend": "jieba"})(text))


def narrative_texts(shared: Path) -> list[str]:
    from gxnlp.structure.parse import parse_path

    files = sorted((shared / "seeds").glob("*.txt")) + sorted((shared / "corpora" / "pingtan").glob("*/page.txt"))
    out = []
    for f in files:
        rep = parse_path(f)
        for sec in ("overview", "problems"):
            if rep.sections.get(sec):
                out.append(rep.sections[sec])
    return out


CPU: dict[str, float] = {}


def timed(label: str, func, texts: list[str]) -> float:
    """Wall-clock chars/s (printed with this process's CPU-time chars/s, which a loaded machine
    disturbs less; for the pool the CPU column is only the parent's share and not meaningful)."""
    c0, t0 = time.process_time(), time.perf_counter()
    func(texts)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(map(len, texts))
    rate = chars / dt
    CPU[label] = chars / max(dc, 1e-9)
    print(f"{label:<10} {chars:>9} chars  {dt:7.2f} s wall {rate:>12,.0f} chars/s   cpu {CPU[label]:>12,.0f} chars/s")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()
    base = narrative_texts(args.shared)
    texts = base * args.repeat
    print(f"{len(base)} narrative sections x {args.repeat} = {len(texts)} texts; workers={args.workers}")
    load_userdict()
    make_nlp()
    jieba_segment("预热")
    gx_segment("预热")
    from gxnlp.text.segment import _jieba_piece, _rjieba, jieba_cut

    fast = _rjieba()
    gx_segment_jieba("预热")
    r_base = timed("baseline", lambda ts: [jieba_segment(t) for t in ts], texts)
    r_rj = timed("rjieba", lambda ts: [fast.cut(t) for t in ts], texts)
    r_cold = timed("cut-cold", lambda ts: [(_jieba_piece.cache_clear(), jieba_cut(t)) for t in ts], texts)
    r_cut = timed("cut", lambda ts: [jieba_cut(t) for t in ts], texts)
    r_cutj = timed("cut-jieba", lambda ts: [jieba_cut(t, "jieba") for t in ts], texts)
    r_gxj = timed("gxnlp-jieba", lambda ts: [gx_segment_jieba(t) for t in ts], texts)
    r_one = timed("gxnlp-1", lambda ts: [gx_segment(t) for t in ts], texts)
    r_all = timed("gxnlp-all", lambda ts: list(process_map(gx_segment, ts, workers=args.workers)), texts)
    seg = Segmenter(memory_cache=len(base) + 1)
    for i, t in enumerate(base):
        seg.segment_text(t, report_id=str(i), section="x")
    r_cache = timed("cached", lambda ts: [seg.segment_text(t, report_id=str(i % len(base)), section="x")
                                          for i, t in enumerate(ts)], texts)
    same = sum(jieba_cut(t) == jieba.lcut(t) for t in base)
    rj_same = sum(fast.cut(t) == jieba.lcut(t) for t in base)
    print(f"tokens identical to jieba.lcut: jieba_cut {same}/{len(base)} texts, plain rjieba {rj_same}/{len(base)}")
    for label in ("rjieba", "cut-cold", "cut", "cut-jieba", "gxnlp-jieba", "gxnlp-1"):
        print(f"ratio {label:<11} / jieba.lcut = {CPU[label] / CPU['baseline']:.2f} (cpu time)  "
              f"{CPU[label] / 1e6:.2f} M chars/s of CPU")
    print(f"ratio gxnlp-1 / jieba.lcut   = {r_one / r_base:.2f}  (cpu time: {CPU['gxnlp-1'] / CPU['baseline']:.2f})")
    print(f"ratio gxnlp-all / jieba.lcut = {r_all / r_base:.2f}  (workers={args.workers})")
    print(f"ratio cached / jieba.lcut    = {r_cache / r_base:.2f}")


if __name__ == "__main__":
    main()
