"""Reading report files into :class:`~gxnlp.reuse.ReuseDoc` records (picklable, for process pools)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import GxnlpError, error_record
from .detector import ReuseDoc


def load_doc(path: str | Path) -> ReuseDoc | dict[str, Any]:
    """Ingest + structure one file into a ReuseDoc, or ``{"source", "error"}`` on a bad file.

    The narrative is the ``overview`` and ``problems`` sections; a report where neither was
    found falls back to its whole text (noted in ``meta["warnings"]``).
    """
    from ..structure.parse import parse_path

    try:
        report = parse_path(path)
    except GxnlpError as exc:
        return error_record(str(path), exc)
    except Exception as exc:  # one bad file must not stop a corpus
        return error_record(str(path), exc)
    doc = ReuseDoc.from_report(report)
    warnings = []
    if not doc.text and report.document is not None:
        doc.text = report.document.text
        warnings.append("no overview/problems section found: the whole text is compared")
    doc.meta.update({"title": report.title, "warnings": warnings + list(report.warnings)})
    return doc
