"""The records that flow between stages: ingest -> structure -> tables/text/reuse.

Each stage is a function of one record, so a corpus streams through a process pool
(or a Dask bag) one document at a time.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .genre.sections import NARRATIVE_SECTIONS, SECTION_KEYS
from .genre.templates import TEMPLATES

#: The one default random seed of every model, sampler and command (same corpus + seed -> same output).
DEFAULT_SEED: int = 0


class GxnlpError(Exception):
    """Base class of the errors gxnlp raises on a bad document."""


class IngestError(GxnlpError):
    """A file could not be read into a document.

    ``code`` is a short machine-readable reason (``empty``, ``binary``, ``too_large``,
    ``no_text_layer``, ``unsupported``, ``unreadable``, ``not_found``, ``not_a_report``).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Grid:
    """A table as the source lays it out: rows of cell texts, merged cells resolved.

    ``kind`` says where the grid came from: ``html`` (``<table>``, rowspan/colspan filled),
    ``docx`` (Word table), ``pdf_ruled`` (pdfplumber's table finder on ruling lines; ``None``
    marks a position covered by a merged cell, ``""`` an empty cell) or ``pdf_words`` (rows
    rebuilt from word positions for unruled tables). ``page`` is 1-based for PDFs.
    """

    kind: str
    rows: list[list[str | None]]
    page: int | None = None


@dataclass
class Document:
    """One ingested file: clean text plus what was learned while reading it.

    ``text`` is normalised (pinyin glosses removed, traditional -> simplified, full-width
    digits/letters -> ASCII, web chrome stripped) with ``\\n`` line breaks. HTML tables are
    kept twice: rendered into ``text`` as ``a | b | c`` rows (so section finding and text
    extractors see them) and as resolved grids in ``html_tables`` (rowspan/colspan filled).
    ``grids`` holds every table the file has as a grid, whatever the format (HTML, Word,
    PDF ruled tables, PDF word rows), with its kind and page.
    """

    source: str
    report_id: str
    text: str
    format: str
    encoding: str | None = None
    html_tables: list[list[list[str]]] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A structured report: metadata and the six canonical sections."""

    source: str
    report_id: str
    title: str | None
    agency: str | None
    year: int | None
    published: str | None
    region: dict[str, str | None]
    template: str
    sections: dict[str, str | None]
    encoding: str | None
    warnings: list[str] = field(default_factory=list)
    #: (start, end) character offsets of each found section in ``document.text``.
    section_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    document: Document | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of the ``gxnlp parse`` contract."""
        return {
            "source": self.source,
            "report_id": self.report_id,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "region": dict(self.region),
            "template": self.template,
            "sections": {k: self.sections.get(k) for k in SECTION_KEYS},
            "encoding": self.encoding,
            "warnings": list(self.warnings),
        }


def error_record(source: str, error: BaseException) -> dict[str, Any]:
    """The record printed for a file that could not be processed."""
    code = getattr(error, "code", type(error).__name__)
    return {"source": source, "error": f"{code}: {error}"}


__all__ = [
    "SECTION_KEYS",
    "NARRATIVE_SECTIONS",
    "TEMPLATES",
    "DEFAULT_SEED",
    "GxnlpError",
    "IngestError",
    "Document",
    "Grid",
    "Report",
    "error_record",
    "asdict",
]
