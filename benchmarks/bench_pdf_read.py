"""Where a PDF's reading time goes: parsing the page content vs the three routes read from it.

``gxnlp`` reads a PDF through pdfplumber once per file (:func:`gxnlp.ingest.read.pdf_to_text`):
each page's content stream is parsed into character objects once (pdfplumber caches them on the
page), and three routes are read from those objects — the page text, the ruled tables
(``find_tables``) and the word rows (``extract_words``). This script measures, per PDF and in
total, the CPU of each part (second of two passes, so imports and caches of the first are not
counted):

    python benchmarks/bench_pdf_read.py CORPUS_OR_PDF ...      # e.g. a synth corpus and ../shared/corpora/pdf

What it answers: how much reading a PDF once more cleverly could save (only the three routes'
share; the parse is paid once already).
"""
from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path


def measure(data: bytes) -> dict[str, float]:
    import pdfplumber

    from gxnlp.ingest.pdf_grids import ruled_grids, word_grid

    t: dict[str, float] = {"parse": 0.0, "text": 0.0, "ruled tables": 0.0, "word rows": 0.0}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            for name, read in (("parse", lambda: page.chars), ("text", page.extract_text),
                               ("ruled tables", lambda: ruled_grids(page, n)), ("word rows", lambda: word_grid(page, n))):
                c = time.process_time()
                read()
                t[name] += time.process_time() - c
    return t


def main() -> None:
    files = sorted(p for arg in sys.argv[1:] for p in ([Path(arg)] if Path(arg).is_file() else Path(arg).rglob("*.pdf")))
    total: dict[str, float] = {}
    for f in files:
        data = f.read_bytes()
        measure(data)  # warm: imports, font caches
        for k, v in measure(data).items():
            total[k] = total.get(k, 0.0) + v
    cpu = sum(total.values())
    print(json.dumps({"pdfs": len(files), "cpu_s": round(cpu, 3),
                      "share": {k: round(v / cpu, 3) for k, v in total.items()} if cpu else {},
                      "cpu_s_by_part": {k: round(v, 3) for k, v in total.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
