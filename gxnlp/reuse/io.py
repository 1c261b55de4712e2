"""Reading report files into :class:`~gxnlp.reuse.ReuseDoc` records (picklable, for process pools)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .detector import ReuseDoc


def load_doc(path: str | Path) -> ReuseDoc | dict[str, Any]:
    """Ingest + structure one file into a ReuseDoc, or ``{"source", "error"}`` on a bad file.

    The narrative is the ``overview`` and ``problems`` sections; a report where neither was
    found falls back to its whole text (noted in ``meta["warnings"]``).
    """
    from ..runner import stage_record

    return stage_record(path, "reuse")
