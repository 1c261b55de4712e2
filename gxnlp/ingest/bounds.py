"""Checks that a document stays within :class:`gxnlp.limits.Limits` *before* the costly step:
a .docx's members are measured before any is inflated, an HTML page's nesting and element
count before it is parsed, a PDF's page count before its pages are read. Each check is linear
in the file size and raises :class:`~gxnlp.model.IngestError` (``too_large``) naming the limit
and the option that changes it.
"""
from __future__ import annotations

import io
import re
import zipfile

from ..limits import Limits
from ..model import IngestError


def check_zip(data: bytes, limits: Limits, kind: str = ".docx") -> None:
    """Member count and total inflated size of a ZIP container, from its directory (nothing is
    inflated). The sizes the directory declares are binding: Python's zipfile never inflates a
    member past its declared size (the CRC check fails), and only stored and deflated members,
    whose inflation is bounded per read, are accepted."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise IngestError("unreadable", f"not a readable {kind} (damaged ZIP container: {exc})") from exc
    if limits.max_zip_entries and len(infos) > limits.max_zip_entries:
        raise IngestError("too_large", f"the {kind} holds {len(infos):,} files, over the limit of "
                          f"{limits.max_zip_entries:,} (a report has a few dozen)")
    odd = sorted({i.compress_type for i in infos} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
    if odd:
        raise IngestError("unsupported", f"the {kind} uses ZIP compression method(s) {odd}; Word writes only "
                          "stored and deflated members")
    inflated = sum(i.file_size for i in infos)
    if inflated > limits.max_inflated_bytes:
        raise IngestError("too_large", f"the {kind} inflates to {inflated / 2**20:,.1f} MB, over the "
                          f"{limits.max_inflated_bytes / 2**20:,.0f} MB limit ({limits.inflate_factor:g} x --max-mb; "
                          "raise --max-mb if this really is one report)")


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>|<!--.*?-->", re.S)
#: Elements that never contain others, and those whose end tag may be omitted (closed implicitly
#: by the next sibling): neither deepens the page.
_FLAT = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rt", "rp",
})


def html_shape(html: str) -> tuple[int, int]:
    """(deepest nesting, number of elements) of an HTML page, by one linear scan of its tags."""
    depth = deepest = elements = 0
    for m in _TAG.finditer(html):
        name = m.group(2)
        if name is None:  # a comment
            continue
        name = name.lower()
        if m.group(1):
            if name not in _FLAT and depth:
                depth -= 1
            continue
        elements += 1
        if name in _FLAT or m.group(3):
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
    return deepest, elements


def check_html(html: str, limits: Limits) -> None:
    depth, elements = html_shape(html)
    if limits.max_html_depth and depth > limits.max_html_depth:
        raise IngestError("too_large", f"HTML nests elements {depth:,} deep, over the limit of "
                          f"{limits.max_html_depth:,} (report pages nest a few dozen)")
    if limits.max_html_elements and elements > limits.max_html_elements:
        raise IngestError("too_large", f"HTML has {elements:,} elements, over the limit of "
                          f"{limits.max_html_elements:,}")


def check_pdf(data: bytes, limits: Limits) -> None:
    """The page count the PDF's page tree declares (damaged files are left to the reader's error)."""
    if not limits.max_pdf_pages:
        return
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1

        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = int(resolve1(resolve1(doc.catalog["Pages"])["Count"]))
    except Exception:  # noqa: BLE001 - an unreadable PDF gets its specific error from the reader
        return
    if pages > limits.max_pdf_pages:
        raise IngestError("too_large", f"the PDF has {pages:,} pages, over the limit of {limits.max_pdf_pages:,} "
                          "(a report has a few dozen)")
