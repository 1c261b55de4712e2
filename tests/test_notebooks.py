"""Every research notebook executes top to bottom, and the committed ones carry their outputs.

The notebooks of one test run share one data folder (``GXNLP_NOTEBOOK_DATA``), so each corpus is
built once, and use the first 60 demo reports (``GXNLP_NOTEBOOK_DEMO_N``) where they need the demo
corpus; the real reports in ../shared are used when present, as the notebooks do.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def notebook_env(tmp_path_factory):
    """Environment of the notebook kernels (they inherit this process's environment)."""
    saved = dict(os.environ)
    os.environ["GXNLP_NOTEBOOK_DATA"] = str(tmp_path_factory.mktemp("notebook_data"))
    os.environ["GXNLP_NOTEBOOK_DEMO_N"] = "60"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, notebook_env):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue")
    assert any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebooks_show_their_figures(path):
    """Opened from a fresh clone, a notebook shows its results without running anything."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("outputs") for c in code[:1]), "the setup cell has no output: run python -m gxnlp.notebooks"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure saved in the notebook"
    assert not any("matplotlib.use(" in "".join(c["source"]) for c in code)  # figures inline


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5
