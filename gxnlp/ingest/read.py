"""Read a report file (txt, md, HTML, PDF, docx; any common Chinese encoding) into a clean Document.

>>> from gxnlp.ingest.read import read_document
>>> doc = read_document("corpora/demo/some_report.html")  # doctest: +SKIP
>>> doc.encoding, doc.text[:20]  # doctest: +SKIP
"""
from __future__ import annotations

import codecs
import hashlib
import io
import re
from pathlib import Path

from . import chrome
from . import normalize
from ..model import Document, Grid, IngestError

#: Files larger than this are refused (a report is tens of KB; a 50 MB "report" is a mistake).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses characters.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc-cn", "x-gbk"}


def report_id_of(data: bytes) -> str:
    """Content hash identifying a report: the same bytes give the same id anywhere."""
    return hashlib.sha1(data).hexdigest()[:16]


def _canonical_encoding(name: str) -> str:
    name = name.lower().replace("_", "-")
    if name in _GB_FAMILY or name.replace("-", "") in {"gb2312", "gbk", "gb18030"}:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 50)


def decode_bytes(data: bytes, declared: str | None = None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding used). Never guesses silently.

    Order: BOM, the declared charset (``<meta charset>``), strict UTF-8, then
    charset-normalizer's detection, which adds a warning naming the guess.
    """
    warnings = [] if warnings is None else warnings
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc.replace("-sig", "") + " (BOM)"
    if _looks_binary(data):
        raise IngestError("binary", "binary content (NUL or control bytes), not a text report")
    if declared:
        enc = _canonical_encoding(declared)
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"declared charset {declared!r} does not decode the file; detecting instead")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("unreadable", "could not detect the text encoding (not UTF-8, GB18030 or any known charset)")
    enc = _canonical_encoding(best.encoding)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        text = data.decode(enc, errors="replace")
        warnings.append(f"some bytes are not valid {enc} and were replaced")
    warnings.append(f"encoding not declared; detected {enc} (charset-normalizer)")
    return text, enc


def _sniff_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if suffix in {".docx", ""} or b"word/" in data[:4096] else "zip"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
        return "md" if suffix == ".md" else "txt"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix == ".doc":
        raise IngestError("unsupported", "legacy Word .doc is not supported; convert it to .docx or PDF")
    raise IngestError("unsupported", f"unsupported file type {suffix!r} (txt, md, html, pdf, docx)")


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "nav", "header", "footer", "form", "button",
              "select", "input", "template", "object", "embed")
_CHROME_ATTR = re.compile(r"(?:^|[\s_-])(?:nav|menu|breadcrumb|crumb|footer|header|share|sidebar|topbar|toolbar"
                          r"|position|location|bdsharebuttonbox|fontsize|print|close)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "blockquote", "pre", "dd", "dt", "dl", "hr", "center", "main", "aside", "caption", "tbody",
               "thead", "tfoot", "figure", "address"}


def table_grid(table) -> list[list[str]]:
    """Resolve an HTML ``<table>`` into a rectangular grid, filling rowspan/colspan cells."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        row: list[str] = []
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = re.sub(r"\s+", " ", cell.get_text(" ", strip=True)).strip()
            try:
                rowspan = max(1, min(int(cell.get("rowspan", 1) or 1), 500))
                colspan = max(1, min(int(cell.get("colspan", 1) or 1), 100))
            except ValueError:
                rowspan, colspan = 1, 1
            for dc in range(colspan):
                row.append(text)
                for dr in range(1, rowspan):
                    pending[(r + dr, c + dc)] = text
            c += colspan
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _render_rows(table) -> str:
    """The table as the page prints it, one ``a | b | c |`` line per row, each cell once."""
    lines = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [re.sub(r"\s+", " ", c.get_text(" ", strip=True)).strip() for c in tr.find_all(["td", "th"], recursive=False)]
        lines.append(" | ".join(cells) + " |")
    return "\n".join(lines)


