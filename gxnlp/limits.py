"""The bounds on what one document may cost: size, inflation, nesting, pages, time, memory.

A report is tens of kilobytes; these defaults are two to three orders of magnitude above any
real report, so only broken or hostile files meet them. A document over a limit gets an
:class:`~gxnlp.model.IngestError` naming the limit and the option that raises it, and the
corpus goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    """Per-document bounds (CLI: ``--max-mb``, ``--timeout``, ``--max-memory``).

    ``max_mb``: file size on disk; a .docx may inflate to ``inflate_factor`` times that
    (the sum of its members' sizes, checked before any member is inflated), in at most
    ``max_zip_entries`` members. HTML: ``max_html_depth`` nested elements and
    ``max_html_elements`` elements. PDF: ``max_pdf_pages`` pages. ``timeout``: seconds one
    document may take (the worker is replaced when it hangs). ``max_memory_mb``: resident
    memory of one worker process. ``0`` or ``None`` switches a bound off.
    """

    max_mb: float = 20.0
    inflate_factor: float = 10.0
    max_zip_entries: int = 2000
    max_html_depth: int = 256
    max_html_elements: int = 500_000
    max_pdf_pages: int = 500
    timeout: float | None = 120.0
    max_memory_mb: float | None = 2048.0

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 2**20) if self.max_mb else 2**62

    @property
    def max_inflated_bytes(self) -> int:
        return int(self.max_mb * self.inflate_factor * 2**20) if self.max_mb and self.inflate_factor else 2**62

    def with_options(self, *, max_mb: float | None = None, timeout: float | None = None,
                     max_memory_mb: float | None = None) -> Limits:
        """These limits with the CLI options that were given (``None`` keeps the default)."""
        changes = {k: v for k, v in (("max_mb", max_mb), ("timeout", timeout), ("max_memory_mb", max_memory_mb))
                   if v is not None}
        return replace(self, **changes)


DEFAULT_LIMITS = Limits()
