"""The research notebooks' shared setup, and the command that regenerates them.

In a notebook::

    from gxnlp.notebooks import open_corpus
    corpus = open_corpus()      # the real reports in ../shared when present, else the demo corpus
    corpus.dataset.wide()

Regenerate every notebook in place, outputs (figures as PNG) included::

    python -m gxnlp.notebooks            # all of notebooks/*.ipynb
    python -m gxnlp.notebooks 03 05      # those whose name starts with 03 or 05

Environment:

- ``GXNLP_NOTEBOOK_DATA`` — folder of the built datasets (default ``out/`` of the checkout). Every
  notebook builds into it incrementally, so one build serves them all; the tests point it at one
  temporary folder shared by the notebooks of a run.
- ``GXNLP_NOTEBOOK_CORPUS`` — ``real`` or ``demo`` forces the corpus (default: real when ``../shared``
  holds the reports).
- ``GXNLP_NOTEBOOK_DEMO_N`` — use only the first N demo reports (by file name), for quick checks.
- ``GXNLP_SHARED`` — where the real reports are (default ``../shared`` beside the checkout).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: The checkout (the notebooks, the demo corpus and ``out/`` are found from here).
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEMO = ROOT / "corpora" / "demo"


def shared_dir() -> Path:
    return Path(os.environ.get("GXNLP_SHARED", ROOT.parent / "shared"))


def data_dir() -> Path:
    path = Path(os.environ.get("GXNLP_NOTEBOOK_DATA", ROOT / "out"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def real_reports_present() -> bool:
    return (shared_dir() / "corpora" / "pingtan").is_dir()


@dataclass
class Corpus:
    """A corpus a notebook works on: its files, its built dataset, and what it is."""

    name: str  # "real" or "demo"
    paths: list[Path]
    db: Path
    description: str
    stats: object = None
    _dataset: object = field(default=None, repr=False)

    @property
    def is_real(self) -> bool:
        return self.name == "real"

    @property
    def dataset(self):
        if self._dataset is None:
            import gxnlp

            self._dataset = gxnlp.load(self.db)
        return self._dataset

    def __repr__(self) -> str:
        return f"Data: {self.description}"

    def _repr_markdown_(self) -> str:
        return f"**Data: {self.description}**"


def _demo_paths() -> tuple[list[Path], str]:
    n = os.environ.get("GXNLP_NOTEBOOK_DEMO_N")
    if not n:
        return [DEMO], "the generated demo corpus (corpora/demo, 300 reports with ground truth)"
    from .pipeline import iter_files

    files = sorted(iter_files([DEMO]), key=lambda p: p.name)[: int(n)]
    return files, f"the first {len(files)} reports of the generated demo corpus (corpora/demo, with ground truth)"


def open_corpus(which: str | None = None, *, build: bool = True) -> Corpus:
    """The corpus of a notebook, built (incrementally) into the notebooks' data folder.

    ``which`` is ``"real"`` (the real reports in ``../shared``: Pingtan 2011–2025, the seed reports,
    the Huai'an PDF; other files there are skipped as not reports), ``"demo"``, or None: real when
    present, else demo (``GXNLP_NOTEBOOK_CORPUS`` overrides).
    """
    which = which or os.environ.get("GXNLP_NOTEBOOK_CORPUS") or ("real" if real_reports_present() else "demo")
    if which == "real":
        if not real_reports_present():
            raise FileNotFoundError(f"the real reports are not at {shared_dir()} (set GXNLP_SHARED)")
        shared = shared_dir()
        # the report folders, and the markdown notes beside them (which the build skips as not reports)
        paths = [p for p in (shared / "seeds", shared / "corpora") if p.is_dir()] + sorted(shared.glob("*.md"))
        description = (f"the real reports in {shared_dir().name}/ (Pingtan 2011–2025, five seed reports, one PDF; "
                       "not developed blind: the project's parsers were developed on them)")
        suffix = ""
    elif which == "demo":
        paths, description = _demo_paths()
        suffix = f"_{len(paths)}" if os.environ.get("GXNLP_NOTEBOOK_DEMO_N") else ""
    else:
        raise ValueError(f"unknown corpus {which!r}: real or demo")
    corpus = Corpus(which, paths, data_dir() / f"{which}{suffix}.duckdb", description)
    if build:
        from .dataset.build import build as build_dataset

        corpus.stats = build_dataset(paths, corpus.db, workers=int(os.environ.get("GXNLP_NOTEBOOK_WORKERS", "2")))
    return corpus


def demo_truth(name: str):
    """A ground-truth table of the demo corpus (``documents``, ``errors``, ``reuse_pairs`` … as JSON
    lines, ``cells`` as CSV) as a DataFrame."""
    import pandas as pd

    truth = DEMO / "truth"
    if (truth / f"{name}.csv").exists():
        return pd.read_csv(truth / f"{name}.csv", dtype={"report_id": str})
    return pd.read_json(truth / f"{name}.jsonl", lines=True, dtype={"report_id": str})


# --------------------------------------------------------------------------- regenerate

def execute(path: Path, timeout: int = 1800) -> float:
    """Run one notebook top to bottom in place (outputs saved); returns the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        raise RuntimeError(f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}")
    for cell in nb.cells:  # stable files: no run-specific metadata
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxnlp.notebooks",
                                     description="Execute the research notebooks in place, saving their outputs.")
    parser.add_argument("names", nargs="*", help="notebooks to run (name prefixes, e.g. 03); default all")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in args.names)]
    if not paths:
        print(f"no notebooks matched in {NOTEBOOKS}", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            seconds = execute(path)
        except Exception as exc:  # noqa: BLE001 - report each notebook, go on with the others
            print(f"FAILED {path.name}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"ran {path.name} in {seconds:.0f} s", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