def html_to_text(html: str, warnings: list[str]) -> tuple[str, list[list[list[str]]], dict[str, str]]:
    """Page text with chrome elements removed and tables rendered as ``a | b | c`` rows."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    if soup.title and soup.title.string:
        meta["page_title"] = soup.title.string.strip()
    for m in soup.find_all("meta"):
        name = (m.get("name") or "").lower()
        if name in {"articletitle", "title"} and m.get("content"):
            meta.setdefault("title", m["content"].strip())
        elif name in {"contentsource", "source"} and m.get("content"):
            meta.setdefault("source_org", m["content"].strip())
        elif name in {"pubdate", "publishdate", "firstpublishedtime"} and m.get("content"):
            meta.setdefault("published", m["content"].strip())
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "table", "tr", "td", "th"):
            continue
        attrs = " ".join([" ".join(tag.get("class") or []), tag.get("id") or ""])
        if attrs.strip() and _CHROME_ATTR.search(attrs) and len(tag.get_text(strip=True)) < 300:
            tag.decompose()
    grids: list[list[list[str]]] = []
    # Innermost tables first so a layout table wrapping the report is not flattened whole.
    tables = soup.find_all("table")
    for table in reversed(tables):
        if table.decomposed:
            continue
        if table.find("table"):
            continue  # a layout table: its inner tables are handled; keep its other text
        grid = table_grid(table)
        if not grid:
            table.decompose()
            continue
        grids.append(grid)
        table.replace_with(NavigableString("\n" + _render_rows(table) + "\n"))
    grids.reverse()
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))
    body = soup.body or soup
    text = body.get_text()
    if not re.search(r"</html\s*>|</body\s*>", html[-4096:], re.I):
        warnings.append("HTML looks truncated (no closing </body> or </html>); text may be incomplete")
    return text, grids, meta


# --------------------------------------------------------------------------- PDF and docx

def pdf_to_text(data: bytes, warnings: list[str], grids: list[Grid] | None = None) -> str:
    """The PDF's text, page by page; ``grids`` (when given) receives its tables as grids
    (ruled tables and word-position rows, :mod:`gxnlp.ingest.pdf_grids`)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    from .pdf_grids import pdf_grids

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(page.extract_text() or "") for page in pdf.pages]
            if grids is not None and any(p.strip() for p in pages):
                try:
                    grids.extend(pdf_grids(pdf))
                except Exception as exc:  # a damaged page must not lose the text route
                    warnings.append(f"PDF tables could not be read as grids ({type(exc).__name__}: {exc}); "
                                    "text only")
    except PDFSyntaxError as exc:
        raise IngestError("unreadable", f"not a readable PDF ({exc})") from exc
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        raise IngestError("unreadable", f"PDF could not be read: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise IngestError("empty", "PDF has no pages")
    chars = sum(len(re.sub(r"\s", "", p)) for p in pages)
    if chars < 20 * len(pages) and chars < 200:
        raise IngestError("no_text_layer", f"no text layer (scanned, {len(pages)} pages); OCR needed")
    empty = [i + 1 for i, p in enumerate(pages) if not p.strip()]
    if empty:
        warnings.append(f"PDF pages without a text layer (scanned?): {empty}")
    return "\n".join(pages)


def docx_to_text(data: bytes, warnings: list[str]) -> tuple[str, list[list[list[str]]]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise IngestError("unreadable", f"not a readable .docx: {type(exc).__name__}: {exc}") from exc
    parts: list[str] = []
    grids: list[list[list[str]]] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            # python-docx repeats a merged cell in every grid position it spans: spans come resolved.
            grid = []
            for row in table.rows:
                cells = row.cells
                grid.append([re.sub(r"\s+", " ", cell.text).strip() for cell in cells])
                once = [c for i, c in enumerate(cells) if i == 0 or c._tc is not cells[i - 1]._tc]
                parts.append(" | ".join(re.sub(r"\s+", " ", c.text).strip() for c in once) + " |")
            grids.append(grid)
    return "\n".join(parts), grids


# --------------------------------------------------------------------------- entry point

def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one report file into a normalised :class:`Document`.

    Raises :class:`IngestError` with a specific ``code`` for files that cannot be a report
    (empty, binary junk, too large, scanned PDF, unsupported type).
    """
    path = Path(path)
    if not path.exists():
        raise IngestError("not_found", f"no such file: {path}")
    if not path.is_file():
        raise IngestError("unsupported", f"not a regular file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty", "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(
            "too_large",
            f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit for one report "
            "(raise --max-mb if this really is one report)",
        )
    data = path.read_bytes()
    warnings: list[str] = []
    fmt = _sniff_format(path, data)
    grids: list[list[list[str]]] = []
    meta: dict[str, str] = {}
    encoding: str | None = None
    if fmt == "zip":
        raise IngestError("unsupported", "a ZIP archive, not a .docx report")
    pdf_tables: list[Grid] = []
    if fmt == "pdf":
        raw = pdf_to_text(data, warnings, pdf_tables)
    elif fmt == "docx":
        raw, grids = docx_to_text(data, warnings)
    else:
        declared = None
        if fmt == "html":
            m = _META_CHARSET.search(data[:4096])
            declared = m.group(1).decode("ascii") if m else None
        raw, encoding = decode_bytes(data, declared, warnings)
        if fmt == "html":
            raw, grids, meta = html_to_text(raw, warnings)
    if "\ufffd" in raw[:5000] and raw.count("\ufffd") > 20:
        warnings.append(f"{raw.count(chr(0xFFFD))} undecodable characters (U+FFFD) in the text")
    text = normalize.normalise(raw, warnings)
    if fmt == "pdf":
        text = normalize.close_pdf_number_gaps(text)
    if fmt == "html":
        grids = [[[normalize.normalise(c) for c in row] for row in grid] for grid in grids]
    all_grids = [Grid(fmt, g) for g in grids] + [
        Grid(g.kind, [[None if c is None else normalize.normalise(c) for c in row] for row in g.rows], g.page)
        for g in pdf_tables]
    text, page_meta = chrome.strip_chrome(text, warnings)
    for k, v in page_meta.items():
        meta.setdefault(k, v)
    for k in ("title", "agency", "source_org"):
        if k in meta:
            meta[k] = normalize.normalise(meta[k])
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise IngestError("no_chinese_text", "no Chinese text found: not a report (or the wrong encoding)")
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    if cjk < 50:
        warnings.append(f"very short document ({cjk} Chinese characters)")
    return Document(
        source=str(path),
        report_id=report_id_of(data),
        text=text,
        format=fmt,
        encoding=encoding,
        html_tables=grids,
        grids=all_grids,
        meta=meta,
        warnings=warnings,
    )
