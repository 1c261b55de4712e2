"""gxnlp: text mining for Chinese government information disclosure annual reports."""
from __future__ import annotations

__version__ = "0.1.0"

from .model import SECTION_KEYS, Document, GxnlpError, IngestError, Report


def load(path):
    """Open a dataset built by ``gxnlp build`` (see :func:`gxnlp.dataset.load`)."""
    from .dataset.build import load as _load

    return _load(path)


__all__ = ["__version__", "SECTION_KEYS", "Document", "Report", "GxnlpError", "IngestError", "load"]
