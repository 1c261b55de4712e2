"""The panel stage of the dataset build: ``reports.agency_key`` over the corpus and the ``panel_*`` tables.

Registered in :data:`gxnlp.dataset.build.CORPUS_STAGES` as ``"panel"``. Reads the stored reports,
cells, statements and findings (no file is read again); the copied-from-earlier shares come from a
reuse detector fitted on the stored narrative with the build's seed, as the reuse stage's.
"""
from __future__ import annotations

import pandas as pd

from ..model import DEFAULT_SEED
from ..panel.identity import parse_aliases
from ..panel.records import from_dataset
from ..panel.series import build_panel
from .schema import _insert


def _aliases(con) -> dict[str, str] | None:
    rows = con.execute("SELECT value FROM build_state WHERE key = 'aliases'").fetchall()
    return parse_aliases(rows[0][0], "the build's alias table") if rows and rows[0][0] else None


def panel_stage(con, seed: int = DEFAULT_SEED) -> None:
    reports = from_dataset(con)
    panel = build_panel(reports, aliases=_aliases(con), seed=seed)
    keys = [(r.report_id, r.agency_key) for r in reports]
    con.register("_keys", pd.DataFrame(keys, columns=["report_id", "agency_key"]))
    con.execute("UPDATE reports SET agency_key = k.agency_key FROM _keys k WHERE reports.report_id = k.report_id")
    con.unregister("_keys")
    for name, df in panel.tables().items():
        if name == "panel_reports":
            continue
        con.execute(f"DELETE FROM {name}")
        _insert(con, name, df.to_dict("records"))
